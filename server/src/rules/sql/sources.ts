import {
  and,
  FALSE,
  isFalse,
  isTrue,
  or,
  definite,
  sql,
  TRUE,
  type Sql,
  type Tri,
} from './predicates';
import {
  PROMOTED_NUMBER_COLUMNS,
  PROMOTED_STRING_COLUMNS,
  PROMOTED_TIME_COLUMNS,
} from './load-facts';

/**
 * How an attribute reads in SQL on each dialect: a guard per JSON type (traits are JSON; promoted
 * columns override them) and typed value expressions, and how a value condition's outcome per
 * JSON type becomes a three-valued predicate.
 */

export type JsonType = 'null' | 'string' | 'number' | 'boolean' | 'array' | 'object';
export const JSON_TYPES: JsonType[] = ['null', 'string', 'number', 'boolean', 'array', 'object'];

/** How one attribute reads in SQL: a guard per JSON type and typed value expressions. */
export interface Source {
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
export interface Element {
  type: (type: 'null' | 'string' | 'number' | 'true' | 'false') => Sql;
  num: Sql;
  str: Sql;
}

/** The result of a value condition for each JSON type of the attribute. */
export type Outcome = boolean | 'unknown' | Sql;
export type Outcomes = Record<JsonType, Outcome>;

export function outcomesToTri(src: Source, outcomes: Outcomes, mayThrow = false): Tri {
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
  const sure = branch((o) =>
    o === true ? TRUE : o === false || o === 'unknown' ? FALSE : definite(o)
  );
  const maybe = branch((o) =>
    o === true || o === 'unknown' ? TRUE : o === false ? FALSE : definite(o)
  );
  return { sure, maybe, mayThrow };
}

export function allOutcomes(outcome: Outcome): Outcomes {
  return {
    null: outcome,
    string: outcome,
    number: outcome,
    boolean: outcome,
    array: outcome,
    object: outcome,
  };
}

/** Own properties of a plain object: a trait named like one is read in memory. */
const PLAIN: Record<string, unknown> = {};

/** A numeric parameter, typed so Postgres compares as float8. */
export function numParam(pg: boolean, n: number): Sql {
  return pg ? sql('CAST(? AS double precision)', n) : sql('?', n);
}

export function traitSource(pg: boolean, key: string): Source {
  if (pg) {
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
      const names = {
        null: `'null'`,
        string: `'text'`,
        number: `'integer', 'real'`,
        true: `'true'`,
        false: `'false'`,
      };
      const element: Element = {
        type: (t) => sql(`j.type IN (${names[t]})`),
        num: sql('j.value'),
        str: sql('j.value'),
      };
      const where = predicate(element);
      return sql(
        `EXISTS (SELECT 1 FROM json_each(p.traits, ?) AS j WHERE ${where.sql})`,
        path,
        ...where.bindings
      );
    },
  };
}

/** A promoted column overrides the trait of the same name unless it is NULL. */
function promotedSource(pg: boolean, column: string, kind: 'string' | 'number'): Source {
  const trait = traitSource(pg, column);
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

export function attributeSource(pg: boolean, key: string): Source | null {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) || key in PLAIN) return null;
  if (key in PROMOTED_TIME_COLUMNS) return null;
  for (const [attribute, column] of Object.entries(PROMOTED_STRING_COLUMNS)) {
    if (attribute === key) return promotedSource(pg, column, 'string');
  }
  for (const [attribute, column] of Object.entries(PROMOTED_NUMBER_COLUMNS)) {
    if (attribute === key) return promotedSource(pg, column, 'number');
  }
  return traitSource(pg, key);
}

/** The source `$size` tests: the array's length, as a number. */
export function lengthSource(src: Source): Source {
  const guard = {} as Record<JsonType, Sql>;
  for (const type of JSON_TYPES) guard[type] = type === 'number' ? src.guard.array : FALSE;
  return { guard, num: src.len, str: FALSE, bool: FALSE, len: FALSE };
}
