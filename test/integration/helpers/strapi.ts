import crypto from 'crypto';
import fs from 'fs';
import path from 'path';
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const APP_DIR = path.join(ROOT, 'playground');
export const DIST_DIR = path.join(APP_DIR, 'dist');
const TMP_DIR = path.join(ROOT, '.tmp', 'test-db');

export const isPostgres = () => process.env.DATABASE_CLIENT === 'postgres';

/** A database of its own for one test file: a SQLite file, or a fresh Postgres database. */
export interface TestDatabase {
  env: Record<string, string>;
  drop(): Promise<void>;
}

async function withPgAdmin<T>(fn: (client: import('pg').Client) => Promise<T>): Promise<T> {
  const { Client } = await import('pg');
  const client = new Client({
    host: process.env.DATABASE_HOST,
    port: Number(process.env.DATABASE_PORT),
    user: process.env.DATABASE_USERNAME,
    password: process.env.DATABASE_PASSWORD || undefined,
    database: 'postgres',
  });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const id = `${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${crypto.randomBytes(4).toString('hex')}`;
  if (isPostgres()) {
    const name = `t_${id}`.slice(0, 60);
    await withPgAdmin((c) => c.query(`CREATE DATABASE "${name}"`));
    return {
      env: { DATABASE_NAME: name },
      drop: () =>
        withPgAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(
          () => undefined
        ),
    };
  }
  fs.mkdirSync(TMP_DIR, { recursive: true });
  const file = path.join(TMP_DIR, `${id}.db`);
  return {
    env: { DATABASE_CLIENT: 'sqlite', DATABASE_FILENAME: file },
    drop: async () => {
      for (const suffix of ['', '-wal', '-shm', '-journal'])
        fs.rmSync(file + suffix, { force: true });
    },
  };
}

export interface TestApp {
  strapi: Core.Strapi;
  knex: Knex;
  /** The HTTP server to hand to supertest. */
  server: import('http').Server;
  stop(): Promise<void>;
}

/**
 * Waits until the pool is idle. Strapi emits `entry.*` events after a write's commit and after
 * the reply, with a read of its own; destroying Strapi under that read leaves it waiting on a
 * pool that is gone, and its timeout (60 s later) fails whichever test file the worker runs
 * then. So a stop lets in-flight queries finish first (at most 5 s).
 */
async function settle(knex: Knex): Promise<void> {
  const pool = (knex.client as { pool?: { numUsed(): number; numPendingAcquires(): number } }).pool;
  const deadline = Date.now() + 5_000;
  await new Promise((r) => setTimeout(r, 20));
  while (pool && (pool.numUsed() > 0 || pool.numPendingAcquires() > 0) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Boots the playground in this process against the given database. */
export async function bootStrapi(
  db: TestDatabase,
  extraEnv: Record<string, string> = {}
): Promise<TestApp> {
  Object.assign(process.env, { LOG_LEVEL: 'error', ...db.env, ...extraEnv });
  const { createStrapi } = await import('@strapi/strapi');
  const instance = createStrapi({ appDir: APP_DIR, distDir: DIST_DIR });
  let strapi: Core.Strapi;
  try {
    strapi = await instance.load();
    await strapi.server.mount();
  } catch (error) {
    // A half-booted Strapi still holds its database pool; release it so jest can exit.
    await instance.destroy().catch(() => undefined);
    throw error;
  }
  return {
    strapi,
    knex: strapi.db.connection as unknown as Knex,
    server: strapi.server.httpServer,
    stop: async () => {
      await settle(strapi.db.connection as unknown as Knex);
      await strapi.destroy();
      for (const key of Object.keys(extraEnv)) delete process.env[key];
    },
  };
}

/** One Strapi with its own database for a whole test file; call in describe scope. */
export function useStrapi(label: string, extraEnv: Record<string, string> = {}): () => TestApp {
  let app: TestApp | undefined;
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await createTestDatabase(label);
    app = await bootStrapi(db, extraEnv);
  });
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });
  return () => {
    if (!app) throw new Error('Strapi did not boot (see the beforeAll error above)');
    return app;
  };
}
