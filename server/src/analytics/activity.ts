import { DAY_MS } from '../utils/days';

/**
 * DAU, WAU, MAU and stickiness per day from activity days (profile × UTC day). Pure and linear
 * in the number of rows: each active day of a profile covers the 7 (30) days from it in a
 * difference array, with overlapping windows of one profile merged so nobody counts twice.
 */
export interface ActivitySeriesDay {
  day: string;
  dau: number;
  wau: number;
  mau: number;
  stickiness: number;
}

export const MAX_ACTIVITY_RANGE_DAYS = 366;

const dayIndex = (day: string) => Math.round(Date.parse(`${day}T00:00:00Z`) / DAY_MS);
const dayOf = (index: number) => new Date(index * DAY_MS).toISOString().slice(0, 10);

/** The first day whose rows the series for [from, to] needs (MAU looks back 29 days). */
export const activityLookbackStart = (from: string) => dayOf(dayIndex(from) - 29);

export function activitySeries(
  rows: { profileId: number; day: string }[],
  from: string,
  to: string
): ActivitySeriesDay[] {
  const byProfile = new Map<number, number[]>();
  for (const row of rows) {
    const days = byProfile.get(row.profileId) ?? [];
    days.push(dayIndex(row.day));
    byProfile.set(row.profileId, days);
  }
  const series = new ActivityAccumulator(from, to);
  for (const days of byProfile.values()) series.addProfile(days);
  return series.result();
}

/**
 * The same series fed one profile at a time (its active days as day indexes), so a caller can
 * stream millions of activity rows ordered by profile without holding them all.
 */
export class ActivityAccumulator {
  private readonly start: number;
  private readonly length: number;
  private readonly dau: number[];
  private readonly wauDiff: number[];
  private readonly mauDiff: number[];

  constructor(from: string, to: string) {
    this.start = dayIndex(from);
    this.length = dayIndex(to) - this.start + 1;
    this.dau = new Array<number>(this.length).fill(0);
    this.wauDiff = new Array<number>(this.length + 1).fill(0);
    this.mauDiff = new Array<number>(this.length + 1).fill(0);
  }

  // Adds +1 over the union of [d, d + span - 1] for every active day d, clipped to the range.
  private cover(days: number[], span: number, diff: number[]) {
    let coveredUntil = -Infinity; // last series index already counted for this profile
    for (const d of days) {
      const first = Math.max(d - this.start, coveredUntil + 1, 0);
      const last = Math.min(d - this.start + span - 1, this.length - 1);
      if (first > last) continue;
      diff[first] += 1;
      diff[last + 1] -= 1;
      coveredUntil = last;
    }
  }

  addProfile(days: number[]): void {
    days.sort((a, b) => a - b);
    for (const d of days)
      if (d >= this.start && d - this.start < this.length) this.dau[d - this.start] += 1;
    this.cover(days, 7, this.wauDiff);
    this.cover(days, 30, this.mauDiff);
  }

  result(): ActivitySeriesDay[] {
    const series: ActivitySeriesDay[] = [];
    let wau = 0;
    let mau = 0;
    for (let i = 0; i < this.length; i += 1) {
      wau += this.wauDiff[i];
      mau += this.mauDiff[i];
      series.push({
        day: dayOf(this.start + i),
        dau: this.dau[i],
        wau,
        mau,
        stickiness: mau === 0 ? 0 : this.dau[i] / mau,
      });
    }
    return series;
  }
}

/** Day arithmetic on 'YYYY-MM-DD' strings (calendar days, no time zone involved). */
export const addDays = (day: string, n: number) => dayOf(dayIndex(day) + n);
export const daysBetween = (from: string, to: string) => dayIndex(to) - dayIndex(from);
export { dayIndex, dayOf };

/** Monday of the week containing `day` (retention cohorts are Monday-based weeks). */
export function weekStart(day: string): string {
  const index = dayIndex(day);
  // Day index 0 (1970-01-01) was a Thursday: Monday is 3 days before it.
  const weekday = (((index + 3) % 7) + 7) % 7; // 0 = Monday
  return dayOf(index - weekday);
}

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Checks `from`/`to` query values; returns field errors, or none. */
export function checkActivityRange(from: unknown, to: unknown) {
  const errors: { path: string; message: string }[] = [];
  for (const [name, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (
      typeof value !== 'string' ||
      !DAY_PATTERN.test(value) ||
      Number.isNaN(Date.parse(`${value}T00:00:00Z`)) ||
      dayOf(dayIndex(value)) !== value
    ) {
      errors.push({ path: name, message: 'must be a day as YYYY-MM-DD' });
    }
  }
  if (errors.length) return errors;
  const span = dayIndex(to as string) - dayIndex(from as string) + 1;
  if (span < 1) errors.push({ path: 'to', message: 'must not be before from' });
  else if (span > MAX_ACTIVITY_RANGE_DAYS) {
    errors.push({
      path: 'to',
      message: `the range may span at most ${MAX_ACTIVITY_RANGE_DAYS} days`,
    });
  }
  return errors;
}
