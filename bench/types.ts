/** What every benchmark returns; scripts/run-benchmarks.js prints and records it. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** The same quantity for the baseline, measured in the same run. */
  baseline: number;
  /** value / baseline. */
  ratio: number;
  better: 'higher' | 'lower';
  /** The ratio the project promises (>= for 'higher', <= for 'lower'). */
  target?: number;
}
