import { spawn } from 'child_process';
import path from 'path';
import { bootStrapi, createTestDatabase, type TestDatabase } from './helpers/strapi';
import { MIGRATIONS, runMigrations, type Migration } from '../../server/src/migrations';
import { TABLES } from '../../server/src/store/tables';

const BOOT_ONCE = path.join(__dirname, 'helpers', 'boot-once.js');

function bootInChildProcess(env: Record<string, string>): Promise<{ ok: boolean; pid: number; error?: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BOOT_ONCE], {
      env: { ...process.env, LOG_LEVEL: 'error', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('error', reject);
    child.on('exit', () => {
      const line = out.trim().split('\n').filter((l) => l.startsWith('{')).pop();
      if (!line) return reject(new Error(`child printed no result:\n${out}\n${err}`));
      resolve(JSON.parse(line));
    });
  });
}

describe('plugin migrations', () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase('migrations');
  });
  afterEach(async () => {
    await db.drop();
  });

  it('apply exactly once when two Strapi processes boot at the same time', async () => {
    // Strapi's own schema sync is not safe for concurrent first boots (core's concern, not ours),
    // so let one boot create Strapi's tables, then remove every plugin table: the two processes
    // below race on the plugin's migrations alone.
    const setup = await bootStrapi(db);
    for (const table of Object.values(TABLES)) await setup.knex.schema.dropTableIfExists(table);
    await setup.stop();

    const results = await Promise.all([bootInChildProcess(db.env), bootInChildProcess(db.env)]);
    for (const result of results) expect(result).toMatchObject({ ok: true });

    const app = await bootStrapi(db);
    try {
      const rows = await app.knex(TABLES.migrations).select('version', 'applied_by');
      expect(rows.map((r: { version: number | string }) => Number(r.version))).toEqual(
        MIGRATIONS.map((m) => m.version),
      );
      // Applied by one of the two booting processes, not by this third boot.
      const appliers = results.map((r) => `:${r.pid}`);
      expect(appliers.some((suffix) => String(rows[0].applied_by).endsWith(suffix))).toBe(true);
      expect(await app.knex.schema.hasTable(TABLES.events)).toBe(true);
    } finally {
      await app.stop();
    }
  });

  it('survive restarts and re-runs without touching data', async () => {
    const first = await bootStrapi(db);
    await first.knex(TABLES.activityDays).insert({ profile_id: 1, day: '2026-11-01' });
    expect(await runMigrations(first.knex, { owner: 'test' })).toEqual({
      applied: [],
      alreadyApplied: MIGRATIONS.map((m) => m.version),
    });
    await first.stop();

    const second = await bootStrapi(db);
    try {
      const rows = await second.knex(TABLES.activityDays).select('profile_id', 'day');
      expect(rows).toEqual([{ profile_id: expect.anything(), day: '2026-11-01' }]);
      expect(Number(rows[0].profile_id)).toBe(1);
    } finally {
      await second.stop();
    }
  });

  it('roll a failing migration back completely and leave no lock behind', async () => {
    const app = await bootStrapi(db);
    try {
      const broken: Migration = {
        version: 999,
        name: 'creates a table, then fails',
        async up(conn) {
          await conn.schema.createTable('segments_broken_probe', (t) => t.integer('id'));
          throw new Error('boom');
        },
      };
      await expect(
        runMigrations(app.knex, { owner: 'test', migrations: [...MIGRATIONS, broken] }),
      ).rejects.toThrow('boom');
      expect(await app.knex.schema.hasTable('segments_broken_probe')).toBe(false);
      const versions = await app.knex(TABLES.migrations).pluck('version');
      expect(versions.map(Number)).not.toContain(999);
      // The lock is free: a following run succeeds at once.
      await expect(runMigrations(app.knex, { owner: 'test' })).resolves.toMatchObject({ applied: [] });
    } finally {
      await app.stop();
    }
  });
});
