/** Bayesian estimates: Beta–Binomial posteriors (closed form and Monte Carlo) and GrowthBook's normal approximation. See ./index.ts for the sources of the formulas. */
import { betaSample, logBeta, mulberry32, normalCdf } from '../distributions';
import { clamp01, type BinomialVariation } from './inputs';

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
      expectedLoss: [
        expectedLoss(posteriors[0], posteriors[1]),
        expectedLoss(posteriors[1], posteriors[0]),
      ],
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
