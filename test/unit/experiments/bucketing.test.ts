import { readFileSync } from 'fs';
import { join } from 'path';
import fc from 'fast-check';
import { GrowthBook } from '@growthbook/growthbook';
import {
  assignVariation,
  chooseVariation,
  getBucketRanges,
  getEqualWeights,
  inHoldout,
  inNamespace,
  type Namespace,
  type VariationRange,
} from '../../../server/src/experiments';
import { growthbookHash } from '../../../server/src/rules/hash';

type HashCase = [string, string, number, number | null];
type BucketRangeCase = [string, [number, number, number[] | null], VariationRange[]];
type ChooseCase = [string, number, VariationRange[], number];
type NamespaceCase = [string, string, Namespace, boolean];
type EqualWeightsCase = [number, number[]];

const cases = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'growthbook-cases.json'), 'utf8')) as {
  hash: HashCase[];
  getBucketRange: BucketRangeCase[];
  chooseVariation: ChooseCase[];
  inNamespace: NamespaceCase[];
  getEqualWeights: EqualWeightsCase[];
};

/**
 * GrowthBook's util functions are not in its package `exports`; load the CommonJS build by path
 * (the package.json is exported, so resolve relative to it). Reference only — never in server code.
 */
interface GrowthbookUtil {
  hash(seed: string, value: string, version: number): number | null;
  getEqualWeights(n: number): number[];
  getBucketRanges(n: number, coverage: number | undefined, weights?: number[]): VariationRange[];
  chooseVariation(n: number, ranges: VariationRange[]): number;
  inNamespace(hashValue: string, namespace: [string, number, number]): boolean;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const gbUtil = require(join(require.resolve('@growthbook/growthbook/package.json'), '..', 'dist', 'cjs', 'util.js')) as GrowthbookUtil;

describe('GrowthBook conformance cases', () => {
  beforeAll(() => {
    // GrowthBook's getBucketRanges logs the cases' invalid inputs; ours is silent.
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });
  afterAll(() => jest.restoreAllMocks());

  it('has every section', () => {
    expect(cases.hash).toHaveLength(15);
    expect(cases.getBucketRange).toHaveLength(13);
    expect(cases.chooseVariation).toHaveLength(13);
    expect(cases.inNamespace).toHaveLength(16);
    expect(cases.getEqualWeights).toHaveLength(6);
  });

  test.each(cases.hash)('hash(%j, %j, v%j) = %j', (seed, value, version, expected) => {
    expect(growthbookHash(seed, value, version)).toBe(expected);
  });

  test.each(cases.getBucketRange)('getBucketRanges: %s', (_name, [n, coverage, weights], expected) => {
    const ranges = getBucketRanges(n, coverage, weights);
    expect(ranges).toHaveLength(expected.length);
    ranges.forEach((range, i) => {
      expect(range[0]).toBeCloseTo(expected[i][0], 10);
      expect(range[1]).toBeCloseTo(expected[i][1], 10);
    });
    // and exactly what the SDK computes, to the last bit
    expect(ranges).toEqual(gbUtil.getBucketRanges(n, coverage, weights ?? undefined));
  });

  test.each(cases.chooseVariation)('chooseVariation: %s', (_name, n, ranges, expected) => {
    expect(chooseVariation(n, ranges)).toBe(expected);
  });

  test.each(cases.inNamespace)('inNamespace: %s', (_name, id, namespace, expected) => {
    expect(inNamespace(id, namespace)).toBe(expected);
  });

  test.each(cases.getEqualWeights)('getEqualWeights(%j)', (n, expected) => {
    const weights = getEqualWeights(n);
    expect(weights).toHaveLength(expected.length);
    weights.forEach((w, i) => expect(w).toBeCloseTo(expected[i], 8));
    expect(weights).toEqual(gbUtil.getEqualWeights(n));
  });
});

describe('edge cases of getBucketRanges (GrowthBook semantics)', () => {
  it('falls back to equal weights when they do not sum to 1 ± 0.01, and does not normalise', () => {
    expect(getBucketRanges(2, 1, [2, 2])).toEqual([[0, 0.5], [0.5, 1]]);
    expect(getBucketRanges(2, 1, [0.4, 0.595])).toEqual([[0, 0.4], [0.4, 0.995]]);
    expect(getBucketRanges(3, 1, [0.5, 0.5])).toEqual(getBucketRanges(3, 1));
  });

  it('coverage 0 gives empty ranges: nobody is assigned', () => {
    const ranges = getBucketRanges(3, 0);
    for (let i = 0; i < 100; i++) expect(chooseVariation(i / 100, ranges)).toBe(-1);
  });

  it('clamps coverage, treats undefined as 1 and NaN as 0', () => {
    expect(getBucketRanges(2, undefined)).toEqual([[0, 0.5], [0.5, 1]]);
    expect(getBucketRanges(2, 7)).toEqual([[0, 0.5], [0.5, 1]]);
    expect(getBucketRanges(2, NaN)).toEqual([[0, 0], [0.5, 0.5]]);
    // (GrowthBook would produce NaN ranges here; we fall back to equal weights)
    expect(getBucketRanges(2, 1, [NaN, 0.5])).toEqual([[0, 0.5], [0.5, 1]]);
  });

  it('one variation takes the whole covered space', () => {
    expect(getBucketRanges(1, 1)).toEqual([[0, 1]]);
    expect(getBucketRanges(1, 0.3)).toEqual([[0, 0.3]]);
  });

  it('zero variations', () => {
    expect(getBucketRanges(0, 1)).toEqual([]);
    expect(chooseVariation(0.5, [])).toBe(-1);
  });

  it('lowering coverage never moves a unit to another variation', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n, c1, c2) => {
          const lo = Math.min(c1, c2);
          const hi = Math.max(c1, c2);
          const a = chooseVariation(n, getBucketRanges(3, lo, [0.2, 0.3, 0.5]));
          const b = chooseVariation(n, getBucketRanges(3, hi, [0.2, 0.3, 0.5]));
          return a === -1 || a === b;
        }
      )
    );
  });
});

/**
 * Experiment keys as editors write them. GrowthBook's `run` looks keys up in plain objects
 * (forced variations), so a key like `__proto__` or `valueOf` makes it force a variation; that
 * quirk is GrowthBook's, not bucketing, and is kept out of the comparison.
 */
const keyArb = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,15}$/);

const weightsArb = fc
  .array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 6 })
  .map((xs) => {
    const total = xs.reduce((s, x) => s + x, 0);
    return total === 0 ? xs.map(() => 1 / xs.length) : xs.map((x) => x / total);
  });

describe('property: identical to @growthbook/growthbook', () => {
  beforeAll(() => jest.spyOn(console, 'error').mockImplementation(() => undefined));
  afterAll(() => jest.restoreAllMocks());

  it('hash v1 and v2 for arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.constantFrom(1, 2, 3), (seed, value, version) => {
        expect(growthbookHash(seed, value, version)).toBe(gbUtil.hash(seed, value, version));
      }),
      { numRuns: 2000 }
    );
  });

  it('getBucketRanges for arbitrary (also invalid) weights and coverage', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1, max: 6 }),
        fc.oneof(fc.constant(undefined), fc.double({ min: -0.5, max: 1.5, noNaN: true })),
        fc.option(fc.oneof(weightsArb, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 })), { nil: undefined }),
        (n, coverage, weights) => {
          expect(getBucketRanges(n, coverage, weights)).toEqual(gbUtil.getBucketRanges(n, coverage, weights));
        }
      ),
      { numRuns: 2000 }
    );
  });

  it('chooseVariation and inNamespace', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1, noNaN: true }),
        weightsArb,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.string(),
        fc.string(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n, weights, coverage, id, ns, a, b) => {
          const ranges = getBucketRanges(weights.length, coverage, weights);
          expect(chooseVariation(n, ranges)).toBe(gbUtil.chooseVariation(n, ranges));
          const namespace: Namespace = [ns, Math.min(a, b), Math.max(a, b)];
          expect(inNamespace(id, namespace)).toBe(gbUtil.inNamespace(id, namespace));
        }
      ),
      { numRuns: 2000 }
    );
  });

  it('assignVariation (no holdout) agrees with GrowthBook.run on the same experiment', () => {
    fc.assert(
      fc.property(
        keyArb,
        fc.option(fc.string({ minLength: 1, maxLength: 8 }), { nil: undefined }),
        fc.oneof(fc.string({ minLength: 1, maxLength: 16 }), fc.uuid()),
        weightsArb.filter((w) => w.length >= 2),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom(1 as const, 2 as const),
        (key, seed, unitId, weights, coverage, hashVersion) => {
          const gb = new GrowthBook({ attributes: { id: unitId } });
          const result = gb.run({
            key,
            seed,
            variations: weights.map((_, i) => i) as [number, number, ...number[]],
            weights,
            coverage,
            hashVersion,
          });
          gb.destroy();
          const ours = assignVariation({ experimentKey: key, seed, unitId, weights, coverage, hashVersion });
          expect(ours.inExperiment).toBe(result.inExperiment);
          if (result.inExperiment) {
            expect(ours.variationIndex).toBe(result.variationId);
            expect(ours.bucket).toBe(result.bucket);
          } else {
            expect(ours.variationIndex).toBe(-1);
          }
        }
      ),
      { numRuns: 1000 }
    );
  });

  it('assignVariation with a namespace agrees with GrowthBook.run', () => {
    fc.assert(
      fc.property(keyArb, fc.integer({ min: 0, max: 100000 }), fc.double({ min: 0, max: 1, noNaN: true }), (key, id, end) => {
        const unitId = `user-${id}`;
        const namespace: Namespace = ['ns', 0, end];
        const gb = new GrowthBook({ attributes: { id: unitId } });
        const result = gb.run({ key, variations: [0, 1], namespace, hashVersion: 2 });
        gb.destroy();
        const ours = assignVariation({ experimentKey: key, unitId, weights: [0.5, 0.5], hashVersion: 2, namespace });
        expect(ours.inExperiment).toBe(result.inExperiment);
        if (result.inExperiment) expect(ours.variationIndex).toBe(result.variationId);
      }),
      { numRuns: 500 }
    );
  });
});

describe('assignVariation', () => {
  const base = { experimentKey: 'home-hero-test', weights: [0.5, 0.5], hashVersion: 2 as const };

  it('is deterministic and sticky for a unit id', () => {
    const a = assignVariation({ ...base, unitId: 'anon-123' });
    const b = assignVariation({ ...base, unitId: 'anon-123' });
    expect(a).toEqual(b);
    expect(a.inExperiment).toBe(true);
    expect(a.bucket).toBe(growthbookHash('home-hero-test', 'anon-123', 2));
    expect(a.reason).toBe('assigned');
  });

  it('uses the seed instead of the key when given', () => {
    const a = assignVariation({ ...base, seed: 's1', unitId: 'u' });
    expect(a.bucket).toBe(growthbookHash('s1', 'u', 2));
  });

  it('accepts numeric unit ids as their string form', () => {
    expect(assignVariation({ ...base, unitId: 42 })).toEqual(assignVariation({ ...base, unitId: '42' }));
  });

  it('excludes units without an id, experiments with fewer than 2 variations', () => {
    expect(assignVariation({ ...base, unitId: '' }).reason).toBe('no-unit-id');
    expect(assignVariation({ ...base, unitId: null }).reason).toBe('no-unit-id');
    expect(assignVariation({ ...base, unitId: 'x', weights: [1] })).toMatchObject({ inExperiment: false, reason: 'too-few-variations' });
  });

  it('takes numVariations with equal weights when weights are absent', () => {
    const r = assignVariation({ experimentKey: 'k', unitId: 'x', numVariations: 3, hashVersion: 2 });
    expect(r.variationIndex).toBe(chooseVariation(r.bucket as number, getBucketRanges(3, 1)));
  });

  it('rejects unknown hash versions', () => {
    expect(() => assignVariation({ ...base, unitId: 'x', hashVersion: 3 as unknown as 2 })).toThrow(RangeError);
  });

  it('coverage 0 excludes everyone, coverage 1 includes everyone', () => {
    for (let i = 0; i < 200; i++) {
      expect(assignVariation({ ...base, unitId: `u${i}`, coverage: 0 }).reason).toBe('coverage');
      expect(assignVariation({ ...base, unitId: `u${i}`, coverage: 1 }).inExperiment).toBe(true);
    }
  });

  it('splits 10,000 units within ±2% of the weights (and coverage)', () => {
    const weights = [0.2, 0.3, 0.5];
    const counts = [0, 0, 0];
    let out = 0;
    const total = 10_000;
    for (let i = 0; i < total; i++) {
      const r = assignVariation({ experimentKey: 'split', unitId: `visitor-${i}`, weights, coverage: 0.8, hashVersion: 2 });
      if (r.inExperiment) counts[r.variationIndex] += 1;
      else out += 1;
    }
    weights.forEach((w, i) => expect(Math.abs(counts[i] / total - 0.8 * w)).toBeLessThan(0.02));
    expect(Math.abs(out / total - 0.2)).toBeLessThan(0.02);
  });

  it('holds out about holdoutPercent % of units, marked inHoldout, never exposed', () => {
    let held = 0;
    for (let i = 0; i < 10_000; i++) {
      const r = assignVariation({ ...base, unitId: `v${i}`, holdoutPercent: 10 });
      if (r.inHoldout) {
        held += 1;
        expect(r).toMatchObject({ inExperiment: false, variationIndex: -1, reason: 'holdout' });
      }
    }
    expect(Math.abs(held / 10_000 - 0.1)).toBeLessThan(0.02);
  });

  it('the holdout does not depend on weights, coverage or hash version', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), weightsArb.filter((w) => w.length >= 2), fc.double({ min: 0, max: 1, noNaN: true }), (unitId, weights, coverage) => {
        const a = assignVariation({ ...base, unitId, holdoutPercent: 25 });
        const b = assignVariation({ ...base, unitId, holdoutPercent: 25, weights, coverage, hashVersion: 1 });
        expect(a.inHoldout).toBe(b.inHoldout);
        expect(a.inHoldout).toBe(inHoldout(base.experimentKey, undefined, unitId, 25));
      })
    );
  });

  it('units outside the holdout keep the variation they would have without it', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.integer({ min: 0, max: 100 }), (unitId, pct) => {
        const without = assignVariation({ ...base, unitId });
        const withHoldout = assignVariation({ ...base, unitId, holdoutPercent: pct });
        if (!withHoldout.inHoldout) expect(withHoldout).toEqual(without);
      })
    );
  });

  it('the holdout hash is independent of the variation hash (both arms equally held out)', () => {
    const held = [0, 0];
    const totals = [0, 0];
    for (let i = 0; i < 20_000; i++) {
      const unitId = `p${i}`;
      const v = assignVariation({ ...base, unitId });
      totals[v.variationIndex] += 1;
      if (inHoldout(base.experimentKey, undefined, unitId, 20)) held[v.variationIndex] += 1;
    }
    expect(Math.abs(held[0] / totals[0] - held[1] / totals[1])).toBeLessThan(0.02);
  });

  it('holdout 0 or 100', () => {
    expect(assignVariation({ ...base, unitId: 'a', holdoutPercent: 0 }).inHoldout).toBe(false);
    expect(assignVariation({ ...base, unitId: 'a', holdoutPercent: 100 }).inHoldout).toBe(true);
  });
});
