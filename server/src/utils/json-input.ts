import { z } from 'zod';

/** Size and shape checks for free-form JSON (event properties, traits). Pure. */

/** Keys and nesting levels any free-form JSON object may have (event properties, traits). */
export const JSON_LIMITS = { maxKeys: 100, maxDepth: 5 } as const;

export const NUL_MESSAGE = 'may not contain the NUL character (\\u0000)';

/** Nesting depth: a scalar is 0, `{}` or `[]` is 1, `{ a: { b: 1 } }` is 2. */
export function jsonDepth(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  let deepest = 0;
  for (const child of Object.values(value as Record<string, unknown>)) {
    deepest = Math.max(deepest, jsonDepth(child));
  }
  return deepest + 1;
}

/** UTF-8 bytes of the value's JSON text. */
export const jsonBytes = (value: unknown): number =>
  Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');

/** Plain JSON object (not an array, not null). */
export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Path (keys and indexes) of the first string or key holding a NUL character, or null. Postgres
 * stores neither in text nor in jsonb, so such input is refused up front (a 400 naming the
 * field) instead of failing the insert.
 */
export function nulPath(value: unknown, path: (string | number)[] = []): (string | number)[] | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (value === null || typeof value !== 'object') return null;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const at = Array.isArray(value) ? Number(key) : key;
    if (key.includes('\u0000')) return [...path, at];
    const found = nulPath(child, [...path, at]);
    if (found) return found;
  }
  return null;
}

/** `['events', 3, 'name']` → `events[3].name`. */
export function formatPath(path: (string | number)[]): string {
  return path.reduce<string>((out, part) => {
    if (typeof part === 'number') return `${out}[${part}]`;
    return out ? `${out}.${part}` : part;
  }, '');
}

/** Free-form JSON with the size, depth and key-count limits; `what` names it in messages. */
export function jsonObjectSchema(what: string, maxBytes: number) {
  return z.unknown().superRefine((value, ctx) => {
    if (!isPlainObject(value)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${what} must be a JSON object` });
      return;
    }
    if (Object.keys(value).length > JSON_LIMITS.maxKeys) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `${what} may have at most ${JSON_LIMITS.maxKeys} keys`,
      });
    }
    if (jsonDepth(value) > JSON_LIMITS.maxDepth) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `${what} may nest at most ${JSON_LIMITS.maxDepth} levels`,
      });
    }
    if (jsonBytes(value) > maxBytes) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `${what} may be at most ${maxBytes} bytes of JSON`,
      });
    }
    const nul = nulPath(value);
    if (nul) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: nul, message: NUL_MESSAGE });
    }
  });
}
