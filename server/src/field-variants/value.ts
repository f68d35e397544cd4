/**
 * Per-segment field variants (issue 12): the stored shape of a "Personalised value" custom field,
 * its validation per inner kind, and its resolution for one visitor. Pure: no Strapi.
 *
 * Stored value (a `json` column):
 *
 * ```json
 * { "default": "Hello",
 *   "variants": [
 *     { "segment": "vip", "value": "Hello, VIP" },
 *     { "segment": "beta", "experiment": "beta-greeting",
 *       "split": [{ "value": "Hi", "weight": 0.5 }, { "value": "Hey", "weight": 0.5 }] } ] }
 * ```
 *
 * Variants are ordered: the first one whose segment the visitor is in wins, else the default.
 * A `split` variant (only when the field allows experiments) is an experiment among the members
 * of its segment; the shell buckets the visitor and logs the exposure.
 */
import type { FieldError } from '../contracts';

/** `plugin::segments.<FIELD_NAME>` is the custom field's uid. */
export const FIELD_NAME = 'personalised';
export const CUSTOM_FIELD_UID = `plugin::segments.${FIELD_NAME}`;

export const KINDS = ['string', 'text', 'richtext', 'number', 'boolean', 'media', 'json'] as const;
export type Kind = (typeof KINDS)[number];

export interface FieldOptions {
  kind: Kind;
  /** Whether variants may split their segment's members by weight (an experiment). */
  experiments: boolean;
}

export interface SplitArm {
  value: unknown;
  weight: number;
}

export interface PlainVariant {
  segment: string;
  value: unknown;
}

export interface SplitVariant {
  segment: string;
  experiment: string;
  split: SplitArm[];
}

export type Variant = PlainVariant | SplitVariant;

export interface StoredValue {
  default: unknown;
  variants: Variant[];
}

export const LIMITS = {
  variants: 50,
  arms: 10,
  stringLength: 255,
  textLength: 100_000,
  /** Serialised size of one field's whole stored value. */
  bytes: 256 * 1024,
} as const;

export const SEGMENT_KEY = /^[a-z0-9][a-z0-9_-]*$/;
/** Experiment keys become `field:<key>` in the exposures table (64 characters). */
export const EXPERIMENT_KEY = /^[a-z0-9][a-z0-9_-]{0,49}$/;

/** The options of an attribute as the Content-Type Builder stored them (missing kind = short text). */
export function fieldOptions(attribute: { options?: unknown } | undefined): FieldOptions {
  const options = (attribute?.options ?? {}) as { kind?: unknown; experiments?: unknown };
  const kind = KINDS.includes(options.kind as Kind) ? (options.kind as Kind) : 'string';
  return { kind, experiments: options.experiments === true };
}

export const isSplit = (variant: Variant): variant is SplitVariant =>
  Array.isArray((variant as SplitVariant).split);

/** Why a value does not fit a kind, or null when it does. `null` is never checked here. */
export function kindProblem(kind: Kind, value: unknown): string | null {
  switch (kind) {
    case 'string':
      if (typeof value !== 'string') return 'must be a string';
      if (value.length > LIMITS.stringLength) return `must be at most ${LIMITS.stringLength} characters`;
      if (/[\r\n]/.test(value)) return 'must be a single line';
      return null;
    case 'text':
    case 'richtext':
      if (typeof value !== 'string') return 'must be a string';
      return value.length > LIMITS.textLength ? `must be at most ${LIMITS.textLength} characters` : null;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a finite number';
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'media':
      return Number.isSafeInteger(value) && (value as number) > 0 ? null : 'must be the id of a media file';
    case 'json':
      return value === undefined ? 'must be a JSON value' : null;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a stored value against its field's options. Paths are relative to the field
 * (`default`, `variants.2.segment`, `variants.1.split.0.value`); the shell prefixes them.
 * `null`/`undefined` (an empty field) is valid.
 */
export function valueProblems(input: unknown, options: FieldOptions): FieldError[] {
  if (input === null || input === undefined) return [];
  if (!isObject(input)) return [{ path: '', message: 'must be an object { default, variants }' }];
  const problems: FieldError[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  for (const key of Object.keys(input)) {
    if (key !== 'default' && key !== 'variants') add(key, 'unknown property (expected default and variants)');
  }
  if (JSON.stringify(input).length > LIMITS.bytes) add('', `must be at most ${LIMITS.bytes} bytes`);
  const checkValue = (path: string, value: unknown, nullable: boolean) => {
    if (value === null || value === undefined) {
      if (!nullable) add(path, 'is required');
      return;
    }
    const problem = kindProblem(options.kind, value);
    if (problem) add(path, problem);
  };
  checkValue('default', input.default, true);

  const variants = input.variants ?? [];
  if (!Array.isArray(variants)) {
    add('variants', 'must be a list of { segment, value }');
    return problems;
  }
  if (variants.length > LIMITS.variants) add('variants', `at most ${LIMITS.variants} variants`);
  const segments = new Set<string>();
  const experiments = new Set<string>();
  variants.forEach((variant: unknown, i) => {
    const at = `variants.${i}`;
    if (!isObject(variant)) {
      add(at, 'must be { segment, value }');
      return;
    }
    const split = variant.split !== undefined || variant.experiment !== undefined;
    const allowed = split ? ['segment', 'experiment', 'split'] : ['segment', 'value'];
    for (const key of Object.keys(variant)) {
      if (!allowed.includes(key)) add(`${at}.${key}`, `unknown property (expected ${allowed.join(', ')})`);
    }
    const segment = variant.segment;
    if (typeof segment !== 'string' || !SEGMENT_KEY.test(segment) || segment.length > 64) {
      add(`${at}.segment`, 'must be a segment key');
    } else if (segments.has(segment)) {
      add(`${at}.segment`, `segment "${segment}" already has a variant above`);
    } else segments.add(segment);

    if (!split) {
      checkValue(`${at}.value`, variant.value, false);
      return;
    }
    if (!options.experiments) {
      add(`${at}.split`, 'this field does not allow experiments (enable them in the field settings)');
      return;
    }
    const key = variant.experiment;
    if (typeof key !== 'string' || !EXPERIMENT_KEY.test(key)) {
      add(`${at}.experiment`, 'must be an experiment key (a-z, 0-9, _ and -, at most 50)');
    } else if (experiments.has(key)) {
      add(`${at}.experiment`, `experiment "${key}" is used by another variant of this field`);
    } else experiments.add(key);
    const arms = variant.split;
    if (!Array.isArray(arms) || arms.length < 2 || arms.length > LIMITS.arms) {
      add(`${at}.split`, `must be a list of 2 to ${LIMITS.arms} { value, weight }`);
      return;
    }
    let total = 0;
    arms.forEach((arm: unknown, j) => {
      if (!isObject(arm)) {
        add(`${at}.split.${j}`, 'must be { value, weight }');
        return;
      }
      for (const k of Object.keys(arm)) {
        if (k !== 'value' && k !== 'weight') add(`${at}.split.${j}.${k}`, 'unknown property (expected value, weight)');
      }
      checkValue(`${at}.split.${j}.value`, arm.value, false);
      const weight = arm.weight;
      if (typeof weight !== 'number' || !(weight >= 0 && weight <= 1)) {
        add(`${at}.split.${j}.weight`, 'must be a number between 0 and 1');
      } else total += weight;
    });
    if (Math.abs(total - 1) > 0.001 && !problems.some((p) => p.path.startsWith(`${at}.split.`))) {
      add(`${at}.split`, `weights must sum to 1 (they sum to ${Number(total.toFixed(6))})`);
    }
  });
  return problems;
}

/** A stored value read back from the database (Postgres/SQLite may hand back a JSON string). */
export function asStored(raw: unknown): StoredValue | null {
  let value = raw;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (!isObject(value)) return null;
  return {
    default: value.default ?? null,
    variants: Array.isArray(value.variants) ? (value.variants as Variant[]) : [],
  };
}

/** Segment keys a stored value names (for the unknown-segment check on write). */
export function segmentKeysOf(value: StoredValue): string[] {
  return value.variants.map((v) => v.segment).filter((s): s is string => typeof s === 'string');
}

/** Every value a stored value can resolve to (media ids on write, for existence checks). */
export function allValues(value: StoredValue): unknown[] {
  const out: unknown[] = [value.default];
  for (const v of value.variants) {
    if (isSplit(v)) out.push(...v.split.map((arm) => arm?.value));
    else out.push(v.value);
  }
  return out.filter((v) => v !== null && v !== undefined);
}

/** What a visitor gets: a value, or an experiment among its segment's members to decide. */
export type Resolution =
  | { kind: 'value'; value: unknown; variant: number | null }
  | { kind: 'experiment'; variant: number; experiment: string; split: SplitArm[] };

/**
 * First variant (in order) whose segment the visitor is in, else the default. Only the chosen
 * variant's value is ever read, so nothing of the other variants can reach the response.
 */
export function resolve(raw: unknown, segmentKeys: ReadonlySet<string>): Resolution {
  const stored = asStored(raw);
  if (!stored) return { kind: 'value', value: null, variant: null };
  for (let i = 0; i < stored.variants.length; i++) {
    const variant = stored.variants[i];
    if (!variant || !segmentKeys.has(variant.segment)) continue;
    if (isSplit(variant)) {
      return { kind: 'experiment', variant: i, experiment: variant.experiment, split: variant.split };
    }
    return { kind: 'value', value: variant.value ?? null, variant: i };
  }
  return { kind: 'value', value: stored.default ?? null, variant: null };
}

/** A reference a stored value makes that only the database can check, with its path. */
export type Reference = { path: string; segment: string } | { path: string; mediaId: number };

/**
 * Segment keys and (for media) file ids a valid stored value refers to, each with the path of
 * its row, so an unknown segment or a deleted file is reported on the right row.
 */
export function referencesOf(raw: unknown, kind: Kind): Reference[] {
  const stored = asStored(raw);
  if (!stored) return [];
  const out: Reference[] = [];
  const media = (path: string, value: unknown) => {
    if (kind === 'media' && typeof value === 'number') out.push({ path, mediaId: value });
  };
  media('default', stored.default);
  stored.variants.forEach((variant, i) => {
    if (typeof variant?.segment === 'string') out.push({ path: `variants.${i}.segment`, segment: variant.segment });
    if (isSplit(variant)) variant.split.forEach((arm, j) => media(`variants.${i}.split.${j}.value`, arm?.value));
    else media(`variants.${i}.value`, variant?.value);
  });
  return out;
}
