/**
 * Seeded random draws for the Monte Carlo "chance to be best". Written here rather than taken
 * from @stdlib/random-*: the estimates must be reproducible for a seed across releases (reports
 * and tests quote them), and these ~40 lines pin the exact sequence, which a library upgrade
 * could change.
 */

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
