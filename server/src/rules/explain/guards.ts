/**
 * The `$exists` guard the segment builder adds to comparisons that would also match a missing
 * attribute (`{ age: { $lt: 25 } }` becomes `{ age: { $exists: true, $lt: 25 } }`).
 */
import type { Rule } from '../types';
import { isOperatorObject } from '../condition';
import { isExtensionKey } from '../extensions';
import { isPlainObject, matchesMissing } from './missing';

/** Comparisons that order values; with a missing attribute they compare against null. */
const COMPARISON_OPERATORS = [
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$veq',
  '$vgt',
  '$vgte',
  '$vlt',
  '$vlte',
];

function guardValue(condition: unknown): unknown {
  if (!isPlainObject(condition) || !isOperatorObject(condition) || '$exists' in condition)
    return condition;
  if (!Object.keys(condition).some((operator) => COMPARISON_OPERATORS.includes(operator)))
    return condition;
  if (!matchesMissing(condition)) return condition;
  // First, so a missing attribute fails before any comparison runs.
  return { $exists: true, ...condition };
}

function guardCondition(condition: unknown, extensions: boolean): unknown {
  if (!isPlainObject(condition)) return condition;
  const guarded: Record<string, unknown> = {};
  for (const [key, operand] of Object.entries(condition)) {
    if ((key === '$and' || key === '$or' || key === '$nor') && Array.isArray(operand)) {
      guarded[key] = operand.map((item) => guardCondition(item, extensions));
    } else if (key === '$not') {
      guarded[key] = guardCondition(operand, extensions);
    } else if (key === '$savedGroup') {
      guarded[key] = operand;
    } else if (extensions && key === '$context') {
      guarded[key] = guardCondition(operand, false);
    } else if (
      extensions &&
      key === '$event' &&
      isPlainObject(operand) &&
      isPlainObject(operand.where)
    ) {
      guarded[key] = { ...operand, where: guardCondition(operand.where, false) };
    } else if (extensions && isExtensionKey(key)) {
      guarded[key] = operand;
    } else {
      guarded[key] = guardValue(operand);
    }
  }
  return guarded;
}

/**
 * Adds `$exists: true` to every attribute comparison (`$gt/$gte/$lt/$lte`, version comparisons)
 * that would otherwise match a missing attribute — what an editor means by "age < 25".
 * Returns a new rule; attribute conditions inside `$context` and `$event.where` are guarded too.
 */
export function guardComparisons(rule: Rule): Rule {
  return guardCondition(rule, true) as Rule;
}
