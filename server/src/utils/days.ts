/** Calendar days as every day column stores them (`YYYY-MM-DD`), UTC or in a reporting zone. Pure. */

export const DAY_MS = 86_400_000;

/**
 * Remembers a day function's answers per slot of `slotMs` (every instant of a slot has the same
 * day): ingestion asks for the day of each event, and a batch's events share a few slots.
 * Bounded: cleared when it grows past a few thousand slots.
 */
function memoizedBySlot(slotMs: number, dayOf: (epochMs: number) => string) {
  const days = new Map<number, string>();
  return (epochMs: number): string => {
    const slot = Math.floor(epochMs / slotMs);
    let day = days.get(slot);
    if (day === undefined) {
      if (days.size >= 4096) days.clear();
      day = dayOf(epochMs);
      days.set(slot, day);
    }
    return day;
  };
}

/** UTC calendar day of an epoch-ms instant, `YYYY-MM-DD` (the format of every day column). */
export const utcDay = memoizedBySlot(DAY_MS, (epochMs) =>
  new Date(epochMs).toISOString().slice(0, 10)
);

/**
 * The calendar day (`YYYY-MM-DD`) of an instant in a time zone. Activity days are kept in the
 * configured reporting zone so "daily" active users follow the business's own midnight.
 */
const dayFunctions = new Map<string, (epochMs: number) => string>();
export function dayInTimeZone(timeZone: string): (epochMs: number) => string {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return utcDay;
  const known = dayFunctions.get(timeZone);
  if (known) return known;
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  });
  // Every zone's offsets and transitions fall on quarter hours, so a quarter hour has one day.
  const dayOf = memoizedBySlot(15 * 60 * 1000, (epochMs) => format.format(epochMs));
  dayFunctions.set(timeZone, dayOf);
  return dayOf;
}
