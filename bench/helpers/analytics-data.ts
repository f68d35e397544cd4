/**
 * Generated data for the analytics benchmark: a SQLite file created with the plugin's
 * migrations holding N profiles and ~21 raw events each over 365 days, with the activity days
 * and daily rollups ingestion would have written for them (aggregated per profile here, so the
 * three tables agree exactly). Visitors arrive uniformly over the year and come back on a
 * decaying number of days, which gives retention cohorts a realistic shape.
 * Files are cached under .tmp/bench/ by size (delete them to regenerate).
 */
import fs from 'fs';
import path from 'path';
import knexFactory from 'knex';
import { runMigrations } from '../../server/src/migrations';

export const ANALYTICS_NOW = Date.parse('2026-06-15T12:00:00Z');
const DAY = 86_400_000;
const DATA_VERSION = 2;
const SPAN_DAYS = 365;

interface Statement {
  run(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}
interface SqliteDatabase {
  pragma(text: string): unknown;
  prepare(sql: string): Statement;
  transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
  exec(sql: string): unknown;
  close(): void;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('better-sqlite3') as new (file: string) => SqliteDatabase;

// Weighted event names: views most, purchases rarely.
const EVENTS = [
  'page_view',
  'page_view',
  'page_view',
  'page_view',
  'open',
  'open',
  'search',
  'add_to_cart',
  'share',
  'purchase',
  'signup_step',
  'video_play',
];

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface AnalyticsData {
  file: string;
  profiles: number;
  events: number;
}

export async function analyticsDatabase(profiles: number): Promise<AnalyticsData> {
  const dir = path.resolve(__dirname, '..', '..', '.tmp', 'bench');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `analytics-v${DATA_VERSION}-${profiles}.db`);
  const meta = `${file}.json`;
  if (fs.existsSync(file) && fs.existsSync(meta))
    return {
      file,
      ...(JSON.parse(fs.readFileSync(meta, 'utf8')) as { profiles: number; events: number }),
    };
  const partial = `${file}.partial`;
  fs.rmSync(partial, { force: true });

  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: partial },
    useNullAsDefault: true,
  });
  await runMigrations(knex, { owner: 'bench' });
  await knex.destroy();

  const db = new Database(partial);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -400000');
  // Tens of millions of rows load much faster into unindexed tables, with the secondary indexes
  // built once at the end from their own definitions (the migrations' SQL, unchanged).
  const FILLED = ['segments_profiles', 'segments_events', 'segments_event_rollups', 'segments_activity_days'];
  const indexes = db
    .prepare(
      `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${FILLED.map(() => '?').join(', ')})`
    )
    .all(...FILLED) as Array<{ name: string; sql: string }>;
  for (const index of indexes) db.exec(`DROP INDEX "${index.name}"`);
  const insertProfile = db.prepare(
    `INSERT INTO segments_profiles (id, anonymous_id, first_seen_at, last_seen_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`
  );
  const insertEvent = db.prepare(
    'INSERT INTO segments_events (profile_id, name, occurred_at, received_at, value) VALUES (?, ?, ?, ?, ?)'
  );
  const insertRollup = db.prepare(
    'INSERT INTO segments_event_rollups (profile_id, event, day, count, value_sum) VALUES (?, ?, ?, ?, ?)'
  );
  const insertActivity = db.prepare(
    'INSERT INTO segments_activity_days (profile_id, day) VALUES (?, ?)'
  );
  const random = rng(7);
  const end = ANALYTICS_NOW - DAY; // the last full day is yesterday
  const firstDay = Math.floor((end - (SPAN_DAYS - 1) * DAY) / DAY);
  const lastDay = Math.floor(end / DAY);
  let events = 0;
  const chunk = db.transaction((from: number, to: number) => {
    for (let id = from; id < to; id++) {
      const start = firstDay + Math.floor(random() * SPAN_DAYS);
      // Active days: the first, then returns after exponential gaps (mean 12 days), ~6 days on average.
      const days: number[] = [start];
      const returns = Math.floor(-Math.log(1 - random()) * 5);
      let d = start;
      for (let k = 0; k < returns; k++) {
        d += 1 + Math.floor(-Math.log(1 - random()) * 12);
        if (d > lastDay) break;
        days.push(d);
      }
      const rollups = new Map<string, { count: number; value: number }>();
      let first = Infinity;
      let last = 0;
      for (const day of days) {
        const n = 1 + Math.floor(random() * 8); // ~4.5 events an active day, ~21 a profile
        for (let e = 0; e < n; e++) {
          const name = EVENTS[Math.floor(random() * EVENTS.length)];
          const at = day * DAY + Math.floor(random() * DAY);
          const value = name === 'purchase' ? 5 + Math.floor(random() * 95) : null;
          insertEvent.run(id, name, at, at, value);
          events += 1;
          const key = `${name}|${day}`;
          const r = rollups.get(key) ?? { count: 0, value: 0 };
          r.count += 1;
          r.value += value ?? 0;
          rollups.set(key, r);
          first = Math.min(first, at);
          last = Math.max(last, at);
        }
        insertActivity.run(id, new Date(day * DAY).toISOString().slice(0, 10));
      }
      for (const [key, r] of rollups) {
        const [name, day] = key.split('|');
        insertRollup.run(
          id,
          name,
          new Date(Number(day) * DAY).toISOString().slice(0, 10),
          r.count,
          r.value
        );
      }
      insertProfile.run(id, `a${id}`, first, last, first, last);
    }
  });
  for (let from = 1; from <= profiles; from += 5_000)
    chunk(from, Math.min(profiles + 1, from + 5_000));
  for (const index of indexes) db.exec(index.sql);
  db.exec('ANALYZE');
  db.close();
  fs.renameSync(partial, file);
  fs.writeFileSync(meta, JSON.stringify({ profiles, events }));
  return { file, profiles, events };
}
