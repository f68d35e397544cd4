import { readFileSync } from 'fs';
import { join } from 'path';
import fc from 'fast-check';
import {
  analyzeConversionExperiment,
  analyzeMeanExperiment,
  chanceToBeBest,
  expectedLoss,
  meanAndVariance,
  normalChanceToWin,
  posterior,
  probBetaGreater,
  sampleRatioMismatch,
  twoProportionTest,
  validateBinomial,
  welchTTest,
  type BinomialVariation,
  type MeanVariation,
} from '../../../server/src/experiments';
import { betaCdf, betaLogPdf } from '../../../server/src/experiments/distributions';

/** Reference values from SciPy: see fixtures/generate_reference.py for the exact command. */
interface Reference {
  twoProportion: {
    control: BinomialVariation;
    variation: BinomialVariation;
    z: number;
    pValue: number;
    absCi: [number, number];
    relCi: [number, number];
    normalChanceToWin: number;
    normalRiskVariation: number;
    normalRiskControl: number;
  }[];
  welch: { control: MeanVariation; variation: MeanVariation; t: number; pValue: number; df: number }[];
  bayes2: {
    control: BinomialVariation;
    variation: BinomialVariation;
    chanceToBeatControl: number;
    lossChooseVariation: number;
    lossChooseControl: number;
  }[];
  chanceToBeBest: { variations: BinomialVariation[]; chanceToBeBest: number[] }[];
  srm: { visitors: number[]; weights: number[]; chiSquare: number; pValue: number }[];
}
const ref = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'scipy-reference.json'), 'utf8')) as Reference;

function close(actual: number | null | undefined, expected: number, rel = 1e-9, abs = 1e-12): void {
  expect(typeof actual).toBe('number');
  const a = actual as number;
  const tol = rel * Math.abs(expected) + abs;
  if (!(Math.abs(a - expected) <= tol)) throw new Error(`expected ${a} to be within ${tol} of ${expected}`);
}

/** Every number anywhere in a value is finite (no NaN, no ±Infinity). */
function allFinite(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(allFinite);
  if (value && typeof value === 'object') return Object.values(value).every(allFinite);
  return true;
}

/** Arbitrary (visitors, conversions) with conversions ≤ visitors. */
const armArb = (maxVisitors = 5000) =>
  fc.integer({ min: 0, max: maxVisitors }).chain((visitors) =>
    fc.integer({ min: 0, max: visitors }).map((conversions) => ({ visitors, conversions }))
  );

describe('two-proportion z-test', () => {
  test.each(ref.twoProportion)('matches SciPy (χ² on the 2×2 table) for %j', ({ control, variation, z, pValue, absCi }) => {
    const r = twoProportionTest(control, variation);
    close(r.zScore, z, 1e-10);
    close(r.pValue, pValue, 1e-8, 1e-15);
    close(r.absoluteUplift?.ci[0], absCi[0], 1e-9, 1e-14);
    close(r.absoluteUplift?.ci[1], absCi[1], 1e-9, 1e-14);
  });

  test.each(ref.twoProportion)('relative uplift interval and normal-approximation chance to win match SciPy for %j', (c) => {
    const r = twoProportionTest(c.control, c.variation);
    close(r.relativeUplift?.ci[0], c.relCi[0], 1e-9, 1e-14);
    close(r.relativeUplift?.ci[1], c.relCi[1], 1e-9, 1e-14);
    const n = normalChanceToWin(r.relativeUplift?.estimate as number, r.relativeUplift?.se as number);
    close(n?.chanceToWin, c.normalChanceToWin, 1e-9, 1e-15);
    close(n?.riskVariation, c.normalRiskVariation, 1e-7, 1e-12);
    close(n?.riskControl, c.normalRiskControl, 1e-7, 1e-12);
  });

  it('worked example: 10.0% vs 12.0% on 1000 each → pooled 11%, z = 0.02 / √(0.11·0.89·2/1000) ≈ 1.4293, p ≈ 0.1529', () => {
    const r = twoProportionTest({ visitors: 1000, conversions: 100 }, { visitors: 1000, conversions: 120 });
    close(r.zScore, 0.02 / Math.sqrt((0.11 * 0.89 * 2) / 1000), 1e-12);
    expect(r.pValue).toBeCloseTo(0.1529, 4);
    expect(r.absoluteUplift?.estimate).toBeCloseTo(0.02, 12);
    expect(r.relativeUplift?.estimate).toBeCloseTo(0.2, 12);
  });

  it('relative-uplift interval by the delta method', () => {
    const r = twoProportionTest({ visitors: 1000, conversions: 100 }, { visitors: 1000, conversions: 120 });
    const v0 = (0.1 * 0.9) / 1000;
    const v1 = (0.12 * 0.88) / 1000;
    const se = Math.sqrt(v1 / 0.01 + (0.0144 * v0) / 0.0001);
    close(r.relativeUplift?.ci[0], 0.2 - 1.959963984540054 * se, 1e-9);
    close(r.relativeUplift?.ci[1], 0.2 + 1.959963984540054 * se, 1e-9);
  });

  it('guard rails: null fields with reasons, never NaN', () => {
    expect(twoProportionTest({ visitors: 0, conversions: 0 }, { visitors: 10, conversions: 1 })).toMatchObject({
      pValue: null,
      absoluteUplift: null,
      relativeUplift: null,
      reasons: { pValue: 'control-no-visitors' },
    });
    expect(twoProportionTest({ visitors: 10, conversions: 1 }, { visitors: 0, conversions: 0 }).reasons.pValue).toBe('no-visitors');
    const zeros = twoProportionTest({ visitors: 100, conversions: 0 }, { visitors: 100, conversions: 0 });
    expect(zeros).toMatchObject({ pValue: null, absoluteUplift: null, relativeUplift: null });
    expect(zeros.reasons).toEqual({ pValue: 'no-variance', absoluteUplift: 'no-variance', relativeUplift: 'control-rate-zero' });
    const all = twoProportionTest({ visitors: 100, conversions: 100 }, { visitors: 50, conversions: 50 });
    expect(all).toMatchObject({ pValue: null, absoluteUplift: null, relativeUplift: null });
    expect(all.reasons.relativeUplift).toBe('no-variance');
    const controlZero = twoProportionTest({ visitors: 100, conversions: 0 }, { visitors: 100, conversions: 5 });
    expect(controlZero.pValue).not.toBeNull();
    expect(controlZero.relativeUplift).toBeNull();
    expect(controlZero.reasons.relativeUplift).toBe('control-rate-zero');
  });

  it('property: finite or null, p in [0, 1], CI contains the estimate, symmetric under swapping arms', () => {
    fc.assert(
      fc.property(armArb(), armArb(), (a, b) => {
        const r = twoProportionTest(a, b);
        expect(allFinite(r)).toBe(true);
        if (r.pValue !== null) {
          expect(r.pValue).toBeGreaterThanOrEqual(0);
          expect(r.pValue).toBeLessThanOrEqual(1);
          const s = twoProportionTest(b, a);
          close(s.pValue, r.pValue, 1e-12, 1e-15);
          close(s.zScore, -(r.zScore as number), 1e-12, 1e-15);
        }
        if (r.absoluteUplift) {
          expect(r.absoluteUplift.ci[0]).toBeLessThanOrEqual(r.absoluteUplift.estimate);
          expect(r.absoluteUplift.ci[1]).toBeGreaterThanOrEqual(r.absoluteUplift.estimate);
        }
      })
    );
  });

  it('property: a wider confidence level gives a wider interval', () => {
    fc.assert(
      fc.property(armArb(), armArb(), (a, b) => {
        const r90 = twoProportionTest(a, b, 0.9).absoluteUplift;
        const r99 = twoProportionTest(a, b, 0.99).absoluteUplift;
        if (r90 && r99) expect(r99.ci[1] - r99.ci[0]).toBeGreaterThan(r90.ci[1] - r90.ci[0]);
      })
    );
  });

  it('property: p-value falls as the observed difference grows (fixed n)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 20, max: 2000 }), fc.integer({ min: 1, max: 18 }), (n, k) => {
        const c0 = Math.floor(n * 0.1);
        const small = twoProportionTest({ visitors: n, conversions: c0 }, { visitors: n, conversions: c0 + k }).pValue as number;
        const big = twoProportionTest({ visitors: n, conversions: c0 }, { visitors: n, conversions: Math.min(n, c0 + k + 1) }).pValue as number;
        expect(big).toBeLessThanOrEqual(small + 1e-15);
      })
    );
  });

  it('rejects invalid counts', () => {
    expect(() => validateBinomial([{ visitors: 10, conversions: 11 }])).toThrow(/exceed/);
    expect(() => validateBinomial([{ visitors: -1, conversions: 0 }])).toThrow(RangeError);
    expect(() => validateBinomial([{ visitors: 1.5, conversions: 0 }])).toThrow(RangeError);
    expect(() => validateBinomial([])).toThrow(RangeError);
    expect(() => twoProportionTest({ visitors: 1, conversions: 0 }, { visitors: 1, conversions: 0 }, 1)).toThrow(/confidence/);
  });
});

describe("Welch's t-test", () => {
  test.each(ref.welch)('matches scipy.stats.ttest_ind_from_stats(equal_var=False) #%#', ({ control, variation, t, pValue, df }) => {
    const r = welchTTest(control, variation);
    close(r.tScore, t, 1e-9);
    close(r.pValue, pValue, 1e-8);
    close(r.degreesOfFreedom, df, 1e-9);
  });

  it('mean and variance from sums', () => {
    // values 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample variance 32/7
    const mv = meanAndVariance({ n: 8, sum: 40, sumSquares: 232 });
    expect(mv?.mean).toBe(5);
    close(mv?.variance, 32 / 7, 1e-14);
    expect(meanAndVariance({ n: 1, sum: 3, sumSquares: 9 })).toBeNull();
  });

  it('the interval is the t quantile times the standard error, and contains 0 exactly when p ≥ 0.05', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 500 }),
        fc.integer({ min: 2, max: 500 }),
        fc.double({ min: -10, max: 10, noNaN: true }),
        fc.double({ min: -10, max: 10, noNaN: true }),
        fc.double({ min: 0.1, max: 5, noNaN: true }),
        fc.double({ min: 0.1, max: 5, noNaN: true }),
        (n0, n1, m0, m1, s0, s1) => {
          const control = { n: n0, sum: n0 * m0, sumSquares: (n0 - 1) * s0 * s0 + n0 * m0 * m0 };
          const variation = { n: n1, sum: n1 * m1, sumSquares: (n1 - 1) * s1 * s1 + n1 * m1 * m1 };
          const r = welchTTest(control, variation);
          expect(allFinite(r)).toBe(true);
          const ci = r.absoluteUplift?.ci as [number, number];
          const p = r.pValue as number;
          if (Math.abs(p - 0.05) > 1e-6) expect(ci[0] <= 0 && ci[1] >= 0).toBe(p > 0.05);
        }
      )
    );
  });

  it('guard rails', () => {
    expect(welchTTest({ n: 1, sum: 1, sumSquares: 1 }, { n: 10, sum: 10, sumSquares: 20 }).reasons.pValue).toBe('too-few-units');
    const constant = welchTTest({ n: 5, sum: 10, sumSquares: 20 }, { n: 5, sum: 10, sumSquares: 20 });
    expect(constant).toMatchObject({ pValue: null, tScore: null, reasons: { pValue: 'no-variance' } });
    const zeroMean = welchTTest({ n: 4, sum: 0, sumSquares: 4 }, { n: 4, sum: 4, sumSquares: 8 });
    expect(zeroMean.pValue).not.toBeNull();
    expect(zeroMean.reasons.relativeUplift).toBe('control-mean-zero');
    expect(() => welchTTest({ n: 4, sum: NaN, sumSquares: 4 }, { n: 4, sum: 4, sumSquares: 8 })).toThrow(RangeError);
  });
});

/** P(X > Y) by Simpson integration of f_X(x)·F_Y(x): the slow, obvious method. */
function probGreaterByIntegration(ax: number, bx: number, ay: number, by: number): number {
  return simpson((x) => Math.exp(betaLogPdf(x, ax, bx)) * betaCdf(x, ay, by), 0, 1, 4000);
}
function simpson(f: (x: number) => number, a: number, b: number, n: number): number {
  const h = (b - a) / n;
  let s = 0;
  for (let i = 0; i <= n; i++) {
    // endpoints nudged inside (0, 1), where the log-density is defined
    const x = Math.min(Math.max(a + i * h, 1e-13), 1 - 1e-13);
    const fx = f(x);
    s += fx * (i === 0 || i === n ? 1 : i % 2 ? 4 : 2);
  }
  return (s * h) / 3;
}

describe('Bayesian (Beta(1, 1) prior)', () => {
  test.each(ref.bayes2)('chance to beat control and risk match SciPy quadrature #%#', (c) => {
    const pc = posterior(c.control);
    const pv = posterior(c.variation);
    close(probBetaGreater(pv, pc), c.chanceToBeatControl, 1e-8, 1e-9);
    close(expectedLoss(pv, pc), c.lossChooseVariation, 1e-6, 1e-10);
    close(expectedLoss(pc, pv), c.lossChooseControl, 1e-6, 1e-10);
  });

  test.each(ref.chanceToBeBest)('chance to be best (Monte Carlo, k > 2) within 3 SE of quadrature #%#', ({ variations, chanceToBeBest: expected }) => {
    const draws = 40_000;
    const r = chanceToBeBest(variations.map((v) => posterior(v)), { draws, seed: 42 });
    expect(r.method).toBe('monte-carlo');
    expected.forEach((p, i) => {
      const se = Math.sqrt((p * (1 - p)) / draws);
      expect(Math.abs(r.chanceToBeBest[i] - p)).toBeLessThan(3 * se + 1e-3);
    });
    close(r.chanceToBeBest.reduce((s, x) => s + x, 0), 1, 1e-12);
  });

  it('posterior is Beta(1 + c, 1 + n − c)', () => {
    expect(posterior({ visitors: 100, conversions: 7 })).toEqual({ alpha: 8, beta: 94 });
  });

  it('closed form agrees with numerical integration on random small experiments', () => {
    fc.assert(
      fc.property(armArb(300), armArb(300), (a, b) => {
        const pa = posterior(a);
        const pb = posterior(b);
        close(probBetaGreater(pb, pa), probGreaterByIntegration(pb.alpha, pb.beta, pa.alpha, pa.beta), 1e-5, 1e-6);
      }),
      { numRuns: 40 }
    );
  });

  it('properties: P(B > A) + P(A > B) = 1, identical arms give 1/2, monotone in conversions', () => {
    fc.assert(
      fc.property(armArb(20000), armArb(20000), (a, b) => {
        const pa = posterior(a);
        const pb = posterior(b);
        const p = probBetaGreater(pb, pa);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
        close(p + probBetaGreater(pa, pb), 1, 1e-8, 1e-9);
        close(probBetaGreater(pa, pa), 0.5, 1e-8, 1e-9);
        if (b.conversions < b.visitors) {
          const better = posterior({ visitors: b.visitors, conversions: b.conversions + 1 });
          expect(probBetaGreater(better, pa)).toBeGreaterThanOrEqual(p - 1e-9);
        }
        const lossA = expectedLoss(pa, pb);
        const lossB = expectedLoss(pb, pa);
        expect(lossA).toBeGreaterThanOrEqual(0);
        // E[(B − A)⁺] − E[(A − B)⁺] = E[B] − E[A]
        close(lossA - lossB, pb.alpha / (pb.alpha + pb.beta) - pa.alpha / (pa.alpha + pa.beta), 1e-6, 1e-9);
      }),
      { numRuns: 60 }
    );
  });

  it('huge counts fall back to the normal approximation and stay sane', () => {
    const a = posterior({ visitors: 50_000_000, conversions: 5_000_000 });
    const b = posterior({ visitors: 50_000_000, conversions: 5_010_000 });
    const p = probBetaGreater(b, a);
    expect(p).toBeGreaterThan(0.99);
    expect(p).toBeLessThanOrEqual(1);
  });

  it('Monte Carlo is deterministic for a seed and agrees with the exact answer for 2 arms', () => {
    const arms = [
      posterior({ visitors: 1000, conversions: 100 }),
      posterior({ visitors: 1000, conversions: 120 }),
      posterior({ visitors: 1000, conversions: 30 }),
    ];
    const r1 = chanceToBeBest(arms, { seed: 9, draws: 5000 });
    const r2 = chanceToBeBest(arms, { seed: 9, draws: 5000 });
    expect(r1).toEqual(r2);
    // The third arm (3%) is hopeless, so the first two split as in the exact 2-arm answer.
    const exact = probBetaGreater(arms[1], arms[0]);
    expect(Math.abs(r1.chanceToBeBest[1] - exact)).toBeLessThan(0.02);
    expect(r1.expectedLoss[2]).toBeGreaterThan(r1.expectedLoss[1]);
  });

  it('k = 0, 1, 2', () => {
    expect(chanceToBeBest([])).toEqual({ chanceToBeBest: [], expectedLoss: [], method: 'exact' });
    expect(chanceToBeBest([{ alpha: 2, beta: 3 }])).toEqual({ chanceToBeBest: [1], expectedLoss: [0], method: 'exact' });
    expect(chanceToBeBest([{ alpha: 2, beta: 3 }, { alpha: 2, beta: 3 }]).chanceToBeBest[0]).toBeCloseTo(0.5, 10);
  });
});

describe('normal approximation (GrowthBook flat prior)', () => {
  it('zero estimate: 50% chance, equal risks σ/√(2π)', () => {
    const r = normalChanceToWin(0, 2);
    close(r?.chanceToWin, 0.5, 1e-15);
    close(r?.riskVariation, 2 / Math.sqrt(2 * Math.PI), 1e-14);
    close(r?.riskControl, 2 / Math.sqrt(2 * Math.PI), 1e-14);
  });
  it('null without a usable standard error', () => {
    expect(normalChanceToWin(0.1, 0)).toBeNull();
    expect(normalChanceToWin(0.1, NaN)).toBeNull();
    expect(normalChanceToWin(Infinity, 1)).toBeNull();
  });
  it('property: riskControl − riskVariation = estimate, chance monotone in the estimate, finite in the tails', () => {
    fc.assert(
      fc.property(fc.double({ min: -100, max: 100, noNaN: true }), fc.double({ min: 1e-6, max: 10, noNaN: true }), (mu, sigma) => {
        const r = normalChanceToWin(mu, sigma);
        expect(allFinite(r)).toBe(true);
        close((r?.riskControl as number) - (r?.riskVariation as number), mu, 1e-9, 1e-9 * sigma + 1e-12);
        expect((normalChanceToWin(mu + sigma, sigma)?.chanceToWin as number) >= (r?.chanceToWin as number)).toBe(true);
      })
    );
  });
});

describe('sample-ratio mismatch', () => {
  test.each(ref.srm)('matches scipy.stats.chisquare #%#', ({ visitors, weights, chiSquare, pValue }) => {
    const r = sampleRatioMismatch(visitors, weights);
    close(r.chiSquare, chiSquare, 1e-10, 1e-12);
    close(r.pValue, pValue, 1e-8, 1e-15);
    expect(r.mismatch).toBe(pValue < 0.001);
  });

  it('flags a broken 50/50 split and respects a custom threshold', () => {
    const r = sampleRatioMismatch([4800, 5300], [0.5, 0.5]);
    expect(r.mismatch).toBe(true);
    expect(r.degreesOfFreedom).toBe(1);
    expect(sampleRatioMismatch([5000, 5200], [0.5, 0.5]).mismatch).toBe(false);
    expect(sampleRatioMismatch([5000, 5200], [0.5, 0.5], 0.05).mismatch).toBe(true);
  });

  it('weights are normalised; zero-weight arms with traffic are an outright mismatch', () => {
    expect(sampleRatioMismatch([100, 300], [1, 3]).chiSquare).toBeCloseTo(0, 12);
    expect(sampleRatioMismatch([100, 300, 0], [1, 3, 0]).degreesOfFreedom).toBe(1);
    expect(sampleRatioMismatch([100, 300, 1], [1, 3, 0])).toMatchObject({ mismatch: true, pValue: 0 });
  });

  it('guard rails', () => {
    expect(sampleRatioMismatch([0, 0], [0.5, 0.5])).toMatchObject({ pValue: null, mismatch: false, reason: 'no-visitors' });
    expect(sampleRatioMismatch([1, 2], [0, 0])).toMatchObject({ pValue: null, reason: 'no-expected-traffic' });
    expect(sampleRatioMismatch([10], [1])).toMatchObject({ pValue: 1, mismatch: false });
    expect(() => sampleRatioMismatch([1, 2], [1])).toThrow(RangeError);
    expect(() => sampleRatioMismatch([1, 2], [1, -1])).toThrow(RangeError);
  });

  it('property: a split drawn exactly at the weights never mismatches; p in [0, 1]', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 2, maxLength: 5 }), fc.integer({ min: 1, max: 10000 }), (w, scale) => {
        const visitors = w.map((x) => x * scale);
        const r = sampleRatioMismatch(visitors, w);
        expect(r.mismatch).toBe(false);
        expect(r.pValue).toBeCloseTo(1, 9);
      })
    );
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100000 }), { minLength: 2, maxLength: 6 }), (visitors) => {
        const r = sampleRatioMismatch(visitors, visitors.map(() => 1));
        expect(allFinite(r)).toBe(true);
        if (r.pValue !== null) {
          expect(r.pValue).toBeGreaterThanOrEqual(0);
          expect(r.pValue).toBeLessThanOrEqual(1);
        }
      })
    );
  });
});

describe('analyzeConversionExperiment', () => {
  it('reports every variation against the control', () => {
    const report = analyzeConversionExperiment([
      { visitors: 1000, conversions: 100 },
      { visitors: 1000, conversions: 120 },
    ]);
    expect(report.bayesianMethod).toBe('exact');
    expect(report.variations[0].vsControl).toBeNull();
    const v1 = report.variations[1];
    expect(v1.rate).toBe(0.12);
    close(v1.vsControl?.chanceToBeatControl, ref.bayes2[0].chanceToBeatControl, 1e-8, 1e-9);
    close(v1.chanceToBeBest, ref.bayes2[0].chanceToBeatControl, 1e-8, 1e-9);
    close(v1.risk, ref.bayes2[0].lossChooseVariation, 1e-6, 1e-10);
    expect(v1.vsControl?.significant).toBe(false);
    close(v1.vsControl?.normalApproximation?.chanceToWin, ref.twoProportion[0].normalChanceToWin, 1e-9);
    expect(v1.credibleInterval[0]).toBeLessThan(0.12);
    expect(v1.credibleInterval[1]).toBeGreaterThan(0.12);
    close(betaCdf(v1.credibleInterval[0], 121, 881), 0.025, 1e-8);
    expect(report.srm.mismatch).toBe(false);
    expect(report.warnings).toEqual([]);
  });

  it('warns about SRM and small samples', () => {
    const report = analyzeConversionExperiment(
      [
        { visitors: 4000, conversions: 400 },
        { visitors: 6000, conversions: 610 },
        { visitors: 50, conversions: 2 },
      ],
      { weights: [0.5, 0.5, 0], monteCarlo: { draws: 2000 } }
    );
    expect(report.bayesianMethod).toBe('monte-carlo');
    expect(report.warnings).toEqual(
      expect.arrayContaining([
        { type: 'srm', pValue: 0 },
        { type: 'min-sample', variation: 2, visitors: 50, conversions: 2 },
      ])
    );
  });

  it('never produces NaN or Infinity, whatever the counts', () => {
    fc.assert(
      fc.property(fc.array(armArb(3000), { minLength: 1, maxLength: 4 }), (variations) => {
        const report = analyzeConversionExperiment(variations, { monteCarlo: { draws: 500 } });
        expect(allFinite(report)).toBe(true);
        report.variations.forEach((v) => {
          expect(v.chanceToBeBest).toBeGreaterThanOrEqual(0);
          expect(v.chanceToBeBest).toBeLessThanOrEqual(1);
          expect(v.risk).toBeGreaterThanOrEqual(0);
        });
      }),
      { numRuns: 150 }
    );
  });

  it('handles zero visitors, zero conversions and 100% conversion', () => {
    const report = analyzeConversionExperiment([
      { visitors: 0, conversions: 0 },
      { visitors: 0, conversions: 0 },
    ]);
    expect(report.variations[0].rate).toBeNull();
    expect(report.variations[1].vsControl?.pValue).toBeNull();
    expect(report.variations[1].vsControl?.significant).toBeNull();
    close(report.variations[1].vsControl?.chanceToBeatControl, 0.5, 1e-12);
    expect(report.srm.reason).toBe('no-visitors');
    const full = analyzeConversionExperiment([
      { visitors: 30, conversions: 30 },
      { visitors: 30, conversions: 30 },
    ]);
    expect(allFinite(full)).toBe(true);
    expect(full.variations[1].vsControl?.reasons.pValue).toBe('no-variance');
  });
});

describe('analyzeMeanExperiment', () => {
  it('reports Welch results against the control (matching SciPy)', () => {
    const c = ref.welch[1];
    const report = analyzeMeanExperiment([c.control, c.variation], { weights: [1000, 1100] });
    expect(report.variations[0].vsControl).toBeNull();
    close(report.variations[0].mean, 52.3, 1e-12);
    close(report.variations[0].sd, 30.1, 1e-9);
    close(report.variations[1].vsControl?.pValue, c.pValue, 1e-8);
    expect(report.variations[1].vsControl?.significant).toBe(false);
    const chance = report.variations[1].vsControl?.normalApproximation?.chanceToWin as number;
    expect(chance).toBeGreaterThan(0.5);
    expect(report.srm.mismatch).toBe(false);
    expect(report.warnings).toEqual([]);
  });

  it('guard rails: empty arms, constant values, never NaN', () => {
    const report = analyzeMeanExperiment([
      { n: 0, sum: 0, sumSquares: 0 },
      { n: 1, sum: 5, sumSquares: 25 },
    ]);
    expect(allFinite(report)).toBe(true);
    expect(report.variations[0].mean).toBeNull();
    expect(report.variations[1].sd).toBeNull();
    expect(report.variations[1].vsControl?.reasons.pValue).toBe('too-few-units');
    expect(report.variations[1].vsControl?.normalApproximation).toBeNull();
    expect(report.warnings.filter((w) => w.type === 'min-sample')).toHaveLength(2);
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ n: fc.integer({ min: 0, max: 1000 }), m: fc.double({ min: -1e3, max: 1e3, noNaN: true }), s: fc.double({ min: 0, max: 100, noNaN: true }) }),
          { minLength: 1, maxLength: 4 }
        ),
        (arms) => {
          const vs = arms.map(({ n, m, s }) => ({ n, sum: n * m, sumSquares: Math.max(0, (n - 1) * s * s + n * m * m) }));
          expect(allFinite(analyzeMeanExperiment(vs))).toBe(true);
        }
      )
    );
  });
});
