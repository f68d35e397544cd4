/**
 * GrowthBook targeting conditions compiled into closures.
 *
 * The meaning is GrowthBook's `evalCondition` (mongrule) exactly, including its quirks: a missing
 * attribute reads as `null`, comparisons use JavaScript coercion (`null < 25` is true), string
 * equality compares `value + ''`, number equality compares `value * 1`, `$in` intersects when
 * the attribute is an array, `$nor: []` fails, an invalid `$regex` matches nothing. Where
 * GrowthBook throws (a `null` where a condition object is expected) the compiled matcher throws
 * a MalformedConditionError at the same point of the evaluation and the caller fails closed.
 *
 * All parsing happens once at compile time; evaluating is closure calls and property reads.
 */
import type { SavedGroups } from '../types';
import {
  MalformedConditionError,
  always,
  createScope,
  never,
  throwing,
  type ConditionMatcher,
  type ExtensionCompilers,
  type ValueMatcher,
} from './scope';
import {
  caseFold,
  growthbookRegex,
  isIn,
  isInSavedGroup,
  isOperatorObject,
  paddedVersion,
  paddedVersionCached,
  pathReader,
  readPath,
  savedGroupValues,
  typeName,
} from './values';

/** Compiles a condition (the object with attribute paths and logical operators). */
export function compileCondition(
  condition: unknown,
  extensions?: ExtensionCompilers
): ConditionMatcher {
  if (condition === null || condition === undefined) {
    return throwing('a condition must be an object');
  }
  // Object.entries also accepts primitives (a string yields its characters), as in GrowthBook.
  const clauses = Object.entries(condition as object).map(([key, operand]) =>
    compileClause(key, operand, extensions)
  );
  return allOf(clauses);
}

function compileClause(
  key: string,
  operand: unknown,
  extensions: ExtensionCompilers | undefined
): ConditionMatcher {
  switch (key) {
    case '$or':
      return compileAnyOf(operand, extensions);
    case '$nor': {
      const anyOf = compileAnyOf(operand, extensions);
      return (subject, scope) => !anyOf(subject, scope);
    }
    case '$and':
      return compileAllOf(operand, extensions);
    case '$not': {
      const inner = compileCondition(operand, extensions);
      return (subject, scope) => !inner(subject, scope);
    }
    case '$savedGroup':
      return compileSavedGroupReference(operand);
  }
  const extension = extensions?.get(key);
  if (extension) return extension(operand);
  const read = pathReader(key);
  const matches = compileValueCondition(operand);
  return (subject, scope) => matches(read(subject), scope);
}

function allOf(matchers: ConditionMatcher[]): ConditionMatcher {
  switch (matchers.length) {
    case 0:
      return always;
    case 1:
      return matchers[0];
    case 2: {
      const [first, second] = matchers;
      return (subject, scope) => first(subject, scope) && second(subject, scope);
    }
    default:
      return (subject, scope) => {
        for (let i = 0; i < matchers.length; i++) if (!matchers[i](subject, scope)) return false;
        return true;
      };
  }
}

const MAX_LIST_ITEMS = 10000;

/** Reads a list operand the way GrowthBook's loops do: `.length` and index access. */
function listItems(operand: unknown): { empty: boolean; items: unknown[] } | null {
  if (operand === null || operand === undefined) return null;
  if (Array.isArray(operand)) return { empty: operand.length === 0, items: operand };
  const length = (operand as { length?: unknown }).length;
  const items: unknown[] = [];
  const count = Math.min(Number(length), MAX_LIST_ITEMS);
  for (let i = 0; i < count; i++) items.push((operand as Record<number, unknown>)[i]);
  return { empty: !length, items };
}

function compileAnyOf(operand: unknown, extensions?: ExtensionCompilers): ConditionMatcher {
  const list = listItems(operand);
  if (!list) return throwing('$or/$nor needs a list of conditions');
  // GrowthBook: an empty $or passes (so an empty $nor fails).
  if (list.empty) return always;
  const matchers = list.items.map((item) => compileCondition(item, extensions));
  if (matchers.length === 0) return never; // e.g. a `length` of "0": truthy, but no items
  if (matchers.length === 1) return matchers[0];
  return (subject, scope) => {
    for (let i = 0; i < matchers.length; i++) if (matchers[i](subject, scope)) return true;
    return false;
  };
}

function compileAllOf(operand: unknown, extensions?: ExtensionCompilers): ConditionMatcher {
  const list = listItems(operand);
  if (!list) return throwing('$and needs a list of conditions');
  return allOf(list.items.map((item) => compileCondition(item, extensions)));
}

// `$savedGroup` entries arrive at evaluation time; compile each condition entry once.
const savedGroupConditionCache = new WeakMap<object, ConditionMatcher>();

function compileSavedGroupReference(reference: unknown): ConditionMatcher {
  if (!reference || typeof reference !== 'object' || Array.isArray(reference)) return never;
  const { id, attributeKey } = reference as { id?: unknown; attributeKey?: unknown };
  if (typeof id !== 'string') return never;
  // Falling back to the entry's own attribute would check a different population.
  if (attributeKey !== undefined && typeof attributeKey !== 'string') return never;
  return (subject, scope) => {
    if (scope.visited.has(id)) return false;
    const entry = scope.savedGroups[id] as
      | { type?: unknown; attributeKey?: unknown; values?: unknown; condition?: unknown }
      | undefined;
    if (!entry || Array.isArray(entry) || typeof entry !== 'object') return false;
    if (entry.type === 'list') {
      const key = attributeKey ?? entry.attributeKey;
      if (typeof key !== 'string') return false;
      if (!Array.isArray(entry.values)) return false;
      return isIn(readPath(subject, key.split('.')), entry.values);
    }
    if (entry.type === 'condition') {
      const condition = entry.condition;
      if (!condition || typeof condition !== 'object') return false;
      let matcher = savedGroupConditionCache.get(condition);
      if (!matcher) {
        matcher = compileCondition(condition);
        savedGroupConditionCache.set(condition, matcher);
      }
      const visited = new Set(scope.visited).add(id);
      return matcher(subject, { ...scope, visited });
    }
    return false;
  };
}

/**
 * Compiles what stands under an attribute: a literal (equality) or an operator object.
 * `caseInsensitive` only affects a string literal, as in GrowthBook (used by `$alli`).
 */
export function compileValueCondition(condition: unknown, caseInsensitive = false): ValueMatcher {
  switch (typeof condition) {
    case 'string': {
      if (caseInsensitive) {
        const lower = condition.toLowerCase();
        return (value) => String(value).toLowerCase() === lower;
      }
      return (value) => (value as string) + '' === condition;
    }
    case 'number':
      return (value) => (value as number) * 1 === condition;
    case 'boolean':
      return (value) => value !== null && !!value === condition;
  }
  if (condition === null) return (value) => value === null;
  if (condition === undefined) return throwing('missing condition');
  if (Array.isArray(condition) || !isOperatorObject(condition)) {
    return compileLiteralEquality(condition);
  }
  const operators = Object.keys(condition as object).map((operator) =>
    compileOperator(operator, (condition as Record<string, unknown>)[operator])
  );
  return allOf(operators);
}

/** GrowthBook compares arrays and plain objects by their JSON text. */
function compileLiteralEquality(condition: unknown): ValueMatcher {
  let expected: string;
  try {
    expected = JSON.stringify(condition);
  } catch (error) {
    return throwing(`cannot compare with ${String(error)}`);
  }
  // A primitive never serialises to text starting with `[` or `{`.
  const needsObject = expected !== undefined && (expected[0] === '[' || expected[0] === '{');
  return (value) => {
    if (needsObject && (value === null || typeof value !== 'object')) return false;
    return JSON.stringify(value) === expected;
  };
}

function compileMembership(expected: readonly unknown[], caseInsensitive: boolean): ValueMatcher {
  if (caseInsensitive) {
    const folded = new Set(expected.map(caseFold));
    // Strict equality after folding: NaN never matches (a Set would say it does).
    const has = (item: unknown) => {
      const key = caseFold(item);
      return key === key && folded.has(key);
    };
    return (value) => (Array.isArray(value) ? value.some(has) : has(value));
  }
  const set = new Set(expected);
  return (value) => (Array.isArray(value) ? value.some((item) => set.has(item)) : set.has(value));
}

function compileContainsAll(expected: readonly unknown[], caseInsensitive: boolean): ValueMatcher {
  const matchers = expected.map((item) => compileValueCondition(item, caseInsensitive));
  return (value, scope) => {
    if (!Array.isArray(value)) return false;
    for (const matcher of matchers) {
      let found = false;
      for (let j = 0; j < value.length; j++) {
        if (matcher(value[j], scope)) {
          found = true;
          break;
        }
      }
      if (!found) return false;
    }
    return true;
  };
}

function compileOperator(operator: string, expected: unknown): ValueMatcher {
  switch (operator) {
    case '$eq':
      return (value) => value === expected;
    case '$ne':
      return (value) => value !== expected;
    // Relational operators keep JavaScript's coercion on purpose (GrowthBook semantics).
    case '$lt':
      return (value) => (value as number) < (expected as number);
    case '$lte':
      return (value) => (value as number) <= (expected as number);
    case '$gt':
      return (value) => (value as number) > (expected as number);
    case '$gte':
      return (value) => (value as number) >= (expected as number);
    case '$exists':
      return expected ? (value) => value != null : (value) => value == null;
    case '$in':
    case '$ini': {
      if (!Array.isArray(expected)) return never;
      return compileMembership(expected, operator === '$ini');
    }
    case '$nin':
    case '$nini': {
      if (!Array.isArray(expected)) return never;
      const isMember = compileMembership(expected, operator === '$nini');
      return (value, scope) => !isMember(value, scope);
    }
    case '$all':
    case '$alli':
      if (!Array.isArray(expected)) return never;
      return compileContainsAll(expected, operator === '$alli');
    case '$inGroup':
      return (value, scope) => {
        const values = savedGroupValues(scope.savedGroups[expected as string]);
        return values === null ? false : isInSavedGroup(value, values);
      };
    case '$notInGroup':
      return (value, scope) => {
        // No values means matching nobody; an empty list would pass everyone.
        const values = savedGroupValues(scope.savedGroups[expected as string]);
        return values === null ? false : !isInSavedGroup(value, values);
      };
    case '$not': {
      const inner = compileValueCondition(expected);
      return (value, scope) => !inner(value, scope);
    }
    case '$size': {
      const inner = compileValueCondition(expected);
      return (value, scope) => Array.isArray(value) && inner(value.length, scope);
    }
    case '$elemMatch':
      return compileElemMatch(expected);
    case '$regex':
    case '$regexi': {
      const regex = growthbookRegex(expected, operator === '$regexi');
      if (!regex) return never;
      return (value) => regex.test(value as string);
    }
    case '$type':
      return (value) => typeName(value) === expected;
    case '$veq':
    case '$vne':
    case '$vgt':
    case '$vgte':
    case '$vlt':
    case '$vlte':
      return compileVersionComparison(operator, paddedVersion(expected));
    default:
      // GrowthBook logs and fails; validation reports unknown operators at save time.
      return never;
  }
}

function compileVersionComparison(operator: string, expected: string): ValueMatcher {
  switch (operator) {
    case '$veq':
      return (value) => paddedVersionCached(value) === expected;
    case '$vne':
      return (value) => paddedVersionCached(value) !== expected;
    case '$vgt':
      return (value) => paddedVersionCached(value) > expected;
    case '$vgte':
      return (value) => paddedVersionCached(value) >= expected;
    case '$vlt':
      return (value) => paddedVersionCached(value) < expected;
    default:
      return (value) => paddedVersionCached(value) <= expected;
  }
}

function compileElemMatch(expected: unknown): ValueMatcher {
  if (expected === null || expected === undefined) {
    const fail = throwing('$elemMatch needs a condition');
    return (value, scope) => Array.isArray(value) && fail(value, scope);
  }
  // An operator object tests the items themselves; anything else is a condition on each item.
  const check: ValueMatcher = isOperatorObject(expected)
    ? compileValueCondition(expected)
    : compileCondition(expected);
  return (value, scope) => {
    if (!Array.isArray(value)) return false;
    for (let i = 0; i < value.length; i++) {
      // Only nullish items are skipped; 0, '' and false are still tested.
      const item = value[i];
      if (item !== null && item !== undefined && check(item, scope)) return true;
    }
    return false;
  };
}

/** Evaluates a plain GrowthBook condition (no extensions), like `evalCondition`. */
export function evaluateCondition(
  subject: unknown,
  condition: unknown,
  savedGroups?: SavedGroups
): boolean {
  try {
    return compileCondition(condition)(subject, createScope(savedGroups));
  } catch (error) {
    if (error instanceof MalformedConditionError) return false;
    throw error;
  }
}

export * from './scope';
export * from './values';
