/** Frequentist tests: two proportions (pooled z-test, Wald and delta-method intervals) and means (Welch). See ./index.ts for the sources of the formulas. */
import { normalCdf, normalQuantile, studentTQuantile, studentTTwoSidedP } from '../distributions';
import {
  assertConfidence,
  assertCount,
  clamp01,
  validateBinomial,
  type BinomialVariation,
  type Estimate,
  type MeanVariation,
  type NullReason,
} from './inputs';

export interface TwoProportionResult {
  /** Absolute uplift p₁ − p₀ with a Wald interval (unpooled variance). */
  absoluteUplift: Estimate | null;
  /** Relative uplift p₁/p₀ − 1 with a delta-method interval. */
  relativeUplift: Estimate | null;
  /** z statistic with pooled variance. */
  zScore: number | null;
  /** Two-sided p-value of H₀: p₁ = p₀. */
  pValue: number | null;
  /** Reasons for the null fields, keyed by field name. */
  reasons: Partial<Record<'absoluteUplift' | 'relativeUplift' | 'pValue', NullReason>>;
}

/**
 * Two-proportion z-test of variation vs control (two-sided) and uplift intervals at
 * `confidence` (default 0.95).
 */
export function twoProportionTest(
  control: BinomialVariation,
  variation: BinomialVariation,
  confidence = 0.95
): TwoProportionResult {
  validateBinomial([control, variation]);
  assertConfidence(confidence);
  const reasons: TwoProportionResult['reasons'] = {};
  const result: TwoProportionResult = {
    absoluteUplift: null,
    relativeUplift: null,
    zScore: null,
    pValue: null,
    reasons,
  };
  const n0 = control.visitors;
  const n1 = variation.visitors;
  if (n0 === 0 || n1 === 0) {
    const reason: NullReason = n0 === 0 ? 'control-no-visitors' : 'no-visitors';
    reasons.absoluteUplift = reason;
    reasons.relativeUplift = reason;
    reasons.pValue = reason;
    return result;
  }
  const p0 = control.conversions / n0;
  const p1 = variation.conversions / n1;
  const z = normalQuantile(1 - (1 - confidence) / 2);

  // Test statistic under H₀ with the pooled rate.
  const pooled = (control.conversions + variation.conversions) / (n0 + n1);
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / n0 + 1 / n1));
  if (sePooled > 0) {
    const zScore = (p1 - p0) / sePooled;
    result.zScore = zScore;
    result.pValue = clamp01(2 * normalCdf(-Math.abs(zScore)));
  } else {
    reasons.pValue = 'no-variance';
  }

  // Intervals with the unpooled (Wald) variances.
  const v0 = (p0 * (1 - p0)) / n0;
  const v1 = (p1 * (1 - p1)) / n1;
  const seAbs = Math.sqrt(v0 + v1);
  const diff = p1 - p0;
  if (seAbs > 0) {
    result.absoluteUplift = { estimate: diff, se: seAbs, ci: [diff - z * seAbs, diff + z * seAbs] };
  } else {
    reasons.absoluteUplift = 'no-variance';
  }
  if (p0 === 0) {
    reasons.relativeUplift = 'control-rate-zero';
  } else {
    const rel = p1 / p0 - 1;
    const seRel = Math.sqrt(v1 / (p0 * p0) + (p1 * p1 * v0) / (p0 * p0 * p0 * p0));
    if (seRel > 0 && Number.isFinite(seRel)) {
      result.relativeUplift = { estimate: rel, se: seRel, ci: [rel - z * seRel, rel + z * seRel] };
    } else {
      reasons.relativeUplift = 'no-variance';
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Frequentist: means (Welch)

export interface WelchResult {
  absoluteUplift: Estimate | null;
  relativeUplift: Estimate | null;
  tScore: number | null;
  degreesOfFreedom: number | null;
  pValue: number | null;
  reasons: Partial<Record<'absoluteUplift' | 'relativeUplift' | 'pValue', NullReason>>;
}

/** Sample mean and unbiased variance from (n, Σx, Σx²); variance floored at 0 against rounding. */
export function meanAndVariance(v: MeanVariation): { mean: number; variance: number } | null {
  if (v.n < 2) return null;
  const mean = v.sum / v.n;
  const variance = Math.max(0, (v.sumSquares - (v.sum * v.sum) / v.n) / (v.n - 1));
  return Number.isFinite(mean) && Number.isFinite(variance) ? { mean, variance } : null;
}

export function validateMean(v: MeanVariation, name: string): void {
  assertCount(v.n, `${name}.n`);
  if (!Number.isFinite(v.sum) || !Number.isFinite(v.sumSquares) || v.sumSquares < 0) {
    throw new RangeError(`${name}.sum and ${name}.sumSquares must be finite, sumSquares ≥ 0`);
  }
}

/** Welch's unequal-variances t-test, two-sided, of variation vs control. */
export function welchTTest(
  control: MeanVariation,
  variation: MeanVariation,
  confidence = 0.95
): WelchResult {
  validateMean(control, 'control');
  validateMean(variation, 'variation');
  assertConfidence(confidence);
  const reasons: WelchResult['reasons'] = {};
  const result: WelchResult = {
    absoluteUplift: null,
    relativeUplift: null,
    tScore: null,
    degreesOfFreedom: null,
    pValue: null,
    reasons,
  };
  const a = meanAndVariance(control);
  const b = meanAndVariance(variation);
  if (!a || !b) {
    reasons.absoluteUplift = reasons.relativeUplift = reasons.pValue = 'too-few-units';
    return result;
  }
  const s0 = a.variance / control.n;
  const s1 = b.variance / variation.n;
  const se = Math.sqrt(s0 + s1);
  if (!(se > 0)) {
    reasons.absoluteUplift = reasons.relativeUplift = reasons.pValue = 'no-variance';
    return result;
  }
  // Welch–Satterthwaite: df = (s0 + s1)² / (s0²/(n0−1) + s1²/(n1−1)), written with the shares
  // r_i = s_i / (s0 + s1) so tiny variances cannot underflow to 0/0.
  const r0 = s0 / (s0 + s1);
  const r1 = s1 / (s0 + s1);
  const df = 1 / ((r0 * r0) / (control.n - 1) + (r1 * r1) / (variation.n - 1));
  const diff = b.mean - a.mean;
  const t = diff / se;
  if (!Number.isFinite(t) || !Number.isFinite(df)) {
    // a standard error so small (subnormal) that the statistic overflows: nothing to report
    reasons.absoluteUplift = reasons.relativeUplift = reasons.pValue = 'no-variance';
    return result;
  }
  const q = studentTQuantile(1 - (1 - confidence) / 2, df);
  result.tScore = t;
  result.degreesOfFreedom = df;
  result.pValue = clamp01(studentTTwoSidedP(t, df));
  result.absoluteUplift = { estimate: diff, se, ci: [diff - q * se, diff + q * se] };
  if (a.mean === 0) {
    reasons.relativeUplift = 'control-mean-zero';
  } else {
    // Delta method on m₁/m₀ − 1 with the normal quantile (large-sample approximation).
    const rel = b.mean / a.mean - 1;
    const m0 = a.mean;
    const seRel = Math.sqrt(s1 / (m0 * m0) + (b.mean * b.mean * s0) / (m0 * m0 * m0 * m0));
    const zq = normalQuantile(1 - (1 - confidence) / 2);
    if (seRel > 0 && Number.isFinite(seRel)) {
      result.relativeUplift = {
        estimate: rel,
        se: seRel,
        ci: [rel - zq * seRel, rel + zq * seRel],
      };
    } else {
      reasons.relativeUplift = 'no-variance';
    }
  }
  return result;
}
