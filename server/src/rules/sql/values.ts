import { VALUE_OPERATORS } from '../condition';
import type { Comparison } from '../extensions';
import {
  and,
  EXACT_FALSE,
  FALSE,
  not,
  OPAQUE,
  or,
  sql,
  triAnd,
  triNot,
  UNKNOWN,
  type Sql,
  type Tri,
} from './predicates';
import {
  allOutcomes,
  JSON_TYPES,
  lengthSource,
  numParam,
  outcomesToTri,
  type Element,
  type Outcome,
  type Outcomes,
  type Source,
} from './sources';

/** Value conditions (GrowthBook's operators on one attribute) as predicates per JSON type. */

function isOperatorObject(value: unknown): boolean {
  const keys = Object.keys(value as object);
  return keys.length > 0 && keys.every((key) => key[0] === '$');
}

export function compareNumbers(x: number, op: Comparison, bound: number): boolean {
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

export function valueCondition(pg: boolean, condition: unknown, src: Source): Tri {
  switch (typeof condition) {
    case 'string':
      return outcomesToTri(src, stringLiteral(pg, condition, src));
    case 'number':
      return outcomesToTri(src, numberLiteral(pg, condition, src));
    case 'boolean':
      return outcomesToTri(src, {
        null: false,
        string: sql(
          `(LENGTH(${src.str.sql}) > 0) = ${condition ? 'TRUE' : 'FALSE'}`,
          ...src.str.bindings
        ),
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
    operator(pg, op, operand, src)
  );
  return triAnd(parts);
}

function stringLiteral(pg: boolean, text: string, src: Source): Outcomes {
  const asNumber = Number(text);
  return {
    null: text === 'null',
    string: sql(`${src.str.sql} = ?`, ...src.str.bindings, text),
    // String(n) === text exactly when n === Number(text) and text is Number's own spelling.
    number:
      text !== '' && Number.isFinite(asNumber) && String(asNumber) === text
        ? sql(`${src.num.sql} = ${numParam(pg, asNumber).sql}`, ...src.num.bindings, asNumber)
        : false,
    boolean: text === 'true' ? src.bool : text === 'false' ? not(src.bool) : false,
    array: 'unknown',
    object: text === '[object Object]',
  };
}

function numberLiteral(pg: boolean, n: number, src: Source): Outcomes {
  return {
    null: n === 0,
    string: 'unknown',
    number: Number.isFinite(n)
      ? sql(`${src.num.sql} = ${numParam(pg, n).sql}`, ...src.num.bindings, n)
      : false,
    boolean: n === 1 ? src.bool : n === 0 ? not(src.bool) : false,
    array: 'unknown',
    object: false,
  };
}

function equals(pg: boolean, expected: unknown, src: Source): Outcomes {
  const none = allOutcomes(false);
  if (expected === null) return { ...none, null: true };
  if (typeof expected === 'string')
    return { ...none, string: sql(`${src.str.sql} = ?`, ...src.str.bindings, expected) };
  if (typeof expected === 'number') {
    return Number.isFinite(expected)
      ? {
          ...none,
          number: sql(
            `${src.num.sql} = ${numParam(pg, expected).sql}`,
            ...src.num.bindings,
            expected
          ),
        }
      : none;
  }
  if (typeof expected === 'boolean')
    return { ...none, boolean: expected ? src.bool : not(src.bool) };
  return none;
}

function membership(pg: boolean, list: unknown[], src: Source): Outcomes {
  const strings = [...new Set(list.filter((v): v is string => typeof v === 'string'))];
  const numbers = [
    ...new Set(list.filter((v): v is number => typeof v === 'number' && Number.isFinite(v))),
  ];
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
  const numberParam = (v: unknown) => numParam(pg, v as number);
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

function relational(pg: boolean, op: Comparison, bound: unknown, src: Source): Outcomes {
  if (typeof bound !== 'number' || !Number.isFinite(bound)) return allOutcomes('unknown');
  const test = (x: number) => compareNumbers(x, op, bound);
  const one = test(1);
  const zero = test(0);
  return {
    null: zero,
    string: 'unknown',
    number: sql(`${src.num.sql} ${op} ${numParam(pg, bound).sql}`, ...src.num.bindings, bound),
    boolean: one && zero ? true : !one && !zero ? false : one ? src.bool : not(src.bool),
    array: 'unknown',
    object: false,
  };
}

function operator(pg: boolean, op: string, operand: unknown, src: Source): Tri {
  switch (op) {
    case '$eq':
      return outcomesToTri(src, equals(pg, operand, src));
    case '$ne':
      return triNot(outcomesToTri(src, equals(pg, operand, src)));
    case '$in':
      return Array.isArray(operand)
        ? outcomesToTri(src, membership(pg, operand, src))
        : EXACT_FALSE;
    case '$nin':
      return Array.isArray(operand)
        ? triNot(outcomesToTri(src, membership(pg, operand, src)))
        : EXACT_FALSE;
    case '$exists': {
      const missing = outcomesToTri(src, { ...allOutcomes(false), null: true });
      return operand ? triNot(missing) : missing;
    }
    case '$gt':
      return outcomesToTri(src, relational(pg, '>', operand, src));
    case '$gte':
      return outcomesToTri(src, relational(pg, '>=', operand, src));
    case '$lt':
      return outcomesToTri(src, relational(pg, '<', operand, src));
    case '$lte':
      return outcomesToTri(src, relational(pg, '<=', operand, src));
    case '$type': {
      const outcomes = allOutcomes(false);
      for (const type of JSON_TYPES) outcomes[type] = operand === type;
      return outcomesToTri(src, outcomes);
    }
    case '$not':
      return triNot(valueCondition(pg, operand, src));
    case '$size': {
      const inner = valueCondition(pg, operand, lengthSource(src));
      return {
        ...inner,
        sure: and(src.guard.array, inner.sure),
        maybe: and(src.guard.array, inner.maybe),
      };
    }
  }
  if (!(VALUE_OPERATORS as readonly string[]).includes(op)) return EXACT_FALSE;
  // $regex, semver, $all, case-insensitive lists, $elemMatch, saved groups: in memory.
  return op === '$elemMatch' ? OPAQUE : UNKNOWN;
}
