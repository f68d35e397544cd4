/**
 * Reading and comparing attribute values the way GrowthBook does: paths, type names, padded
 * versions, case folding, list membership (saved groups indexed once) and safe regular expressions.
 */

/** GrowthBook's `isOperatorObject`: non-empty and every key starts with `$`. */
export function isOperatorObject(value: unknown): boolean {
  // Object.keys throws on null/undefined exactly where GrowthBook's does.
  const keys = Object.keys(value as object);
  if (keys.length === 0) return false;
  for (const key of keys) if (key[0] !== '$') return false;
  return true;
}

/** GrowthBook's `getPath`: dot-separated lookup; anything unreachable reads as null. */
export function readPath(subject: unknown, parts: readonly string[]): unknown {
  let current = subject;
  for (let i = 0; i < parts.length; i++) {
    if (current && typeof current === 'object' && parts[i] in (current as object)) {
      current = (current as Record<string, unknown>)[parts[i]];
    } else {
      return null;
    }
  }
  return current;
}

export function pathReader(path: string): (subject: unknown) => unknown {
  const parts = path.split('.');
  if (parts.length === 1) {
    const key = parts[0];
    return (subject) =>
      subject && typeof subject === 'object' && key in (subject as object)
        ? (subject as Record<string, unknown>)[key]
        : null;
  }
  return (subject) => readPath(subject, parts);
}

/** GrowthBook's `getType`. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  return type === 'string' ||
    type === 'number' ||
    type === 'boolean' ||
    type === 'object' ||
    type === 'undefined'
    ? type
    : 'unknown';
}

/**
 * GrowthBook's `paddedVersionString`: drops a leading `v` and build metadata, splits on `.`/`-`,
 * marks plain x.y.z as later than its pre-releases with `~`, and pads numeric parts so string
 * comparison orders them numerically.
 */
export function paddedVersion(input: unknown): string {
  const raw = typeof input === 'number' ? input + '' : input;
  const text = raw && typeof raw === 'string' ? raw : '0';
  const parts = text.replace(/(^v|\+.*$)/g, '').split(/[-.]/);
  if (parts.length === 3) parts.push('~');
  for (let i = 0; i < parts.length; i++) {
    if (/^[0-9]+$/.test(parts[i])) parts[i] = parts[i].padStart(5, ' ');
  }
  return parts.join('-');
}

// Attribute versions repeat across profiles; padding is the costly part of `$v*` operators.
const versionCache = new Map<string, string>();

export function paddedVersionCached(input: unknown): string {
  if (typeof input !== 'string') return paddedVersion(input);
  let padded = versionCache.get(input);
  if (padded === undefined) {
    if (versionCache.size >= 4096) versionCache.clear();
    padded = paddedVersion(input);
    versionCache.set(input, padded);
  }
  return padded;
}

export function caseFold(value: unknown): unknown {
  return typeof value === 'string' ? value.toLowerCase() : value;
}

/** GrowthBook's `isIn` without case folding (SameValueZero, like `Array#includes`). */
export function isIn(actual: unknown, expected: readonly unknown[]): boolean {
  if (Array.isArray(actual)) return actual.some((item) => expected.includes(item));
  return expected.includes(actual);
}

// Saved-group lists can be large (a segment's members); index each list once.
const savedGroupSets = new WeakMap<readonly unknown[], Set<unknown>>();

export function isInSavedGroup(actual: unknown, values: readonly unknown[]): boolean {
  if (values.length < 16) return isIn(actual, values);
  let set = savedGroupSets.get(values);
  if (!set) {
    set = new Set(values);
    savedGroupSets.set(values, set);
  }
  const members = set;
  if (Array.isArray(actual)) return actual.some((item) => members.has(item));
  return members.has(actual);
}

/** GrowthBook's `getSavedGroupArrayValues`: null means "matches nobody, either way". */
export function savedGroupValues(entry: unknown): readonly unknown[] | null {
  if (entry === undefined) return [];
  if (Array.isArray(entry)) return entry;
  if (entry && typeof entry === 'object' && (entry as { type?: unknown }).type === 'list') {
    const values = (entry as { values?: unknown }).values;
    return Array.isArray(values) ? values : null;
  }
  return null;
}

const PLAIN_OBJECT: Record<string, unknown> = {};

/** The regex GrowthBook would build, or null where GrowthBook's attempt fails. */
export function growthbookRegex(pattern: unknown, caseInsensitive: boolean): RegExp | null {
  if (typeof pattern !== 'string') return null;
  // GrowthBook caches regexes in a plain object keyed by pattern (+ "/i"); a key that names an
  // Object.prototype member (e.g. "constructor") returns that member and the test throws.
  const cacheKey = pattern + (caseInsensitive ? '/i' : '');
  if (PLAIN_OBJECT[cacheKey]) return null;
  try {
    return new RegExp(pattern.replace(/([^\\])\//g, '$1\\/'), caseInsensitive ? 'i' : undefined);
  } catch {
    return null;
  }
}
