import { readFileSync } from 'fs';
import { join } from 'path';
import fc from 'fast-check';
import {
  betaCdf,
  betaLogPdf,
  betaQuantile,
  betaSample,
  chiSquareCdf,
  chiSquareSf,
  erfc,
  gammaSample,
  logBeta,
  logGamma,
  mulberry32,
  normalCdf,
  normalQuantile,
  regularizedGamma,
  regularizedIncompleteBeta,
  studentTCdf,
  studentTQuantile,
  studentTTwoSidedP,
} from '../../../server/src/experiments/distributions';

/** Reference values from SciPy: see fixtures/generate_reference.py for the exact command. */
interface Reference {
  lgamma: [number, number][];
  betainc: [number, number, number, number][];
  gammainc: [number, number, number, number][];
  normalCdf: [number, number][];
  normalQuantile: [number, number][];
  studentT: [number, number, number, number][];
  studentTQuantile: [number, number, number][];
  chiSquare: [number, number, number, number][];
}
const ref = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'scipy-reference.json'), 'utf8')) as Reference;

/** |a − b| ≤ rel·|b| + abs */
function close(actual: number, expected: number, rel = 1e-9, abs = 1e-12): void {
  expect(Number.isFinite(actual)).toBe(true);
  const tol = rel * Math.abs(expected) + abs;
  if (Math.abs(actual - expected) > tol) {
    throw new Error(`expected ${actual} to be within ${tol} of ${expected}`);
  }
}

/** Composite Simpson's rule: the slow, obvious method the fast formulas are checked against. */
function simpson(f: (x: number) => number, a: number, b: number, n = 20000): number {
  const h = (b - a) / n;
  let s = f(a) + f(b);
  for (let i = 1; i < n; i++) s += f(a + i * h) * (i % 2 ? 4 : 2);
  return (s * h) / 3;
}

describe('special functions against SciPy', () => {
  test.each(ref.lgamma)('lgamma(%p) = %p', (x, expected) => close(logGamma(x), expected, 1e-12, 1e-12));
  test.each(ref.betainc)('I_%p(%p, %p) = %p', (x, a, b, expected) => close(regularizedIncompleteBeta(x, a, b), expected, 1e-9, 1e-14));
  test.each(ref.gammainc)('P(%p, %p) = %p, Q = %p', (a, x, lower, upper) => {
    const r = regularizedGamma(a, x);
    close(r.lower, lower, 1e-10, 1e-15);
    close(r.upper, upper, 1e-10, 1e-15);
  });
  test.each(ref.normalCdf)('Φ(%p) = %p', (z, expected) => close(normalCdf(z), expected, 1e-10, 1e-16));
  test.each(ref.normalQuantile)('Φ⁻¹(%p) = %p', (p, expected) => close(normalQuantile(p), expected, 1e-9, 1e-12));
  test.each(ref.studentT)('t=%p df=%p: cdf %p, two-sided p %p', (t, df, cdf, p2) => {
    close(studentTCdf(t, df), cdf, 1e-9, 1e-14);
    close(studentTTwoSidedP(t, df), p2, 1e-9, 1e-14);
  });
  test.each(ref.studentTQuantile)('t quantile p=%p df=%p = %p', (p, df, expected) => close(studentTQuantile(p, df), expected, 1e-8));
  test.each(ref.chiSquare)('χ²(%p; k=%p): cdf %p, sf %p', (x, k, cdf, sf) => {
    close(chiSquareCdf(x, k), cdf, 1e-10, 1e-15);
    close(chiSquareSf(x, k), sf, 1e-10, 1e-15);
  });
});

describe('textbook values', () => {
  it('t = 2.0 with 10 df: two-sided p ≈ 0.0734 (t tables)', () => {
    expect(studentTTwoSidedP(2, 10)).toBeCloseTo(0.07339, 4);
  });
  it('t quantiles from tables: t(0.975, 1) = 12.706, t(0.975, 10) = 2.228, t(0.975, 30) = 2.042', () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706, 3);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228, 3);
    expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.042, 3);
  });
  it('df = 1 is the Cauchy distribution: F(t) = 1/2 + atan(t)/π', () => {
    for (const t of [-50, -3, -1, 0, 0.4, 2, 10]) close(studentTCdf(t, 1), 0.5 + Math.atan(t) / Math.PI, 1e-12, 1e-14);
  });
  it('df = 2 has F(t) = 1/2 + t / (2√(2 + t²))', () => {
    for (const t of [-7, -1, 0, 0.5, 3]) close(studentTCdf(t, 2), 0.5 + t / (2 * Math.sqrt(2 + t * t)), 1e-12, 1e-14);
  });
  it('χ² critical values: 3.841 (k=1, 0.05), 10.828 (k=1, 0.001), 5.991 (k=2, 0.05)', () => {
    expect(chiSquareSf(3.841458820694124, 1)).toBeCloseTo(0.05, 12);
    expect(chiSquareSf(10.827566170662733, 1)).toBeCloseTo(0.001, 12);
    expect(chiSquareSf(5.991464547107979, 2)).toBeCloseTo(0.05, 12);
  });
  it('χ² with 2 df is exponential: sf(x) = e^{−x/2}', () => {
    for (const x of [0.1, 1, 5, 40, 200]) close(chiSquareSf(x, 2), Math.exp(-x / 2), 1e-12, 1e-300);
  });
  it('Γ and erfc identities', () => {
    close(logGamma(5), Math.log(24), 1e-14);
    close(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-14);
    close(erfc(0), 1, 0, 1e-15);
    close(normalQuantile(0.975), 1.959963984540054, 1e-12);
    expect(normalCdf(-40)).toBeGreaterThanOrEqual(0);
    expect(normalCdf(40)).toBe(1);
  });
  it('Beta(1, 1) is uniform, Beta(a, 1) has CDF x^a', () => {
    for (const x of [0, 0.1, 0.5, 0.99, 1]) close(betaCdf(x, 1, 1), x, 1e-14, 1e-15);
    for (const x of [0.1, 0.5, 0.9]) close(betaCdf(x, 3.5, 1), Math.pow(x, 3.5), 1e-12, 1e-15);
  });
  it('log B matches Γ for small integers: B(3, 4) = 2!·3!/6! = 1/60', () => {
    close(logBeta(3, 4), Math.log(1 / 60), 1e-13);
  });
});

describe('properties', () => {
  it('the incomplete beta matches a numerical integral of the density', () => {
    for (const [x, a, b] of [[0.3, 2, 5], [0.6, 3.5, 2.25], [0.05, 1.5, 30]]) {
      const integral = simpson((t) => Math.exp(betaLogPdf(t, a, b)), 1e-12, x);
      close(regularizedIncompleteBeta(x, a, b), integral, 1e-6, 1e-9);
    }
  });
  it('I_x(a, b) = 1 − I_{1−x}(b, a) and is monotone in x', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0.1, max: 500, noNaN: true }),
        fc.double({ min: 0.1, max: 500, noNaN: true }),
        (x1, x2, a, b) => {
          const lo = Math.min(x1, x2);
          const hi = Math.max(x1, x2);
          const ilo = regularizedIncompleteBeta(lo, a, b);
          const ihi = regularizedIncompleteBeta(hi, a, b);
          expect(ilo).toBeGreaterThanOrEqual(0);
          expect(ihi).toBeLessThanOrEqual(1);
          expect(ihi).toBeGreaterThanOrEqual(ilo - 1e-12);
          // (only where 1 − x is exact in floating point; for x ≈ 1e-83, 1 − x rounds to 1)
          if (1 - (1 - lo) === lo) expect(Math.abs(ilo + regularizedIncompleteBeta(1 - lo, b, a) - 1)).toBeLessThan(1e-9);
        }
      )
    );
  });
  it('t CDF is symmetric and monotone; tends to Φ for large df', () => {
    fc.assert(
      fc.property(fc.double({ min: -50, max: 50, noNaN: true }), fc.double({ min: 0.5, max: 1e4, noNaN: true }), (t, df) => {
        const f = studentTCdf(t, df);
        expect(Math.abs(f + studentTCdf(-t, df) - 1)).toBeLessThan(1e-12);
        expect(studentTCdf(t + 0.1, df)).toBeGreaterThanOrEqual(f);
      })
    );
    close(studentTCdf(1.5, 1e7), normalCdf(1.5), 1e-6);
  });
  it('quantiles invert their CDFs', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1 - 1e-6, noNaN: true }), fc.double({ min: 1, max: 500, noNaN: true }), (p, df) => {
        close(normalCdf(normalQuantile(p)), p, 1e-9, 1e-13);
        close(studentTCdf(studentTQuantile(p, df), df), p, 1e-8, 1e-12);
        close(betaCdf(betaQuantile(p, 2 + df, 3), 2 + df, 3), p, 1e-8, 1e-12);
      })
    );
  });
  it('P + Q = 1 for the incomplete gamma', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.05, max: 1000, noNaN: true }), fc.double({ min: 0, max: 2000, noNaN: true }), (a, x) => {
        const r = regularizedGamma(a, x);
        expect(Math.abs(r.lower + r.upper - 1)).toBeLessThan(1e-12);
        expect(r.lower).toBeGreaterThanOrEqual(0);
        expect(r.upper).toBeGreaterThanOrEqual(0);
      })
    );
  });
  it('edge inputs', () => {
    expect(regularizedIncompleteBeta(-1, 2, 2)).toBe(0);
    expect(regularizedIncompleteBeta(2, 2, 2)).toBe(1);
    expect(regularizedIncompleteBeta(0.5, 0, 2)).toBeNaN();
    expect(regularizedGamma(2, 0)).toEqual({ lower: 0, upper: 1 });
    expect(regularizedGamma(2, Infinity)).toEqual({ lower: 1, upper: 0 });
    expect(studentTCdf(Infinity, 3)).toBe(1);
    expect(studentTCdf(-Infinity, 3)).toBe(0);
    expect(studentTTwoSidedP(Infinity, 3)).toBe(0);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(betaQuantile(0, 2, 2)).toBe(0);
    expect(betaQuantile(1, 2, 2)).toBe(1);
  });
});

describe('seeded sampling', () => {
  it('mulberry32 is deterministic and in (0, 1)', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    for (let i = 0; i < 1000; i++) {
      const x = a();
      expect(x).toBe(b());
      expect(x).toBeGreaterThan(0);
      expect(x).toBeLessThan(1);
    }
  });
  it('Gamma and Beta draws have the right moments', () => {
    const rand = mulberry32(123);
    const n = 40_000;
    for (const shape of [0.5, 1, 3.7, 50]) {
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        const x = gammaSample(shape, rand);
        s += x;
        s2 += x * x;
      }
      const mean = s / n;
      expect(Math.abs(mean - shape)).toBeLessThan(5 * Math.sqrt(shape / n));
      expect(Math.abs(s2 / n - mean * mean - shape) / shape).toBeLessThan(0.06);
    }
    let s = 0;
    for (let i = 0; i < n; i++) s += betaSample(3, 7, rand);
    expect(Math.abs(s / n - 0.3)).toBeLessThan(0.005);
  });
});
