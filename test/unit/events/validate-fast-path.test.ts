import {
  acceptWellFormedEvent,
  validateBatch,
  validateEventBySchema,
} from '../../../server/src/events/validate';

/**
 * `acceptWellFormedEvent` skips the zod schema for well-formed events. It may decline a valid
 * event (the schema then accepts it), but it must never accept an event the schema rejects, and
 * what it accepts must normalise exactly as the schema path does. Checked over generated
 * events mixing valid values and every kind of broken one, for both kinds of caller.
 */
const NOW = Date.UTC(2026, 10, 28, 12);
const DAY = 86_400_000;
const window = { oldest: NOW - 90 * DAY, newest: NOW + 5 * 60_000 };

// Deterministic: a failure reproduces.
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const deep = (levels: number): Record<string, unknown> =>
  levels === 0 ? { leaf: 1 } : { nested: deep(levels - 1) };

// Per field: values the schema accepts, then values it rejects (for the visitor caller; an
// API-token caller also accepts the valid identity values).
const POOLS: Record<string, [unknown[], unknown[]]> = {
  name: [
    ['purchase', 'page_view', 'a', 'x'.repeat(100), 'checkout.step:2-b'],
    ['', '1abc', 'has space', 'x'.repeat(101), 7, null, ['purchase'], 'ümlaut'],
  ],
  timestamp: [
    [NOW, NOW - 1000, window.oldest, window.newest, '2026-11-28T13:00:00+01:00', '2026-11-28T12:00:00Z', '2026-11-28T12:00:00.123456789Z', '2026-11-28T12:00+0100'],
    [window.oldest - 1, window.newest + 1, 0, -1, 1.5, Number.MAX_SAFE_INTEGER, '2026-11-28', '2026-11-28T12:00:00', '2026-13-45T99:99:00Z', '2020-01-01T00:00:00Z', 'yesterday', null, true, {}],
  ],
  properties: [
    [{}, { value: 3.5 }, { value: 0 }, { value: -2 }, { sku: 'a', value: 1 }, deep(3), deep(4), { list: [1, 'two', { three: 3 }] }],
    [{ value: '3' }, { value: null }, deep(5), { big: 'x'.repeat(9000) }, Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i])), { bad: 'a\u0000b' }, { ['a\u0000']: 1 }, [], 'text', null, 5],
  ],
  messageId: [['m', 'm-1', 'x'.repeat(100)], ['x'.repeat(101), '', 'nul\u0000', 12, null]],
  userId: [[1, 42], [0, -3, 1.5, '7', null]],
  anonymousId: [['visitor-12345', 'abcdefgh'], ['short', 'x'.repeat(65), 'bad id with spaces', 9, null]],
  extra: [[], ['surprise']],
};

function generate(next: () => number): Record<string, unknown> {
  const event: Record<string, unknown> = {};
  const pick = (pool: unknown[]) => pool[Math.floor(next() * pool.length)];
  for (const [key, [valid, invalid]] of Object.entries(POOLS)) {
    // Name nearly always present; identity keys and extras rarely, like real traffic.
    const chance = key === 'name' ? 0.95 : key === 'extra' ? 0.05 : key === 'userId' || key === 'anonymousId' ? 0.3 : 0.6;
    if (next() >= chance) continue;
    event[key] = valid.length && next() < 0.85 ? pick(valid) : pick(invalid);
  }
  return event;
}

describe('acceptWellFormedEvent (the validation fast path)', () => {
  for (const isApiToken of [false, true]) {
    it(`never accepts what the schema rejects, and normalises identically (${isApiToken ? 'API token' : 'visitor'})`, () => {
      const options = { now: NOW, rawEventsDays: 90, isApiToken };
      const next = random(isApiToken ? 7 : 3);
      let fastAccepted = 0;
      let schemaAccepted = 0;
      for (let i = 0; i < 5_000; i++) {
        const raw = generate(next);
        const fast = acceptWellFormedEvent(raw, i, window, options);
        const bySchema = validateEventBySchema(raw, i, options);
        if ('event' in bySchema) schemaAccepted += 1;
        if (!fast) continue;
        fastAccepted += 1;
        expect({ raw, result: bySchema }).toEqual({ raw, result: { event: fast } });
      }
      // The generator reaches both outcomes often, and the fast path takes most valid events.
      expect(schemaAccepted).toBeGreaterThan(300);
      expect(fastAccepted).toBeGreaterThan(schemaAccepted * 0.9);
    });
  }

  it('takes the ordinary storefront event, and the batch result equals the schema path', () => {
    const options = { now: NOW, rawEventsDays: 90, isApiToken: false };
    const raw = { name: 'purchase', timestamp: NOW - 5, properties: { value: 9.99, sku: 'A1' }, messageId: 'm-1' };
    expect(acceptWellFormedEvent(raw, 0, window, options)).not.toBeNull();
    const batch = validateBatch({ events: [raw, { name: 'x', bogus: 1 }] }, options);
    if (!batch.ok) throw new Error('expected ok');
    expect(batch.batch.events).toEqual([(validateEventBySchema(raw, 0, options) as { event: unknown }).event]);
    expect(batch.batch.rejected).toEqual([
      { index: 1, errors: (validateEventBySchema({ name: 'x', bogus: 1 }, 1, options) as { errors: unknown }).errors },
    ]);
  });
});
