/**
 * Generated data for the batch-membership benchmark: a SQLite file created with the plugin's
 * migrations, N profiles (traits + promoted columns) and ~20 events each as daily rollups.
 * Files are cached under .tmp/bench/ by size (delete them to regenerate).
 */
import fs from 'fs';
import path from 'path';
import knexFactory from 'knex';
import { runMigrations } from '../../server/src/migrations';

export const NOW = new Date('2026-06-15T12:00:00Z');
const DAY = 86_400_000;
const DATA_VERSION = 2;

/** The few better-sqlite3 calls used here (the package ships no types). */
interface Statement {
  run(...params: unknown[]): unknown;
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

export const BENCH_RULE = {
  plan: { $in: ['pro', 'team'] },
  age: { $gte: 25 },
  $and: [
    { $event: { name: 'open', within: { days: 7 }, activeDays: { $gte: 3 } } },
    { $event: { name: 'purchase', within: { days: 30 }, count: { $gte: 1 } } },
  ],
  $geo: { near: { lat: 52.52, lng: 13.405 }, radiusKm: 300 },
};

const CITIES = [
  { country: 'DE', city: 'Berlin', lat: 52.52, lng: 13.405 },
  { country: 'DE', city: 'Munich', lat: 48.137, lng: 11.575 },
  { country: 'FR', city: 'Paris', lat: 48.857, lng: 2.352 },
  { country: 'PL', city: 'Poznan', lat: 52.406, lng: 16.925 },
  { country: 'US', city: 'New York', lat: 40.713, lng: -74.006 },
];
const PLANS = ['free', 'pro', 'team', 'trial'];
// ~20 events a profile over 90 days: opens most, purchases rarely.
const EVENTS = ['open', 'open', 'open', 'open', 'view', 'view', 'view', 'share', 'search', 'purchase'];

/** Small deterministic PRNG (mulberry32). */
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

export async function benchDatabase(profiles: number): Promise<string> {
  const dir = path.resolve(__dirname, '..', '..', '.tmp', 'bench');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `rules-batch-v${DATA_VERSION}-${profiles}.db`);
  if (fs.existsSync(file)) return file;
  const partial = `${file}.partial`;
  fs.rmSync(partial, { force: true });

  const knex = knexFactory({ client: 'better-sqlite3', connection: { filename: partial }, useNullAsDefault: true });
  await runMigrations(knex, { owner: 'bench' });
  await knex.destroy();

  const db = new Database(partial);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  const insertProfile = db.prepare(
    `INSERT INTO segments_profiles (id, email, country, city, latitude, longitude, traits, first_seen_at, last_seen_at, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
  );
  const insertRollup = db.prepare(
    'INSERT INTO segments_event_rollups (profile_id, event, day, count, value_sum) VALUES (?, ?, ?, ?, ?) ' +
      'ON CONFLICT (profile_id, event, day) DO UPDATE SET count = count + excluded.count, value_sum = value_sum + excluded.value_sum'
  );
  const random = rng(42);
  const days = Array.from({ length: 90 }, (_, i) => new Date(NOW.getTime() - i * DAY).toISOString().slice(0, 10));
  const chunk = db.transaction((from: number, to: number) => {
    for (let id = from; id < to; id++) {
      const city = CITIES[Math.floor(random() * CITIES.length)];
      const traits = { plan: PLANS[Math.floor(random() * PLANS.length)], age: 16 + Math.floor(random() * 50) };
      const seen = NOW.getTime() - Math.floor(random() * 400) * DAY;
      insertProfile.run(
        id,
        `user${id}@example.com`,
        city.country,
        city.city,
        city.lat + (random() - 0.5) * 2,
        city.lng + (random() - 0.5) * 2,
        JSON.stringify(traits),
        seen,
        NOW.getTime(),
        seen,
        seen
      );
      const events = 15 + Math.floor(random() * 11); // ~20 events
      for (let e = 0; e < events; e++) {
        const name = EVENTS[Math.floor(random() * EVENTS.length)];
        const day = days[Math.floor(random() * days.length)];
        insertRollup.run(id, name, day, 1, name === 'purchase' ? 10 + Math.floor(random() * 90) : 0);
      }
    }
  });
  for (let from = 1; from <= profiles; from += 10_000) chunk(from, Math.min(profiles + 1, from + 10_000));
  db.exec('ANALYZE');
  db.close();
  fs.renameSync(partial, file);
  return file;
}
