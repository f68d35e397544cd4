/**
 * Rule → SQL (SQLite and Postgres) over segments_profiles (alias `p`) and the rollup/event tables.
 *
 * Every node compiles to a three-valued pair of SQL predicates on one profile row:
 * - `sure`: true only for profiles the in-memory evaluator certainly accepts;
 * - `maybe`: true for every profile it could accept (a superset prefilter);
 * - `mayThrow`: the node could raise where GrowthBook throws (the evaluator then fails the
 *   whole rule), so a `sure` after it in an `$or`, or under a `$not`, cannot be trusted.
 * A part we cannot express exactly is "unknown" (sure FALSE, maybe TRUE) for the rows it cannot
 * decide — often only some JSON types of an attribute. Profiles with `maybe AND NOT sure` are
 * evaluated in memory with `compileRule`; when sure ≡ maybe the rule is exact in SQL.
 *
 * Leaves never yield NULL (typed CASE branches, COALESCE), so NOT is the set complement.
 */
import type { Rule } from '../types';
import { EXTENSION_KEYS, sampleSchema } from '../extensions';
import type { CompileState, SqlCompileOptions } from './compile-state';
import {
  EXACT_FALSE,
  EXACT_TRUE,
  OPAQUE,
  sameSql,
  and,
  triAnd,
  triNot,
  triOr,
  UNKNOWN,
  type Sql,
  type Tri,
} from './predicates';
import { attributeSource } from './sources';
import { valueCondition } from './values';
import { dateClause, eventClause, geoClause, segmentClause } from './extension-clauses';

export type { Dialect } from '../../store/dialect';
export type { Sql } from './predicates';
export type { SqlCompileOptions } from './compile-state';

export interface CompiledSql {
  /** Profiles the rule certainly matches. */
  sure: Sql;
  /** A superset of the matching profiles. */
  maybe: Sql;
  /** Equals `sure` on rows where `maybe` holds (cheaper: exact conjuncts left out). */
  sureWithinMaybe: Sql;
  /** sure ≡ maybe: no profile needs the in-memory step. */
  exact: boolean;
  /** Event names the rule reads (what the residual step loads). */
  eventNames: string[];
  /** Whether any part reads raw events. */
  rawEvents: boolean;
  /** Segment keys referenced by `$segment`. */
  segmentKeys: string[];
}

export function compileCondition(st: CompileState, condition: unknown): Tri {
  if (!condition || typeof condition !== 'object' || Array.isArray(condition)) return OPAQUE;
  return triAnd(
    Object.entries(condition as Record<string, unknown>).map(([key, operand]) =>
      clause(st, key, operand)
    )
  );
}

/** The top-level conjuncts: the condition's clauses, with `$and` lists flattened. */
export function conjuncts(st: CompileState, condition: Record<string, unknown>): Tri[] {
  const parts: Tri[] = [];
  for (const [key, operand] of Object.entries(condition)) {
    if (key === '$and' && Array.isArray(operand)) {
      for (const item of operand) {
        if (item && typeof item === 'object' && !Array.isArray(item)) {
          parts.push(...conjuncts(st, item as Record<string, unknown>));
        } else parts.push(compileCondition(st, item));
      }
    } else parts.push(clause(st, key, operand));
  }
  return parts;
}

function list(st: CompileState, operand: unknown): Tri[] | null {
  if (!Array.isArray(operand)) return null;
  return operand.map((item) => compileCondition(st, item));
}

function clause(st: CompileState, key: string, operand: unknown): Tri {
  switch (key) {
    case '$or':
    case '$nor': {
      const items = list(st, operand);
      if (!items) return OPAQUE;
      const anyOf = items.length === 0 ? EXACT_TRUE : triOr(items);
      return key === '$or' ? anyOf : triNot(anyOf);
    }
    case '$and': {
      const items = list(st, operand);
      return items ? triAnd(items) : OPAQUE;
    }
    case '$not':
      return triNot(compileCondition(st, operand));
    case '$savedGroup':
      return OPAQUE;
    case '$event':
      return eventClause(st, operand);
    case '$date':
      return dateClause(st, operand);
    case '$geo':
      return geoClause(st, operand);
    case '$context':
      // Request context (stored as the last known context): in memory.
      return OPAQUE;
    case '$segment':
      return segmentClause(st, operand);
    case '$sample':
      return sampleSchema.safeParse(operand).success ? UNKNOWN : OPAQUE;
  }
  if ((EXTENSION_KEYS as readonly string[]).includes(key)) return OPAQUE;
  const src = attributeSource(st.pg, key);
  if (!src) {
    // Still an attribute read; the value condition alone decides whether it can throw.
    return { ...UNKNOWN, mayThrow: true };
  }
  return valueCondition(st.pg, operand, src);
}

/**
 * Compiles a rule. `sure`/`maybe` are predicates over `segments_profiles p`; see the module
 * comment. A null rule matches nobody (as in memory).
 */
export function compileRuleToSql(rule: Rule, options: SqlCompileOptions): CompiledSql {
  const st: CompileState = {
    options,
    pg: options.dialect === 'postgres',
    eventNames: new Set(),
    rawEvents: false,
    segmentKeys: new Set(),
  };
  // null/undefined throw in memory (no match); other non-objects are read like GrowthBook does
  // (Object.entries), which only the evaluator gets right.
  const parts =
    rule === null || rule === undefined
      ? [EXACT_FALSE]
      : typeof rule === 'object' && !Array.isArray(rule)
        ? conjuncts(st, rule)
        : [OPAQUE];
  const tri = triAnd(parts);
  // No COALESCE at the top: a NULL filters a row out like FALSE, and bare conjuncts let the
  // planner drive the query from an `p.id IN (subquery)` term.
  const { sure, maybe } = tri;
  // Among rows that pass `maybe`, the exact conjuncts hold already: only the others decide.
  const undecided = and(...parts.filter((p) => !sameSql(p.sure, p.maybe)).map((p) => p.sure));
  return {
    sure,
    maybe,
    sureWithinMaybe: undecided,
    exact: sameSql(sure, maybe),
    eventNames: [...st.eventNames],
    rawEvents: st.rawEvents,
    segmentKeys: [...st.segmentKeys],
  };
}
