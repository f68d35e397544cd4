import { execFileSync } from 'child_process';
import fs from 'fs';
import path from 'path';
import type { BenchResult } from './types';
import { benchDatabase } from './helpers/rules-batch-data';

/**
 * Issue 22: BENCH_PROFILES generated profiles (default 1,000,000), the 20 recompute-benchmark
 * segments, and a stream touching BENCH_TOUCHED profiles (default 10,000): the time the
 * real-time passes take to make every membership current, against a full recompute of the same
 * data in the same run (which must then correct nothing). Target: ≤ 1/20 of the recompute.
 */
const PROFILES = Number(process.env.BENCH_PROFILES ?? 1_000_000);
const TOUCHED = Number(process.env.BENCH_TOUCHED ?? 10_000);

export async function run(): Promise<BenchResult[]> {
  const source = await benchDatabase(PROFILES);
  const copy = path.join(path.dirname(source), `segments-incremental-${process.pid}.db`);
  fs.copyFileSync(source, copy);
  try {
    const out = execFileSync(
      process.execPath,
      [
        '-r',
        'tsx/cjs',
        path.join(__dirname, 'helpers', 'segments-incremental-child.ts'),
        copy,
        String(TOUCHED),
      ],
      { encoding: 'utf8', maxBuffer: 1 << 20 }
    );
    const match = /RESULT (\{.*\})/.exec(out);
    if (!match) throw new Error(`benchmark child printed no result:\n${out}`);
    const r = JSON.parse(match[1]) as {
      incrementalMs: number;
      recomputeMs: number;
      touched: number;
      transitions: number;
    };
    return [
      {
        name: `real-time passes until current, ${r.touched.toLocaleString('en')} touched of ${PROFILES.toLocaleString('en')} profiles, 20 segments, ${r.transitions.toLocaleString('en')} transitions (sqlite)`,
        value: r.incrementalMs / 1000,
        unit: 's',
        baseline: r.recomputeMs / 1000,
        ratio: r.incrementalMs / r.recomputeMs,
        better: 'lower',
        target: 0.05,
      },
    ];
  } finally {
    fs.rmSync(copy, { force: true });
  }
}
