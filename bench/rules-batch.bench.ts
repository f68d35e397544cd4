import { execFileSync } from 'child_process';
import path from 'path';
import type { BenchResult } from './types';
import { benchDatabase } from './helpers/rules-batch-data';

/**
 * Batch membership of a 5-condition rule (2 traits, 2 behavioural, 1 geo) on SQLite: the SQL path
 * (compiled SQL + in-memory residual over the prefiltered set) vs the naive path (every profile
 * and its rollups through compileRule), each in a fresh process. Sizes: BENCH_PROFILES (default
 * 100 000) and a tenth of it for the growth ratio.
 */
const PROFILES = Number(process.env.BENCH_PROFILES ?? 100_000);
const SKIP_NAIVE = process.env.BENCH_SKIP_NAIVE === '1';

interface Measured {
  ms: number;
  matches: number;
  maxRssMb: number;
}

function measure(mode: 'sql' | 'naive', file: string): Measured {
  const out = execFileSync(
    process.execPath,
    ['-r', 'tsx/cjs', path.join(__dirname, 'helpers', 'rules-batch-child.ts'), mode, file],
    { encoding: 'utf8', maxBuffer: 1 << 20 }
  );
  const match = /RESULT (\{.*\})/.exec(out);
  if (!match) throw new Error(`benchmark child printed no result:\n${out}`);
  return JSON.parse(match[1]) as Measured;
}

export async function run(): Promise<BenchResult[]> {
  const small = Math.max(1000, Math.round(PROFILES / 10));
  const smallFile = await benchDatabase(small);
  const largeFile = await benchDatabase(PROFILES);
  const sqlSmall = measure('sql', smallFile);
  const sqlLarge = measure('sql', largeFile);
  const results: BenchResult[] = [];
  if (!SKIP_NAIVE) {
    const naiveLarge = measure('naive', largeFile);
    if (naiveLarge.matches !== sqlLarge.matches) {
      throw new Error(`paths disagree: SQL ${sqlLarge.matches} vs naive ${naiveLarge.matches} matches`);
    }
    results.push({
      name: `batch membership, ${PROFILES} profiles: naive / SQL path time`,
      value: naiveLarge.ms / sqlLarge.ms,
      unit: 'x',
      baseline: 1,
      ratio: naiveLarge.ms / sqlLarge.ms,
      better: 'higher',
      target: 20,
    });
    process.stdout.write(
      `  SQL ${sqlLarge.ms.toFixed(0)} ms, naive ${naiveLarge.ms.toFixed(0)} ms, ${sqlLarge.matches} matches; naive peak RSS ${naiveLarge.maxRssMb.toFixed(0)} MB\n`
    );
  }
  results.push({
    name: `SQL path time ${small} → ${PROFILES} profiles`,
    value: sqlLarge.ms,
    unit: 'ms',
    baseline: sqlSmall.ms,
    ratio: sqlLarge.ms / sqlSmall.ms,
    better: 'lower',
    target: 12,
  });
  results.push({
    name: `SQL path peak RSS at ${PROFILES} profiles (baseline: the 500 MB budget)`,
    value: sqlLarge.maxRssMb,
    unit: 'MB',
    baseline: 500,
    ratio: sqlLarge.maxRssMb / 500,
    better: 'lower',
    target: 1,
  });
  return results;
}

export default run;
