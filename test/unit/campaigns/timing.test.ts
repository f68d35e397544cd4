import {
  cronMatches,
  inQuietHours,
  latestCronFire,
  localParts,
  localTimeAfter,
  outsideQuietHours,
  recipientSendAt,
  zonedToInstant,
} from '../../../server/src/campaigns/timing';
import { cronFields } from '../../../server/src/campaigns/definition';

const iso = (ms: number) => new Date(ms).toISOString();
const at = (s: string) => Date.parse(s);

describe('recipient-local time', () => {
  it('finds the next local HH:MM in three zones', () => {
    const from = at('2026-03-10T12:00:00Z');
    expect(iso(localTimeAfter(from, '09:00', 'America/New_York'))).toBe('2026-03-10T13:00:00.000Z'); // 08:00 EDT now: later today
    expect(iso(localTimeAfter(from, '09:00', 'Europe/Berlin'))).toBe('2026-03-11T08:00:00.000Z'); // CET
    expect(iso(localTimeAfter(from, '09:00', 'Asia/Tokyo'))).toBe('2026-03-11T00:00:00.000Z');
    expect(iso(localTimeAfter(from, '13:30', 'Europe/Berlin'))).toBe('2026-03-10T12:30:00.000Z'); // later today
  });

  it('follows a DST change: the same local hour is a different UTC hour the next day', () => {
    // Europe/Berlin moves from +01:00 to +02:00 on 29 March 2026.
    expect(iso(localTimeAfter(at('2026-03-28T10:00:00Z'), '09:00', 'Europe/Berlin'))).toBe('2026-03-29T07:00:00.000Z');
    expect(iso(localTimeAfter(at('2026-03-27T10:00:00Z'), '09:00', 'Europe/Berlin'))).toBe('2026-03-28T08:00:00.000Z');
    // …and back on 25 October 2026.
    expect(iso(localTimeAfter(at('2026-10-24T12:00:00Z'), '09:00', 'Europe/Berlin'))).toBe('2026-10-25T08:00:00.000Z');
  });

  it('sends a wall time skipped by spring-forward just after the gap, and an ambiguous one at its first occurrence', () => {
    // 02:30 does not exist in Berlin on 29 March 2026: sent at 03:30 CEST (01:30Z).
    expect(iso(zonedToInstant({ year: 2026, month: 3, day: 29 }, 2, 30, 'Europe/Berlin'))).toBe('2026-03-29T01:30:00.000Z');
    // 02:30 happens twice on 25 October 2026: the first is 02:30 CEST (00:30Z).
    expect(iso(zonedToInstant({ year: 2026, month: 10, day: 25 }, 2, 30, 'Europe/Berlin'))).toBe('2026-10-25T00:30:00.000Z');
    // New York skips 02:00–03:00 on 8 March 2026.
    expect(iso(zonedToInstant({ year: 2026, month: 3, day: 8 }, 2, 15, 'America/New_York'))).toBe('2026-03-08T07:15:00.000Z');
  });

  it('handles half-hour zones and the date line', () => {
    expect(iso(localTimeAfter(at('2026-01-01T00:00:00Z'), '08:00', 'Asia/Kolkata'))).toBe('2026-01-01T02:30:00.000Z');
    expect(iso(localTimeAfter(at('2026-01-01T00:00:00Z'), '08:00', 'Pacific/Kiritimati'))).toBe('2026-01-01T18:00:00.000Z');
    expect(localParts(at('2026-01-01T00:00:00Z'), 'Pacific/Kiritimati')).toMatchObject({ day: 1, hour: 14 });
  });
});

describe('quiet hours', () => {
  const quiet = { start: '21:00', end: '08:00' };
  it('recognises an overnight window', () => {
    expect(inQuietHours(at('2026-06-01T20:30:00Z'), quiet, 'UTC')).toBe(false);
    expect(inQuietHours(at('2026-06-01T21:00:00Z'), quiet, 'UTC')).toBe(true);
    expect(inQuietHours(at('2026-06-02T07:59:00Z'), quiet, 'UTC')).toBe(true);
    expect(inQuietHours(at('2026-06-02T08:00:00Z'), quiet, 'UTC')).toBe(false);
    expect(inQuietHours(at('2026-06-02T12:00:00Z'), { start: '12:00', end: '14:00' }, 'UTC')).toBe(true);
  });

  it('moves a send to the end of the window in local time, across DST', () => {
    // 23:00 Berlin on 28 March (CET) → 08:00 on 29 March, which is CEST.
    expect(iso(outsideQuietHours(at('2026-03-28T22:00:00Z'), quiet, 'Europe/Berlin'))).toBe('2026-03-29T06:00:00.000Z');
    expect(outsideQuietHours(at('2026-03-28T12:00:00Z'), quiet, 'Europe/Berlin')).toBe(at('2026-03-28T12:00:00Z'));
  });

  it('combines local time, quiet hours and the fallback zone', () => {
    const runAt = at('2026-06-01T10:00:00Z');
    expect(iso(recipientSendAt({ runAt, localTime: '22:00', quietHours: quiet, timeZone: 'Asia/Tokyo', fallbackTimeZone: 'UTC' }))).toBe(
      '2026-06-01T23:00:00.000Z' // 22:00 Tokyo is quiet → 08:00 Tokyo next day
    );
    expect(iso(recipientSendAt({ runAt, localTime: '12:00', quietHours: null, timeZone: null, fallbackTimeZone: 'Europe/Paris' }))).toBe(
      '2026-06-01T10:00:00.000Z'
    );
    expect(iso(recipientSendAt({ runAt, localTime: null, quietHours: null, timeZone: 'Not/AZone', fallbackTimeZone: 'UTC' }))).toBe(iso(runAt));
  });
});

describe('recurring schedules', () => {
  it('finds the latest fire in a zone', () => {
    const fields = cronFields('0 9 * * 1'); // Mondays 09:00
    const fire = latestCronFire(fields, 'Europe/Berlin', 0, at('2026-06-03T12:00:00Z'));
    expect(iso(fire as number)).toBe('2026-06-01T07:00:00.000Z');
    expect(latestCronFire(fields, 'Europe/Berlin', at('2026-06-01T07:00:00Z'), at('2026-06-03T12:00:00Z'))).toBeNull();
  });

  it('uses either day field when both are restricted (Vixie cron)', () => {
    const fields = cronFields('0 0 1 * 5'); // the 1st, or Fridays
    expect(cronMatches(fields, localParts(at('2026-06-05T00:00:00Z'), 'UTC'))).toBe(true); // Friday 5th
    expect(cronMatches(fields, localParts(at('2026-06-01T00:00:00Z'), 'UTC'))).toBe(true); // Monday 1st
    expect(cronMatches(fields, localParts(at('2026-06-02T00:00:00Z'), 'UTC'))).toBe(false);
  });
});
