import { expiryClauses } from '../../../server/src/segments/expiry';

describe('expiry clauses of a rule (when its answer can change with no new event)', () => {
  it('finds hour and calendar-day windows at any depth, once each', () => {
    const rule = {
      $and: [
        { $event: { name: 'view', within: { hours: 6 } } },
        {
          $or: [
            { $event: { name: 'purchase', within: { days: 90 }, count: { $gte: 3 } } },
            { plan: 'gold' },
          ],
        },
        { $not: { $event: { name: 'view', within: { hours: 6 } } } },
      ],
    };
    expect(expiryClauses(rule)).toEqual([
      { event: 'view', afterMs: 6 * 3_600_000 },
      { event: 'purchase', afterDays: 90 },
    ]);
  });

  it('turns first/last durations into offsets: exact on raw events, both candidate midnights on rollups', () => {
    expect(
      expiryClauses({ $event: { name: 'purchase', last: { $within: { days: 30 } } } })
    ).toEqual([
      { event: 'purchase', afterDays: 30 },
      { event: 'purchase', afterDays: 31 },
    ]);
    expect(expiryClauses({ $event: { name: 'login', first: { $before: { hours: 2 } } } })).toEqual([
      { event: 'login', afterMs: 2 * 3_600_000 },
    ]);
  });

  it('needs nothing for rules that time cannot change', () => {
    expect(expiryClauses({ plan: 'gold' })).toEqual([]);
    expect(expiryClauses({ $event: { name: 'purchase', count: { $gte: 2 } } })).toEqual([]);
    expect(
      expiryClauses({
        $event: {
          name: 'sale',
          within: { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' },
        },
      })
    ).toEqual([]);
  });
});
