/**
 * Per-recipient send times. Pure; time zones through `Intl` (IANA names), so DST follows the
 * runtime's tz database.
 *
 * - `localTimeAfter`: the first instant at or after `from` when the recipient's wall clock shows
 *   HH:MM. A wall time skipped by a spring-forward gap is sent at the same distance after the
 *   gap (02:30 on a 02:00→03:00 day is sent at 03:30); an ambiguous one (fall back) at its
 *   first occurrence.
 * - `outsideQuietHours`: an instant inside the quiet window moves to the window's end.
 */
import { isValidTimeZone } from '../rules/time';

export interface LocalParts {
  year: number;
  month: number; // 1–12
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number; // 0 = Sunday
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Wall-clock fields of instant `ms` in `timeZone`. */
export function localParts(ms: number, timeZone: string): LocalParts {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS[parts.weekday] ?? 0,
  };
}

/** Offset of `timeZone` from UTC at instant `ms`, in ms (positive east of Greenwich). */
export function offsetAt(ms: number, timeZone: string): number {
  const p = localParts(ms, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant when `timeZone`'s wall clock shows the given date and time. Skipped times (DST gap)
 * map forward by the gap; ambiguous ones to the earlier instant.
 */
export function zonedToInstant(
  date: { year: number; month: number; day: number },
  hour: number,
  minute: number,
  timeZone: string
): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  // Candidates from the offsets a few hours either side: one of them is consistent unless the
  // wall time falls in a gap.
  const before = offsetAt(wall - DAY / 2, timeZone);
  const after = offsetAt(wall + DAY / 2, timeZone);
  const candidates = [...new Set([before, after])]
    .map((offset) => wall - offset)
    .filter((ms) => wall === ms + offsetAt(ms, timeZone))
    .sort((a, b) => a - b);
  if (candidates.length) return candidates[0];
  // In the gap: the wall time does not exist; keep the wall distance under the earlier offset,
  // which lands as far after the gap as the wall time was into it.
  return wall - before;
}

export function parseHhMm(value: string): { hour: number; minute: number } | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value);
  return m ? { hour: Number(m[1]), minute: Number(m[2]) } : null;
}

function addDays(date: { year: number; month: number; day: number }, n: number) {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + n));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** First instant ≥ `from` when the wall clock in `timeZone` shows `hhmm`. */
export function localTimeAfter(from: number, hhmm: string, timeZone: string): number {
  const t = parseHhMm(hhmm);
  if (!t) throw new RangeError(`not a HH:MM time: ${hhmm}`);
  const today = localParts(from, timeZone);
  for (let i = 0; i < 3; i++) {
    const at = zonedToInstant(addDays(today, i), t.hour, t.minute, timeZone);
    if (at >= from) return at;
  }
  /* istanbul ignore next -- a day always contains the time or its gap-shifted equivalent */
  throw new Error('unreachable');
}

export interface QuietHours {
  /** Local HH:MM when quiet starts (inclusive). */
  start: string;
  /** Local HH:MM when sending may resume (exclusive end); may be earlier than start (overnight). */
  end: string;
}

const minutesOfDay = (p: { hour: number; minute: number }) => p.hour * 60 + p.minute;

export function inQuietHours(ms: number, quiet: QuietHours, timeZone: string): boolean {
  const s = parseHhMm(quiet.start);
  const e = parseHhMm(quiet.end);
  if (!s || !e) throw new RangeError('quiet hours need HH:MM start and end');
  const now = minutesOfDay(localParts(ms, timeZone));
  const start = minutesOfDay(s);
  const end = minutesOfDay(e);
  if (start === end) return false;
  return start < end ? now >= start && now < end : now >= start || now < end;
}

/** `ms` itself when outside the quiet window, else the next instant the window ends. */
export function outsideQuietHours(ms: number, quiet: QuietHours | null | undefined, timeZone: string): number {
  if (!quiet || !inQuietHours(ms, quiet, timeZone)) return ms;
  return localTimeAfter(ms, quiet.end, timeZone);
}

export interface SendTimeOptions {
  /** When the run is due (the campaign's send time). */
  runAt: number;
  /** Recipient-local HH:MM, or null to send at `runAt`. */
  localTime: string | null;
  quietHours: QuietHours | null;
  /** The recipient's IANA zone, or null for the fallback. */
  timeZone: string | null;
  fallbackTimeZone: string;
}

/**
 * When one recipient's message is due: at the run time, or at the next local HH:MM, then moved
 * out of quiet hours. Intelligent timing (issue 8) plugs in here with a per-recipient hour.
 */
export function recipientSendAt(options: SendTimeOptions): number {
  const zone = options.timeZone && isZone(options.timeZone) ? options.timeZone : options.fallbackTimeZone;
  const base = options.localTime ? localTimeAfter(options.runAt, options.localTime, zone) : options.runAt;
  return outsideQuietHours(base, options.quietHours, zone);
}

/** Known IANA zone (the rule language's cached check). */
export const isZone = isValidTimeZone;

/**
 * Fires of a 5-field cron expression (minute resolution) in `timeZone`: the latest fire in
 * (after, until], or null. `fields` comes from node-cron's `parse`. Scans at most `maxScanMs` (8 days: weekly schedules).
 */
export interface CronFields {
  minute: number[];
  hour: number[];
  dayOfMonth: (number | string)[];
  month: number[];
  dayOfWeek: (number | string)[];
}

export function cronMatches(fields: CronFields, p: LocalParts): boolean {
  if (!fields.minute.includes(p.minute) || !fields.hour.includes(p.hour)) return false;
  if (!fields.month.includes(p.month)) return false;
  const lastDay = new Date(Date.UTC(p.year, p.month, 0)).getUTCDate();
  const domAll = fields.dayOfMonth.length >= 31;
  const dowAll = fields.dayOfWeek.filter((d) => typeof d === 'number').length >= 7;
  const dom = fields.dayOfMonth.some((d) => d === p.day || (d === 'L' && p.day === lastDay));
  const dow = fields.dayOfWeek.some((d) => d === p.weekday || (d === 7 && p.weekday === 0));
  // Vixie cron: when both day fields are restricted, either one matching is enough.
  if (!domAll && !dowAll) return dom || dow;
  return dom && dow;
}

export function latestCronFire(
  fields: CronFields,
  timeZone: string,
  after: number,
  until: number,
  maxScanMs = 8 * DAY
): number | null {
  const floorMinute = (ms: number) => Math.floor(ms / MINUTE) * MINUTE;
  const stop = Math.max(after, until - maxScanMs);
  for (let t = floorMinute(until); t > stop; t -= MINUTE) {
    if (cronMatches(fields, localParts(t, timeZone))) return t;
  }
  return null;
}
