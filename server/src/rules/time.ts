/**
 * Calendar and clock arithmetic shared by the evaluators (and by the SQL compiler, so both read
 * the same boundaries). Days are UTC calendar days unless a time zone is named.
 */

import { DAY_MS, utcDay } from '../utils/days';

export { DAY_MS, utcDay };
export const HOUR_MS = 3_600_000;

/** A relative length of time, as written in rules. */
export type Duration = { days: number } | { hours: number };

export function durationMs(duration: Duration): number {
  return 'days' in duration ? duration.days * DAY_MS : duration.hours * HOUR_MS;
}

/** Milliseconds since the epoch for an ISO string, epoch number or Date; null if unusable. */
export function parseInstant(value: unknown): number | null {
  let ms: number;
  if (typeof value === 'string') ms = Date.parse(value);
  else if (typeof value === 'number') ms = value;
  else if (value instanceof Date) ms = value.getTime();
  else return null;
  return Number.isFinite(ms) ? ms : null;
}

export function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** Midnight UTC of a `YYYY-MM-DD` day. */
export function dayStartMs(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`);
}

/**
 * Start of "the last N days": midnight UTC of the first of the N calendar days ending with
 * today (today counts as day 1).
 */
export function lastDaysStartMs(days: number, now: Date): number {
  return startOfUtcDay(now.getTime()) - (days - 1) * DAY_MS;
}

const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatterFor(timeZone: string): Intl.DateTimeFormat | null {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        weekday: 'short',
      });
    } catch {
      formatter = null; // not an IANA zone this runtime knows
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function isValidTimeZone(timeZone: unknown): timeZone is string {
  return typeof timeZone === 'string' && timeZone !== '' && formatterFor(timeZone) !== null;
}

/** The first candidate that is a known IANA time zone, else `UTC`. */
export function resolveTimeZone(...candidates: unknown[]): string {
  for (const candidate of candidates) if (isValidTimeZone(candidate)) return candidate;
  return 'UTC';
}

export interface LocalTime {
  year: number;
  month: number;
  day: number;
  /** 0–23 */
  hour: number;
  /** ISO weekday: 1 = Monday … 7 = Sunday */
  weekday: number;
}

const ISO_WEEKDAYS: Record<string, number> = {
  Mon: 1,
  Tue: 2,
  Wed: 3,
  Thu: 4,
  Fri: 5,
  Sat: 6,
  Sun: 7,
};

/** Wall-clock date and hour at `instant` in `timeZone` (DST handled by the runtime's tz data). */
export function localTime(instant: Date, timeZone: string): LocalTime {
  const formatter = formatterFor(timeZone) ?? (formatterFor('UTC') as Intl.DateTimeFormat);
  const local: LocalTime = { year: 0, month: 0, day: 0, hour: 0, weekday: 0 };
  for (const part of formatter.formatToParts(instant)) {
    switch (part.type) {
      case 'year':
        local.year = Number(part.value);
        break;
      case 'month':
        local.month = Number(part.value);
        break;
      case 'day':
        local.day = Number(part.value);
        break;
      case 'hour':
        // Some ICU versions print midnight as 24 even with h23.
        local.hour = Number(part.value) % 24;
        break;
      case 'weekday':
        local.weekday = ISO_WEEKDAYS[part.value];
        break;
    }
  }
  return local;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * Whole days from the calendar date `today` to the next anniversary (same month and day, any
 * year) on or after it: 0 when it is today. A Feb 29 date has its anniversary on Feb 28 in
 * common years.
 */
export function daysUntilAnniversary(
  month: number,
  day: number,
  today: { year: number; month: number; day: number }
): number {
  const todayMs = Date.UTC(today.year, today.month - 1, today.day);
  for (let year = today.year; ; year++) {
    const anniversaryDay = month === 2 && day === 29 && !isLeapYear(year) ? 28 : day;
    const anniversaryMs = Date.UTC(year, month - 1, anniversaryDay);
    if (anniversaryMs >= todayMs) return Math.round((anniversaryMs - todayMs) / DAY_MS);
  }
}

/**
 * Month and day a date attribute names. A string starting with `YYYY-MM-DD` is taken as
 * written (a birthday is a calendar date, not an instant); other instants use their UTC date.
 */
export function calendarMonthDay(value: unknown): { month: number; day: number } | null {
  if (typeof value === 'string') {
    const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
    if (match) {
      const month = Number(match[2]);
      const day = Number(match[3]);
      const valid =
        month >= 1 &&
        month <= 12 &&
        day >= 1 &&
        day <= new Date(Date.UTC(2000, month, 0)).getUTCDate(); // 2000 is leap: Feb 29 allowed
      return valid ? { month, day } : null;
    }
  }
  const ms = parseInstant(value);
  if (ms === null) return null;
  const date = new Date(ms);
  return { month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}
