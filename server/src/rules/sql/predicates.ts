/**
 * The algebra the rule-to-SQL compiler builds with: SQL predicates that simplify as they combine
 * (TRUE/FALSE absorb), and three-valued results (`sure`, `maybe`, `mayThrow`; see compile.ts).
 */

export interface Sql {
  sql: string;
  bindings: unknown[];
}

export const TRUE: Sql = { sql: 'TRUE', bindings: [] };
export const FALSE: Sql = { sql: 'FALSE', bindings: [] };

export const sql = (text: string, ...bindings: unknown[]): Sql => ({ sql: text, bindings });

export function isTrue(s: Sql) {
  return s === TRUE;
}
export function isFalse(s: Sql) {
  return s === FALSE;
}

export function and(...parts: Sql[]): Sql {
  if (parts.some(isFalse)) return FALSE;
  const kept = parts.filter((p) => !isTrue(p));
  if (kept.length === 0) return TRUE;
  if (kept.length === 1) return kept[0];
  return {
    sql: kept.map((p) => `(${p.sql})`).join(' AND '),
    bindings: kept.flatMap((p) => p.bindings),
  };
}

export function or(...parts: Sql[]): Sql {
  if (parts.some(isTrue)) return TRUE;
  const kept = parts.filter((p) => !isFalse(p));
  if (kept.length === 0) return FALSE;
  if (kept.length === 1) return kept[0];
  return {
    sql: kept.map((p) => `(${p.sql})`).join(' OR '),
    bindings: kept.flatMap((p) => p.bindings),
  };
}

export function not(part: Sql): Sql {
  if (isTrue(part)) return FALSE;
  if (isFalse(part)) return TRUE;
  // A NULL (e.g. a type guard over a NULL traits column) means false; NOT must keep it so.
  return { sql: `NOT COALESCE((${part.sql}), FALSE)`, bindings: part.bindings };
}

export function sameSql(a: Sql, b: Sql): boolean {
  return a === b || (a.sql === b.sql && JSON.stringify(a.bindings) === JSON.stringify(b.bindings));
}

/** Never NULL: NULL would break NOT. */
export function definite(part: Sql): Sql {
  if (isTrue(part) || isFalse(part)) return part;
  return { sql: `COALESCE((${part.sql}), FALSE)`, bindings: part.bindings };
}

export interface Tri {
  sure: Sql;
  maybe: Sql;
  mayThrow: boolean;
}

export const EXACT_TRUE: Tri = { sure: TRUE, maybe: TRUE, mayThrow: false };
export const EXACT_FALSE: Tri = { sure: FALSE, maybe: FALSE, mayThrow: false };
export const UNKNOWN: Tri = { sure: FALSE, maybe: TRUE, mayThrow: false };
export const OPAQUE: Tri = { sure: FALSE, maybe: TRUE, mayThrow: true };

export function triAnd(parts: Tri[]): Tri {
  return {
    sure: and(...parts.map((p) => p.sure)),
    maybe: and(...parts.map((p) => p.maybe)),
    mayThrow: parts.some((p) => p.mayThrow),
  };
}

/** In order: a branch's `sure` only counts if no earlier branch could throw. */
export function triOr(parts: Tri[]): Tri {
  const sure: Sql[] = [];
  for (const part of parts) {
    sure.push(part.sure);
    if (part.mayThrow) break;
  }
  return {
    sure: or(...sure),
    maybe: or(...parts.map((p) => p.maybe)),
    mayThrow: parts.some((p) => p.mayThrow),
  };
}

export function triNot(part: Tri): Tri {
  return {
    sure: part.mayThrow ? FALSE : not(part.maybe),
    maybe: not(part.sure),
    mayThrow: part.mayThrow,
  };
}
