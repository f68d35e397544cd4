/**
 * Deterministic traffic splitting for experiments on placements and campaigns.
 *
 * Pure: no Strapi, no database. The low-level functions reproduce GrowthBook's JavaScript SDK
 * (`packages/sdk-js/src/util.ts`: `getEqualWeights`, `getBucketRanges`, `chooseVariation`,
 * `inNamespace`) so an experiment defined here splits visitors exactly as GrowthBook would for
 * the same key, seed, weights, coverage and hash version; they are pinned by the `hash`,
 * `getBucketRange`, `chooseVariation`, `inNamespace` and `getEqualWeights` sections of
 * `test/fixtures/growthbook-cases.json` and checked against the SDK in a property test.
 * Written from GrowthBook's documented behaviour, not copied; the hash lives in `rules/hash.ts`.
 */
import { growthbookHash } from '../rules/hash';

/** Half-open interval [start, end) of the hash space that maps to one variation. */
export type VariationRange = [number, number];

/** GrowthBook namespace: [name, start, end) — mutually exclusive experiments share a name. */
export type Namespace = [string, number, number];

/** Hash versions GrowthBook defines: 1 (original, biased), 2 (unbiased; use for new experiments). */
export type HashVersion = 1 | 2;

/** `n` equal weights summing to 1; empty for n ≤ 0 (GrowthBook `getEqualWeights`). */
export function getEqualWeights(n: number): number[] {
  if (!(n > 0)) return [];
  return new Array<number>(n).fill(1 / n);
}

/**
 * Ranges of the hash space for each variation (GrowthBook `getBucketRanges`).
 *
 * - coverage is clamped to [0, 1] (undefined means 1); each variation keeps the start of its
 *   full-coverage slot and takes `coverage × weight` of it, so lowering coverage never moves a
 *   visitor from one variation to another;
 * - weights missing, of the wrong length, or not summing to 1 within ±0.01 fall back to equal
 *   weights (GrowthBook's behaviour: it logs and ignores them, it does not normalise them);
 *   weights within the tolerance are used as given, so a sum of 0.9999 leaves a tiny gap at
 *   the top where nobody is assigned.
 *
 * One deliberate difference: GrowthBook lets NaN through (a NaN coverage or weight sum fails
 * neither of its comparisons, so its ranges contain NaN and nobody is assigned); here NaN
 * coverage is 0 and NaN weights fall back to equal weights. For finite inputs the ranges are
 * bit-for-bit GrowthBook's (checked by a property test against the SDK).
 */
export function getBucketRanges(
  numVariations: number,
  coverage: number | undefined,
  weights?: readonly number[] | null
): VariationRange[] {
  let cov = coverage === undefined ? 1 : coverage;
  if (!(cov >= 0))
    cov = 0; // also catches NaN
  else if (cov > 1) cov = 1;

  const equal = getEqualWeights(numVariations);
  let w: readonly number[] = weights ?? equal;
  if (w.length !== numVariations) w = equal;
  const total = w.reduce((sum, x) => sum + x, 0);
  if (!(total >= 0.99 && total <= 1.01)) w = equal;

  let cumulative = 0;
  return w.map((weight) => {
    const start = cumulative;
    cumulative += weight;
    return [start, start + cov * weight] as VariationRange;
  });
}

/** Whether `n` lies in the half-open range [start, end). */
export function inRange(n: number, range: VariationRange): boolean {
  return n >= range[0] && n < range[1];
}

/** Index of the first range containing `n`, or -1 (GrowthBook `chooseVariation`). */
export function chooseVariation(n: number, ranges: readonly VariationRange[]): number {
  for (let i = 0; i < ranges.length; i++) {
    if (inRange(n, ranges[i])) return i;
  }
  return -1;
}

/**
 * Whether a unit falls in a namespace's slice (GrowthBook `inNamespace`): hash v1 of the unit id
 * with seed `"__" + name`, in [start, end).
 */
export function inNamespace(hashValue: string, namespace: Namespace): boolean {
  const n = growthbookHash(`__${namespace[0]}`, hashValue, 1);
  if (n === null) return false;
  return n >= namespace[1] && n < namespace[2];
}

export interface AssignVariationInput {
  /** The experiment's key; the hash seed when `seed` is not given (as in GrowthBook). */
  experimentKey: string;
  /** Optional seed; set it to re-randomise an experiment without renaming it. */
  seed?: string | null;
  /** The hashing unit: a profile id or an anonymous id. Empty → not in the experiment. */
  unitId: string | number | null | undefined;
  /** One weight per variation (variation 0 is the control). Invalid → equal weights. */
  weights?: readonly number[] | null;
  /** Number of variations when `weights` is absent; defaults to `weights.length`. */
  numVariations?: number;
  /** Share of eligible traffic in the experiment, [0, 1]; default 1. */
  coverage?: number;
  /**
   * Percentage (0–100) of units held out of the experiment entirely (they get the default
   * content and no exposure). Decided by its own hash, salted differently from the variation
   * hash, so changing weights or coverage never reshuffles who is held out.
   */
  holdoutPercent?: number;
  /** GrowthBook hash version; 2 recommended. GrowthBook's own default is 1. */
  hashVersion: HashVersion;
  /** Optional GrowthBook namespace for mutually exclusive experiments. */
  namespace?: Namespace | null;
}

export type AssignmentReason =
  | 'assigned'
  | 'no-unit-id'
  | 'too-few-variations'
  | 'namespace'
  | 'holdout'
  | 'coverage';

export interface Assignment {
  /** True when the unit sees a variation and an exposure should be logged. */
  inExperiment: boolean;
  /** The variation index, or -1 when not in the experiment. */
  variationIndex: number;
  /** The unit's variation hash in [0, 1), or null when none was computed. */
  bucket: number | null;
  /** Why the unit is or is not in the experiment. */
  reason: AssignmentReason;
  /** True when excluded by the holdout (a holdout unit is a comparison group for campaigns). */
  inHoldout: boolean;
}

/** Seed of the holdout hash: distinct from the variation hash seed so the two are independent. */
export function holdoutSeed(experimentKey: string, seed?: string | null): string {
  return `__holdout__${seed || experimentKey}`;
}

/** Whether a unit falls in the holdout: hash v2 with the holdout seed below `percent` %. */
export function inHoldout(
  experimentKey: string,
  seed: string | null | undefined,
  unitId: string,
  holdoutPercent: number
): boolean {
  if (!(holdoutPercent > 0)) return false;
  const h = growthbookHash(holdoutSeed(experimentKey, seed), unitId, 2) as number;
  return h < Math.min(holdoutPercent, 100) / 100;
}

/**
 * Assigns a unit to a variation, the way GrowthBook's `run` does for an experiment with the
 * same key, seed, weights, coverage, hash version and namespace (with `hashAttribute` being the
 * unit id), plus an optional holdout checked first. Pure and deterministic.
 */
export function assignVariation(input: AssignVariationInput): Assignment {
  const unitId = input.unitId === null || input.unitId === undefined ? '' : String(input.unitId);
  const numVariations = input.numVariations ?? input.weights?.length ?? 0;

  if (!unitId) return notIn('no-unit-id', null, false);
  if (numVariations < 2) return notIn('too-few-variations', null, false);
  if (input.namespace && !inNamespace(unitId, input.namespace))
    return notIn('namespace', null, false);

  const bucket = growthbookHash(input.seed || input.experimentKey, unitId, input.hashVersion);
  if (bucket === null) throw new RangeError(`Unknown hash version ${String(input.hashVersion)}`);

  if (
    input.holdoutPercent &&
    inHoldout(input.experimentKey, input.seed, unitId, input.holdoutPercent)
  ) {
    return notIn('holdout', bucket, true);
  }

  const variationIndex = chooseVariation(
    bucket,
    getBucketRanges(numVariations, input.coverage, input.weights)
  );
  if (variationIndex < 0) return notIn('coverage', bucket, false);
  return { inExperiment: true, variationIndex, bucket, reason: 'assigned', inHoldout: false };
}

function notIn(reason: AssignmentReason, bucket: number | null, holdout: boolean): Assignment {
  return { inExperiment: false, variationIndex: -1, bucket, reason, inHoldout: holdout };
}
