/**
 * Which in-app messages a visitor sees now: inside the campaign's start/end, not in the holdout,
 * never again once dismissed or clicked, at most `maxShows` in each `periodHours` window, highest
 * priority first. Pure.
 */
export interface InappShowState {
  /** Shows in the current window. */
  shows: number;
  windowStartedAt: number | null;
  dismissedAt: number | null;
  clickedAt: number | null;
}

export interface InappSchedule {
  startsAt: string | null;
  endsAt: string | null;
  priority: number;
  maxShows: number;
  periodHours: number;
}

/** Inside `[startsAt, endsAt)`; an open end is no bound. */
export function withinSchedule(
  schedule: Pick<InappSchedule, 'startsAt' | 'endsAt'>,
  now: number
): boolean {
  if (schedule.startsAt && Date.parse(schedule.startsAt) > now) return false;
  if (schedule.endsAt && Date.parse(schedule.endsAt) <= now) return false;
  return true;
}

/** The window a show made at `now` counts in: the current one, or a fresh one once it has passed. */
export function windowAt(
  state: Pick<InappShowState, 'shows' | 'windowStartedAt'> | undefined,
  periodHours: number,
  now: number
): { shows: number; startedAt: number } {
  const start = state?.windowStartedAt ?? null;
  if (start === null || now - start >= periodHours * 3_600_000) return { shows: 0, startedAt: now };
  return { shows: state?.shows ?? 0, startedAt: start };
}

/** May this visitor be shown the message now? */
export function showable(
  schedule: Pick<InappSchedule, 'maxShows' | 'periodHours'>,
  state: InappShowState | undefined,
  now: number
): boolean {
  if (state?.dismissedAt != null || state?.clickedAt != null) return false;
  return windowAt(state, schedule.periodHours, now).shows < schedule.maxShows;
}

/** Higher priority first; ties by the earlier scheduled campaign, then by id (stable). */
export function byPriority<T extends { priority: number; scheduledAt: string | null; id: string }>(
  a: T,
  b: T
): number {
  if (a.priority !== b.priority) return b.priority - a.priority;
  const at = (x: T) => (x.scheduledAt ? Date.parse(x.scheduledAt) : Infinity);
  if (at(a) !== at(b)) return at(a) - at(b);
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
