import {
  type RequestContext,
  type Rule,
  compileRule,
  contextView,
  localTime,
} from '../../../server/src/rules';
import { envAt, profile } from './helpers';

const hourAt = (iso: string, timeZone: string) => localTime(new Date(iso), timeZone).hour;

const matches = (
  rule: Rule,
  now: string,
  context?: RequestContext,
  attributes: Record<string, unknown> = {}
) => compileRule(rule)(profile({ context, attributes }), envAt(now));

describe('$context fields', () => {
  const context: RequestContext = {
    device: 'mobile',
    os: 'iOS',
    browser: 'Safari',
    utm: { source: 'newsletter', campaign: 'spring' },
    referrer: 'https://news.example.com/article',
  };
  const now = '2024-06-15T12:00:00Z';

  it('matches device, OS, browser, UTM and referrer with GrowthBook operators', () => {
    expect(
      matches({ $context: { device: 'mobile', os: { $in: ['iOS', 'Android'] } } }, now, context)
    ).toBe(true);
    expect(
      matches(
        { $context: { 'utm.source': 'newsletter', browser: { $ne: 'Chrome' } } },
        now,
        context
      )
    ).toBe(true);
    expect(matches({ $context: { referrer: { $regex: '^https://news\\.' } } }, now, context)).toBe(
      true
    );
    expect(matches({ $context: { device: 'desktop' } }, now, context)).toBe(false);
  });

  it('without a request context only derived time fields exist (missing fields keep GrowthBook meaning)', () => {
    expect(matches({ $context: { device: 'mobile' } }, now)).toBe(false);
    expect(matches({ $context: { device: { $ne: 'mobile' } } }, now)).toBe(true);
    expect(matches({ $context: { localHour: 12 } }, now)).toBe(true);
  });
});

describe('$context localHour and weekday', () => {
  const now = '2024-06-15T12:00:00Z'; // a Saturday

  it('derives them in the request zone, else the profile zone, else UTC', () => {
    expect(contextView({ attributes: {} }, new Date(now))).toMatchObject({
      localHour: 12,
      weekday: 6,
    });
    expect(
      contextView({ attributes: { timezone: 'America/New_York' } }, new Date(now))
    ).toMatchObject({ localHour: 8 });
    expect(
      contextView(
        { attributes: { timezone: 'America/New_York' }, context: { timezone: 'Asia/Kolkata' } },
        new Date(now)
      )
    ).toMatchObject({ localHour: 17 });
    // Kiritimati (UTC+14) is already on Sunday 02:00.
    expect(
      contextView({ attributes: {}, context: { timezone: 'Pacific/Kiritimati' } }, new Date(now))
    ).toMatchObject({
      localHour: 2,
      weekday: 7,
    });
  });

  it('skips an unknown zone for the next candidate', () => {
    const view = contextView(
      { attributes: { timezone: 'Europe/Berlin' }, context: { timezone: 'Mars/Olympus' } },
      new Date(now)
    );
    expect(view.localHour).toBe(14);
    expect(contextView({ attributes: { timezone: 'nope' } }, new Date(now)).localHour).toBe(12);
  });

  it('follows DST transitions (Europe/Berlin, spring forward and fall back)', () => {
    expect(hourAt('2024-03-31T00:59:59Z', 'Europe/Berlin')).toBe(1);
    expect(hourAt('2024-03-31T01:00:00Z', 'Europe/Berlin')).toBe(3); // 02:00 does not exist
    expect(hourAt('2024-10-27T00:30:00Z', 'Europe/Berlin')).toBe(2);
    expect(hourAt('2024-10-27T01:30:00Z', 'Europe/Berlin')).toBe(2); // 02:30 happens twice
    expect(hourAt('2024-10-27T02:00:00Z', 'Europe/Berlin')).toBe(3);
  });

  it('follows DST transitions (America/New_York)', () => {
    expect(hourAt('2024-03-10T06:59:00Z', 'America/New_York')).toBe(1);
    expect(hourAt('2024-03-10T07:00:00Z', 'America/New_York')).toBe(3);
    expect(hourAt('2024-11-03T05:30:00Z', 'America/New_York')).toBe(1);
    expect(hourAt('2024-11-03T06:30:00Z', 'America/New_York')).toBe(1);
  });

  it('reports midnight as hour 0 and the ISO weekday across midnight', () => {
    expect(hourAt('2024-06-16T00:00:00Z', 'UTC')).toBe(0);
    const sunday = '2024-06-16T23:30:00Z';
    expect(localTime(new Date(sunday), 'UTC').weekday).toBe(7);
    expect(localTime(new Date(sunday), 'Asia/Tokyo')).toMatchObject({ weekday: 1, hour: 8 });
  });

  it('drives rules such as "weekday mornings, local time"', () => {
    const rule = { $context: { weekday: { $lte: 5 }, localHour: { $gte: 9, $lt: 12 } } };
    const berlin = { timezone: 'Europe/Berlin' };
    expect(matches(rule, '2024-06-17T07:00:00Z', berlin)).toBe(true); // Mon 09:00 CEST
    expect(matches(rule, '2024-06-17T06:59:59Z', berlin)).toBe(false); // Mon 08:59
    expect(matches(rule, '2024-06-17T10:00:00Z', berlin)).toBe(false); // Mon 12:00
    expect(matches(rule, '2024-06-15T07:00:00Z', berlin)).toBe(false); // Sat
    expect(matches(rule, '2024-06-17T07:00:00Z', undefined, { timezone: 'Europe/Berlin' })).toBe(
      true
    );
  });
});
