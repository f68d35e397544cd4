import { validateBatch, formatPath } from '../../../server/src/events/validate';

const NOW = Date.UTC(2026, 10, 28, 12);
const opts = { now: NOW, rawEventsDays: 90, isApiToken: false };

describe('validateBatch', () => {
  it('normalises a valid event: default timestamp, numeric value, messageId', () => {
    const result = validateBatch({ events: [{ name: 'purchase', properties: { value: 3.5 }, messageId: 'm' }] }, opts);
    expect(result).toEqual({
      ok: true,
      batch: {
        context: {},
        rejected: [],
        events: [
          { index: 0, name: 'purchase', occurredAt: NOW, properties: { value: 3.5 }, value: 3.5, messageId: 'm', subject: null },
        ],
      },
    });
  });

  it('accepts ISO timestamps with an offset and epoch milliseconds', () => {
    const result = validateBatch(
      { events: [{ name: 'a', timestamp: '2026-11-28T13:00:00+01:00' }, { name: 'b', timestamp: NOW - 1000 }] },
      opts
    );
    if (!result.ok) throw new Error('expected ok');
    expect(result.batch.events.map((e) => e.occurredAt)).toEqual([NOW, NOW - 1000]);
  });

  it('enforces the time bounds: 5 minutes ahead, retention behind', () => {
    const result = validateBatch(
      {
        events: [
          { name: 'a', timestamp: NOW + 5 * 60_000 },
          { name: 'b', timestamp: NOW + 5 * 60_000 + 1 },
          { name: 'c', timestamp: NOW - 90 * 86_400_000 },
          { name: 'd', timestamp: NOW - 90 * 86_400_000 - 1 },
        ],
      },
      opts
    );
    if (!result.ok) throw new Error('expected ok');
    expect(result.batch.events.map((e) => e.name)).toEqual(['a', 'c']);
    expect(result.batch.rejected.map((r) => r.errors[0].path)).toEqual(['events[1].timestamp', 'events[3].timestamp']);
  });

  it('checks names against the pattern', () => {
    const names = ['ok', 'a.b:c-d_e', '', '1a', 'has space', 'a'.repeat(100), 'a'.repeat(101)];
    const result = validateBatch({ events: names.map((name) => ({ name })) }, opts);
    if (!result.ok) throw new Error('expected ok');
    expect(result.batch.events.map((e) => e.index)).toEqual([0, 1, 5]);
  });

  it('only lets API-token callers name the visitor, and then requires it', () => {
    const storefront = validateBatch({ events: [{ name: 'a', anonymousId: 'anon-12345' }] }, opts);
    if (!storefront.ok) throw new Error('expected ok');
    expect(storefront.batch.rejected[0].errors[0].path).toBe('events[0].anonymousId');
    const server = validateBatch(
      { events: [{ name: 'a', anonymousId: 'anon-12345' }, { name: 'b', userId: 4 }, { name: 'c' }] },
      { ...opts, isApiToken: true }
    );
    if (!server.ok) throw new Error('expected ok');
    expect(server.batch.events.map((e) => e.subject)).toEqual([{ anonymousId: 'anon-12345' }, { userId: 4 }]);
    expect(server.batch.rejected[0]).toMatchObject({ index: 2, errors: [{ path: 'events[2].userId' }] });
  });

  it('refuses what is not a batch at all', () => {
    expect(validateBatch(null, opts)).toMatchObject({ ok: false, errors: [{ path: '(body)' }] });
    expect(validateBatch({ events: {} }, opts)).toMatchObject({ ok: false, errors: [{ path: 'events' }] });
    expect(validateBatch({ events: new Array(501).fill({ name: 'a' }) }, opts)).toMatchObject({ ok: false });
    expect(validateBatch({ events: new Array(500).fill({ name: 'a' }) }, opts)).toMatchObject({ ok: true });
    expect(validateBatch({ events: [{ name: 'a' }], context: { locale: 'not a locale' } }, opts)).toMatchObject({
      ok: false,
      errors: [{ path: 'context.locale' }],
    });
  });

  it('formats paths the way clients read them', () => {
    expect(formatPath(['events', 3, 'properties', 'value'])).toBe('events[3].properties.value');
  });
});
