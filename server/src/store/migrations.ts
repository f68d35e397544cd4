import type { Knex } from 'knex';
import { TABLES } from './tables';
import { leasesMigration } from '../scheduler/migration';
import { membershipsMigration } from '../segments/migration';
import { contentVersionsMigration, exposuresMigration } from '../personalization/migration';
import { campaignsMigration } from '../campaigns/migration';
import { triggersMigration } from '../campaigns/triggers-migration';
import { analyticsMigration } from '../analytics/migration';

/**
 * Versioned, idempotent migrations for the plugin-owned tables.
 *
 * Strapi's schema sync only manages content types, so high-volume tables are ours to create.
 * Several instances may boot at once against one database: the whole run happens under a lock
 * (a transaction-scoped advisory lock on Postgres, a lock row elsewhere) and each version is
 * recorded in `segments_migrations`, so every migration runs exactly once.
 *
 * Timestamps are stored as epoch milliseconds (bigint) and days as 'YYYY-MM-DD' (UTC) strings:
 * both compare and index identically on SQLite, Postgres and MySQL, which keeps the rule-to-SQL
 * compiler dialect-neutral.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Knex | Knex.Transaction): Promise<void>;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'profiles, identities, events, rollups, activity days',
    async up(db) {
      await db.schema.createTable(TABLES.profiles, (t) => {
        t.bigIncrements('id').primary();
        // Identified by a users-permissions user, or anonymous (anonymous_id), or both after a merge.
        t.integer('user_id').nullable().unique('segments_profiles_user_id_unique');
        t.string('anonymous_id', 64).nullable().unique('segments_profiles_anonymous_id_unique');
        t.string('email', 320).nullable().index('segments_profiles_email_idx');
        t.string('timezone', 64).nullable();
        t.string('locale', 35).nullable();
        t.string('country', 2).nullable().index('segments_profiles_country_idx');
        t.string('region', 100).nullable();
        t.string('city', 100).nullable();
        t.double('latitude').nullable();
        t.double('longitude').nullable();
        t.jsonb('traits').nullable();
        t.jsonb('context').nullable(); // last known request context (device, os, utm, …)
        t.bigInteger('first_seen_at').notNullable();
        // Serves "did not open the app for 30 days" and activity reports.
        t.bigInteger('last_seen_at').notNullable().index('segments_profiles_last_seen_idx');
        t.boolean('email_consent').nullable();
        t.bigInteger('unsubscribed_at').nullable();
        t.bigInteger('created_at').notNullable();
        t.bigInteger('updated_at').notNullable();
      });

      // Every anonymous id a profile ever used: a merge keeps the old ids resolvable.
      await db.schema.createTable(TABLES.identities, (t) => {
        t.string('kind', 16).notNullable(); // 'anonymous' | 'user'
        t.string('value', 64).notNullable();
        t.bigInteger('profile_id').notNullable().index('segments_identities_profile_idx');
        t.bigInteger('created_at').notNullable();
        t.primary(['kind', 'value'], 'segments_identities_pk');
      });

      await db.schema.createTable(TABLES.events, (t) => {
        t.bigIncrements('id').primary();
        t.bigInteger('profile_id').notNullable();
        t.string('name', 100).notNullable();
        t.bigInteger('occurred_at').notNullable();
        t.bigInteger('received_at').notNullable();
        t.double('value').nullable();
        t.jsonb('properties').nullable();
        t.string('message_id', 100).nullable();
        // Idempotent ingestion: a repeated messageId from the same profile is ignored.
        t.unique(['profile_id', 'message_id'], { indexName: 'segments_events_message_unique' });
        // Behavioural rules over raw events (hour windows, property filters) for one profile or all.
        t.index(['profile_id', 'name', 'occurred_at'], 'segments_events_profile_name_time_idx');
        t.index(['name', 'occurred_at'], 'segments_events_name_time_idx');
        // Retention purge.
        t.index(['occurred_at'], 'segments_events_time_idx');
      });

      await db.schema.createTable(TABLES.rollups, (t) => {
        t.bigInteger('profile_id').notNullable();
        t.string('event', 100).notNullable();
        t.string('day', 10).notNullable();
        t.integer('count').notNullable();
        t.double('value_sum').notNullable().defaultTo(0);
        // One profile's history (request path) …
        t.primary(['profile_id', 'event', 'day'], 'segments_event_rollups_pk');
        // … and everyone's for one event in a window (batch memberships).
        t.index(['event', 'day', 'profile_id'], 'segments_event_rollups_event_day_idx');
      });

      await db.schema.createTable(TABLES.activityDays, (t) => {
        t.bigInteger('profile_id').notNullable();
        t.string('day', 10).notNullable();
        t.primary(['profile_id', 'day'], 'segments_activity_days_pk');
        t.index(['day', 'profile_id'], 'segments_activity_days_day_idx'); // DAU/WAU/MAU
      });
    },
  },
  {
    version: 2,
    name: 'rollup and activity retention index',
    async up(db) {
      // The retention purge deletes rollups by day alone; the primary key and the
      // (event, day, profile_id) index both start elsewhere.
      await db.schema.alterTable(TABLES.rollups, (t) => {
        t.index(['day'], 'segments_event_rollups_day_idx');
      });
    },
  },
  leasesMigration,
  membershipsMigration,
  campaignsMigration,
  triggersMigration,
  exposuresMigration,
  contentVersionsMigration,
  analyticsMigration,
];

const LOCK_WAIT_MS = 120_000;
const LOCK_STALE_MS = 300_000;
const PG_ADVISORY_KEY = 0x5e6d_e175; // stable key for "segments migrations"

function isPostgres(db: Knex): boolean {
  const client = String((db.client as { config?: { client?: unknown } }).config?.client ?? '');
  return client === 'pg' || client === 'postgres' || client === 'postgresql';
}

async function sleep(ms: number) {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** CREATE TABLE IF NOT EXISTS that tolerates a concurrent creator (Postgres raises on the race). */
async function ensureTable(db: Knex, name: string, build: (t: Knex.CreateTableBuilder) => void) {
  if (await db.schema.hasTable(name)) return;
  try {
    await db.schema.createTable(name, build);
  } catch (error) {
    if (!(await db.schema.hasTable(name))) throw error;
  }
}

async function withLockRow<T>(db: Knex, owner: string, fn: () => Promise<T>): Promise<T> {
  await ensureTable(db, TABLES.migrationLock, (t) => {
    t.integer('id').primary();
    t.string('owner', 200).notNullable();
    t.bigInteger('acquired_at').notNullable();
  });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await db(TABLES.migrationLock).insert({ id: 1, owner, acquired_at: Date.now() });
      break;
    } catch (error) {
      // Someone holds it. A holder that died long ago would block every boot: take over.
      await db(TABLES.migrationLock)
        .where('id', 1)
        .andWhere('acquired_at', '<', Date.now() - LOCK_STALE_MS)
        .delete();
      if (Date.now() > deadline) {
        throw new Error(`segments: timed out waiting for the migration lock (${String(error)})`);
      }
      await sleep(100 + Math.random() * 200);
    }
  }
  try {
    return await fn();
  } finally {
    await db(TABLES.migrationLock).where({ id: 1, owner }).delete();
  }
}

export interface MigrationReport {
  applied: number[];
  alreadyApplied: number[];
}

/** Applies every pending migration exactly once, whatever the number of booting instances. */
export async function runMigrations(
  db: Knex,
  options: { owner: string; migrations?: Migration[] } = { owner: 'unknown' }
): Promise<MigrationReport> {
  const migrations = [...(options.migrations ?? MIGRATIONS)].sort((a, b) => a.version - b.version);

  // `perMigrationTransaction`: outside Postgres each migration gets its own transaction (SQLite's
  // DDL is transactional; MySQL commits DDL implicitly, where the lock row is what protects us).
  const apply = async (
    trxOrDb: Knex | Knex.Transaction,
    perMigrationTransaction: boolean
  ): Promise<MigrationReport> => {
    const done = new Set<number>(
      (await trxOrDb(TABLES.migrations).select('version')).map(
        (row: { version: number | string }) => Number(row.version)
      )
    );
    const report: MigrationReport = { applied: [], alreadyApplied: [] };
    for (const migration of migrations) {
      if (done.has(migration.version)) {
        report.alreadyApplied.push(migration.version);
        continue;
      }
      const step = async (conn: Knex | Knex.Transaction) => {
        await migration.up(conn);
        await conn(TABLES.migrations).insert({
          version: migration.version,
          name: migration.name,
          applied_at: Date.now(),
          applied_by: options.owner.slice(0, 200),
        });
      };
      if (perMigrationTransaction) await (trxOrDb as Knex).transaction(step);
      else await step(trxOrDb);
      report.applied.push(migration.version);
    }
    return report;
  };

  await ensureTable(db, TABLES.migrations, (t) => {
    t.integer('version').primary();
    t.string('name', 200).notNullable();
    t.bigInteger('applied_at').notNullable();
    t.string('applied_by', 200).notNullable();
  });

  if (isPostgres(db)) {
    // DDL is transactional on Postgres: one transaction holding an advisory lock either applies
    // every pending migration or none.
    return db.transaction(async (trx) => {
      await trx.raw('select pg_advisory_xact_lock(?)', [PG_ADVISORY_KEY]);
      return apply(trx, false);
    });
  }
  return withLockRow(db, options.owner, () => apply(db, true));
}
