import { calendarMonthDay, isLeapYear, localTime } from '../rules/time';

/**
 * When an `anniversaryWithin: { days: N }` answer next flips (issue 22, relative dates): the
 * window holds from N days before each anniversary through the anniversary day, in the profile's
 * local calendar, so the answer can only change at the local midnight that starts `A − N` (it
 * enters) or `A + 1` (it leaves). Written here with `Intl` (rules/time) because the project has
 * no date library; local midnights are found by bisection, cached per zone and day.
 */
const DAY_MS = 86_400_000;

type CalendarDate = { year: number; month: number; day: number };

const dayNumber = (d: CalendarDate) => Date.UTC(d.year, d.month - 1, d.day) / DAY_MS;

function anniversaryIn(year: number, month: number, day: number): number {
  const adjusted = month === 2 && day === 29 && !isLeapYear(year) ? 28 : day;
  return Date.UTC(year, month - 1, adjusted) / DAY_MS;
}

/** The first local day after `today` on which the answer can differ from the day before. */
export function nextFlipDay(
  monthDay: { month: number; day: number },
  days: number,
  today: CalendarDate
): number {
  const todayNumber = dayNumber(today);
  const flips: number[] = [];
  for (const year of [today.year - 1, today.year, today.year + 1, today.year + 2]) {
    const anniversary = anniversaryIn(year, monthDay.month, monthDay.day);
    flips.push(anniversary - days, anniversary + 1);
  }
  return Math.min(...flips.filter((d) => d > todayNumber));
}

const midnights = new Map<string, number>();
const MAX_CACHED = 20_000;

/** The first instant of local day `dayNum` (days since the epoch) in `zone`. */
export function localMidnight(dayNum: number, zone: string): number {
  const key = `${zone}\u0000${dayNum}`;
  const cached = midnights.get(key);
  if (cached !== undefined) return cached;
  const localDay = (t: number) => dayNumber(localTime(new Date(t), zone));
  // Every offset lies within ±15 h: the day starts somewhere in this range.
  let low = dayNum * DAY_MS - 15 * 3_600_000; // local day before dayNum
  let high = dayNum * DAY_MS + 15 * 3_600_000; // local day dayNum or later
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (localDay(mid) >= dayNum) high = mid;
    else low = mid;
  }
  if (midnights.size >= MAX_CACHED) midnights.clear();
  midnights.set(key, high);
  return high;
}

/** The moment an anniversary clause next flips for this value in this zone, or null. */
export function anniversaryMoment(
  value: unknown,
  days: number,
  zone: string,
  now: number
): number | null {
  const monthDay = calendarMonthDay(value);
  if (!monthDay) return null;
  const today = localTime(new Date(now), zone);
  const at = localMidnight(nextFlipDay(monthDay, days, today), zone);
  return at > now ? at : null;
}
