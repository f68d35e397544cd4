/**
 * Special functions and distributions for the experiment statistics, from stdlib
 * (https://stdlib.io, Apache-2.0): each wrapper keeps the name and argument order the statistics
 * use, and takes tails directly (upper = true) so small p-values keep full precision instead of
 * being 1 − (something close to 1). test/unit/experiments/distributions.test.ts holds them to
 * published reference values (scipy / DLMF).
 */
import gammaln from '@stdlib/math-base-special-gammaln';
import betaln from '@stdlib/math-base-special-betaln';
import betainc from '@stdlib/math-base-special-betainc';
import gammainc from '@stdlib/math-base-special-gammainc';
import stdlibErfc from '@stdlib/math-base-special-erfc';
import erfcinv from '@stdlib/math-base-special-erfcinv';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import stdlibBetaQuantile from '@stdlib/stats-base-dists-beta-quantile';
import stdlibBetaLogPdf from '@stdlib/stats-base-dists-beta-logpdf';

export { mulberry32, normalSample, gammaSample, betaSample } from './sampling';

/** ln Γ(x). */
export function logGamma(x: number): number {
  return gammaln(x);
}

/** ln B(a, b). */
export function logBeta(a: number, b: number): number {
  return betaln(a, b);
}

/** Regularized incomplete beta I_x(a, b) for a, b > 0, x ∈ [0, 1]. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0) || Number.isNaN(x)) return NaN;
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  return betainc(x, a, b);
}

/** Regularized lower incomplete gamma P(a, x) and upper Q(a, x), each computed directly. */
export function regularizedGamma(a: number, x: number): { lower: number; upper: number } {
  if (!(a > 0) || Number.isNaN(x)) return { lower: NaN, upper: NaN };
  if (x <= 0) return { lower: 0, upper: 1 };
  if (x === Infinity) return { lower: 1, upper: 0 };
  return { lower: gammainc(x, a, true, false), upper: gammainc(x, a, true, true) };
}

/** Complementary error function. */
export function erfc(x: number): number {
  return stdlibErfc(x);
}

/** Standard normal CDF Φ(z) = erfc(−z/√2) / 2. */
export function normalCdf(z: number): number {
  if (z === Infinity) return 1;
  if (z === -Infinity) return 0;
  return 0.5 * stdlibErfc(-z / Math.SQRT2);
}

/** Standard normal quantile Φ⁻¹(p) = −√2 · erfc⁻¹(2p), p ∈ (0, 1). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  return -Math.SQRT2 * erfcinv(2 * p);
}

/** Two-sided p-value of a Student-t statistic: P(|T| ≥ |t|) = I_{df/(df+t²)}(df/2, 1/2). */
export function studentTTwoSidedP(t: number, df: number): number {
  if (!(df > 0) || Number.isNaN(t)) return NaN;
  if (!Number.isFinite(t)) return 0;
  return regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** Student-t CDF with `df` > 0 degrees of freedom (the tail half of the two-sided p-value). */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0) || Number.isNaN(t)) return NaN;
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const tail = 0.5 * studentTTwoSidedP(t, df);
  return t >= 0 ? 1 - tail : tail;
}

/** Student-t quantile for p ∈ (0, 1). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) return NaN;
  return tQuantile(p, df);
}

/** Chi-square CDF with k degrees of freedom: P(k/2, x/2). */
export function chiSquareCdf(x: number, k: number): number {
  return regularizedGamma(k / 2, x / 2).lower;
}

/** Chi-square survival function 1 − CDF, computed directly: Q(k/2, x/2). */
export function chiSquareSf(x: number, k: number): number {
  return regularizedGamma(k / 2, x / 2).upper;
}

/** Beta(a, b) CDF: I_x(a, b). */
export function betaCdf(x: number, a: number, b: number): number {
  return regularizedIncompleteBeta(x, a, b);
}

/** Beta(a, b) quantile for p ∈ [0, 1]. */
export function betaQuantile(p: number, a: number, b: number): number {
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  return stdlibBetaQuantile(p, a, b);
}

/** Beta(a, b) log density (−∞ outside the open unit interval). */
export function betaLogPdf(x: number, a: number, b: number): number {
  if (x <= 0 || x >= 1) return -Infinity;
  return stdlibBetaLogPdf(x, a, b);
}
