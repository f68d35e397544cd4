/**
 * Reads of the analytics pre-aggregates: what the admin's activity, top-events and retention
 * routes answer with.
 */
import { TABLES } from '../store/tables';
import { addDays, dayIndex, dayOf, weekStart } from './activity';
import type { Db } from './aggregates';

export interface ActivityRow {
  day: string;
  dau: number;
  wau: number;
  mau: number;
  stickiness: number;
  newUsers: number;
  returningUsers: number;
}

/** Activity per reporting day in [from, to]; days with no row are days with no activity. */
export async function readActivity(db: Db, from: string, to: string): Promise<ActivityRow[]> {
  const rows = (await db(TABLES.analyticsDays)
    .select('day', 'dau', 'wau', 'mau', 'new_users')
    .whereBetween('day', [from, to])
    .orderBy('day')) as {
    day: string;
    dau: number | string;
    wau: number | string;
    mau: number | string;
    new_users: number | string;
  }[];
  const byDay = new Map(rows.map((r) => [r.day, r]));
  const out: ActivityRow[] = [];
  for (let i = dayIndex(from); i <= dayIndex(to); i += 1) {
    const day = dayOf(i);
    const r = byDay.get(day);
    const dau = Number(r?.dau ?? 0);
    const mau = Number(r?.mau ?? 0);
    const newUsers = Number(r?.new_users ?? 0);
    out.push({
      day,
      dau,
      wau: Number(r?.wau ?? 0),
      mau,
      stickiness: mau === 0 ? 0 : dau / mau,
      newUsers,
      returningUsers: dau - newUsers,
    });
  }
  return out;
}

export interface TopEvent {
  event: string;
  count: number;
  valueSum: number;
  /** Σ over days of the distinct profiles that day (a profile active on 3 days counts 3). */
  userDays: number;
  /** count / all events in the range. */
  share: number;
}

/** The most frequent events over the UTC days [from, to]. */
export async function readTopEvents(
  db: Db,
  from: string,
  to: string,
  limit: number
): Promise<{ total: number; events: TopEvent[] }> {
  const totalRow = (await db(TABLES.analyticsEventDays)
    .whereBetween('day', [from, to])
    .sum({ total: 'count' })
    .first()) as { total: number | string | null } | undefined;
  const total = Number(totalRow?.total ?? 0);
  const rows = (await db(TABLES.analyticsEventDays)
    .select('event')
    .sum({ n: 'count' })
    .sum({ value_total: 'value_sum' })
    .sum({ user_days: 'users' })
    .whereBetween('day', [from, to])
    .groupBy('event')
    .orderBy([{ column: 'n', order: 'desc' }, { column: 'event' }])
    .limit(limit)) as {
    event: string;
    n: number | string;
    value_total: number | string;
    user_days: number | string;
  }[];
  return {
    total,
    events: rows.map((r) => ({
      event: r.event,
      count: Number(r.n),
      valueSum: Number(r.value_total),
      userDays: Number(r.user_days),
      share: total === 0 ? 0 : Number(r.n) / total,
    })),
  };
}

export interface RetentionCohort {
  /** Monday of the cohort's first active week. */
  cohort: string;
  /** Profiles whose first active day falls in that week. */
  users: number;
  /** Active users in week k after the cohort week (index 0 = the cohort week itself = users). */
  active: number[];
  /** active[k] / users. */
  rates: number[];
}

/** The last `weeks` weekly cohorts up to the week of `today`, each followed up to `today`. */
export async function readRetention(
  db: Db,
  weeks: number,
  today: string
): Promise<RetentionCohort[]> {
  const current = weekStart(today);
  const first = addDays(current, -7 * (weeks - 1));
  const rows = (await db(TABLES.analyticsRetention)
    .select('cohort', 'week', 'users')
    .whereBetween('cohort', [first, current])) as {
    cohort: string;
    week: string;
    users: number | string;
  }[];
  const cells = new Map(rows.map((r) => [`${r.cohort}|${r.week}`, Number(r.users)]));
  const out: RetentionCohort[] = [];
  for (let cohort = first; cohort <= current; cohort = addDays(cohort, 7)) {
    const users = cells.get(`${cohort}|${cohort}`) ?? 0;
    const active: number[] = [];
    for (let w = cohort; w <= current; w = addDays(w, 7))
      active.push(cells.get(`${cohort}|${w}`) ?? 0);
    out.push({ cohort, users, active, rates: active.map((a) => (users === 0 ? 0 : a / users)) });
  }
  return out;
}
