/** Shared inputs of the experiment statistics: per-variation totals, estimates and their validation. See ./index.ts for the sources of the formulas. */
export interface BinomialVariation {
  visitors: number;
  conversions: number;
}

export interface MeanVariation {
  /** Number of units. */
  n: number;
  /** Σ x over the units. */
  sum: number;
  /** Σ x² over the units. */
  sumSquares: number;
}

/** A point estimate with a confidence interval, or null with why. */
export interface Estimate {
  estimate: number;
  /** Standard error of the estimate. */
  se: number;
  ci: [number, number];
}

export type NullReason =
  | 'no-visitors'
  | 'control-no-visitors'
  | 'too-few-units'
  | 'no-variance'
  | 'control-rate-zero'
  | 'control-mean-zero'
  | 'too-few-visitors'
  | 'no-expected-traffic';

export function assertCount(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${String(value)}`);
  }
}

/** Throws a RangeError for counts that are not non-negative integers or conversions > visitors. */
export function validateBinomial(variations: readonly BinomialVariation[]): void {
  if (variations.length < 1) throw new RangeError('at least one variation is required');
  variations.forEach((v, i) => {
    assertCount(v.visitors, `variations[${i}].visitors`);
    assertCount(v.conversions, `variations[${i}].conversions`);
    if (v.conversions > v.visitors) {
      throw new RangeError(
        `variations[${i}].conversions (${v.conversions}) exceed visitors (${v.visitors})`
      );
    }
  });
}

export function assertConfidence(confidence: number): void {
  if (!(confidence > 0 && confidence < 1))
    throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
}

export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

export function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}
