import fc from 'fast-check';
import { evalCondition } from '@growthbook/growthbook';
import {
  type EventRollup,
  type RawEvent,
  type Rule,
  compileRule,
  eventTimeRange,
  planEvent,
  rollupDayRange,
} from '../../../server/src/rules';
import { envAt, profile } from './helpers';

// Saturday 2024-06-15, noon UTC. "The last 7 days" are 2024-06-09 … 2024-06-15.
const NOW = '2024-06-15T12:00:00.000Z';
const env = envAt(NOW);

const rollup = (day: string, count = 1, valueSum = 0, event = 'purchase'): EventRollup => ({
  day,
  event,
  count,
  valueSum,
});

const raw = (
  occurredAt: string,
  properties: Record<string, unknown> = {},
  value: number | null = null,
  name = 'purchase'
): RawEvent => ({ name, occurredAt, properties, value });

const matches = (rule: Rule, facts = profile(), at = env) => compileRule(rule)(facts, at);

describe('$event over rollups (day windows)', () => {
  it('"did" with no measure means at least once, and an empty history does not', () => {
    const rule = { $event: { name: 'purchase', within: { days: 7 } } };
    expect(matches(rule, profile({ rollups: [rollup('2024-06-12')] }))).toBe(true);
    expect(matches(rule, profile())).toBe(false);
  });

  it('"did not" is count $eq 0, true for an empty history', () => {
    const rule = { $event: { name: 'purchase', within: { days: 7 }, count: { $eq: 0 } } };
    expect(matches(rule, profile())).toBe(true);
    expect(matches(rule, profile({ rollups: [rollup('2024-06-15')] }))).toBe(false);
    expect(matches({ $not: { $event: { name: 'purchase' } } }, profile())).toBe(true);
  });

  it('the last N days are N UTC calendar days ending today, both ends included', () => {
    const rule = { $event: { name: 'purchase', within: { days: 7 } } };
    expect(matches(rule, profile({ rollups: [rollup('2024-06-09')] }))).toBe(true); // 7th day back
    expect(matches(rule, profile({ rollups: [rollup('2024-06-08')] }))).toBe(false); // 8th
    expect(matches(rule, profile({ rollups: [rollup('2024-06-15')] }))).toBe(true); // today
    expect(rollupDayRange({ kind: 'days', days: 7 }, new Date(NOW))).toEqual({
      fromDay: '2024-06-09',
      toDay: '2024-06-15',
    });
  });

  it('"today" is the UTC day of now, at midnight and just before the next one', () => {
    const rule = { $event: { name: 'purchase', within: { days: 1 } } };
    const yesterday = profile({ rollups: [rollup('2024-06-14')] });
    const today = profile({ rollups: [rollup('2024-06-15')] });
    for (const now of ['2024-06-15T00:00:00.000Z', '2024-06-15T23:59:59.999Z']) {
      expect(matches(rule, yesterday, envAt(now))).toBe(false);
      expect(matches(rule, today, envAt(now))).toBe(true);
    }
    // One millisecond before midnight it is still the 14th.
    expect(matches(rule, yesterday, envAt('2024-06-14T23:59:59.999Z'))).toBe(true);
    expect(matches(rule, today, envAt('2024-06-14T23:59:59.999Z'))).toBe(false);
  });

  it('counts add up over rows and ignore other events', () => {
    const rule = { $event: { name: 'purchase', within: { days: 30 }, count: { $gte: 3 } } };
    const facts = profile({
      rollups: [
        rollup('2024-06-01', 2),
        rollup('2024-06-10', 1),
        rollup('2024-06-10', 5, 0, 'view'),
      ],
    });
    expect(matches(rule, facts)).toBe(true);
    expect(matches({ $event: { ...rule.$event, count: { $gte: 4 } } }, facts)).toBe(false);
    // A bare number is GrowthBook equality.
    expect(matches({ $event: { ...rule.$event, count: 3 } }, facts)).toBe(true);
  });

  it('activeDays counts distinct days with the event ("on at least 5 of the last 7 days")', () => {
    const rule = {
      $event: { name: 'task_done', within: { days: 7 }, activeDays: { $gte: 5 } },
    };
    const days = ['2024-06-09', '2024-06-10', '2024-06-12', '2024-06-14'];
    const four = days.map((day) => rollup(day, 3, 0, 'task_done'));
    expect(matches(rule, profile({ rollups: four }))).toBe(false);
    const withZeroRow = [...four, rollup('2024-06-15', 0, 0, 'task_done')];
    expect(matches(rule, profile({ rollups: withZeroRow }))).toBe(false);
    const five = [...four, rollup('2024-06-15', 1, 0, 'task_done')];
    expect(matches(rule, profile({ rollups: five }))).toBe(true);
    const outside = [...four, rollup('2024-06-08', 1, 0, 'task_done')];
    expect(matches(rule, profile({ rollups: outside }))).toBe(false);
  });

  it('sum and avg read valueSum; avg of no events matches nothing', () => {
    const facts = profile({ rollups: [rollup('2024-06-10', 2, 100), rollup('2024-06-11', 2, 20)] });
    const event = { name: 'purchase', within: { days: 30 } };
    expect(matches({ $event: { ...event, sum: { $gte: 120 } } }, facts)).toBe(true);
    expect(matches({ $event: { ...event, sum: { $gt: 120 } } }, facts)).toBe(false);
    expect(matches({ $event: { ...event, avg: 30 } }, facts)).toBe(true);
    expect(matches({ $event: { ...event, avg: { $lt: 1000 } } }, profile())).toBe(false);
    expect(matches({ $event: { ...event, sum: 0 } }, profile())).toBe(true);
  });

  it('first and last occurrence with relative date conditions', () => {
    const facts = profile({ rollups: [rollup('2024-01-10'), rollup('2024-06-13')] });
    const first = (condition: object) => ({ $event: { name: 'purchase', first: condition } });
    const last = (condition: object) => ({ $event: { name: 'purchase', last: condition } });
    expect(matches(first({ $before: { days: 30 } }), facts)).toBe(true);
    expect(matches(last({ $within: { days: 3 } }), facts)).toBe(true); // 13th, 14th, 15th
    expect(matches(last({ $within: { days: 2 } }), facts)).toBe(false);
    expect(matches(last({ $before: { days: 2 } }), facts)).toBe(true);
    expect(matches(first({ $gte: '2024-01-10', $lt: '2024-01-11' }), facts)).toBe(true);
    expect(matches(first({ $gt: '2024-01-10' }), facts)).toBe(false); // day resolution: midnight
    expect(matches(last({ $within: { days: 365 } }), profile())).toBe(false);
  });

  it('an absolute day range is half-open [from, to)', () => {
    const rule = { $event: { name: 'purchase', within: { from: '2024-06-01', to: '2024-06-08' } } };
    expect(matches(rule, profile({ rollups: [rollup('2024-06-01')] }))).toBe(true);
    expect(matches(rule, profile({ rollups: [rollup('2024-06-07')] }))).toBe(true);
    expect(matches(rule, profile({ rollups: [rollup('2024-06-08')] }))).toBe(false);
    expect(matches(rule, profile({ rollups: [rollup('2024-05-31')] }))).toBe(false);
    const since = { $event: { name: 'purchase', within: { from: '2024-06-01T00:00:00Z' } } };
    expect(planEvent(since.$event)?.source).toBe('rollups');
    expect(matches(since, profile({ rollups: [rollup('2030-01-01')] }))).toBe(true);
  });

  it('without a window, all rollups count', () => {
    const facts = profile({ rollups: [rollup('2015-03-01', 4)] });
    expect(matches({ $event: { name: 'purchase', count: 4 } }, facts)).toBe(true);
  });
});

describe('$event over raw events', () => {
  it('uses raw events for where, hours, another property, or a time of day', () => {
    const source = (spec: object) => planEvent({ name: 'x', ...spec })?.source;
    expect(source({ within: { days: 7 } })).toBe('rollups');
    expect(source({ within: { days: 7 }, sum: { $gt: 1 } })).toBe('rollups');
    expect(source({ within: { days: 7 }, where: { plan: 'pro' } })).toBe('events');
    expect(source({ within: { hours: 6 } })).toBe('events');
    expect(source({ within: { days: 7 }, sum: { $gt: 1 }, property: 'amount' })).toBe('events');
    expect(source({ within: { from: '2024-06-01T12:00:00Z', to: '2024-06-02' } })).toBe('events');
    expect(source({ last: { $within: { hours: 2 } } })).toBe('events');
  });

  it('an hour window is (now − H hours, now]', () => {
    const rule = { $event: { name: 'purchase', within: { hours: 24 } } };
    const at = (iso: string) => matches(rule, profile({ events: [raw(iso)] }));
    expect(at('2024-06-14T12:00:00.000Z')).toBe(false); // exactly 24 h ago
    expect(at('2024-06-14T12:00:00.001Z')).toBe(true);
    expect(at('2024-06-15T12:00:00.000Z')).toBe(true); // now
    expect(at('2024-06-15T12:00:00.001Z')).toBe(false); // the future
  });

  it('a day window over raw events covers the same calendar days as rollups', () => {
    const rule = { $event: { name: 'purchase', within: { days: 7 }, where: {} } };
    const at = (iso: string) => matches(rule, profile({ events: [raw(iso)] }));
    expect(at('2024-06-09T00:00:00.000Z')).toBe(true);
    expect(at('2024-06-08T23:59:59.999Z')).toBe(false);
    expect(at('2024-06-15T23:59:59.999Z')).toBe(true); // later today still is today
    expect(at('2024-06-16T00:00:00.000Z')).toBe(false);
    expect(eventTimeRange({ kind: 'days', days: 7 }, new Date(NOW))).toEqual({
      start: Date.parse('2024-06-09T00:00:00Z'),
      startInclusive: true,
      end: Date.parse('2024-06-16T00:00:00Z'),
      endInclusive: false,
    });
  });

  it('where filters on properties with GrowthBook semantics', () => {
    const events = [
      raw('2024-06-14T10:00:00Z', { plan: 'pro', amount: 30 }),
      raw('2024-06-14T11:00:00Z', { plan: 'free', amount: 5 }),
      raw('2024-06-13T11:00:00Z', { plan: 'pro', amount: '12' }),
    ];
    const facts = profile({ events });
    const pro = { name: 'purchase', within: { days: 7 }, where: { plan: 'pro' } };
    expect(matches({ $event: { ...pro, count: 2 } }, facts)).toBe(true);
    expect(matches({ $event: { ...pro, activeDays: 2 } }, facts)).toBe(true);
    // A non-numeric amount counts as 0 in sums and averages.
    expect(matches({ $event: { ...pro, sum: 30, property: 'amount' } }, facts)).toBe(true);
    expect(matches({ $event: { ...pro, avg: 15, property: 'amount' } }, facts)).toBe(true);
    expect(matches({ $event: { ...pro, where: { amount: { $gt: 100 } } } }, facts)).toBe(false);
  });

  it('sums the value column, null values counting as 0', () => {
    const events = [raw('2024-06-15T10:00:00Z', {}, 20), raw('2024-06-15T11:00:00Z', {}, null)];
    const rule = { $event: { name: 'purchase', within: { hours: 12 }, avg: 10 } };
    expect(matches(rule, profile({ events }))).toBe(true);
  });

  it('first/last over raw events use exact instants', () => {
    const events = [raw('2024-06-15T09:30:00Z'), raw('2024-06-15T11:30:00Z')];
    const last = (condition: object) => ({
      $event: { name: 'purchase', within: { hours: 48 }, last: condition },
    });
    expect(matches(last({ $within: { hours: 1 } }), profile({ events }))).toBe(true);
    expect(matches(last({ $gt: '2024-06-15T11:00:00Z' }), profile({ events }))).toBe(true);
    expect(matches(last({ $before: { hours: 1 } }), profile({ events }))).toBe(false);
  });

  it('skips events with unreadable timestamps', () => {
    const facts = profile({ events: [raw('yesterday-ish')] });
    expect(matches({ $event: { name: 'purchase', within: { hours: 48 } } }, facts)).toBe(false);
  });
});

describe('rollups and raw events give the same answer for the same history', () => {
  const DAY = 86_400_000;

  function toRollups(events: RawEvent[]): EventRollup[] {
    const byDay = new Map<string, EventRollup>();
    for (const event of events) {
      const day = event.occurredAt.slice(0, 10);
      const row = byDay.get(day) ?? { day, event: event.name, count: 0, valueSum: 0 };
      row.count += 1;
      row.valueSum += event.value ?? 0;
      byDay.set(day, row);
    }
    return [...byDay.values()];
  }

  const todayStart = Date.parse('2024-06-15T00:00:00Z');
  const history = fc.array(
    fc.record({
      day: fc.integer({ min: -40, max: 0 }),
      // Day edges are where the two definitions could drift apart.
      msIntoDay: fc.oneof(fc.constantFrom(0, 1, DAY - 1), fc.integer({ min: 0, max: DAY - 1 })),
      value: fc.option(fc.integer({ min: 0, max: 50 }), { nil: null }),
    }),
    { maxLength: 12 }
  );
  const measure = fc.oneof(
    fc.record({ count: fc.constantFrom({ $gte: 2 }, { $eq: 0 }, 1, { $lt: 3 }) }),
    fc.record({ activeDays: fc.constantFrom({ $gte: 2 }, 1, { $lte: 3 }) }),
    fc.record({ sum: fc.constantFrom({ $gte: 30 }, 0, { $lt: 10 }) }),
    fc.record({ avg: fc.constantFrom({ $gte: 20 }, { $lt: 10 }) }),
    fc.record({ first: fc.constantFrom({ $before: { days: 10 } }, { $within: { days: 30 } }) }),
    fc.record({ last: fc.constantFrom({ $before: { days: 1 } }, { $within: { days: 3 } }) }),
    fc.constant({})
  );

  it('for any day window and measure', () => {
    fc.assert(
      fc.property(history, fc.integer({ min: 1, max: 45 }), measure, (entries, days, chosen) => {
        const events = entries.map(({ day, msIntoDay, value }) =>
          raw(new Date(todayStart + day * DAY + msIntoDay).toISOString(), {}, value)
        );
        const spec = { name: 'purchase', within: { days }, ...chosen };
        const fromRollups = matches({ $event: spec }, profile({ rollups: toRollups(events) }));
        const fromEvents = matches({ $event: { ...spec, where: {} } }, profile({ events }));
        expect(fromEvents).toBe(fromRollups);
      }),
      { numRuns: 1000 }
    );
  });
});

describe('extensions compose with GrowthBook logic', () => {
  const facts = profile({
    attributes: { country: 'DE' },
    rollups: [rollup('2024-06-14', 1, 0, 'signup')],
  });

  it('inside $and, $or, $nor and $not', () => {
    const did = { $event: { name: 'signup', within: { days: 7 } } };
    expect(matches({ $and: [did, { country: 'DE' }] }, facts)).toBe(true);
    expect(matches({ $or: [{ country: 'FR' }, did] }, facts)).toBe(true);
    expect(matches({ $nor: [did] }, facts)).toBe(false);
    expect(matches({ $not: did, country: 'DE' }, facts)).toBe(false);
  });

  it('a malformed extension matches nobody, even under $not', () => {
    expect(matches({ $event: { name: 'signup', within: { weeks: 1 } } }, facts)).toBe(false);
    expect(matches({ $not: { $event: { count: 1 } } }, facts)).toBe(false);
  });

  it('reserved names are plain attributes inside $elemMatch, as GrowthBook reads them', () => {
    const rule = { items: { $elemMatch: { kind: 'vip', $segment: 'x' } } };
    const attributes = { items: [{ kind: 'vip', $segment: 'x' }] };
    expect(evalCondition(attributes, rule)).toBe(true);
    expect(matches(rule, profile({ attributes }))).toBe(true);
  });
});
