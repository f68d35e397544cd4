import { checkSegmentWrite, type StoredSegment } from '../../../server/src/segments/check-write';

const opts = { retentionDays: 90 };
const existing: StoredSegment[] = [
  { documentId: 'd-vip', key: 'vip', rule: { plan: 'gold' } },
  { documentId: 'd-de', key: 'germany', rule: { country: 'DE' } },
  {
    documentId: 'd-vip-de',
    key: 'vip-germany',
    rule: { $and: [{ $segment: 'vip' }, { $segment: 'germany' }] },
  },
];

describe('checkSegmentWrite', () => {
  it('accepts a valid new segment, including references to existing ones', () => {
    expect(
      checkSegmentWrite(
        { key: 'new', rule: { $segment: 'vip', age: { $gte: 18 } } },
        existing,
        opts
      )
    ).toEqual([]);
  });

  it('names the JSON path of every rule problem under `rule`', () => {
    const errors = checkSegmentWrite(
      {
        key: 'bad',
        rule: { $and: [{ age: { $gt: 'x', $between: [1, 2] } }, { $segment: 'nope' }] },
      },
      existing,
      opts
    );
    const paths = errors.map((e) => e.path);
    expect(paths).toContain('rule.$and[0].age.$between');
    expect(paths.some((p) => p.startsWith('rule.$and[1]'))).toBe(true);
    expect(errors.every((e) => e.message.length > 0)).toBe(true);
  });

  it('rejects a rule that is not an object at the field itself', () => {
    expect(checkSegmentWrite({ key: 'bad', rule: 'country = DE' }, existing, opts)[0].path).toBe(
      'rule'
    );
  });

  it('rejects a duplicate key', () => {
    expect(checkSegmentWrite({ key: 'vip', rule: {} }, existing, opts)).toEqual([
      { path: 'key', message: expect.stringContaining('already uses') },
    ]);
  });

  it('rejects a reference cycle, including one through an update', () => {
    expect(checkSegmentWrite({ key: 'loop', rule: { $segment: 'loop' } }, existing, opts)).toEqual(
      expect.arrayContaining([{ path: 'rule', message: expect.stringContaining('cycle') }])
    );
    const errors = checkSegmentWrite(
      { documentId: 'd-vip', key: 'vip', rule: { $segment: 'vip-germany' } },
      existing,
      opts
    );
    expect(errors).toEqual([
      { path: 'rule', message: 'segment references form a cycle: vip → vip-germany → vip' },
    ]);
  });

  it('keeps a referenced key immutable, but lets an unreferenced one change', () => {
    expect(
      checkSegmentWrite(
        { documentId: 'd-vip', key: 'gold', rule: { plan: 'gold' } },
        existing,
        opts
      )
    ).toEqual([{ path: 'key', message: expect.stringContaining('referenced by vip-germany') }]);
    expect(
      checkSegmentWrite(
        { documentId: 'd-vip-de', key: 'vip-de', rule: existing[2].rule },
        existing,
        opts
      )
    ).toEqual([]);
  });

  it('lets an update keep its own key', () => {
    expect(
      checkSegmentWrite(
        { documentId: 'd-de', key: 'germany', rule: { country: 'AT' } },
        existing,
        opts
      )
    ).toEqual([]);
  });
});
