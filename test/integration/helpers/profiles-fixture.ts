/** Writes test profiles, rollups and raw events straight into the plugin tables. */
import type { Knex } from 'knex';
import { TABLES } from '../../../server/src/store/tables';
import { dialectOf } from '../../../server/src/rules/sql';

export interface FixtureProfile {
  id: number;
  traits?: unknown;
  context?: unknown;
  columns?: Partial<{
    email: string | null;
    timezone: string | null;
    locale: string | null;
    country: string | null;
    region: string | null;
    city: string | null;
    latitude: number | null;
    longitude: number | null;
    first_seen_at: number;
    last_seen_at: number;
  }>;
  rollups?: Array<{ event: string; day: string; count: number; valueSum: number }>;
  events?: Array<{ name: string; occurredAt: number; value: number | null; properties?: unknown }>;
}

const T0 = Date.parse('2024-01-01T00:00:00Z');

async function insertChunked(knex: Knex, table: string, rows: object[]) {
  for (let i = 0; i < rows.length; i += 100) await knex(table).insert(rows.slice(i, i + 100));
}

export async function clearProfiles(knex: Knex) {
  for (const table of [TABLES.events, TABLES.rollups, TABLES.profiles]) await knex(table).delete();
}

export async function insertProfiles(knex: Knex, profiles: FixtureProfile[]) {
  await insertChunked(
    knex,
    TABLES.profiles,
    profiles.map((p) => ({
      id: p.id,
      traits: p.traits === undefined ? null : JSON.stringify(p.traits),
      context: p.context === undefined ? null : JSON.stringify(p.context),
      first_seen_at: T0,
      last_seen_at: T0,
      created_at: T0,
      updated_at: T0,
      ...p.columns,
    }))
  );
  // Merge duplicate (event, day) keys the way ingestion would.
  const rollups = new Map<string, { profile_id: number; event: string; day: string; count: number; value_sum: number }>();
  for (const p of profiles) {
    for (const r of p.rollups ?? []) {
      const key = `${p.id}|${r.event}|${r.day}`;
      const row = rollups.get(key);
      if (row) {
        row.count += r.count;
        row.value_sum += r.valueSum;
      } else {
        rollups.set(key, { profile_id: p.id, event: r.event, day: r.day, count: r.count, value_sum: r.valueSum });
      }
    }
  }
  await insertChunked(knex, TABLES.rollups, [...rollups.values()]);
  await insertChunked(
    knex,
    TABLES.events,
    profiles.flatMap((p) =>
      (p.events ?? []).map((e) => ({
        profile_id: p.id,
        name: e.name,
        occurred_at: e.occurredAt,
        received_at: e.occurredAt,
        value: e.value,
        properties: e.properties === undefined ? null : JSON.stringify(e.properties),
      }))
    )
  );
  // Explicit ids leave Postgres' id sequence behind: move it past them, as real inserts would.
  if (dialectOf(knex) === 'postgres') {
    await knex.raw(
      `SELECT setval(pg_get_serial_sequence('${TABLES.profiles}', 'id'), (SELECT MAX(id) FROM ${TABLES.profiles}))`
    );
  }
}
