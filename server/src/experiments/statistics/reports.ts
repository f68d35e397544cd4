/** Whole experiment reports (conversion and mean metrics) assembled from the tests and estimates. See ./index.ts for the sources of the formulas. */
import { betaQuantile } from '../distributions';
import {
  assertConfidence,
  finiteOrNull,
  validateBinomial,
  type BinomialVariation,
  type MeanVariation,
} from './inputs';
import {
  meanAndVariance,
  twoProportionTest,
  validateMean,
  welchTTest,
  type TwoProportionResult,
  type WelchResult,
} from './frequentist';
import {
  chanceToBeBest,
  normalChanceToWin,
  posterior,
  probBetaGreater,
  type MonteCarloOptions,
  type NormalApproximation,
} from './bayesian';
import { sampleRatioMismatch, type SrmResult } from './srm';

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
      warnings.push({
        type: 'min-sample',
        variation: index,
        visitors: v.visitors,
        conversions: v.conversions,
      });
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
    if (v.n < minVisitors)
      warnings.push({ type: 'min-sample', variation: index, visitors: v.n, conversions: 0 });
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
