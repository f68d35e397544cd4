import knexFactory, { type Knex } from 'knex';
import type { BenchResult } from './types';
import { analyticsDatabase, ANALYTICS_NOW } from './helpers/analytics-data';
import { runMigrations } from '../server/src/migrations';
import { TABLES } from '../server/src/store/tables';
import { activitySeries, addDays, weekStart } from '../server/src/analytics/activity';
import { rebuildAll } from '../server/src/analytics/aggregates';
import {
  readActivity,
  readRetention,
  readTopEvents,
} from '../server/src/analytics/aggregate-reads';

/**
 * Issue 9: the analytics dashboard (90 days of DAU/WAU/MAU/stickiness/new users, top 10 events
 * over 30 days, 12 weekly retention cohorts) over BENCH_ANALYTICS_PROFILES generated profiles
 * (default 1,000,000, ~20 events each → ~20M raw events) on SQLite.
 *
 * Value: the dashboard's three reads from the pre-aggregates (median of 5). Baseline, in the
 * same run: the same numbers computed from the raw events table. A second line compares with
 * computing activity live from activity days (what GET /segments/activity does). The rebuild
 * time of the pre-aggregates is reported too (it runs nightly, not per request).
 */
const PROFILES = Number(process.env.BENCH_ANALYTICS_PROFILES ?? 1_000_000);
const DAY = 86_400_000;

const today = new Date(ANALYTICS_NOW).toISOString().slice(0, 10);
const from = addDays(today, -89);
const eventsFrom = addDays(today, -29);

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = process.hrtime.bigint();
  const value = await work();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, value };
}

async function median(runs: number, work: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push((await timed(work)).ms);
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)];
}

const rowsOf = <T>(result: unknown): T[] =>
  (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];

/** The dashboard from the pre-aggregates. */
async function dashboard(knex: Knex) {
  const activity = await readActivity(knex, from, today);
  const top = await readTopEvents(knex, eventsFrom, today, 10);
  const retention = await readRetention(knex, 12, today);
  return { activity, top, retention };
}

/** The same dashboard straight from raw events (UTC days). */
async function dashboardFromRawEvents(knex: Knex) {
  const lo = Date.parse(`${addDays(from, -29)}T00:00:00Z`);
  const hi = Date.parse(`${today}T00:00:00Z`) + DAY;
  const activeRows = rowsOf<{ profile_id: number; day: string }>(
    await knex.raw(
      `select distinct profile_id, date(occurred_at / 1000, 'unixepoch') as day from ?? where occurred_at >= ? and occurred_at < ?`,
      [TABLES.events, lo, hi]
    )
  );
  const series = activitySeries(
    activeRows.map((r) => ({ profileId: Number(r.profile_id), day: r.day })),
    from,
    today
  );
  const firsts = rowsOf<{ day: string; n: number }>(
    await knex.raw(
      `select date(first / 1000, 'unixepoch') as day, count(*) as n
         from (select min(occurred_at) as first from ?? group by profile_id) group by day`,
      [TABLES.events]
    )
  );
  const newUsers = new Map(firsts.map((r) => [r.day, Number(r.n)]));
  const activity = series.map((d) => ({ ...d, newUsers: newUsers.get(d.day) ?? 0 }));
  const top = rowsOf<{ name: string; n: number; v: number }>(
    await knex.raw(
      `select name, count(*) as n, sum(value) as v from ?? where occurred_at >= ? and occurred_at < ? group by name order by n desc limit 10`,
      [TABLES.events, Date.parse(`${eventsFrom}T00:00:00Z`), hi]
    )
  );
  // Retention: first week and active weeks per profile over the last 12 weeks.
  const firstWeek = addDays(weekStart(today), -77);
  const weekRows = rowsOf<{ profile_id: number; first: number; day: string }>(
    await knex.raw(
      `select f.profile_id as profile_id, f.first as first, date(e.occurred_at / 1000, 'unixepoch') as day
         from (select profile_id, min(occurred_at) as first from ?? group by profile_id having min(occurred_at) >= ?) f
         join ?? e on e.profile_id = f.profile_id`,
      [TABLES.events, Date.parse(`${firstWeek}T00:00:00Z`), TABLES.events]
    )
  );
  const cells = new Map<string, number>();
  const seen = new Set<string>();
  for (const r of weekRows) {
    const cohort = weekStart(new Date(Number(r.first)).toISOString().slice(0, 10));
    const key = `${weekStart(r.day)}|${r.profile_id}`; // each profile once a week
    if (seen.has(key)) continue;
    seen.add(key);
    const cell = `${cohort}|${weekStart(r.day)}`;
    cells.set(cell, (cells.get(cell) ?? 0) + 1);
  }
  return { activity, top, cells };
}

/** Activity computed live from activity days (the original endpoint). */
async function activityFromActivityDays(knex: Knex) {
  const rows = (await knex(TABLES.activityDays)
    .select('profile_id', 'day')
    .whereBetween('day', [addDays(from, -29), today])) as {
    profile_id: number;
    day: string;
  }[];
  return activitySeries(
    rows.map((r) => ({ profileId: Number(r.profile_id), day: r.day })),
    from,
    today
  );
}

export async function run(): Promise<BenchResult[]> {
  const data = await analyticsDatabase(PROFILES);
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: data.file },
    useNullAsDefault: true,
  });
  try {
    await runMigrations(knex, { owner: 'bench' });
    const rebuild = await timed(() => rebuildAll(knex, { now: ANALYTICS_NOW, today }));
    const pre = await dashboard(knex);
    const fast = await median(5, () => dashboard(knex));
    const raw = await timed(() => dashboardFromRawEvents(knex));
    const live = await median(3, () => activityFromActivityDays(knex));
    const activityOnly = await median(5, () => readActivity(knex, from, today));

    // The two paths must agree, or the comparison means nothing.
    const mismatch = pre.activity.find((d, i) => {
      const r = raw.value.activity[i];
      return d.dau !== r.dau || d.wau !== r.wau || d.mau !== r.mau || d.newUsers !== r.newUsers;
    });
    if (mismatch) throw new Error(`pre-aggregated and raw activity differ on ${mismatch.day}`);
    const topRaw = raw.value.top.map((r) => [r.name, Number(r.n)]);
    const topPre = pre.top.events.map((e) => [e.event, e.count]);
    if (JSON.stringify(topRaw) !== JSON.stringify(topPre)) throw new Error('top events differ');
    for (const c of pre.retention) {
      c.active.forEach((n, k) => {
        const r = raw.value.cells.get(`${c.cohort}|${addDays(c.cohort, 7 * k)}`) ?? 0;
        if (r !== n) throw new Error(`retention differs at ${c.cohort} week ${k}: ${n} vs ${r}`);
      });
    }

    const scale = `${data.profiles.toLocaleString('en')} profiles, ${data.events.toLocaleString('en')} events (sqlite)`;
    return [
      {
        name: `analytics dashboard (90-day activity, top events, 12 cohorts): raw events time / pre-aggregated time, ${scale}`,
        value: raw.ms / fast,
        unit: 'x',
        baseline: 1,
        ratio: raw.ms / fast,
        better: 'higher',
        target: 10,
      },
      {
        name: `analytics dashboard from pre-aggregates, ${scale}`,
        value: fast,
        unit: 'ms',
        baseline: 1000,
        ratio: fast / 1000,
        better: 'lower',
        target: 1,
      },
      {
        name: `analytics dashboard from raw events, ${scale}`,
        value: raw.ms,
        unit: 'ms',
        baseline: fast,
        ratio: raw.ms / fast,
        better: 'higher',
      },
      {
        name: `90-day activity: live from activity days / pre-aggregated, ${scale}`,
        value: live / activityOnly,
        unit: 'x',
        baseline: 1,
        ratio: live / activityOnly,
        better: 'higher',
      },
      {
        name: `pre-aggregate full rebuild, ${scale}`,
        value: rebuild.ms / 1000,
        unit: 's',
        baseline: raw.ms / 1000,
        ratio: rebuild.ms / raw.ms,
        better: 'lower',
      },
    ];
  } finally {
    await knex.destroy();
  }
}
