/**
 * Experiments functional core:
 *  1. bucketing throughput — `assignVariation` (hash v2, weights, coverage, holdout check) against
 *     the same computation done with GrowthBook's own util functions (hash → getBucketRanges →
 *     chooseVariation), same visitors, same run; answers checked equal first;
 *  2. experiment report latency — `analyzeConversionExperiment` for 2 arms × 1M visitors (exact
 *     closed-form Bayesian sums over ~100k terms) against the same report for 2 arms × 10k
 *     visitors, to show how the exact sums scale (informative, no target).
 */
import { join } from 'path';
import { analyzeConversionExperiment, assignVariation } from '../server/src/experiments';
import type { BenchResult } from './types';

interface GrowthbookUtil {
  hash(seed: string, value: string, version: number): number | null;
  getBucketRanges(n: number, coverage: number | undefined, weights?: number[]): [number, number][];
  chooseVariation(n: number, ranges: [number, number][]): number;
}
// GrowthBook's util functions are not in its package exports; load the CommonJS build by path.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const gb = require(join(require.resolve('@growthbook/growthbook/package.json'), '..', 'dist', 'cjs', 'util.js')) as GrowthbookUtil;

const VISITORS = 20_000;
const ROUNDS = 5;
const ROUND_MS = 400;
const WEIGHTS = [0.2, 0.3, 0.5];

function measure(perBatch: number, budgetMs: number, body: () => number): number {
  let ops = 0;
  let sink = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    sink += body();
    ops += perBatch;
    elapsed = performance.now() - start;
  } while (elapsed < budgetMs);
  if (sink < 0) throw new Error('unreachable: keeps the results observable');
  return (ops / elapsed) * 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export default async function run(): Promise<BenchResult[]> {
  const ids = Array.from({ length: VISITORS }, (_, i) => `anon-${i.toString(36)}-${(i * 2654435761) >>> 0}`);
  const ours = (id: string) =>
    assignVariation({ experimentKey: 'home-hero', unitId: id, weights: WEIGHTS, coverage: 0.9, hashVersion: 2 }).variationIndex;
  const theirs = (id: string) => {
    const n = gb.hash('home-hero', id, 2) as number;
    return gb.chooseVariation(n, gb.getBucketRanges(WEIGHTS.length, 0.9, WEIGHTS));
  };
  for (const id of ids) {
    if (ours(id) !== theirs(id)) throw new Error(`disagreement for ${id}`);
  }

  const ourRuns: number[] = [];
  const gbRuns: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    gbRuns.push(measure(VISITORS, ROUND_MS, () => ids.reduce((s, id) => s + theirs(id), 0)));
    ourRuns.push(measure(VISITORS, ROUND_MS, () => ids.reduce((s, id) => s + ours(id), 0)));
  }
  const ourRate = median(ourRuns);
  const gbRate = median(gbRuns);

  const big = [
    { visitors: 1_000_000, conversions: 100_000 },
    { visitors: 1_000_000, conversions: 101_000 },
  ];
  const small = [
    { visitors: 10_000, conversions: 1_000 },
    { visitors: 10_000, conversions: 1_010 },
  ];
  const reportMs = (variations: typeof big) => {
    analyzeConversionExperiment(variations); // warm-up
    const times: number[] = [];
    for (let i = 0; i < 15; i++) {
      const t = performance.now();
      analyzeConversionExperiment(variations);
      times.push(performance.now() - t);
    }
    return median(times);
  };
  const bigMs = reportMs(big);
  const smallMs = reportMs(small);

  return [
    {
      name: 'assignVariation vs GrowthBook util bucketing (assignments/s)',
      value: ourRate,
      unit: 'assignments/s',
      baseline: gbRate,
      ratio: ourRate / gbRate,
      better: 'higher',
    },
    {
      name: 'conversion report, 2 arms × 1M visitors vs × 10k (ms)',
      value: bigMs,
      unit: 'ms',
      baseline: smallMs,
      ratio: bigMs / smallMs,
      better: 'lower',
    },
  ];
}
