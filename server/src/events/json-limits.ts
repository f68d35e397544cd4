/** Size and shape checks for free-form JSON (event properties, traits). Pure. */

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
