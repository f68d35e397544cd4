/** Sample-ratio mismatch: Pearson's χ² goodness-of-fit of observed visitors against the intended split. See ./index.ts for the sources of the formulas. */
import { chiSquareSf } from '../distributions';
import { assertCount, clamp01, type NullReason } from './inputs';

export interface SrmResult {
  /** Pearson χ² statistic, or null (with reason) when the test cannot be run. */
  chiSquare: number | null;
  degreesOfFreedom: number | null;
  pValue: number | null;
  /** True when p < threshold: the split is broken, do not trust the results. */
  mismatch: boolean;
  threshold: number;
  expected: number[];
  reason?: NullReason;
}

/**
 * χ² goodness-of-fit of observed visitors against the expected split (weights, normalised).
 * Variations with weight 0 are excluded from the degrees of freedom (any visitor there is an
 * outright mismatch). Default threshold p < 0.001.
 */
export function sampleRatioMismatch(
  visitors: readonly number[],
  weights: readonly number[],
  threshold = 0.001
): SrmResult {
  if (visitors.length !== weights.length) {
    throw new RangeError(
      `visitors (${visitors.length}) and weights (${weights.length}) differ in length`
    );
  }
  visitors.forEach((v, i) => assertCount(v, `visitors[${i}]`));
  weights.forEach((w, i) => {
    if (!(w >= 0) || !Number.isFinite(w))
      throw new RangeError(`weights[${i}] must be finite and ≥ 0`);
  });
  const total = visitors.reduce((s, v) => s + v, 0);
  const weightSum = weights.reduce((s, w) => s + w, 0);
  const expected = weights.map((w) => (weightSum > 0 ? (total * w) / weightSum : 0));
  const base = { threshold, expected };
  if (total === 0)
    return {
      ...base,
      chiSquare: null,
      degreesOfFreedom: null,
      pValue: null,
      mismatch: false,
      reason: 'no-visitors',
    };
  if (!(weightSum > 0)) {
    return {
      ...base,
      chiSquare: null,
      degreesOfFreedom: null,
      pValue: null,
      mismatch: false,
      reason: 'no-expected-traffic',
    };
  }
  let chi = 0;
  let cells = 0;
  let impossible = false;
  for (let i = 0; i < visitors.length; i++) {
    if (expected[i] > 0) {
      const d = visitors[i] - expected[i];
      chi += (d * d) / expected[i];
      cells += 1;
    } else if (visitors[i] > 0) {
      impossible = true; // traffic where none was expected
    }
  }
  const df = cells - 1;
  if (impossible)
    return {
      ...base,
      chiSquare: null,
      degreesOfFreedom: df > 0 ? df : null,
      pValue: 0,
      mismatch: true,
    };
  if (df < 1) return { ...base, chiSquare: 0, degreesOfFreedom: null, pValue: 1, mismatch: false };
  const pValue = clamp01(chiSquareSf(chi, df));
  return { ...base, chiSquare: chi, degreesOfFreedom: df, pValue, mismatch: pValue < threshold };
}
