/**
 * Experiment statistics: the pure functional core behind experiment reports for placements and
 * campaigns. No Strapi, no database; every output is a finite number or null with a reason.
 *
 * Variation 0 is the control. Inputs are per-variation totals:
 *  - binomial (conversion rate): visitors n and conversions c;
 *  - mean metrics: n, sum and sum of squares of the per-unit values.
 *
 * Sources of the formulas (implemented from the formulas, not copied):
 *  - two-proportion z-test with pooled variance, Wald interval for the difference:
 *    any statistics text, e.g. Agresti, "Categorical Data Analysis" (3rd ed.) §1.4 / §2.2;
 *  - relative uplift interval by the delta method: Var(p̂₁/p̂₀) ≈ v₁/p̂₀² + p̂₁²v₀/p̂₀⁴
 *    (first-order Taylor expansion; also what GrowthBook's stats engine documents);
 *  - Welch's t-test and the Welch–Satterthwaite degrees of freedom: Welch (1947), Biometrika 34;
 *  - Bayesian Beta–Binomial posteriors with a Beta(1, 1) prior, P(p_B > p_A) in closed form:
 *    Evan Miller, "Formulas for Bayesian A/B Testing" (2015), https://www.evanmiller.org/bayesian-ab-testing.html;
 *  - expected loss E[max(p_A − p_B, 0)] in closed form from the same sums, using
 *    E[X·1{X>Y}] = E[X]·P(X' > Y) with X' ~ Beta(α+1, β) (size-biased Beta); see C. Stucchio,
 *    "Bayesian A/B Testing at VWO" (2015), §4;
 *  - chance to win with a flat prior and a normal posterior on the (delta-method) relative lift,
 *    and risk as the normal partial expectation: GrowthBook's documentation of its Bayesian
 *    engine (docs.growthbook.io, "Statistics");
 *  - sample-ratio mismatch: Pearson's χ² goodness-of-fit test (Fabijan et al., "Diagnosing
 *    Sample Ratio Mismatch in Online Controlled Experiments", KDD 2019).
 *
 * Reference values for the tests come from SciPy (test/unit/experiments/fixtures/
 * generate_reference.py, with the command that regenerates them) and from slower numerical
 * integration inside the tests.
 */
import {
  betaQuantile,
  betaSample,
  chiSquareSf,
  logBeta,
  mulberry32,
  normalCdf,
  normalQuantile,
  studentTQuantile,
  studentTTwoSidedP,
} from './distributions';

// ---------------------------------------------------------------------------------------------
// Shared types and validation

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

function assertCount(value: number, name: string): void {
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
      throw new RangeError(`variations[${i}].conversions (${v.conversions}) exceed visitors (${v.visitors})`);
    }
  });
}

function assertConfidence(confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

// ---------------------------------------------------------------------------------------------
// Frequentist: two proportions

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

function validateMean(v: MeanVariation, name: string): void {
  assertCount(v.n, `${name}.n`);
  if (!Number.isFinite(v.sum) || !Number.isFinite(v.sumSquares) || v.sumSquares < 0) {
    throw new RangeError(`${name}.sum and ${name}.sumSquares must be finite, sumSquares ≥ 0`);
  }
}

/** Welch's unequal-variances t-test, two-sided, of variation vs control. */
export function welchTTest(control: MeanVariation, variation: MeanVariation, confidence = 0.95): WelchResult {
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
      result.relativeUplift = { estimate: rel, se: seRel, ci: [rel - zq * seRel, rel + zq * seRel] };
    } else {
      reasons.relativeUplift = 'no-variance';
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Bayesian (Beta–Binomial, Beta(1, 1) prior)

export interface BetaPosterior {
  alpha: number;
  beta: number;
}

/** Posterior Beta(1 + c, 1 + n − c) under a uniform Beta(1, 1) prior. */
export function posterior(v: BinomialVariation, priorAlpha = 1, priorBeta = 1): BetaPosterior {
  return { alpha: priorAlpha + v.conversions, beta: priorBeta + v.visitors - v.conversions };
}

/** Above this many terms the closed form is replaced by a normal approximation (still accurate). */
const MAX_EXACT_TERMS = 1_000_000;

/**
 * P(X > Y) for X ~ Beta(a, b), Y ~ Beta(c, d) with a integer (Evan Miller's closed form):
 *   P(X > Y) = Σ_{i=0}^{a−1} B(c + i, b + d) / ((b + i) · B(1 + i, b) · B(c, d)),
 * summed in log space. Uses the shorter of the two sums via P(X > Y) = 1 − P(Y > X) when c is
 * an integer too. When neither shape is an integer (non-integer priors) or the sum would exceed
 * 1,000,000 terms (over a million conversions), falls back to a normal approximation from the
 * Beta moments, whose error is then far below anything a report displays.
 */
export function probBetaGreater(x: BetaPosterior, y: BetaPosterior): number {
  const xInt = Number.isInteger(x.alpha);
  const yInt = Number.isInteger(y.alpha);
  if (xInt && (!yInt || x.alpha <= y.alpha)) {
    if (x.alpha <= MAX_EXACT_TERMS) return clamp01(millerSum(x, y));
  } else if (yInt && y.alpha <= MAX_EXACT_TERMS) {
    return clamp01(1 - millerSum(y, x));
  }
  return probBetaGreaterNormal(x, y);
}

function millerSum(x: BetaPosterior, y: BetaPosterior): number {
  const { alpha: a, beta: b } = x;
  const { alpha: c, beta: d } = y;
  // term_0 = B(c, b + d) / (b · B(1, b) · B(c, d)) = B(c, b + d) / B(c, d)   (b · B(1, b) = 1);
  // term_{i+1} / term_i = (c + i)(b + i) / ((c + i + b + d)(1 + i)), from Γ(z + 1) = zΓ(z).
  // Summed with the log of each term carried along so nothing overflows; terms that underflow
  // are below 1e-308 each and cannot matter.
  let logTerm = logBeta(c, b + d) - logBeta(c, d);
  let total = 0;
  for (let i = 0; i < a; i++) {
    total += Math.exp(logTerm);
    logTerm += Math.log(((c + i) * (b + i)) / ((c + i + b + d) * (1 + i)));
  }
  return total;
}

function betaMoments(p: BetaPosterior): { mean: number; variance: number } {
  const s = p.alpha + p.beta;
  return { mean: p.alpha / s, variance: (p.alpha * p.beta) / (s * s * (s + 1)) };
}

/** Normal approximation of P(X > Y) from the Beta moments (for very large counts). */
function probBetaGreaterNormal(x: BetaPosterior, y: BetaPosterior): number {
  const mx = betaMoments(x);
  const my = betaMoments(y);
  const sd = Math.sqrt(mx.variance + my.variance);
  if (!(sd > 0)) return mx.mean > my.mean ? 1 : mx.mean < my.mean ? 0 : 0.5;
  return normalCdf((mx.mean - my.mean) / sd);
}

/**
 * Expected loss of choosing `chosen` over `other`: E[max(p_other − p_chosen, 0)], in closed form:
 *   E[(Y − X)⁺] = E[Y]·P(Y' > X) − E[X]·P(Y > X'),  Y' ~ Beta(c + 1, d), X' ~ Beta(a + 1, b).
 */
export function expectedLoss(chosen: BetaPosterior, other: BetaPosterior): number {
  const ey = other.alpha / (other.alpha + other.beta);
  const ex = chosen.alpha / (chosen.alpha + chosen.beta);
  const loss =
    ey * probBetaGreater({ alpha: other.alpha + 1, beta: other.beta }, chosen) -
    ex * probBetaGreater(other, { alpha: chosen.alpha + 1, beta: chosen.beta });
  return Math.max(0, loss);
}

export interface MonteCarloOptions {
  /** Number of joint posterior draws (default 20,000). */
  draws?: number;
  /** PRNG seed (default 1); the same seed gives the same answer. */
  seed?: number;
}

export interface ChanceToBeBestResult {
  /** P(variation i has the highest rate) per variation; sums to 1. */
  chanceToBeBest: number[];
  /** E[max_j p_j − p_i] per variation: the expected loss ("risk") of shipping i. */
  expectedLoss: number[];
  /** 'exact' for two variations, 'monte-carlo' for more. */
  method: 'exact' | 'monte-carlo';
}

/**
 * Chance to be best and expected loss among k ≥ 1 variations. Exact for k ≤ 2; for k > 2, a
 * seeded Monte Carlo over the joint posterior (deterministic for a given seed; standard error
 * of each probability ≤ 0.5/√draws).
 */
export function chanceToBeBest(
  posteriors: readonly BetaPosterior[],
  options: MonteCarloOptions = {}
): ChanceToBeBestResult {
  const k = posteriors.length;
  if (k === 0) return { chanceToBeBest: [], expectedLoss: [], method: 'exact' };
  if (k === 1) return { chanceToBeBest: [1], expectedLoss: [0], method: 'exact' };
  if (k === 2) {
    const p1 = probBetaGreater(posteriors[1], posteriors[0]);
    return {
      chanceToBeBest: [1 - p1, p1],
      expectedLoss: [expectedLoss(posteriors[0], posteriors[1]), expectedLoss(posteriors[1], posteriors[0])],
      method: 'exact',
    };
  }
  const draws = Math.max(1, Math.floor(options.draws ?? 20_000));
  const rand = mulberry32(options.seed ?? 1);
  const wins = new Array<number>(k).fill(0);
  const loss = new Array<number>(k).fill(0);
  const sample = new Array<number>(k);
  for (let d = 0; d < draws; d++) {
    let best = 0;
    for (let i = 0; i < k; i++) {
      sample[i] = betaSample(posteriors[i].alpha, posteriors[i].beta, rand);
      if (sample[i] > sample[best]) best = i;
    }
    wins[best] += 1;
    for (let i = 0; i < k; i++) loss[i] += sample[best] - sample[i];
  }
  return {
    chanceToBeBest: wins.map((w) => w / draws),
    expectedLoss: loss.map((l) => l / draws),
    method: 'monte-carlo',
  };
}

// ---------------------------------------------------------------------------------------------
// Bayesian, normal approximation (GrowthBook's documented engine)

export interface NormalApproximation {
  /** P(lift > 0) with lift ~ N(estimate, se²). */
  chanceToWin: number;
  /** Expected loss of shipping the variation: E[max(−lift, 0)] (in units of the estimate). */
  riskVariation: number;
  /** Expected loss of keeping the control: E[max(lift, 0)]. */
  riskControl: number;
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * Chance to win and risk when the posterior of the lift is Normal(estimate, se²) — GrowthBook's
 * Bayesian engine with its default improper (flat) prior, where the posterior equals the
 * likelihood from the delta-method estimate (GrowthBook docs, "Statistics → Bayesian").
 * Risk uses the normal partial expectation: for X ~ N(μ, σ²),
 * E[max(−X, 0)] = σφ(μ/σ) − μΦ(−μ/σ) and E[max(X, 0)] = σφ(μ/σ) + μΦ(μ/σ).
 */
export function normalChanceToWin(estimate: number, se: number): NormalApproximation | null {
  if (!(se > 0) || !Number.isFinite(se) || !Number.isFinite(estimate)) return null;
  const k = estimate / se;
  const pdf = INV_SQRT_2PI * Math.exp(-0.5 * k * k);
  return {
    chanceToWin: normalCdf(k),
    riskVariation: Math.max(0, se * pdf - estimate * normalCdf(-k)),
    riskControl: Math.max(0, se * pdf + estimate * normalCdf(k)),
  };
}

// ---------------------------------------------------------------------------------------------
// Sample-ratio mismatch

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
    throw new RangeError(`visitors (${visitors.length}) and weights (${weights.length}) differ in length`);
  }
  visitors.forEach((v, i) => assertCount(v, `visitors[${i}]`));
  weights.forEach((w, i) => {
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`weights[${i}] must be finite and ≥ 0`);
  });
  const total = visitors.reduce((s, v) => s + v, 0);
  const weightSum = weights.reduce((s, w) => s + w, 0);
  const expected = weights.map((w) => (weightSum > 0 ? (total * w) / weightSum : 0));
  const base = { threshold, expected };
  if (total === 0) return { ...base, chiSquare: null, degreesOfFreedom: null, pValue: null, mismatch: false, reason: 'no-visitors' };
  if (!(weightSum > 0)) {
    return { ...base, chiSquare: null, degreesOfFreedom: null, pValue: null, mismatch: false, reason: 'no-expected-traffic' };
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
  if (impossible) return { ...base, chiSquare: null, degreesOfFreedom: df > 0 ? df : null, pValue: 0, mismatch: true };
  if (df < 1) return { ...base, chiSquare: 0, degreesOfFreedom: null, pValue: 1, mismatch: false };
  const pValue = clamp01(chiSquareSf(chi, df));
  return { ...base, chiSquare: chi, degreesOfFreedom: df, pValue, mismatch: pValue < threshold };
}

// ---------------------------------------------------------------------------------------------
// The whole report for a conversion experiment

export interface AnalyzeOptions {
  /** Confidence level of intervals (default 0.95). */
  confidence?: number;
  /** Expected split for the SRM check; default equal. */
  weights?: readonly number[];
  /** SRM p-value threshold (default 0.001). */
  srmThreshold?: number;
  /** Minimum visitors per variation before results are called reliable (default 100). */
  minVisitors?: number;
  /** Minimum conversions per variation before results are called reliable (default 10). */
  minConversions?: number;
  /** Monte Carlo settings for k > 2. */
  monteCarlo?: MonteCarloOptions;
  /**
   * Units assigned per variation for the SRM check, when they differ from the analysed visitors
   * (a campaign assigns recipients, then some sends fail); default the visitors.
   */
  srmCounts?: readonly number[];
}

export interface VariationReport {
  index: number;
  visitors: number;
  conversions: number;
  /** c / n, or null with no visitors. */
  rate: number | null;
  /** Posterior mean under Beta(1, 1): (1 + c) / (2 + n). */
  posteriorMean: number;
  /** Equal-tailed credible interval of the rate at `confidence`, from the Beta posterior. */
  credibleInterval: [number, number];
  /** P(this variation has the highest rate). */
  chanceToBeBest: number;
  /** Expected loss of shipping this variation (in absolute conversion-rate units). */
  risk: number;
  /** Against control; null for the control itself. */
  vsControl:
    | (TwoProportionResult & {
        /** Exact P(p_variation > p_control) under Beta(1, 1) priors. */
        chanceToBeatControl: number;
        /** GrowthBook-style normal approximation on the relative uplift (flat prior); null without one. */
        normalApproximation: NormalApproximation | null;
        /** p < 1 − confidence, or null without a p-value. */
        significant: boolean | null;
      })
    | null;
}

export type ExperimentWarning =
  | { type: 'srm'; pValue: number }
  | { type: 'min-sample'; variation: number; visitors: number; conversions: number };

export interface ConversionExperimentReport {
  variations: VariationReport[];
  srm: SrmResult;
  warnings: ExperimentWarning[];
  bayesianMethod: 'exact' | 'monte-carlo';
  confidence: number;
}

/**
 * Everything an experiment report shows for a conversion metric: per-variation rates, uplift vs
 * control with intervals and p-values, Bayesian chance to beat control / be best and risk, the
 * SRM check and minimum-sample warnings.
 */
export function analyzeConversionExperiment(
  variations: readonly BinomialVariation[],
  options: AnalyzeOptions = {}
): ConversionExperimentReport {
  validateBinomial(variations);
  const confidence = options.confidence ?? 0.95;
  assertConfidence(confidence);
  const minVisitors = options.minVisitors ?? 100;
  const minConversions = options.minConversions ?? 10;
  const weights = options.weights ?? variations.map(() => 1 / variations.length);
  const posteriors = variations.map((v) => posterior(v));
  const best = chanceToBeBest(posteriors, options.monteCarlo);
  const srm = sampleRatioMismatch(
    options.srmCounts ?? variations.map((v) => v.visitors),
    weights,
    options.srmThreshold ?? 0.001
  );
  const warnings: ExperimentWarning[] = [];
  if (srm.mismatch) warnings.push({ type: 'srm', pValue: srm.pValue ?? 0 });
  const report = variations.map((v, index): VariationReport => {
    if (v.visitors < minVisitors || v.conversions < minConversions) {
      warnings.push({ type: 'min-sample', variation: index, visitors: v.visitors, conversions: v.conversions });
    }
    let vsControl: VariationReport['vsControl'] = null;
    if (index > 0) {
      const test = twoProportionTest(variations[0], v, confidence);
      vsControl = {
        ...test,
        chanceToBeatControl: probBetaGreater(posteriors[index], posteriors[0]),
        normalApproximation: test.relativeUplift
          ? normalChanceToWin(test.relativeUplift.estimate, test.relativeUplift.se)
          : null,
        significant: test.pValue === null ? null : test.pValue < 1 - confidence,
      };
    }
    return {
      index,
      visitors: v.visitors,
      conversions: v.conversions,
      rate: v.visitors > 0 ? v.conversions / v.visitors : null,
      posteriorMean: posteriors[index].alpha / (posteriors[index].alpha + posteriors[index].beta),
      credibleInterval: [
        betaQuantile((1 - confidence) / 2, posteriors[index].alpha, posteriors[index].beta),
        betaQuantile(1 - (1 - confidence) / 2, posteriors[index].alpha, posteriors[index].beta),
      ],
      chanceToBeBest: best.chanceToBeBest[index],
      risk: finiteOrNull(best.expectedLoss[index]) ?? 0,
      vsControl,
    };
  });
  return { variations: report, srm, warnings, bayesianMethod: best.method, confidence };
}

// ---------------------------------------------------------------------------------------------
// The whole report for a mean metric (revenue per visitor, order value, …)

export interface MeanVariationReport {
  index: number;
  n: number;
  /** Σx / n, or null with fewer than one unit. */
  mean: number | null;
  /** Sample standard deviation, or null with fewer than two units. */
  sd: number | null;
  /** Against control (Welch); null for the control itself. */
  vsControl:
    | (WelchResult & {
        /** Normal-approximation chance that the variation's mean is higher (flat prior). */
        normalApproximation: NormalApproximation | null;
        significant: boolean | null;
      })
    | null;
}

export interface MeanExperimentReport {
  variations: MeanVariationReport[];
  srm: SrmResult;
  warnings: ExperimentWarning[];
  confidence: number;
}

/**
 * Report for a mean metric: Welch's t-test of each variation against the control, uplift
 * intervals, a normal-approximation chance to win on the absolute difference, the SRM check on
 * units and minimum-sample warnings (`minVisitors` applies to n; conversions are not counted).
 */
export function analyzeMeanExperiment(
  variations: readonly MeanVariation[],
  options: Omit<AnalyzeOptions, 'monteCarlo' | 'minConversions'> = {}
): MeanExperimentReport {
  if (variations.length < 1) throw new RangeError('at least one variation is required');
  variations.forEach((v, i) => validateMean(v, `variations[${i}]`));
  const confidence = options.confidence ?? 0.95;
  assertConfidence(confidence);
  const minVisitors = options.minVisitors ?? 100;
  const weights = options.weights ?? variations.map(() => 1 / variations.length);
  const srm = sampleRatioMismatch(
    variations.map((v) => v.n),
    weights,
    options.srmThreshold ?? 0.001
  );
  const warnings: ExperimentWarning[] = [];
  if (srm.mismatch) warnings.push({ type: 'srm', pValue: srm.pValue ?? 0 });
  const report = variations.map((v, index): MeanVariationReport => {
    if (v.n < minVisitors) warnings.push({ type: 'min-sample', variation: index, visitors: v.n, conversions: 0 });
    const mv = meanAndVariance(v);
    let vsControl: MeanVariationReport['vsControl'] = null;
    if (index > 0) {
      const test = welchTTest(variations[0], v, confidence);
      vsControl = {
        ...test,
        normalApproximation: test.absoluteUplift
          ? normalChanceToWin(test.absoluteUplift.estimate, test.absoluteUplift.se)
          : null,
        significant: test.pValue === null ? null : test.pValue < 1 - confidence,
      };
    }
    return {
      index,
      n: v.n,
      mean: v.n > 0 ? finiteOrNull(v.sum / v.n) : null,
      sd: mv ? Math.sqrt(mv.variance) : null,
      vsControl,
    };
  });
  return { variations: report, srm, warnings, confidence };
}
