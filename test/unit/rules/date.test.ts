import { type Rule, compileRule, daysUntilAnniversary } from '../../../server/src/rules';
import { envAt, profile } from './helpers';

const NOW = '2024-06-15T12:00:00.000Z';
const DAY = 86_400_000;
const ago = (ms: number) => new Date(Date.parse(NOW) - ms).toISOString();

const matches = (rule: Rule, attributes: Record<string, unknown>, now = NOW, context = {}) =>
  compileRule(rule)(profile({ attributes, context }), envAt(now));

describe('$date olderThan / newerThan', () => {
  const older = { $date: { attribute: 'firstSeenAt', olderThan: { days: 30 } } };
  const newer = { $date: { attribute: 'firstSeenAt', newerThan: { days: 30 } } };

  it('olderThan is strictly more than the duration ago; newerThan is its complement', () => {
    const exactly = { firstSeenAt: ago(30 * DAY) };
    expect(matches(older, exactly)).toBe(false);
    expect(matches(newer, exactly)).toBe(true);
    const justOver = { firstSeenAt: ago(30 * DAY + 1) };
    expect(matches(older, justOver)).toBe(true);
    expect(matches(newer, justOver)).toBe(false);
  });

  it('accepts hours, epoch milliseconds and nested attribute paths', () => {
    const lastSeen = { $date: { attribute: 'lastSeenAt', newerThan: { hours: 2 } } };
    expect(matches(lastSeen, { lastSeenAt: ago(2 * 3_600_000 - 1) })).toBe(true);
    expect(matches(lastSeen, { lastSeenAt: Date.parse(NOW) - 3 * 3_600_000 })).toBe(false);
    const nested = { $date: { attribute: 'account.createdAt', olderThan: { days: 1 } } };
    expect(matches(nested, { account: { createdAt: '2020-01-01' } })).toBe(true);
  });

  it('combines bounds into a range', () => {
    const between = {
      $date: { attribute: 'firstSeenAt', olderThan: { days: 30 }, newerThan: { days: 60 } },
    };
    expect(matches(between, { firstSeenAt: ago(45 * DAY) })).toBe(true);
    expect(matches(between, { firstSeenAt: ago(10 * DAY) })).toBe(false);
    expect(matches(between, { firstSeenAt: ago(61 * DAY) })).toBe(false);
  });

  it('never matches a missing, null or unreadable date', () => {
    for (const attributes of [
      {},
      { firstSeenAt: null },
      { firstSeenAt: 'soon' },
      { firstSeenAt: {} },
    ]) {
      expect(matches(older, attributes)).toBe(false);
      expect(matches(newer, attributes)).toBe(false);
    }
  });
});

describe('$date anniversaryWithin', () => {
  const within = (days: number) => ({
    $date: { attribute: 'birthday', anniversaryWithin: { days } },
  });

  it('counts from today (0 = today) through N days ahead, ignoring the year', () => {
    expect(matches(within(0), { birthday: '1990-06-15' })).toBe(true);
    expect(matches(within(7), { birthday: '1990-06-22' })).toBe(true);
    expect(matches(within(7), { birthday: '1990-06-23' })).toBe(false);
    expect(matches(within(7), { birthday: '1990-06-14' })).toBe(false); // next one is in 364 days
  });

  it('wraps over the end of the year', () => {
    const now = '2024-12-28T12:00:00Z';
    expect(matches(within(7), { birthday: '2000-01-03' }, now)).toBe(true); // 6 days
    expect(matches(within(7), { birthday: '2000-01-04' }, now)).toBe(true); // 7 days
    expect(matches(within(7), { birthday: '2000-01-05' }, now)).toBe(false); // 8 days
  });

  it('celebrates Feb 29 on Feb 28 in common years and on Feb 29 in leap years', () => {
    const leapling = { birthday: '2000-02-29' };
    expect(matches(within(0), leapling, '2025-02-28T08:00:00Z')).toBe(true);
    expect(matches(within(0), leapling, '2025-02-27T08:00:00Z')).toBe(false);
    expect(matches(within(1), leapling, '2025-02-27T08:00:00Z')).toBe(true);
    expect(matches(within(7), leapling, '2025-03-01T08:00:00Z')).toBe(false);
    expect(matches(within(0), leapling, '2024-02-28T08:00:00Z')).toBe(false);
    expect(matches(within(0), leapling, '2024-02-29T08:00:00Z')).toBe(true);
    expect(daysUntilAnniversary(2, 29, { year: 2025, month: 3, day: 1 })).toBe(364); // 2026-02-28
    expect(daysUntilAnniversary(2, 29, { year: 2027, month: 3, day: 1 })).toBe(365); // 2028-02-29
  });

  it("uses the profile's local date (request zone, else profile zone, else UTC)", () => {
    const now = '2024-06-14T23:30:00Z'; // already the 15th in Berlin
    expect(matches(within(0), { birthday: '1990-06-15' }, now)).toBe(false);
    expect(matches(within(0), { birthday: '1990-06-15', timezone: 'Europe/Berlin' }, now)).toBe(
      true
    );
    expect(
      matches(within(0), { birthday: '1990-06-15', timezone: 'UTC' }, now, {
        timezone: 'Europe/Berlin',
      })
    ).toBe(true);
  });

  it('reads a date as written, an instant by its UTC date, and rejects impossible dates', () => {
    expect(matches(within(0), { birthday: '1990-06-15T00:00:00+02:00' })).toBe(true);
    expect(matches(within(0), { birthday: Date.UTC(1990, 5, 15, 10) })).toBe(true);
    expect(matches(within(366), { birthday: '1990-02-30' })).toBe(false);
    expect(matches(within(366), {})).toBe(false);
  });
});
