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
import type { Knex } from 'knex';
import { TABLES } from '../../store/tables';
import type { Rule } from '../types';
import { compileRule } from '../evaluate';
import { VALUE_OPERATORS } from '../condition';
import {
  EXTENSION_KEYS,
  dateSchema,
  eventTimeRange,
  geoSchema,
  planEvent,
  resolveDateCondition,
  rollupDayRange,
  sampleSchema,
  segmentSchema,
  type Comparison,
  type EventPlan,
} from '../extensions';
import { DAY_MS, durationMs, utcDay } from '../time';
import { EARTH_RADIUS_KM } from '../geo';
import { PROMOTED_NUMBER_COLUMNS, PROMOTED_STRING_COLUMNS, PROMOTED_TIME_COLUMNS } from './load-facts';

export type { Dialect } from '../../store/dialect';
import type { Dialect } from '../../store/dialect';

export interface Sql {
  sql: string;
  bindings: unknown[];
}

export interface SqlCompileOptions {
  now: Date;
  retentionDays: number;
  dialect: Dialect;
  /**
   * Members of another segment for `$segment`, as a query selecting one column of profile ids.
   * Without it `$segment` matches nobody, as in memory without `isMember`.
   */
  segmentMembers?: (key: string) => Knex.QueryBuilder | Knex.Raw | null;
}

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

const TRUE: Sql = { sql: 'TRUE', bindings: [] };
const FALSE: Sql = { sql: 'FALSE', bindings: [] };

const sql = (text: string, ...bindings: unknown[]): Sql => ({ sql: text, bindings });

function isTrue(s: Sql) {
  return s === TRUE;
}
function isFalse(s: Sql) {
  return s === FALSE;
}

function and(...parts: Sql[]): Sql {
  if (parts.some(isFalse)) return FALSE;
  const kept = parts.filter((p) => !isTrue(p));
  if (kept.length === 0) return TRUE;
  if (kept.length === 1) return kept[0];
  return {
    sql: kept.map((p) => `(${p.sql})`).join(' AND '),
    bindings: kept.flatMap((p) => p.bindings),
  };
}

function or(...parts: Sql[]): Sql {
  if (parts.some(isTrue)) return TRUE;
  const kept = parts.filter((p) => !isFalse(p));
  if (kept.length === 0) return FALSE;
  if (kept.length === 1) return kept[0];
  return {
    sql: kept.map((p) => `(${p.sql})`).join(' OR '),
    bindings: kept.flatMap((p) => p.bindings),
  };
}

function not(part: Sql): Sql {
  if (isTrue(part)) return FALSE;
  if (isFalse(part)) return TRUE;
  // A NULL (e.g. a type guard over a NULL traits column) means false; NOT must keep it so.
  return { sql: `NOT COALESCE((${part.sql}), FALSE)`, bindings: part.bindings };
}

function sameSql(a: Sql, b: Sql): boolean {
  return a === b || (a.sql === b.sql && JSON.stringify(a.bindings) === JSON.stringify(b.bindings));
}

/** Never NULL: NULL would break NOT. */
function definite(part: Sql): Sql {
  if (isTrue(part) || isFalse(part)) return part;
  return { sql: `COALESCE((${part.sql}), FALSE)`, bindings: part.bindings };
}

interface Tri {
  sure: Sql;
  maybe: Sql;
  mayThrow: boolean;
}

const EXACT_TRUE: Tri = { sure: TRUE, maybe: TRUE, mayThrow: false };
const EXACT_FALSE: Tri = { sure: FALSE, maybe: FALSE, mayThrow: false };
const UNKNOWN: Tri = { sure: FALSE, maybe: TRUE, mayThrow: false };
const OPAQUE: Tri = { sure: FALSE, maybe: TRUE, mayThrow: true };

function triAnd(parts: Tri[]): Tri {
  return {
    sure: and(...parts.map((p) => p.sure)),
    maybe: and(...parts.map((p) => p.maybe)),
    mayThrow: parts.some((p) => p.mayThrow),
  };
}

/** In order: a branch's `sure` only counts if no earlier branch could throw. */
function triOr(parts: Tri[]): Tri {
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

function triNot(part: Tri): Tri {
  return {
    sure: part.mayThrow ? FALSE : not(part.maybe),
    maybe: not(part.sure),
    mayThrow: part.mayThrow,
  };
}

// ---------------------------------------------------------------------------------------------
// Attribute values

type JsonType = 'null' | 'string' | 'number' | 'boolean' | 'array' | 'object';
const JSON_TYPES: JsonType[] = ['null', 'string', 'number', 'boolean', 'array', 'object'];

/** How one attribute reads in SQL: a guard per JSON type and typed value expressions. */
interface Source {
  guard: Record<JsonType, Sql>;
  /** Valid under the number guard. */
  num: Sql;
  /** Valid under the string guard. */
  str: Sql;
  /** Valid under the boolean guard: a boolean predicate "is true". */
  bool: Sql;
  /** Valid under the array guard. */
  len: Sql;
  /** Under the array guard: whether some element satisfies a predicate over it. */
  some?: (predicate: (element: Element) => Sql) => Sql;
}

/** One element of a JSON array, inside `some`. */
interface Element {
  type: (type: 'null' | 'string' | 'number' | 'true' | 'false') => Sql;
  num: Sql;
  str: Sql;
}

/** The result of a value condition for each JSON type of the attribute. */
type Outcome = boolean | 'unknown' | Sql;
type Outcomes = Record<JsonType, Outcome>;

function outcomesToTri(src: Source, outcomes: Outcomes, mayThrow = false): Tri {
  const branch = (pick: (o: Outcome) => Sql) => {
    const parts: Sql[] = [];
    for (const type of JSON_TYPES) {
      const guard = src.guard[type];
      if (isFalse(guard)) continue;
      const result = pick(outcomes[type]);
      if (isFalse(result)) continue;
      parts.push(isTrue(guard) ? result : and(guard, result));
    }
    return or(...parts);
  };
  const sure = branch((o) => (o === true ? TRUE : o === false || o === 'unknown' ? FALSE : definite(o)));
  const maybe = branch((o) => (o === true || o === 'unknown' ? TRUE : o === false ? FALSE : definite(o)));
  return { sure, maybe, mayThrow };
}

function allOutcomes(outcome: Outcome): Outcomes {
  return { null: outcome, string: outcome, number: outcome, boolean: outcome, array: outcome, object: outcome };
}

class Compiler {
  readonly eventNames = new Set<string>();
  rawEvents = false;
  readonly segmentKeys = new Set<string>();

  constructor(private readonly options: SqlCompileOptions) {}

  private get pg() {
    return this.options.dialect === 'postgres';
  }

  /** A numeric parameter, typed so Postgres compares as float8. */
  private numParam(n: number): Sql {
    return this.pg ? sql('CAST(? AS double precision)', n) : sql('?', n);
  }

  // --- sources -------------------------------------------------------------------------------

  private traitSource(key: string): Source {
    if (this.pg) {
      const type = sql('jsonb_typeof(p.traits -> ?)', key);
      const is = (names: string) => sql(`${type.sql} = ${names}`, key);
      return {
        guard: {
          null: sql(`(${type.sql} IS NULL OR ${type.sql} = 'null')`, key, key),
          string: is(`'string'`),
          number: is(`'number'`),
          boolean: is(`'boolean'`),
          array: is(`'array'`),
          object: is(`'object'`),
        },
        num: sql('CAST((p.traits ->> ?) AS double precision)', key),
        str: sql('(p.traits ->> ?)', key),
        bool: sql(`(p.traits ->> ?) = 'true'`, key),
        len: sql('jsonb_array_length(p.traits -> ?)', key),
        some: (predicate) => {
          const element: Element = {
            type: (t) =>
              t === 'true' || t === 'false'
                ? sql(`(jsonb_typeof(j.v) = 'boolean' AND (j.v #>> '{}') = '${t}')`)
                : sql(`jsonb_typeof(j.v) = '${t}'`),
            num: sql(`CAST((j.v #>> '{}') AS double precision)`),
            str: sql(`(j.v #>> '{}')`),
          };
          const where = predicate(element);
          return sql(
            `EXISTS (SELECT 1 FROM jsonb_array_elements(p.traits -> ?) AS j(v) WHERE ${where.sql})`,
            key,
            ...where.bindings
          );
        },
      };
    }
    const path = `$."${key}"`;
    const type = 'json_type(p.traits, ?)';
    const is = (names: string) => sql(`${type} IN (${names})`, path);
    return {
      guard: {
        null: sql(`(${type} IS NULL OR ${type} = 'null')`, path, path),
        string: is(`'text'`),
        number: is(`'integer', 'real'`),
        boolean: is(`'true', 'false'`),
        array: is(`'array'`),
        object: is(`'object'`),
      },
      num: sql('json_extract(p.traits, ?)', path),
      str: sql('json_extract(p.traits, ?)', path),
      bool: sql(`${type} = 'true'`, path),
      len: sql('json_array_length(p.traits, ?)', path),
      some: (predicate) => {
        const names = { null: `'null'`, string: `'text'`, number: `'integer', 'real'`, true: `'true'`, false: `'false'` };
        const element: Element = {
          type: (t) => sql(`j.type IN (${names[t]})`),
          num: sql('j.value'),
          str: sql('j.value'),
        };
        const where = predicate(element);
        return sql(`EXISTS (SELECT 1 FROM json_each(p.traits, ?) AS j WHERE ${where.sql})`, path, ...where.bindings);
      },
    };
  }

  /** A promoted column overrides the trait of the same name unless it is NULL. */
  private promotedSource(column: string, kind: 'string' | 'number'): Source {
    const trait = this.traitSource(column);
    const set = sql(`p.${column} IS NOT NULL`);
    const unset = sql(`p.${column} IS NULL`);
    const guard = {} as Record<JsonType, Sql>;
    for (const type of JSON_TYPES) {
      guard[type] = type === kind ? or(set, trait.guard[type]) : and(unset, trait.guard[type]);
    }
    return {
      guard,
      num:
        kind === 'number'
          ? { sql: `COALESCE(p.${column}, ${trait.num.sql})`, bindings: trait.num.bindings }
          : trait.num,
      str:
        kind === 'string'
          ? { sql: `COALESCE(p.${column}, ${trait.str.sql})`, bindings: trait.str.bindings }
          : trait.str,
      bool: trait.bool,
      len: trait.len,
      some: trait.some,
    };
  }

  private attributeSource(key: string): Source | null {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) || key in PLAIN) return null;
    if (key in PROMOTED_TIME_COLUMNS) return null;
    for (const [attribute, column] of Object.entries(PROMOTED_STRING_COLUMNS)) {
      if (attribute === key) return this.promotedSource(column, 'string');
    }
    for (const [attribute, column] of Object.entries(PROMOTED_NUMBER_COLUMNS)) {
      if (attribute === key) return this.promotedSource(column, 'number');
    }
    return this.traitSource(key);
  }

  /** The source `$size` tests: the array's length, as a number. */
  private lengthSource(src: Source): Source {
    const guard = {} as Record<JsonType, Sql>;
    for (const type of JSON_TYPES) guard[type] = type === 'number' ? src.guard.array : FALSE;
    return { guard, num: src.len, str: FALSE, bool: FALSE, len: FALSE };
  }

  // --- value conditions ----------------------------------------------------------------------

  valueCondition(condition: unknown, src: Source): Tri {
    switch (typeof condition) {
      case 'string':
        return outcomesToTri(src, this.stringLiteral(condition, src));
      case 'number':
        return outcomesToTri(src, this.numberLiteral(condition, src));
      case 'boolean':
        return outcomesToTri(src, {
          null: false,
          string: sql(`(LENGTH(${src.str.sql}) > 0) = ${condition ? 'TRUE' : 'FALSE'}`, ...src.str.bindings),
          number: sql(`(${src.num.sql} <> 0) = ${condition ? 'TRUE' : 'FALSE'}`, ...src.num.bindings),
          boolean: condition ? src.bool : not(src.bool),
          array: condition,
          object: condition,
        });
    }
    if (condition === null) return outcomesToTri(src, { ...allOutcomes(false), null: true });
    if (condition === undefined) return OPAQUE;
    if (Array.isArray(condition) || !isOperatorObject(condition)) {
      // Literal equality by JSON text: primitives never match; arrays/objects are left to memory.
      return outcomesToTri(src, { ...allOutcomes(false), array: 'unknown', object: 'unknown' });
    }
    const parts = Object.entries(condition as Record<string, unknown>).map(([op, operand]) =>
      this.operator(op, operand, src)
    );
    return triAnd(parts);
  }

  private stringLiteral(text: string, src: Source): Outcomes {
    const asNumber = Number(text);
    return {
      null: text === 'null',
      string: sql(`${src.str.sql} = ?`, ...src.str.bindings, text),
      // String(n) === text exactly when n === Number(text) and text is Number's own spelling.
      number:
        text !== '' && Number.isFinite(asNumber) && String(asNumber) === text
          ? sql(`${src.num.sql} = ${this.numParam(asNumber).sql}`, ...src.num.bindings, asNumber)
          : false,
      boolean: text === 'true' ? src.bool : text === 'false' ? not(src.bool) : false,
      array: 'unknown',
      object: text === '[object Object]',
    };
  }

  private numberLiteral(n: number, src: Source): Outcomes {
    return {
      null: n === 0,
      string: 'unknown',
      number: Number.isFinite(n)
        ? sql(`${src.num.sql} = ${this.numParam(n).sql}`, ...src.num.bindings, n)
        : false,
      boolean: n === 1 ? src.bool : n === 0 ? not(src.bool) : false,
      array: 'unknown',
      object: false,
    };
  }

  private equals(expected: unknown, src: Source): Outcomes {
    const none = allOutcomes(false);
    if (expected === null) return { ...none, null: true };
    if (typeof expected === 'string') return { ...none, string: sql(`${src.str.sql} = ?`, ...src.str.bindings, expected) };
    if (typeof expected === 'number') {
      return Number.isFinite(expected)
        ? { ...none, number: sql(`${src.num.sql} = ${this.numParam(expected).sql}`, ...src.num.bindings, expected) }
        : none;
    }
    if (typeof expected === 'boolean') return { ...none, boolean: expected ? src.bool : not(src.bool) };
    return none;
  }

  private membership(list: unknown[], src: Source): Outcomes {
    const strings = [...new Set(list.filter((v): v is string => typeof v === 'string'))];
    const numbers = [...new Set(list.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)))];
    const hasNull = list.includes(null);
    const hasTrue = list.includes(true);
    const hasFalse = list.includes(false);
    const inList = (expr: Sql, values: unknown[], param: (v: unknown) => Sql): Sql =>
      values.length === 0
        ? FALSE
        : {
            sql: `${expr.sql} IN (${values.map((v) => param(v).sql).join(', ')})`,
            bindings: [...expr.bindings, ...values],
          };
    const stringParam = () => sql('?');
    const numberParam = (v: unknown) => this.numParam(v as number);
    // An array attribute matches when one of its items is in the list (SameValueZero).
    const elementIn = (e: Element) =>
      or(
        strings.length ? and(e.type('string'), inList(e.str, strings, stringParam)) : FALSE,
        numbers.length ? and(e.type('number'), inList(e.num, numbers, numberParam)) : FALSE,
        hasNull ? e.type('null') : FALSE,
        hasTrue ? e.type('true') : FALSE,
        hasFalse ? e.type('false') : FALSE
      );
    const noElementCanMatch = !strings.length && !numbers.length && !hasNull && !hasTrue && !hasFalse;
    const array: Outcome = noElementCanMatch ? false : src.some ? src.some(elementIn) : 'unknown';
    return {
      null: hasNull,
      string: inList(src.str, strings, stringParam),
      number: inList(src.num, numbers, numberParam),
      boolean: hasTrue && hasFalse ? true : hasTrue ? src.bool : hasFalse ? not(src.bool) : false,
      array,
      object: false,
    };
  }

  private relational(op: Comparison, bound: unknown, src: Source): Outcomes {
    if (typeof bound !== 'number' || !Number.isFinite(bound)) return allOutcomes('unknown');
    const test = (x: number) => compareNumbers(x, op, bound);
    const one = test(1);
    const zero = test(0);
    return {
      null: zero,
      string: 'unknown',
      number: sql(`${src.num.sql} ${op} ${this.numParam(bound).sql}`, ...src.num.bindings, bound),
      boolean: one && zero ? true : !one && !zero ? false : one ? src.bool : not(src.bool),
      array: 'unknown',
      object: false,
    };
  }

  private operator(op: string, operand: unknown, src: Source): Tri {
    switch (op) {
      case '$eq':
        return outcomesToTri(src, this.equals(operand, src));
      case '$ne':
        return triNot(outcomesToTri(src, this.equals(operand, src)));
      case '$in':
        return Array.isArray(operand) ? outcomesToTri(src, this.membership(operand, src)) : EXACT_FALSE;
      case '$nin':
        return Array.isArray(operand)
          ? triNot(outcomesToTri(src, this.membership(operand, src)))
          : EXACT_FALSE;
      case '$exists': {
        const missing = outcomesToTri(src, { ...allOutcomes(false), null: true });
        return operand ? triNot(missing) : missing;
      }
      case '$gt':
        return outcomesToTri(src, this.relational('>', operand, src));
      case '$gte':
        return outcomesToTri(src, this.relational('>=', operand, src));
      case '$lt':
        return outcomesToTri(src, this.relational('<', operand, src));
      case '$lte':
        return outcomesToTri(src, this.relational('<=', operand, src));
      case '$type': {
        const outcomes = allOutcomes(false);
        for (const type of JSON_TYPES) outcomes[type] = operand === type;
        return outcomesToTri(src, outcomes);
      }
      case '$not':
        return triNot(this.valueCondition(operand, src));
      case '$size': {
        const inner = this.valueCondition(operand, this.lengthSource(src));
        return { ...inner, sure: and(src.guard.array, inner.sure), maybe: and(src.guard.array, inner.maybe) };
      }
    }
    if (!(VALUE_OPERATORS as readonly string[]).includes(op)) return EXACT_FALSE;
    // $regex, semver, $all, case-insensitive lists, $elemMatch, saved groups: in memory.
    return op === '$elemMatch' ? OPAQUE : UNKNOWN;
  }

  // --- conditions ----------------------------------------------------------------------------

  condition(condition: unknown): Tri {
    if (!condition || typeof condition !== 'object' || Array.isArray(condition)) return OPAQUE;
    return triAnd(
      Object.entries(condition as Record<string, unknown>).map(([key, operand]) =>
        this.clause(key, operand)
      )
    );
  }

  /** The top-level conjuncts: the condition's clauses, with `$and` lists flattened. */
  conjuncts(condition: Record<string, unknown>): Tri[] {
    const parts: Tri[] = [];
    for (const [key, operand] of Object.entries(condition)) {
      if (key === '$and' && Array.isArray(operand)) {
        for (const item of operand) {
          if (item && typeof item === 'object' && !Array.isArray(item)) {
            parts.push(...this.conjuncts(item as Record<string, unknown>));
          } else parts.push(this.condition(item));
        }
      } else parts.push(this.clause(key, operand));
    }
    return parts;
  }

  private list(operand: unknown): Tri[] | null {
    if (!Array.isArray(operand)) return null;
    return operand.map((item) => this.condition(item));
  }

  private clause(key: string, operand: unknown): Tri {
    switch (key) {
      case '$or':
      case '$nor': {
        const items = this.list(operand);
        if (!items) return OPAQUE;
        const anyOf = items.length === 0 ? EXACT_TRUE : triOr(items);
        return key === '$or' ? anyOf : triNot(anyOf);
      }
      case '$and': {
        const items = this.list(operand);
        return items ? triAnd(items) : OPAQUE;
      }
      case '$not':
        return triNot(this.condition(operand));
      case '$savedGroup':
        return OPAQUE;
      case '$event':
        return this.event(operand);
      case '$date':
        return this.date(operand);
      case '$geo':
        return this.geo(operand);
      case '$context':
        // Request context (stored as the last known context): in memory.
        return OPAQUE;
      case '$segment':
        return this.segment(operand);
      case '$sample':
        return sampleSchema.safeParse(operand).success ? UNKNOWN : OPAQUE;
    }
    if ((EXTENSION_KEYS as readonly string[]).includes(key)) return OPAQUE;
    const src = this.attributeSource(key);
    if (!src) {
      // Still an attribute read; the value condition alone decides whether it can throw.
      return { ...UNKNOWN, mayThrow: true };
    }
    return this.valueCondition(operand, src);
  }

  // --- extensions ----------------------------------------------------------------------------

  private rollupWindow(plan: EventPlan): Sql {
    const { fromDay, toDay } = rollupDayRange(plan.window, this.options.now);
    return and(
      sql('r.event = ?', plan.name),
      fromDay === null ? TRUE : sql('r.day >= ?', fromDay),
      toDay === null ? TRUE : sql('r.day <= ?', toDay)
    );
  }

  private eventWindow(plan: EventPlan): Sql {
    const range = eventTimeRange(plan.window, this.options.now);
    return and(
      sql('e.name = ?', plan.name),
      range.start === null ? TRUE : sql(`e.occurred_at ${range.startInclusive ? '>=' : '>'} ?`, range.start),
      range.end === null ? TRUE : sql(`e.occurred_at ${range.endInclusive ? '<=' : '<'} ?`, range.end)
    );
  }

  private rollupGroups(plan: EventPlan, where: Sql, having: Sql): Sql {
    return {
      sql: `p.id IN (SELECT r.profile_id FROM ${TABLES.rollups} r WHERE ${where.sql} GROUP BY r.profile_id HAVING ${having.sql})`,
      bindings: [...where.bindings, ...having.bindings],
    };
  }

  private event(operand: unknown): Tri {
    try {
      return this.eventPlan(operand);
    } catch {
      // Out-of-range dates: leave the whole question to the evaluator.
      return OPAQUE;
    }
  }

  private eventPlan(operand: unknown): Tri {
    const plan = planEvent(operand);
    if (!plan) return OPAQUE;
    this.eventNames.add(plan.name);
    if (plan.source === 'events') this.rawEvents = true;
    // What the evaluator says for a profile without any such event.
    const zero = compileRule({ $event: operand })(
      { id: 0, attributes: {}, rollups: [], events: [] },
      { now: this.options.now, retentionDays: this.options.retentionDays }
    );
    const measure = plan.measure;
    if (measure.kind !== 'first' && measure.kind !== 'last' && plan.source === 'rollups') {
      // The evaluator adds the same per-day rows (sum of `value`, nulls as 0); avg divides by
      // the event count, and no rows means no match — the `zero` case below.
      const aggregate = {
        count: 'SUM(r.count)',
        activeDays: 'SUM(CASE WHEN r.count > 0 THEN 1 ELSE 0 END)',
        sum: 'SUM(r.value_sum)',
        avg: 'SUM(r.value_sum) * 1.0 / SUM(r.count)',
      }[measure.kind];
      const numberOnly: Source = {
        guard: { ...{ null: FALSE, string: FALSE, boolean: FALSE, array: FALSE, object: FALSE }, number: TRUE },
        num: sql(aggregate),
        str: FALSE,
        bool: FALSE,
        len: FALSE,
      };
      const test = this.valueCondition(measure.condition, numberOnly);
      if (!test.mayThrow && sameSql(test.sure, test.maybe)) {
        const window = this.rollupWindow(plan);
        const exact = zero
          ? not(this.rollupGroups(plan, window, not(test.sure)))
          : this.rollupGroups(plan, window, test.sure);
        return { sure: exact, maybe: exact, mayThrow: false };
      }
    }
    if (plan.source === 'rollups' && (measure.kind === 'first' || measure.kind === 'last')) {
      const aggregate = measure.kind === 'first' ? 'MIN(r.day)' : 'MAX(r.day)';
      const bounds = resolveDateCondition(measure.condition, this.options.now).map(({ op, ms }) =>
        dayBound(aggregate, op, ms)
      );
      const exact = this.rollupGroups(plan, and(this.rollupWindow(plan), sql('r.count > 0')), and(TRUE, ...bounds, sql('COUNT(*) > 0')));
      return { sure: exact, maybe: exact, mayThrow: false };
    }
    const mayThrow = plan.where !== null;
    if (zero) return { ...UNKNOWN, mayThrow };
    // No such event in the window → no match: anyone with one is a candidate.
    const candidates =
      plan.source === 'rollups'
        ? sql(`p.id IN (SELECT r.profile_id FROM ${TABLES.rollups} r WHERE ${this.rollupWindow(plan).sql})`, ...this.rollupWindow(plan).bindings)
        : sql(`p.id IN (SELECT e.profile_id FROM ${TABLES.events} e WHERE ${this.eventWindow(plan).sql})`, ...this.eventWindow(plan).bindings);
    return { sure: FALSE, maybe: candidates, mayThrow };
  }

  private date(operand: unknown): Tri {
    const parsed = dateSchema.safeParse(operand);
    if (!parsed.success) return OPAQUE;
    const { attribute, olderThan, newerThan, anniversaryWithin } = parsed.data;
    if (anniversaryWithin || !Object.prototype.hasOwnProperty.call(PROMOTED_TIME_COLUMNS, attribute)) {
      return UNKNOWN;
    }
    const column = (PROMOTED_TIME_COLUMNS as Record<string, string>)[attribute];
    const nowMs = this.options.now.getTime();
    const exact = and(
      olderThan ? sql(`p.${column} < ?`, nowMs - durationMs(olderThan as { days: number })) : TRUE,
      newerThan ? sql(`p.${column} >= ?`, nowMs - durationMs(newerThan as { days: number })) : TRUE
    );
    return { sure: exact, maybe: exact, mayThrow: false };
  }

  private geo(operand: unknown): Tri {
    const parsed = geoSchema.safeParse(operand);
    if (!parsed.success) return OPAQUE;
    const { near, radiusKm } = parsed.data;
    // The haversine formula in SQL; its float results can differ from JavaScript's in the last
    // bits, so only profiles clearly inside are sure, and a thin band around the circle is
    // decided in memory.
    const rad = Math.PI / 180;
    const pow = this.pg ? 'power' : 'pow';
    const clamp = this.pg ? (x: string) => `LEAST(1, GREATEST(0, ${x}))` : (x: string) => `min(1, max(0, ${x}))`;
    const a =
      `${pow}(sin((p.latitude - ${this.numParam(0).sql}) * ${rad} / 2), 2) + ` +
      `${this.numParam(0).sql} * cos(p.latitude * ${rad}) * ${pow}(sin((p.longitude - ${this.numParam(0).sql}) * ${rad} / 2), 2)`;
    const distance = `2 * ${EARTH_RADIUS_KM} * asin(sqrt(${clamp(a)}))`;
    const aBindings = [near.lat, Math.cos(near.lat * rad), near.lng];
    // 1 m, or 1e-9 of the radius: far above the float differences, even near the antipode.
    const margin = Math.max(1e-3, radiusKm * 1e-9);
    const valid = 'p.latitude >= -90 AND p.latitude <= 90 AND p.longitude >= -180 AND p.longitude <= 180';
    const within = (limit: number, unknownWithoutColumns: boolean) =>
      sql(
        `CASE WHEN p.latitude IS NOT NULL AND p.longitude IS NOT NULL THEN ` +
          `(CASE WHEN ${valid} THEN ${distance} <= ${this.numParam(0).sql} ELSE FALSE END) ` +
          `ELSE ${unknownWithoutColumns ? 'TRUE' : 'FALSE'} END`,
        ...aBindings,
        limit
      );
    // Without both columns the coordinates come from traits: decided in memory.
    return { sure: within(radiusKm - margin, false), maybe: within(radiusKm + margin, true), mayThrow: false };
  }

  private segment(operand: unknown): Tri {
    const parsed = segmentSchema.safeParse(operand);
    if (!parsed.success) return OPAQUE;
    const members = this.options.segmentMembers?.(parsed.data) ?? null;
    if (!members) return EXACT_FALSE;
    this.segmentKeys.add(parsed.data);
    const native = members.toSQL() as { sql: string; bindings: readonly unknown[] };
    const exact = sql(`p.id IN (${native.sql})`, ...native.bindings);
    return { sure: exact, maybe: exact, mayThrow: false };
  }
}

const PLAIN: Record<string, unknown> = {};

function isOperatorObject(value: unknown): boolean {
  const keys = Object.keys(value as object);
  return keys.length > 0 && keys.every((key) => key[0] === '$');
}

function compareNumbers(x: number, op: Comparison, bound: number): boolean {
  switch (op) {
    case '>':
      return x > bound;
    case '>=':
      return x >= bound;
    case '<':
      return x < bound;
    case '<=':
      return x <= bound;
  }
}

/** `dayStartMs(aggregateDay) op ms` as a comparison of `YYYY-MM-DD` strings. */
function dayBound(aggregate: string, op: Comparison, ms: number): Sql {
  switch (op) {
    case '>=':
    case '>': {
      // The first day whose midnight satisfies the bound.
      const limit = op === '>=' ? ms : ms + 1;
      const first = limit % DAY_MS === 0 ? limit : Math.floor(limit / DAY_MS) * DAY_MS + DAY_MS;
      return sql(`${aggregate} >= ?`, utcDay(first));
    }
    case '<=':
    case '<': {
      const limit = op === '<=' ? ms : ms - 1;
      return sql(`${aggregate} <= ?`, utcDay(limit));
    }
  }
}

/**
 * Compiles a rule. `sure`/`maybe` are predicates over `segments_profiles p`; see the module
 * comment. A null rule matches nobody (as in memory).
 */
export function compileRuleToSql(rule: Rule, options: SqlCompileOptions): CompiledSql {
  const compiler = new Compiler(options);
  // null/undefined throw in memory (no match); other non-objects are read like GrowthBook does
  // (Object.entries), which only the evaluator gets right.
  const parts =
    rule === null || rule === undefined
      ? [EXACT_FALSE]
      : typeof rule === 'object' && !Array.isArray(rule)
        ? compiler.conjuncts(rule)
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
    eventNames: [...compiler.eventNames],
    rawEvents: compiler.rawEvents,
    segmentKeys: [...compiler.segmentKeys],
  };
}
