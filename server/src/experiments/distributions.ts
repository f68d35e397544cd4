/**
 * Special functions and distributions for the experiment statistics. Pure TypeScript, written
 * from the formulas (sources cited per function), not copied from a library.
 *
 * References:
 *  - [DLMF] NIST Digital Library of Mathematical Functions, https://dlmf.nist.gov/
 *  - [Lanczos] C. Lanczos (1964), "A precision approximation of the gamma function", SIAM J.
 *    Numer. Anal. B 1; coefficients for g = 7, n = 9 as tabulated by P. Godfrey.
 *  - [Lentz] W. J. Lentz (1976), modified by Thompson & Barnett (1986): evaluation of continued
 *    fractions from the front.
 */

const LANCZOS_G = 7;
const LANCZOS_COEF = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];
const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0 [Lanczos]; reflection formula Γ(x)Γ(1−x) = π / sin(πx) below 0.5 [DLMF 5.5.3]. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = LANCZOS_COEF[0];
  const t = z + LANCZOS_G + 0.5;
  for (let i = 1; i < LANCZOS_COEF.length; i++) a += LANCZOS_COEF[i] / (z + i);
  return LN_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b) [DLMF 5.12.1]. */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

const EPS = 1e-15;
const TINY = 1e-300;
const MAX_ITER = 10000;

/**
 * Continued fraction of the incomplete beta function [DLMF 8.17.22], evaluated by the modified
 * Lentz method; converges quickly for x < (a + 1) / (a + b + 2).
 */
function betaContinuedFraction(x: number, a: number, b: number): number {
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let f = d;
  for (let m = 1; m <= MAX_ITER; m++) {
    // even step: d_{2m} = m (b − m) x / ((a + 2m − 1)(a + 2m))
    let num = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    d = 1 + num * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + num / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    f *= d * c;
    // odd step: d_{2m+1} = −(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1))
    num = (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 + num * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + num / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    f *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return f;
}

/**
 * Regularized incomplete beta I_x(a, b) for a, b > 0, x ∈ [0, 1] [DLMF 8.17.2], via the continued
 * fraction [DLMF 8.17.22] and the symmetry I_x(a, b) = 1 − I_{1−x}(b, a) [DLMF 8.17.4].
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0) || Number.isNaN(x)) return NaN;
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b);
  if (x < (a + 1) / (a + b + 2)) {
    return (Math.exp(lnFront) * betaContinuedFraction(x, a, b)) / a;
  }
  return 1 - (Math.exp(lnFront) * betaContinuedFraction(1 - x, b, a)) / b;
}

/**
 * Regularized lower incomplete gamma P(a, x) and upper Q(a, x) = 1 − P(a, x) [DLMF 8.2.4].
 * Series [DLMF 8.7.1, γ* expansion] for x < a + 1, Legendre's continued fraction for Γ(a, x)
 * [DLMF 8.9.2] otherwise; each computed directly so the small tail keeps full precision.
 */
export function regularizedGamma(a: number, x: number): { lower: number; upper: number } {
  if (!(a > 0) || Number.isNaN(x)) return { lower: NaN, upper: NaN };
  if (x <= 0) return { lower: 0, upper: 1 };
  if (x === Infinity) return { lower: 1, upper: 0 };
  const lnFront = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    // P(a, x) = e^{−x} x^a / Γ(a + 1) · Σ_{n≥0} x^n / ((a + 1)…(a + n))
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n <= MAX_ITER; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * EPS) break;
    }
    const lower = Math.min(1, Math.exp(lnFront) * sum);
    return { lower, upper: 1 - lower };
  }
  // Γ(a, x) = e^{−x} x^a · 1/(x + 1 − a − 1·(1 − a)/(x + 3 − a − 2·(2 − a)/(x + 5 − a − …)))
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let f = d;
  for (let n = 1; n <= MAX_ITER; n++) {
    const an = -n * (n - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    f *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  const upper = Math.min(1, Math.exp(lnFront) * f);
  return { lower: 1 - upper, upper };
}

/** erfc(x) = Q(1/2, x²) for x ≥ 0 [DLMF 7.11.2 with 8.4.6], 2 − erfc(−x) below. */
export function erfc(x: number): number {
  if (x >= 0) return regularizedGamma(0.5, x * x).upper;
  return 2 - regularizedGamma(0.5, x * x).upper;
}

/** Standard normal CDF Φ(z) = erfc(−z/√2) / 2 [DLMF 7.18.2 / 26.2]. */
export function normalCdf(z: number): number {
  if (z === Infinity) return 1;
  if (z === -Infinity) return 0;
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** Inverts an increasing function on [lo, hi] by bisection (robust, ~1e-15 after 200 halvings). */
function bisect(f: (x: number) => number, target: number, lo: number, hi: number): number {
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (mid === lo || mid === hi) break;
    if (f(mid) < target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Standard normal quantile Φ⁻¹(p), p ∈ (0, 1). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  // Each half is inverted on the function that is precise there (1 − p would lose digits).
  if (p < 0.5) return bisect(normalCdf, p, -40, 0);
  return bisect((z) => -0.5 * erfc(z / Math.SQRT2), -(1 - p), 0, 40);
}

/**
 * Student-t CDF with `df` > 0 degrees of freedom: for t ≥ 0,
 * F(t) = 1 − I_{df/(df+t²)}(df/2, 1/2) / 2 (Abramowitz & Stegun 26.5.27 with 26.7.1).
 */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0) || Number.isNaN(t)) return NaN;
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const tail = 0.5 * regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** Two-sided p-value of a Student-t statistic: P(|T| ≥ |t|) = I_{df/(df+t²)}(df/2, 1/2). */
export function studentTTwoSidedP(t: number, df: number): number {
  if (!(df > 0) || Number.isNaN(t)) return NaN;
  if (!Number.isFinite(t)) return 0;
  return regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
}

/** Student-t quantile for p ∈ (0, 1). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) return NaN;
  const tail = Math.min(p, 1 - p); // P(T > |t|), computed directly on each side
  let hi = 1;
  while (studentTTwoSidedP(hi, df) / 2 > tail && hi < 1e300) hi *= 2;
  const q = bisect((t) => -studentTTwoSidedP(t, df) / 2, -tail, 0, hi);
  return p < 0.5 ? -q : q;
}

/** Chi-square CDF with k degrees of freedom: P(k/2, x/2) [DLMF 8.2.4, 26.4]. */
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

/**
 * Beta(a, b) quantile for p ∈ [0, 1]: Newton's method on the CDF from a normal-approximation
 * start, safeguarded by a bisection bracket (so it always converges, and fast).
 */
export function betaQuantile(p: number, a: number, b: number): number {
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  const mean = a / (a + b);
  const sd = Math.sqrt((a * b) / ((a + b) * (a + b) * (a + b + 1)));
  let lo = 0;
  let hi = 1;
  let x = Math.min(1 - 1e-12, Math.max(1e-12, mean + normalQuantile(p) * sd));
  for (let i = 0; i < 200; i++) {
    const f = regularizedIncompleteBeta(x, a, b) - p;
    if (f < 0) lo = x;
    else hi = x;
    const density = Math.exp(betaLogPdf(x, a, b));
    let next = density > 0 ? x - f / density : NaN;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - x) <= 1e-15 * Math.max(x, 1e-300) || hi - lo <= 1e-16) return next;
    x = next;
  }
  return x;
}

/** Beta(a, b) log density. */
export function betaLogPdf(x: number, a: number, b: number): number {
  if (x <= 0 || x >= 1) return -Infinity;
  return (a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - logBeta(a, b);
}

/**
 * Small seeded PRNG (mulberry32, a public-domain 32-bit generator by Tommy Ettinger): uniform
 * in (0, 1). Deterministic for a seed so Monte Carlo estimates are reproducible.
 */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return u === 0 ? 1 / 8589934592 : u;
  };
}

/** Standard normal draw by the Box–Muller transform. */
export function normalSample(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand());
}

/**
 * Gamma(shape, 1) draw, shape ≥ 1, by Marsaglia & Tsang (2000), "A simple method for generating
 * gamma variables", ACM TOMS 26(3); shape < 1 via the boost Gamma(a) = Gamma(a + 1)·U^{1/a}.
 */
export function gammaSample(shape: number, rand: () => number): number {
  if (shape < 1) return gammaSample(shape + 1, rand) * Math.pow(rand(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normalSample(rand);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rand();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Beta(a, b) draw as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). */
export function betaSample(a: number, b: number, rand: () => number): number {
  const x = gammaSample(a, rand);
  const y = gammaSample(b, rand);
  return x / (x + y);
}
