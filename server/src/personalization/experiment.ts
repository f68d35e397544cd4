/**
 * Experiments on placements: definition checks, the hashing unit, and the assignment.
 * Pure; bucketing itself is `experiments/bucketing.ts` (GrowthBook-conformant).
 */
import { z } from 'zod';
import type { FieldError } from '../contracts';
import { assignVariation, type Assignment, type Namespace } from '../experiments';
import { PLACEMENT_PATTERN } from './placement';

export interface ExperimentDefinition {
  documentId: string;
  key: string;
  placement: string;
  state: 'draft' | 'running' | 'stopped';
  /** Variation i shows banner `variants[i].banner` (a banner documentId); 0 is the control. */
  variants: Array<{ banner: string; weight: number }>;
  coverage: number;
  seed: string | null;
  hashVersion: 1 | 2;
  namespace: Namespace | null;
  conversionEvent: string | null;
  conversionWindowHours: number;
}

const variantsSchema = z
  .array(
    z
      .object({
        banner: z.string().min(1, 'must be the documentId of a banner').max(64),
        weight: z.number().min(0, 'must be ≥ 0').max(1, 'must be ≤ 1'),
      })
      .strict(),
    { invalid_type_error: 'must be a list of { banner, weight }' }
  )
  .min(2, 'needs at least two variants (the control and one challenger)')
  .max(20, 'at most 20 variants')
  .superRefine((variants, ctx) => {
    const total = variants.reduce((sum, v) => sum + v.weight, 0);
    if (Math.abs(total - 1) > 0.001) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `weights must sum to 1 (they sum to ${total})` });
    }
    const seen = new Set<string>();
    variants.forEach((v, i) => {
      if (seen.has(v.banner)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [i, 'banner'], message: 'each banner may be one variant only' });
      }
      seen.add(v.banner);
    });
  });

const namespaceSchema = z
  .tuple([z.string().min(1).max(64), z.number().min(0).max(1), z.number().min(0).max(1)], {
    invalid_type_error: 'must be [name, start, end] with 0 ≤ start < end ≤ 1',
  })
  .refine(([, start, end]) => start < end, 'start must be below end')
  .nullable();

const definitionSchema = z
  .object({
    key: z.string().max(64).regex(PLACEMENT_PATTERN, 'must be a slug (a-z, 0-9, _ and -)'),
    placement: z.string().max(64).regex(PLACEMENT_PATTERN, 'must be a slug (a-z, 0-9, _ and -)'),
    state: z.enum(['draft', 'running', 'stopped']),
    variants: variantsSchema,
    coverage: z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1'),
    seed: z.string().max(100).nullable(),
    hashVersion: z.union([z.literal(1), z.literal(2)], { errorMap: () => ({ message: 'must be 1 or 2' }) }),
    namespace: namespaceSchema,
    conversionEvent: z.string().min(1).max(100).nullable(),
    conversionWindowHours: z.number().int().min(1).max(24 * 365),
  })
  .passthrough();

/** Fills defaults like the content type does (stored rows may omit them). */
export function withDefaults(input: Record<string, unknown>): Record<string, unknown> {
  const numberOr = (v: unknown, d: number) => (v === null || v === undefined || v === '' ? d : Number(v));
  return {
    ...input,
    state: input.state ?? 'draft',
    coverage: numberOr(input.coverage, 1),
    seed: input.seed || null,
    hashVersion: numberOr(input.hashVersion, 2),
    namespace: input.namespace ?? null,
    conversionEvent: input.conversionEvent || null,
    conversionWindowHours: numberOr(input.conversionWindowHours, 168),
  };
}

/** Problems of an experiment as it would be stored, each with the path of its field. */
export function experimentProblems(input: Record<string, unknown>): FieldError[] {
  const result = definitionSchema.safeParse(withDefaults(input));
  if (result.success) return [];
  return result.error.issues.map((i) => ({ path: i.path.join('.') || 'experiment', message: i.message }));
}

export function toDefinition(row: Record<string, unknown>): ExperimentDefinition {
  const d = withDefaults(row);
  return {
    documentId: String(row.documentId),
    key: String(d.key),
    placement: String(d.placement),
    state: d.state as ExperimentDefinition['state'],
    variants: (typeof d.variants === 'string' ? JSON.parse(d.variants) : d.variants) as ExperimentDefinition['variants'],
    coverage: Number(d.coverage),
    seed: (d.seed as string | null) ?? null,
    hashVersion: Number(d.hashVersion) === 1 ? 1 : 2,
    namespace: (typeof d.namespace === 'string' ? JSON.parse(d.namespace) : d.namespace) as Namespace | null,
    conversionEvent: (d.conversionEvent as string | null) ?? null,
    conversionWindowHours: Number(d.conversionWindowHours),
  };
}

/** A hashing unit, spelled like a row of `segments_identities` so merges carry it along. */
export interface Unit {
  kind: 'anonymous' | 'user';
  value: string;
}

/**
 * The unit a new assignment hashes on: the visitor's anonymous id (the request's, else the one
 * the profile was created with), else the users-permissions user id. An anonymous id survives
 * the anonymous → login merge as an identity of the merged profile, so the exposure recorded
 * under it is found again after login (see `candidateUnits`).
 */
export function hashingUnit(input: {
  requestAnonymousId: string | null;
  profileAnonymousId: string | null;
  userId: number | null;
}): Unit | null {
  const anonymous = input.requestAnonymousId ?? input.profileAnonymousId;
  if (anonymous) return { kind: 'anonymous', value: anonymous };
  if (input.userId !== null) return { kind: 'user', value: String(input.userId) };
  return null;
}

/** Every unit that is this visitor: under any of them an earlier exposure is theirs. */
export function candidateUnits(input: {
  requestAnonymousId: string | null;
  userId: number | null;
  identities: Unit[];
}): Unit[] {
  const out = new Map<string, Unit>();
  const add = (u: Unit) => out.set(`${u.kind}:${u.value}`, u);
  if (input.requestAnonymousId) add({ kind: 'anonymous', value: input.requestAnonymousId });
  if (input.userId !== null) add({ kind: 'user', value: String(input.userId) });
  input.identities.forEach(add);
  return [...out.values()];
}

/** The assignment of a unit to a variation (GrowthBook `run` semantics, no holdout). */
export function assign(experiment: ExperimentDefinition, unit: Unit | null): Assignment {
  return assignVariation({
    experimentKey: experiment.key,
    seed: experiment.seed,
    unitId: unit?.value ?? null,
    weights: experiment.variants.map((v) => v.weight),
    coverage: experiment.coverage,
    hashVersion: experiment.hashVersion,
    namespace: experiment.namespace,
  });
}
