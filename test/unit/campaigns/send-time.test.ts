import {
  DEFAULT_SEND_TIME,
  addHistogram,
  emptyHistogram,
  engagementHistogram,
  fallbackHour,
  hourOutsideQuiet,
  intelligentSendAt,
  isMachineOpen,
  localHour,
  peakHour,
  personalHour,
  recipientZone,
  type EngagementSignal,
} from '../../../server/src/campaigns/send-time';
import { localParts } from '../../../server/src/campaigns/timing';

const DAY = 86_400_000;
const at = (s: string) => Date.parse(s);
const iso = (ms: number) => new Date(ms).toISOString();
const NOW = at('2026-06-30T00:00:00Z');

/** `n` sessions on consecutive days before NOW at the given UTC hour. */
const daily = (n: number, utcHour: number, kind: EngagementSignal['kind'] = 'session', firstDaysAgo = 1): EngagementSignal[] =>
  Array.from({ length: n }, (_, i) => ({ kind, at: NOW - (firstDaysAgo + i) * DAY + utcHour * 3_600_000 }));

describe('engagement histogram', () => {
  it('buckets signals by the hour on the profile’s own clock', () => {
    const signals = daily(6, 7); // 07:00 UTC = 09:00 in Berlin (CEST), 03:00 in New York (EDT)
    const berlin = engagementHistogram(signals, 'Europe/Berlin', NOW);
    const ny = engagementHistogram(signals, 'America/New_York', NOW);
    expect(berlin.signals).toBe(6);
    expect(berlin.hours[9]).toBeGreaterThan(0);
    expect(berlin.hours.filter((w) => w > 0)).toHaveLength(1);
    expect(peakHour(berlin.hours)).toBe(9);
    expect(peakHour(ny.hours)).toBe(3);
  });

  it('decays older signals: a recent habit outweighs an older, larger one', () => {
    const old = daily(10, 8, 'session', 60); // 60–69 days ago at 08:00
    const recent = daily(6, 18, 'session', 1); // last week at 18:00
    const h = engagementHistogram([...old, ...recent], 'UTC', NOW);
    expect(h.signals).toBe(16);
    expect(h.hours[8]).toBeLessThan(h.hours[18]);
    expect(personalHour(h)).toBe(18);
    // Without decay (a half-life far longer than the look-back) the older habit wins.
    const flat = engagementHistogram([...old, ...recent], 'UTC', NOW, { ...DEFAULT_SEND_TIME, halfLifeDays: 1e9 });
    expect(personalHour(flat, DEFAULT_SEND_TIME)).toBe(8);
    // Half-life 30 days: a signal 30 days old weighs half of one from now.
    const one = engagementHistogram([{ kind: 'session', at: NOW - 30 * DAY }], 'UTC', NOW);
    expect(one.hours[0]).toBeCloseTo(0.5, 6);
  });

  it('ignores signals outside the look-back and in the future', () => {
    const h = engagementHistogram(
      [{ kind: 'session', at: NOW - 91 * DAY }, { kind: 'session', at: NOW + 1000 }, { kind: 'session', at: NOW - 89 * DAY }],
      'UTC',
      NOW
    );
    expect(h.signals).toBe(1);
    expect(engagementHistogram([{ kind: 'session', at: NOW - 20 * DAY }], 'UTC', NOW, { ...DEFAULT_SEND_TIME, lookbackDays: 14 }).signals).toBe(0);
  });

  it('weighs a click twice an open', () => {
    const h = engagementHistogram([{ kind: 'click', at: NOW - 1 }, { kind: 'open', at: NOW - 1 - 3_600_000 }], 'UTC', NOW);
    expect(h.hours[23] / h.hours[22]).toBeCloseTo(2, 2); // the open is an hour older: decay differs by 0.1 %
  });

  it('follows DST: the same wall-clock habit stays one hour across the change', () => {
    // 09:00 in Berlin is 08:00 UTC in March before the 29th and 07:00 UTC after it.
    const now = at('2026-04-10T00:00:00Z');
    const signals: EngagementSignal[] = [
      ...['2026-03-24', '2026-03-25', '2026-03-26', '2026-03-27'].map((d) => ({ kind: 'session' as const, at: at(`${d}T08:00:00Z`) })),
      ...['2026-03-30', '2026-03-31', '2026-04-01', '2026-04-02'].map((d) => ({ kind: 'session' as const, at: at(`${d}T07:00:00Z`) })),
    ];
    const h = engagementHistogram(signals, 'Europe/Berlin', now);
    expect(h.hours.filter((w) => w > 0)).toHaveLength(1);
    expect(personalHour(h)).toBe(9);
    // Read in UTC the same habit is split over two hours.
    expect(engagementHistogram(signals, 'UTC', now).hours.filter((w) => w > 0)).toHaveLength(2);
  });
});

describe('machine opens', () => {
  it('drops opens right after the send and from mail proxies, keeps human opens and clicks', () => {
    const sentAt = NOW - 5 * DAY;
    expect(isMachineOpen({ kind: 'open', at: sentAt + 2_000, sentAt }, DEFAULT_SEND_TIME)).toBe(true);
    expect(isMachineOpen({ kind: 'open', at: sentAt + 3_600_000, sentAt }, DEFAULT_SEND_TIME)).toBe(false);
    expect(
      isMachineOpen({ kind: 'open', at: sentAt + 3_600_000, sentAt, userAgent: 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)' }, DEFAULT_SEND_TIME)
    ).toBe(true);
    expect(isMachineOpen({ kind: 'open', at: sentAt + 3_600_000, userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)' }, DEFAULT_SEND_TIME)).toBe(false);
    // A click seconds after the send is a person (or a scanner the click route cannot tell apart).
    expect(isMachineOpen({ kind: 'click', at: sentAt + 1_000, sentAt }, DEFAULT_SEND_TIME)).toBe(false);
  });

  it('machine opens neither count towards the threshold nor move the peak', () => {
    const human = daily(5, 19, 'open').map((s) => ({ ...s, sentAt: s.at - 2 * 3_600_000 }));
    const machine = daily(20, 6, 'open').map((s) => ({ ...s, sentAt: s.at - 1_000 }));
    const h = engagementHistogram([...human, ...machine], 'UTC', NOW);
    expect(h.signals).toBe(5);
    expect(personalHour(h)).toBe(19);
  });
});

describe('threshold and fallback', () => {
  it('personalises only from the minimum number of signals', () => {
    expect(personalHour(engagementHistogram(daily(4, 14), 'UTC', NOW))).toBeNull();
    expect(personalHour(engagementHistogram(daily(5, 14), 'UTC', NOW))).toBe(14);
    expect(personalHour(engagementHistogram(daily(2, 14), 'UTC', NOW), { ...DEFAULT_SEND_TIME, minSignals: 2 })).toBe(14);
  });

  it('falls back to the audience’s most engaged hour, then to the configured hour', () => {
    const audience = emptyHistogram();
    expect(fallbackHour(audience)).toBe(10);
    expect(fallbackHour(audience, { ...DEFAULT_SEND_TIME, fallbackHour: 7 })).toBe(7);
    addHistogram(audience, engagementHistogram(daily(3, 20), 'UTC', NOW)); // thin on its own…
    addHistogram(audience, engagementHistogram(daily(2, 20), 'UTC', NOW));
    addHistogram(audience, engagementHistogram(daily(1, 6), 'UTC', NOW));
    expect(audience.signals).toBe(6);
    expect(fallbackHour(audience)).toBe(20); // …but together they name the audience's hour
  });

  it('smooths: a habit split across two neighbouring hours beats a lone spike of similar size', () => {
    const hours = new Array<number>(24).fill(0);
    hours[9] = 3;
    hours[10] = 3;
    hours[15] = 3.5;
    expect(peakHour(hours)).toBe(9);
    expect(peakHour(new Array<number>(24).fill(0))).toBeNull();
  });
});

describe('quiet hours', () => {
  const night = { start: '22:00', end: '07:00' };
  it('moves an hour inside the window to the nearest allowed edge', () => {
    expect(hourOutsideQuiet(23, night)).toBe(21); // one hour before quiet starts is nearer than 07:00
    expect(hourOutsideQuiet(5, night)).toBe(7);
    expect(hourOutsideQuiet(2, { start: '22:00', end: '06:00' })).toBe(6); // 06 is 4 hours away, 21 is 5
    expect(hourOutsideQuiet(23, { start: '21:00', end: '06:00' })).toBe(20);
    expect(hourOutsideQuiet(14, night)).toBe(14);
    expect(hourOutsideQuiet(13, { start: '12:00', end: '14:00' })).toBe(14); // equidistant: the later edge
    expect(hourOutsideQuiet(13, null)).toBe(13);
    expect(hourOutsideQuiet(13, { start: '00:00', end: '00:00' })).toBe(13); // empty window
  });

  it('a window starting off the hour leaves its hour allowed; the instant check still applies', () => {
    expect(hourOutsideQuiet(22, { start: '22:30', end: '06:00' })).toBe(22);
    const sendAt = intelligentSendAt(at('2026-06-01T12:00:00Z'), 22, 'UTC', { start: '22:30', end: '06:00' });
    expect(iso(sendAt)).toBe('2026-06-01T22:00:00.000Z');
  });
});

describe('intelligent send time', () => {
  it('sends at the recipient’s hour within 24 h of the start', () => {
    const start = at('2026-06-01T12:00:00Z');
    const ny = intelligentSendAt(start, 9, 'America/New_York', null);
    expect(iso(ny)).toBe('2026-06-01T13:00:00.000Z'); // 08:00 EDT now: 09:00 later today
    const tokyo = intelligentSendAt(start, 9, 'Asia/Tokyo', null);
    expect(iso(tokyo)).toBe('2026-06-02T00:00:00.000Z');
    for (const zone of ['UTC', 'Europe/Berlin', 'Pacific/Auckland', 'America/Los_Angeles']) {
      for (let hour = 0; hour < 24; hour++) {
        const t = intelligentSendAt(start, hour, zone, null);
        expect(t).toBeGreaterThanOrEqual(start);
        expect(t - start).toBeLessThan(DAY);
        expect(localParts(t, zone).hour).toBe(hour);
      }
    }
  });

  it('applies quiet hours before choosing the instant', () => {
    const t = intelligentSendAt(at('2026-06-01T12:00:00Z'), 23, 'Europe/Berlin', { start: '22:00', end: '07:00' });
    expect(localParts(t, 'Europe/Berlin').hour).toBe(21);
  });

  it('across a spring-forward gap the skipped hour is sent just after the gap', () => {
    // Berlin skips 02:00–03:00 on 29 March 2026.
    const t = intelligentSendAt(at('2026-03-28T12:00:00Z'), 2, 'Europe/Berlin', null);
    expect(iso(t)).toBe('2026-03-29T01:00:00.000Z'); // 03:00 CEST
  });

  it('profiles without a (valid) time zone use the campaign’s', () => {
    expect(recipientZone(null, 'Europe/Paris')).toBe('Europe/Paris');
    expect(recipientZone('Mars/Olympus', 'Europe/Paris')).toBe('Europe/Paris');
    expect(recipientZone('Asia/Tokyo', 'Europe/Paris')).toBe('Asia/Tokyo');
    const zone = recipientZone(undefined, 'America/Chicago');
    const h = engagementHistogram(daily(5, 14), zone, NOW); // 14:00 UTC = 09:00 CDT
    expect(personalHour(h)).toBe(9);
  });
});

describe('localHour (cached offsets)', () => {
  it('agrees with Intl across DST changes and 30/45-minute offsets', () => {
    const mismatches: string[] = [];
    for (const zone of ['Europe/Berlin', 'America/New_York', 'Australia/Adelaide', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Chatham', 'America/St_Johns']) {
      // Both windows contain the northern and the southern DST changes of 2026.
      for (const [from, to] of [['2026-03-01', '2026-04-10'], ['2026-09-25', '2026-11-05']]) {
        for (let t = at(`${from}T00:00:00Z`); t < at(`${to}T00:00:00Z`); t += 29 * 60_000) {
          if (localHour(t, zone) !== localParts(t, zone).hour) mismatches.push(`${zone} ${iso(t)}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});
