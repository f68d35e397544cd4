import type { Knex } from 'knex';
import { TABLES } from '../store/tables';
import { insertValues } from '../store/insert';
import type { Aggregate } from '../events/rollups';
import { ActivityAccumulator, addDays, dayIndex, weekStart } from './activity';

/**
 * Analytics pre-aggregates: the dashboards read small derived tables (one row per day, per day
 * and event, per cohort and week) instead of activity days, rollups or raw events.
 *
 * Kept fresh in two ways. Each instance remembers the days its own ingestion touched
 * (`DirtyDays`, fed by the events repository after commit) and recomputes just those days before
 * answering and on a timer; a full rebuild (nightly, after imports, on demand) reconciles what no
 * instance saw: writes that bypass ingestion (profile merges, the retention purge, bulk loads) and
 * instances that died with unflushed days. Every step recomputes from the source tables, so
 * running it twice, or on two instances at once, gives the same rows.
 */

export type Db = Knex | Knex.Transaction;

const CHUNK = 200;

/** Above this many remembered profiles an instance stops tracking and asks for a full rebuild. */
const MAX_TRACKED_PROFILES = 100_000;

/** What this instance's ingestion changed since the last refresh. */
export class DirtyDays {
  /** Activity days (reporting zone) with new activity rows. */
  readonly activityDays = new Set<string>();
  /** Rollup days (UTC) with new events. */
  readonly rollupDays = new Set<string>();
  /** Earliest new activity day per profile (its first active day may move earlier). */
  readonly firstDays = new Map<number, string>();
  overflow = false;

  add(totals: Pick<Aggregate, 'activity' | 'rollups'>): void {
    for (const r of totals.rollups) this.rollupDays.add(r.day);
    for (const a of totals.activity) {
      this.activityDays.add(a.day);
      const known = this.firstDays.get(a.profileId);
      if (known === undefined || a.day < known) this.firstDays.set(a.profileId, a.day);
    }
    if (this.firstDays.size > MAX_TRACKED_PROFILES) this.overflow = true;
  }

  get empty(): boolean {
    return !this.overflow && this.activityDays.size === 0 && this.rollupDays.size === 0;
  }

  /** Takes everything out (the caller refreshes it), leaving this set empty. */
  drain(): DirtyDays {
    const taken = new DirtyDays();
    this.activityDays.forEach((d) => taken.activityDays.add(d));
    this.rollupDays.forEach((d) => taken.rollupDays.add(d));
    this.firstDays.forEach((d, p) => taken.firstDays.set(p, d));
    taken.overflow = this.overflow;
    this.activityDays.clear();
    this.rollupDays.clear();
    this.firstDays.clear();
    this.overflow = false;
    return taken;
  }

  /** Puts back days a failed refresh took out. */
  merge(other: DirtyDays): void {
    this.add({
      rollups: [...other.rollupDays].map((day) => ({
        profileId: 0,
        event: '',
        day,
        count: 0,
        valueSum: 0,
      })),
      activity: [...other.firstDays].map(([profileId, day]) => ({ profileId, day })),
    });
    other.activityDays.forEach((d) => this.activityDays.add(d));
    this.overflow ||= other.overflow;
  }
}

// ---------------------------------------------------------------------------------------------
// State

export interface AggregateState {
  /** When the last full rebuild finished (epoch ms), or null: never built. */
  builtAt: number | null;
  /** Last reporting day whose activity row is up to date, or null. */
  coveredUntil: string | null;
}

export async function readState(db: Db): Promise<AggregateState> {
  const rows = (await db(TABLES.analyticsState).select('key', 'value')) as {
    key: string;
    value: string;
  }[];
  const map = new Map(rows.map((r) => [r.key, r.value]));
  return {
    builtAt: map.has('builtAt') ? Number(map.get('builtAt')) : null,
    coveredUntil: map.get('coveredUntil') ?? null,
  };
}

async function writeState(db: Db, values: Record<string, string>) {
  const rows = Object.entries(values).map(([key, value]) => ({ key, value }));
  await insertValues(
    db,
    TABLES.analyticsState,
    rows,
    'on conflict (key) do update set value = excluded.value'
  );
}

// ---------------------------------------------------------------------------------------------
// Recomputation from the source tables

async function insertChunks(db: Db, table: string, rows: Record<string, Knex.Value>[], tail = '') {
  for (let i = 0; i < rows.length; i += CHUNK)
    await insertValues(db, table, rows.slice(i, i + CHUNK), tail);
}

/**
 * Recomputes DAU/WAU/MAU and new users for the reporting days [from, to] from activity days,
 * streaming profiles in id windows (each window's rows come off the primary key in order).
 */
export async function recomputeActivityDays(
  db: Db,
  from: string,
  to: string,
  now: number
): Promise<void> {
  if (to < from) return;
  const series = new ActivityAccumulator(from, to);
  const lookback = addDays(from, -29);
  const bounds = (await db(TABLES.activityDays)
    .whereBetween('day', [lookback, to])
    .min({ lo: 'profile_id' })
    .max({ hi: 'profile_id' })
    .first()) as { lo: number | string | null; hi: number | string | null } | undefined;
  if (bounds?.lo !== null && bounds?.lo !== undefined && bounds.hi !== null) {
    const lo = Number(bounds.lo);
    const hi = Number(bounds.hi);
    const WINDOW = 20_000;
    for (let start = lo; start <= hi; start += WINDOW) {
      const rows = (await db(TABLES.activityDays)
        .select('profile_id', 'day')
        .where('profile_id', '>=', start)
        .andWhere('profile_id', '<', start + WINDOW)
        .andWhereBetween('day', [lookback, to])
        .orderBy([{ column: 'profile_id' }, { column: 'day' }])) as {
        profile_id: number | string;
        day: string;
      }[];
      let current: number | null = null;
      let days: number[] = [];
      for (const row of rows) {
        const id = Number(row.profile_id);
        if (id !== current) {
          if (days.length) series.addProfile(days);
          current = id;
          days = [];
        }
        days.push(dayIndex(row.day));
      }
      if (days.length) series.addProfile(days);
    }
  }
  const newUsers = new Map(
    (
      (await db(TABLES.analyticsFirstDays)
        .select('day')
        .count({ n: '*' })
        .whereBetween('day', [from, to])
        .groupBy('day')) as { day: string; n: number | string }[]
    ).map((r) => [r.day, Number(r.n)])
  );
  const rows = series.result().map((d) => ({
    day: d.day,
    dau: d.dau,
    wau: d.wau,
    mau: d.mau,
    new_users: newUsers.get(d.day) ?? 0,
    computed_at: now,
  }));
  await db.transaction(async (trx) => {
    await trx(TABLES.analyticsDays).whereBetween('day', [from, to]).delete();
    await insertChunks(trx, TABLES.analyticsDays, rows);
  });
}

/** Recomputes the per-day event totals of the given UTC days from the rollups. */
export async function recomputeEventDays(db: Db, days: string[]): Promise<void> {
  for (let i = 0; i < days.length; i += CHUNK) {
    const chunk = days.slice(i, i + CHUNK);
    await db.transaction(async (trx) => {
      await trx(TABLES.analyticsEventDays).whereIn('day', chunk).delete();
      await trx.raw(
        `insert into ?? (day, event, count, value_sum, users)
         select day, event, sum(count), sum(value_sum), count(*) from ?? where day in (${chunk.map(() => '?').join(', ')})
         group by day, event`,
        [TABLES.analyticsEventDays, TABLES.rollups, ...chunk]
      );
    });
  }
}

/** Recomputes every cohort's active users in the weeks starting on the given Mondays. */
export async function recomputeRetentionWeeks(db: Db, weeks: string[]): Promise<void> {
  for (const week of weeks) {
    // Group by first day (a handful of values) and fold days into cohort weeks here, so no
    // dialect-specific date function is needed in SQL.
    const rows = (await db.raw(
      `select f.day as first_day, count(*) as n
         from (select distinct profile_id from ?? where day between ? and ?) a
         join ?? f on f.profile_id = a.profile_id
        group by f.day`,
      [TABLES.activityDays, week, addDays(week, 6), TABLES.analyticsFirstDays]
    )) as unknown;
    const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as {
      first_day: string;
      n: number | string;
    }[];
    const cohorts = new Map<string, number>();
    for (const r of list) {
      const cohort = weekStart(r.first_day);
      cohorts.set(cohort, (cohorts.get(cohort) ?? 0) + Number(r.n));
    }
    await db.transaction(async (trx) => {
      await trx(TABLES.analyticsRetention).where('week', week).delete();
      const out = [...cohorts].map(([cohort, users]) => ({ cohort, week, users }));
      if (out.length) await insertChunks(trx, TABLES.analyticsRetention, out);
    });
  }
}

const mondays = (from: string, to: string): string[] => {
  const out: string[] = [];
  for (let w = weekStart(from); w <= to; w = addDays(w, 7)) out.push(w);
  return out;
};

/** The reporting day of `now`: the later of the zone's today and the newest activity seen. */
function todayOf(dayOfNow: string, dirty?: DirtyDays): string {
  let today = dayOfNow;
  dirty?.activityDays.forEach((d) => {
    if (d > today) today = d;
  });
  return today;
}

/**
 * Rebuilds every pre-aggregate from activity days and rollups. Minutes at 20M events; runs
 * nightly, after imports and when nothing was ever built.
 */
export async function rebuildAll(db: Knex, options: { now: number; today: string }): Promise<void> {
  await db(TABLES.analyticsFirstDays).delete();
  await db.raw(
    `insert into ?? (profile_id, day) select profile_id, min(day) from ?? group by profile_id`,
    [TABLES.analyticsFirstDays, TABLES.activityDays]
  );
  await db(TABLES.analyticsEventDays).delete();
  await db.raw(
    `insert into ?? (day, event, count, value_sum, users)
     select day, event, sum(count), sum(value_sum), count(*) from ?? group by event, day`,
    [TABLES.analyticsEventDays, TABLES.rollups]
  );
  const range = (await db(TABLES.activityDays).min({ lo: 'day' }).max({ hi: 'day' }).first()) as
    | { lo: string | null; hi: string | null }
    | undefined;
  await db(TABLES.analyticsDays).delete();
  await db(TABLES.analyticsRetention).delete();
  let coveredUntil = options.today;
  if (range?.lo && range.hi) {
    const to = range.hi > options.today ? range.hi : options.today;
    // Activity windows of 60 days keep each pass's rows (90 days with the lookback) bounded.
    for (let from = range.lo; from <= to; from = addDays(from, 60)) {
      const end = addDays(from, 59);
      await recomputeActivityDays(db, from, end < to ? end : to, options.now);
    }
    await recomputeRetentionWeeks(db, mondays(range.lo, range.hi));
    coveredUntil = to;
  }
  await writeState(db, { builtAt: String(options.now), coveredUntil });
}

/**
 * Brings the pre-aggregates up to date with what `dirty` says changed, and extends the activity
 * rows to today (WAU and MAU stay non-zero for days after the last event).
 */
export async function refresh(
  db: Knex,
  dirty: DirtyDays,
  options: { now: number; today: string }
): Promise<void> {
  const state = await readState(db);
  const today = todayOf(options.today, dirty);
  if (state.builtAt === null || dirty.overflow) {
    await rebuildAll(db, { now: options.now, today });
    return;
  }
  const activityChanged = new Set(dirty.activityDays);
  const retentionWeeks = new Set([...dirty.activityDays].map(weekStart));

  // First active days: new profiles, and profiles active earlier than they were ever seen.
  const profiles = [...dirty.firstDays.keys()];
  for (let i = 0; i < profiles.length; i += 500) {
    const ids = profiles.slice(i, i + 500);
    const known = new Map(
      (
        (await db(TABLES.analyticsFirstDays)
          .select('profile_id', 'day')
          .whereIn('profile_id', ids)) as {
          profile_id: number | string;
          day: string;
        }[]
      ).map((r) => [Number(r.profile_id), r.day])
    );
    const changed: { profile_id: number; day: string }[] = [];
    for (const id of ids) {
      const day = dirty.firstDays.get(id) as string;
      const old = known.get(id);
      if (old !== undefined && old <= day) continue;
      changed.push({ profile_id: id, day });
      activityChanged.add(day); // new users of that day
      if (old !== undefined) {
        activityChanged.add(old);
        // The profile moved to an earlier cohort: every week it was active in may change.
        for (const w of mondays(day, today)) retentionWeeks.add(w);
      }
    }
    if (changed.length) {
      await insertChunks(
        db,
        TABLES.analyticsFirstDays,
        changed,
        'on conflict (profile_id) do update set day = excluded.day'
      );
    }
  }

  const covered = state.coveredUntil;
  let from: string | null = covered && covered < today ? addDays(covered, 1) : null;
  for (const d of activityChanged) if (from === null || d < from) from = d;
  if (from !== null) {
    // A new active day changes WAU/MAU for the 29 days after it: recompute through today.
    const to = today;
    for (let start = from; start <= to; start = addDays(start, 60)) {
      const end = addDays(start, 59);
      await recomputeActivityDays(db, start, end < to ? end : to, options.now);
    }
    await writeState(db, { coveredUntil: covered && covered > to ? covered : to });
  }
  if (dirty.rollupDays.size) await recomputeEventDays(db, [...dirty.rollupDays].sort());
  if (retentionWeeks.size) await recomputeRetentionWeeks(db, [...retentionWeeks].sort());
}
