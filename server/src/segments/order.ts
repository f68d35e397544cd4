import { segmentReferences } from '../rules';

/**
 * Segments in an order where every segment comes after the segments it refers to, so a batch
 * recompute reads fresh memberships. Writes already reject cycles; should one exist anyway (data
 * edited behind the plugin's back), its members are returned last, in key order, rather than lost.
 */
export function dependencyOrder<T extends { key: string; rule: unknown }>(
  segments: readonly T[]
): T[] {
  const byKey = new Map(segments.map((s) => [s.key, s]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const ordered: T[] = [];
  const cyclic: T[] = [];
  const visit = (segment: T): boolean => {
    if (done.has(segment.key)) return true;
    if (visiting.has(segment.key)) return false;
    visiting.add(segment.key);
    let acyclic = true;
    for (const ref of segmentReferences(segment.rule)) {
      const dependency = byKey.get(ref);
      if (dependency && !visit(dependency)) acyclic = false;
    }
    visiting.delete(segment.key);
    done.add(segment.key);
    (acyclic ? ordered : cyclic).push(segment);
    return acyclic;
  };
  for (const segment of [...segments].sort((a, b) => a.key.localeCompare(b.key))) visit(segment);
  return [...ordered, ...cyclic];
}
