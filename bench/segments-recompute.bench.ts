import { execFileSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import type { BenchResult } from './types';
import { benchDatabase } from './helpers/rules-batch-data';

/**
 * Issue 5: recompute 20 segments (traits, behaviour, geo, five built on other segments) over
 * BENCH_PROFILES generated profiles (default 1,000,000) on SQLite, in a fresh process on a
 * fresh copy of the data: total time of the first computation and of a steady-state pass, and
 * peak RSS. Baseline: only counting the same 20 rules in the same process (what any recompute
 * must at least do); the ratio is the cost of staging, diffing, transitions and snapshots.
 */
const PROFILES = Number(process.env.BENCH_PROFILES ?? 1_000_000);

export async function run(): Promise<BenchResult[]> {
  const source = await benchDatabase(PROFILES);
  const copy = path.join(path.dirname(source), `segments-recompute-${process.pid}.db`);
  fs.copyFileSync(source, copy);
  try {
    const out = execFileSync(
      process.execPath,
      ['-r', 'tsx/cjs', path.join(__dirname, 'helpers', 'segments-recompute-child.ts'), copy],
      { encoding: 'utf8', maxBuffer: 1 << 20 }
    );
    const match = /RESULT (\{.*\})/.exec(out);
    if (!match) throw new Error(`benchmark child printed no result:\n${out}`);
    const r = JSON.parse(match[1]) as {
      initialMs: number;
      steadyMs: number;
      countMs: number;
      members: number;
      maxRssMb: number;
    };
    const label = `20 segments, ${PROFILES.toLocaleString('en')} profiles, ${r.members.toLocaleString('en')} memberships (sqlite)`;
    return [
      {
        name: `recompute, first computation, ${label}`,
        value: r.initialMs / 1000,
        unit: 's',
        baseline: r.countMs / 1000,
        ratio: r.initialMs / r.countMs,
        better: 'lower',
      },
      {
        name: `recompute, steady state (empty diff), ${label}`,
        value: r.steadyMs / 1000,
        unit: 's',
        baseline: r.countMs / 1000,
        ratio: r.steadyMs / r.countMs,
        better: 'lower',
      },
      {
        name: 'recompute peak RSS vs a 500 MB budget',
        value: r.maxRssMb,
        unit: 'MB',
        baseline: 500,
        ratio: r.maxRssMb / 500,
        better: 'lower',
        target: 1,
      },
    ];
  } finally {
    fs.rmSync(copy, { force: true });
  }
}
