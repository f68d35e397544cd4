import type { Knex } from 'knex';
import { TABLES } from './tables';

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
  list: readonly Migration[],
  options: { owner: string }
): Promise<MigrationReport> {
  const migrations = [...list].sort((a, b) => a.version - b.version);

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
