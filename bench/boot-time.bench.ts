import { execFileSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import { compileStrapi } from '@strapi/strapi';
import type { BenchResult } from './types';

/**
 * Boot time of the playground with the plugin vs without it (SEGMENTS_ENABLED=false), each a
 * fresh process on an already-initialised SQLite file, alternating so drift hits both equally.
 */
const ROOT = path.resolve(__dirname, '..');
const ROUNDS = Number(process.env.BENCH_BOOT_ROUNDS ?? 5);

function bootOnce(dbFile: string, withPlugin: boolean): number {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'helpers', 'boot-time.js')], {
    env: {
      ...process.env,
      LOG_LEVEL: 'error',
      DATABASE_CLIENT: 'sqlite',
      DATABASE_FILENAME: dbFile,
      SEGMENTS_ENABLED: withPlugin ? 'true' : 'false',
      STRAPI_TELEMETRY_DISABLED: 'true',
    },
    encoding: 'utf8',
  });
  const match = /BOOT_MS (\d+(\.\d+)?)/.exec(out);
  if (!match) throw new Error(`boot-time helper printed no time:\n${out}`);
  return Number(match[1]);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run(): Promise<BenchResult[]> {
  await compileStrapi({ appDir: path.join(ROOT, 'playground') });
  const dir = path.join(ROOT, '.tmp', 'bench');
  fs.mkdirSync(dir, { recursive: true });
  const withDb = path.join(dir, 'boot-with.db');
  const withoutDb = path.join(dir, 'boot-without.db');
  for (const f of [withDb, withoutDb]) fs.rmSync(f, { force: true });
  // Warm-up: first boots create the schema, which is not what we measure.
  bootOnce(withDb, true);
  bootOnce(withoutDb, false);
  const withPlugin: number[] = [];
  const withoutPlugin: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    withPlugin.push(bootOnce(withDb, true));
    withoutPlugin.push(bootOnce(withoutDb, false));
  }
  const value = median(withPlugin);
  const baseline = median(withoutPlugin);
  return [
    {
      name: 'playground boot (median, warm SQLite)',
      value,
      unit: 'ms',
      baseline,
      ratio: value / baseline,
      better: 'lower',
      target: 1.25,
    },
  ];
}
