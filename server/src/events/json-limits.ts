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
