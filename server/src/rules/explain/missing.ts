/**
 * Which conditions also match a missing attribute (GrowthBook reads it as null), and which
 * attributes a conjunction already requires — shared by the explanation and the guards.
 */
import { compileValueCondition, createScope } from '../condition';
import { isExtensionKey } from '../extensions';

const LOGICAL = new Set(['$and', '$or', '$nor', '$not', '$savedGroup']);

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isAttributeKey(key: string, extensions: boolean): boolean {
  return !LOGICAL.has(key) && !(extensions && isExtensionKey(key));
}

/** Whether a value condition matches a missing attribute (which GrowthBook reads as null). */
export function matchesMissing(condition: unknown): boolean {
  try {
    return compileValueCondition(condition)(null, createScope());
  } catch {
    return false;
  }
}

/** Conditions written about absence itself need no "also matches …" note. */
export function isAboutAbsence(condition: unknown): boolean {
  if (condition === null) return true;
  if (!isPlainObject(condition)) return false;
  return (
    '$exists' in condition ||
    condition.$type === 'null' ||
    condition.$eq === null ||
    (Array.isArray(condition.$in) && condition.$in.includes(null))
  );
}

/** Attribute paths a condition requires to be present (it cannot match without them). */
export function requiredAttributes(condition: unknown, extensions: boolean): Set<string> {
  const required = new Set<string>();
  if (!isPlainObject(condition)) return required;
  for (const [key, operand] of Object.entries(condition)) {
    if (key === '$and' && Array.isArray(operand)) {
      for (const item of operand)
        requiredAttributes(item, extensions).forEach((k) => required.add(k));
    } else if (key === '$or' && Array.isArray(operand) && operand.length > 0) {
      // Required by every branch, required by the $or.
      const [first, ...rest] = operand.map((item) => requiredAttributes(item, extensions));
      first.forEach((k) => rest.every((set) => set.has(k)) && required.add(k));
    } else if (isAttributeKey(key, extensions) && !matchesMissing(operand)) {
      required.add(key);
    }
  }
  return required;
}
