import { detectCycle, segmentReferences, validateRule } from '../rules';
import type { FieldError } from '../contracts';

/** A segment as stored, reduced to what write checks need. */
export interface StoredSegment {
  documentId: string;
  key: string;
  rule: unknown;
}

export interface SegmentWrite {
  /** Set for updates: the document being changed. */
  documentId?: string;
  key: string;
  rule: unknown;
  /** Only when the write sets it. */
  uses?: unknown;
}

/** What a segment is for: real-time personalisation (`/me`, content, banners) and campaigns. */
export const SEGMENT_USES = ['personalisation', 'campaigns'] as const;
export type SegmentUse = (typeof SEGMENT_USES)[number];

/** Problems with a `uses` value: a list of distinct known uses (empty = parked). */
export function checkUses(uses: unknown): FieldError[] {
  if (!Array.isArray(uses)) {
    return [{ path: 'uses', message: `must be a list of: ${SEGMENT_USES.join(', ')}` }];
  }
  const errors: FieldError[] = [];
  uses.forEach((use, i) => {
    if (!SEGMENT_USES.includes(use as SegmentUse)) {
      errors.push({ path: `uses[${i}]`, message: `must be one of: ${SEGMENT_USES.join(', ')}` });
    } else if (uses.indexOf(use) !== i) {
      errors.push({ path: `uses[${i}]`, message: `"${String(use)}" is listed twice` });
    }
  });
  return errors;
}

/** A stored `uses` value read leniently: missing (older rows) means every use. */
export function usesOf(stored: unknown): SegmentUse[] {
  return Array.isArray(stored) ? SEGMENT_USES.filter((u) => stored.includes(u)) : [...SEGMENT_USES];
}

/**
 * Everything wrong with saving `write` next to the `existing` segments, as `{ path, message }`
 * with paths rooted at the segment's fields (`rule.$and[1].age.$gt`, `key`). Checked on every
 * write path — admin, REST and document service — so a bad rule never reaches a recompute or a
 * send. Pure: the Strapi shell loads `existing` and turns the result into a 400.
 */
export function checkSegmentWrite(
  write: SegmentWrite,
  existing: readonly StoredSegment[],
  options: { retentionDays: number }
): FieldError[] {
  const others = existing.filter((s) => s.documentId !== write.documentId);
  const otherKeys = new Set(others.map((s) => s.key));
  const errors: FieldError[] = write.uses === undefined ? [] : checkUses(write.uses);

  if (otherKeys.has(write.key)) {
    errors.push({ path: 'key', message: `another segment already uses the key "${write.key}"` });
  }

  const previous = existing.find((s) => s.documentId === write.documentId);
  if (previous && previous.key !== write.key) {
    const referrers = referrersOf(previous.key, others);
    if (referrers.length > 0) {
      errors.push({
        path: 'key',
        message: `the key "${previous.key}" cannot change: referenced by ${referrers.join(', ')}`,
      });
    }
  }

  for (const issue of validateRule(write.rule, {
    retentionDays: options.retentionDays,
    knownSegments: (key) => otherKeys.has(key) || key === write.key,
  })) {
    errors.push({ path: issue.path ? `rule.${issue.path}` : 'rule', message: issue.message });
  }

  const graph = new Map<string, string[]>(others.map((s) => [s.key, segmentReferences(s.rule)]));
  graph.set(write.key, segmentReferences(write.rule));
  const cycle = detectCycle(graph);
  if (cycle && cycle.includes(write.key)) {
    // Start the reported loop at the segment being saved: "vip → vip-germany → vip".
    const nodes = cycle.slice(0, -1);
    const at = nodes.indexOf(write.key);
    const loop = [...nodes.slice(at), ...nodes.slice(0, at), write.key];
    errors.push({ path: 'rule', message: `segment references form a cycle: ${loop.join(' → ')}` });
  }
  return errors;
}

/** Keys of the segments whose rules refer to `key`. */
export function referrersOf(key: string, segments: readonly StoredSegment[]): string[] {
  return segments
    .filter((s) => s.key !== key && segmentReferences(s.rule).includes(key))
    .map((s) => s.key);
}
