import type { ValidationIssue } from '../types';
import { LOGICAL_OPERATORS } from '../condition';
import { EXTENSION_KEYS } from '../extensions';

/** Options, limits and small helpers of rule validation (paths, typos, the size walk). */

export interface ValidateOptions {
  /** How many days raw events are kept; windows over raw events may not reach further back. */
  retentionDays: number;
  /** Whether a segment key exists; without it, references are not checked. */
  knownSegments?: (key: string) => boolean;
  /** Deepest nesting of JSON objects (arrays do not count), the root being 1. Default 10. */
  maxDepth?: number;
  /** Most key/value pairs in the whole rule (items of a list operand like `$in` do not count). Default 200. */
  maxNodes?: number;
  /** "Now" for absolute windows checked against retention. Default: the current time. */
  now?: Date;
}

export const DEFAULT_MAX_DEPTH = 10;
export const DEFAULT_MAX_NODES = 200;

/** Fields `$context` conditions may name (besides nested `utm.*`). */
export const CONTEXT_FIELDS = [
  'device',
  'os',
  'browser',
  'utm',
  'referrer',
  'timezone',
  'localHour',
  'weekday',
] as const;

export const TYPE_NAMES = ['string', 'number', 'boolean', 'array', 'object', 'null'];

/** Where a condition sits, which decides what it may contain. */
export type ConditionScope = 'rule' | 'context' | 'properties' | 'element';

export const SCOPE_LABELS: Record<Exclude<ConditionScope, 'rule'>, string> = {
  context: '$context',
  properties: '$event.where',
  element: '$elemMatch',
};

export function joinPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

export const indexPath = (path: string, index: number) => `${path}[${index}]`;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const isPrimitive = (value: unknown) =>
  value === null ||
  typeof value === 'string' ||
  typeof value === 'boolean' ||
  (typeof value === 'number' && Number.isFinite(value));

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

export const CONDITION_LEVEL_KEYS: readonly string[] = [...LOGICAL_OPERATORS, ...EXTENSION_KEYS];

/** A reserved name a `$key` is probably a typo of (GrowthBook would read it as an attribute). */
export function likelyTypo(key: string): string | null {
  const tolerance = key.length <= 5 ? 1 : 2;
  for (const known of CONDITION_LEVEL_KEYS) {
    if (editDistance(key.toLowerCase(), known.toLowerCase()) <= tolerance) return known;
  }
  return null;
}

/** Walks the JSON without recursion: size and depth limits, before anything else. */
export function checkSize(
  rule: unknown,
  maxDepth: number,
  maxNodes: number
): { issues: ValidationIssue[]; tooDeepToWalk: boolean } {
  const issues: ValidationIssue[] = [];
  let nodes = 0;
  let deepest = 0;
  let depthReported = false;
  const stack: Array<{ value: unknown; path: string; depth: number }> = [
    { value: rule, path: '', depth: 0 },
  ];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop() as { value: unknown; path: string; depth: number };
    deepest = Math.max(deepest, depth);
    const children: Array<{ value: unknown; path: string; depth: number }> = [];
    if (Array.isArray(value)) {
      value.forEach((item, index) =>
        children.push({ value: item, path: indexPath(path, index), depth })
      );
    } else if (isPlainObject(value)) {
      const level = depth + 1;
      if (level > maxDepth && !depthReported) {
        issues.push({
          path,
          message: `nests deeper than ${maxDepth} levels`,
        });
        depthReported = true;
      }
      for (const [key, child] of Object.entries(value)) {
        nodes++;
        children.push({ value: child, path: joinPath(path, key), depth: level });
      }
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  if (nodes > maxNodes) {
    issues.unshift({ path: '', message: `has ${nodes} nodes, more than the ${maxNodes} allowed` });
  }
  // The detailed checks recurse; leave absurdly deep input at the size error.
  return { issues, tooDeepToWalk: deepest > Math.max(maxDepth, DEFAULT_MAX_DEPTH) * 5 };
}
