/** Which segments a rule refers to, and cycles among segments that refer to each other. Pure. */

import { isPlainObject } from '../utils/json-input';

/**
 * Keys of the segments a rule refers to (`$segment`, `$inGroup`, `$notInGroup`,
 * `$savedGroup.id`), in order of first appearance.
 */
export function segmentReferences(rule: unknown): string[] {
  const found = new Set<string>();
  // Iterative pre-order walk: rules are not validated yet and may be arbitrarily deep.
  const stack: Array<{ key: string | null; value: unknown }> = [{ key: null, value: rule }];
  while (stack.length > 0) {
    const { key, value } = stack.pop() as { key: string | null; value: unknown };
    if (
      (key === '$segment' || key === '$inGroup' || key === '$notInGroup') &&
      typeof value === 'string'
    ) {
      found.add(value);
    } else if (key === '$savedGroup' && isPlainObject(value) && typeof value.id === 'string') {
      found.add(value.id);
    }
    const children: Array<{ key: string | null; value: unknown }> = Array.isArray(value)
      ? value.map((item) => ({ key: null, value: item }))
      : isPlainObject(value)
        ? Object.entries(value).map(([childKey, child]) => ({ key: childKey, value: child }))
        : [];
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return [...found];
}

/**
 * A cycle in a segment → referenced segments graph, as the path that closes it
 * (`['a', 'b', 'a']`), or null. Keys missing from the graph are leaves.
 */
export function detectCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | null {
  const done = new Set<string>();
  const onPath = new Map<string, number>(); // node → its index in `path`
  const path: string[] = [];

  const visit = (node: string): string[] | null => {
    const at = onPath.get(node);
    if (at !== undefined) return [...path.slice(at), node];
    if (done.has(node)) return null;
    onPath.set(node, path.length);
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    onPath.delete(node);
    done.add(node);
    return null;
  };

  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return null;
}
