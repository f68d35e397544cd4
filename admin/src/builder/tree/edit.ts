import { ConditionNode, GroupNode, RuleNode } from './types';

// Editing helpers (immutable) and error mapping

export function updateNode(
  root: RuleNode,
  id: string,
  update: (n: RuleNode) => RuleNode
): RuleNode {
  if (root.id === id) return update(root);
  if (root.kind !== 'group') return root;
  let changed = false;
  const children = root.children.map((child) => {
    const next = updateNode(child, id, update);
    if (next !== child) changed = true;
    return next;
  });
  return changed ? { ...root, children } : root;
}

export function removeNode(root: GroupNode, id: string): GroupNode {
  const children = root.children
    .filter((child) => child.id !== id)
    .map((child) => (child.kind === 'group' ? removeNode(child, id) : child));
  return { ...root, children };
}

/** Strips row ids so two trees can be compared. */
export function withoutIds(node: RuleNode): unknown {
  return JSON.parse(
    JSON.stringify(node, (key, value: unknown) => (key === 'id' ? undefined : value))
  );
}

/**
 * The row a validation error belongs to. `path` is the server's (`rule.$and[1].$event.within.days`)
 * over the canonical JSON of `root`; the answer is the deepest node the path reaches (the root
 * group for `rule` itself).
 */
export function nodeIdForPath(root: GroupNode, path: string): string {
  const tokens = tokenize(path.replace(/^rule\.?/, ''));
  let node: RuleNode = root;
  let i = 0;
  for (;;) {
    if (node.kind !== 'group') return node.id;
    if (node.negate) {
      if (tokens[i] !== '$not') return node.id;
      i++;
    }
    const op: string | number | undefined = tokens[i];
    if (op !== `$${node.op}`) return node.id;
    const index = tokens[i + 1];
    if (typeof index !== 'number' || index >= node.children.length) return node.id;
    node = node.children[index];
    i += 2;
  }
}

function tokenize(path: string): Array<string | number> {
  const tokens: Array<string | number> = [];
  const re = /\[(\d+)\]|([^.[\]]+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path)) !== null) {
    tokens.push(m[1] !== undefined ? Number(m[1]) : m[2]);
  }
  return tokens;
}

/** Every condition row of a tree, depth first. */
export function conditions(node: RuleNode): ConditionNode[] {
  return node.kind === 'group' ? node.children.flatMap(conditions) : [node];
}
