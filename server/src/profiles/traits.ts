import { z } from 'zod';
import { ANONYMOUS_ID_PATTERN } from './visitor';
import type { FieldError } from '../contracts';
import { isValidTimeZone } from '../rules/time';
import { formatPath, jsonObjectSchema } from '../utils/json-input';
import { PROMOTED_TRAITS, type PromotedColumns } from './repository';

/** Free-form traits of one profile, as JSON. */
export const MAX_TRAITS_BYTES = 16 * 1024;

/**
 * Validation of `POST /api/segments/identify` and the split of traits into promoted columns
 * (email, time zone, geo, consent — indexed or used by messaging) and the free-form JSON rest.
 * Pure.
 */
export interface IdentifyInput {
  traits: Record<string, unknown>;
  columns: PromotedColumns;
  userId?: number;
  anonymousId?: string;
}

const nullable = <T extends z.ZodTypeAny>(schema: T) => schema.nullable().optional();

// Promoted traits: trait name → validator; `null` clears the column.
const promotedSchemas = {
  email: nullable(z.string().email('must be an e-mail address').max(320)),
  timezone: nullable(z.string().max(64).refine(isValidTimeZone, 'must be an IANA time zone')),
  locale: nullable(
    z.string().regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/, 'must be a BCP 47 locale')
  ),
  country: nullable(
    z
      .string()
      .regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as DE')
      .transform((c) => c.toUpperCase())
  ),
  region: nullable(z.string().max(100)),
  city: nullable(z.string().max(100)),
  latitude: nullable(z.number().min(-90).max(90)),
  longitude: nullable(z.number().min(-180).max(180)),
  emailConsent: nullable(z.boolean()),
} as const;

// One mapping of trait name → column, shared with the repository.
const COLUMN_OF: Record<keyof typeof promotedSchemas, keyof PromotedColumns> = PROMOTED_TRAITS;

export type IdentifyResult =
  | { ok: true; input: IdentifyInput }
  | { ok: false; errors: FieldError[] };

export function validateIdentify(body: unknown, options: { isApiToken: boolean }): IdentifyResult {
  const identityField = (schema: z.ZodTypeAny) =>
    options.isApiToken
      ? schema.optional()
      : z.undefined({
          errorMap: () => ({ message: 'only callers with an API token may name the visitor' }),
        });
  const schema = z
    .object({
      traits: jsonObjectSchema('traits', MAX_TRAITS_BYTES).optional(),
      userId: identityField(z.number().int().positive()),
      anonymousId: identityField(
        z.string().regex(ANONYMOUS_ID_PATTERN, 'must be 8–64 characters of A–Z, a–z, 0–9, _ or -')
      ),
    })
    .strict();
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => ({
        path: formatPath(i.path) || '(body)',
        message: i.message,
      })),
    };
  }
  if (
    options.isApiToken &&
    parsed.data.userId === undefined &&
    parsed.data.anonymousId === undefined
  ) {
    return {
      ok: false,
      errors: [{ path: 'userId', message: 'an API-token caller must give userId or anonymousId' }],
    };
  }
  const raw = (parsed.data.traits as Record<string, unknown> | undefined) ?? {};
  const traits: Record<string, unknown> = {};
  const columns: PromotedColumns = {};
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (key in promotedSchemas) {
      const name = key as keyof typeof promotedSchemas;
      const checked = promotedSchemas[name].safeParse(value);
      if (checked.success)
        (columns as Record<string, unknown>)[COLUMN_OF[name]] = checked.data ?? null;
      else
        errors.push(
          ...checked.error.issues.map((i) => ({ path: `traits.${key}`, message: i.message }))
        );
    } else {
      traits[key] = value;
    }
  }
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    input: {
      traits,
      columns,
      ...(parsed.data.userId !== undefined ? { userId: parsed.data.userId as number } : {}),
      ...(parsed.data.anonymousId !== undefined
        ? { anonymousId: parsed.data.anonymousId as string }
        : {}),
    },
  };
}

/** Fields of a users-permissions user that must never become traits, whatever the config says. */
export const FORBIDDEN_USER_FIELDS = /password|token|secret|provider_?id/i;

/** The allow-listed fields of a users-permissions user, as traits and promoted columns. */
export function traitsFromUser(
  user: Record<string, unknown>,
  allowList: readonly string[]
): { traits: Record<string, unknown>; columns: PromotedColumns } {
  const traits: Record<string, unknown> = {};
  const columns: PromotedColumns = {};
  for (const field of allowList) {
    if (FORBIDDEN_USER_FIELDS.test(field)) continue;
    const value = user[field];
    if (value === undefined || (value !== null && typeof value === 'object')) continue;
    if (field === 'email') {
      if (typeof value === 'string') columns.email = value.toLowerCase();
    } else {
      traits[field] = value;
    }
  }
  return { traits, columns };
}
