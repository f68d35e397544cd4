import { DAY_MS } from '../events/limits';

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
  const start = dayIndex(from);
  const length = dayIndex(to) - start + 1;
  const dau = new Array<number>(length).fill(0);
  const wauDiff = new Array<number>(length + 1).fill(0);
  const mauDiff = new Array<number>(length + 1).fill(0);

  const byProfile = new Map<number, number[]>();
  for (const row of rows) {
    const days = byProfile.get(row.profileId) ?? [];
    days.push(dayIndex(row.day));
    byProfile.set(row.profileId, days);
  }
  // Adds +1 over the union of [d, d + span - 1] for every active day d, clipped to the range.
  const cover = (days: number[], span: number, diff: number[]) => {
    let coveredUntil = -Infinity; // last series index already counted for this profile
    for (const d of days) {
      const first = Math.max(d - start, coveredUntil + 1, 0);
      const last = Math.min(d - start + span - 1, length - 1);
      if (first > last) continue;
      diff[first] += 1;
      diff[last + 1] -= 1;
      coveredUntil = last;
    }
  };
  for (const days of byProfile.values()) {
    days.sort((a, b) => a - b);
    for (const d of days) if (d >= start && d - start < length) dau[d - start] += 1;
    cover(days, 7, wauDiff);
    cover(days, 30, mauDiff);
  }
  const series: ActivitySeriesDay[] = [];
  let wau = 0;
  let mau = 0;
  for (let i = 0; i < length; i += 1) {
    wau += wauDiff[i];
    mau += mauDiff[i];
    series.push({
      day: dayOf(start + i),
      dau: dau[i],
      wau,
      mau,
      stickiness: mau === 0 ? 0 : dau[i] / mau,
    });
  }
  return series;
}

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Checks `from`/`to` query values; returns field errors, or none. */
export function checkActivityRange(from: unknown, to: unknown) {
  const errors: { path: string; message: string }[] = [];
  for (const [name, value] of [
    ['from', from],
    ['to', to],
  ] as const) {
    if (typeof value !== 'string' || !DAY_PATTERN.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || dayOf(dayIndex(value)) !== value) {
      errors.push({ path: name, message: 'must be a day as YYYY-MM-DD' });
    }
  }
  if (errors.length) return errors;
  const span = dayIndex(to as string) - dayIndex(from as string) + 1;
  if (span < 1) errors.push({ path: 'to', message: 'must not be before from' });
  else if (span > MAX_ACTIVITY_RANGE_DAYS) {
    errors.push({ path: 'to', message: `the range may span at most ${MAX_ACTIVITY_RANGE_DAYS} days` });
  }
  return errors;
}
