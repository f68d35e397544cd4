/**
 * Save-time validation of rules: every problem, each with the JSON path of the offending node,
 * so nothing malformed or dangerous reaches the evaluators. The plugin's own operators are
 * checked in extension-checks.ts, the size walk and helpers live in support.ts.
 */
import type { ValidationIssue } from '../types';
import { VALUE_OPERATORS, growthbookRegex, isOperatorObject } from '../condition';
import { isExtensionKey } from '../extensions';
import { regexRisks } from '../regex-safety';
import { ExtensionChecks } from './extension-checks';
import {
  CONTEXT_FIELDS,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_NODES,
  SCOPE_LABELS,
  TYPE_NAMES,
  checkSize,
  describe,
  indexPath,
  isPlainObject,
  isPrimitive,
  joinPath,
  likelyTypo,
  type ConditionScope,
  type ValidateOptions,
} from './support';

export {
  CONTEXT_FIELDS,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_NODES,
  joinPath,
  type ValidateOptions,
} from './support';
export { detectCycle, segmentReferences } from '../references';

class Validator extends ExtensionChecks {
  condition(value: unknown, path: string, scope: ConditionScope): void {
    if (!isPlainObject(value)) {
      this.add(path, `must be a condition object, got ${describe(value)}`);
      return;
    }
    for (const [key, operand] of Object.entries(value)) {
      this.clause(key, operand, joinPath(path, key), scope);
    }
  }

  private clause(key: string, operand: unknown, path: string, scope: ConditionScope): void {
    switch (key) {
      case '$and':
      case '$or':
      case '$nor':
        if (!Array.isArray(operand)) {
          this.add(path, `${key} needs an array of conditions, got ${describe(operand)}`);
          return;
        }
        operand.forEach((item, index) => this.condition(item, indexPath(path, index), scope));
        return;
      case '$not':
        this.condition(operand, path, scope);
        return;
      case '$savedGroup':
        this.savedGroupReference(operand, path);
        return;
    }
    if (isExtensionKey(key)) {
      if (scope === 'rule') this.extension(key, operand, path);
      else
        this.add(
          path,
          `${key} can only be used in the rule itself, not inside ${SCOPE_LABELS[scope]}`
        );
      return;
    }
    if ((VALUE_OPERATORS as readonly string[]).includes(key)) {
      this.add(
        path,
        `${key} compares an attribute; put it under one, e.g. { "age": { "${key}": … } }`
      );
      return;
    }
    if (key.startsWith('$')) {
      const known = likelyTypo(key);
      if (known) {
        this.add(path, `unknown operator ${key} (did you mean ${known}?)`);
        return;
      }
    }
    if (key === '' || key.split('.').some((part) => part === '')) {
      this.add(path, 'attribute path must not have empty parts');
      return;
    }
    if (scope === 'context') {
      const field = key.split('.')[0];
      if (!(CONTEXT_FIELDS as readonly string[]).includes(field)) {
        this.add(
          path,
          `unknown context field ${field}; known fields: ${CONTEXT_FIELDS.join(', ')}`
        );
        return;
      }
    }
    this.value(operand, path, scope);
  }

  private savedGroupReference(operand: unknown, path: string): void {
    if (!isPlainObject(operand)) {
      this.add(path, '$savedGroup needs { "id": "<group>" }');
      return;
    }
    const { id, attributeKey, ...rest } = operand;
    if (typeof id !== 'string' || id === '')
      this.add(joinPath(path, 'id'), 'must be a non-empty string');
    else this.segmentReference(id, joinPath(path, 'id'));
    if (attributeKey !== undefined && typeof attributeKey !== 'string') {
      this.add(joinPath(path, 'attributeKey'), 'must be a string');
    }
    for (const key of Object.keys(rest)) this.add(joinPath(path, key), `unknown key ${key}`);
  }

  protected segmentReference(key: string, path: string): void {
    if (this.options.knownSegments && !this.options.knownSegments(key)) {
      this.add(path, `unknown segment "${key}"`);
    }
  }

  /** What stands under an attribute: a literal or an object of operators. */
  private value(condition: unknown, path: string, scope: ConditionScope): void {
    if (!isPlainObject(condition)) return; // literals and arrays compare by equality
    const keys = Object.keys(condition);
    const operators = keys.filter((key) => key.startsWith('$'));
    if (operators.length === 0) return; // a literal object, compared as JSON
    if (operators.length !== keys.length) {
      const plain = keys.filter((key) => !key.startsWith('$'));
      this.add(
        path,
        `mixes operators (${operators.join(', ')}) with plain keys (${plain.join(', ')}); ` +
          'GrowthBook would compare the whole object literally'
      );
      return;
    }
    for (const operator of operators) {
      this.operator(operator, condition[operator], joinPath(path, operator), scope);
    }
  }

  private operator(operator: string, operand: unknown, path: string, scope: ConditionScope): void {
    switch (operator) {
      case '$eq':
      case '$ne':
        if (!isPrimitive(operand)) {
          this.add(
            path,
            `${operator} needs a string, number, boolean or null, got ${describe(operand)}`
          );
        }
        return;
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        if (
          !(
            typeof operand === 'string' ||
            (typeof operand === 'number' && Number.isFinite(operand))
          )
        ) {
          this.add(path, `${operator} needs a number or a string, got ${describe(operand)}`);
        }
        return;
      case '$in':
      case '$nin':
      case '$ini':
      case '$nini': {
        if (!Array.isArray(operand)) {
          this.add(path, `${operator} needs an array, got ${describe(operand)}`);
          return;
        }
        const insensitive = operator === '$ini' || operator === '$nini';
        operand.forEach((item, index) => {
          const ok = insensitive
            ? typeof item === 'string' || (typeof item === 'number' && Number.isFinite(item))
            : isPrimitive(item);
          if (!ok) {
            this.add(
              indexPath(path, index),
              insensitive
                ? 'must be a string or a number'
                : 'must be a string, number, boolean or null'
            );
          }
        });
        return;
      }
      case '$all':
      case '$alli':
        if (!Array.isArray(operand)) {
          this.add(path, `${operator} needs an array, got ${describe(operand)}`);
          return;
        }
        operand.forEach((item, index) => this.value(item, indexPath(path, index), scope));
        return;
      case '$regex':
      case '$regexi':
        this.regex(operator, operand, path);
        return;
      case '$exists':
        if (typeof operand !== 'boolean')
          this.add(path, `$exists needs true or false, got ${describe(operand)}`);
        return;
      case '$type':
        if (typeof operand !== 'string' || !TYPE_NAMES.includes(operand)) {
          this.add(path, `$type needs one of ${TYPE_NAMES.join(', ')}, got ${describe(operand)}`);
        }
        return;
      case '$size':
        if (typeof operand === 'number') {
          if (!Number.isInteger(operand) || operand < 0)
            this.add(path, '$size needs a whole number ≥ 0');
        } else if (isPlainObject(operand) && isOperatorObject(operand)) {
          this.value(operand, path, scope);
        } else {
          this.add(
            path,
            `$size needs a number or a condition such as { "$gt": 2 }, got ${describe(operand)}`
          );
        }
        return;
      case '$elemMatch':
        if (!isPlainObject(operand) || Object.keys(operand).length === 0) {
          this.add(path, `$elemMatch needs a non-empty condition object, got ${describe(operand)}`);
        } else if (isOperatorObject(operand)) {
          this.value(operand, path, scope);
        } else {
          this.condition(operand, path, 'element');
        }
        return;
      case '$not':
        this.value(operand, path, scope);
        return;
      case '$veq':
      case '$vne':
      case '$vgt':
      case '$vgte':
      case '$vlt':
      case '$vlte':
        if (typeof operand !== 'string' || operand === '') {
          this.add(
            path,
            `${operator} needs a version string such as "1.2.3", got ${describe(operand)}`
          );
        }
        return;
      case '$inGroup':
      case '$notInGroup':
        if (typeof operand !== 'string' || operand === '') {
          this.add(path, `${operator} needs a segment key, got ${describe(operand)}`);
        } else {
          this.segmentReference(operand, path);
        }
        return;
      default:
        this.add(path, `unknown operator ${operator}`);
    }
  }

  private regex(operator: string, pattern: unknown, path: string): void {
    if (typeof pattern !== 'string') {
      this.add(path, `${operator} needs a pattern string, got ${describe(pattern)}`);
      return;
    }
    const insensitive = operator === '$regexi';
    try {
      new RegExp(pattern, insensitive ? 'i' : undefined);
    } catch (error) {
      this.add(path, `is not a valid regular expression: ${(error as Error).message}`);
      return;
    }
    if (!growthbookRegex(pattern, insensitive)) {
      this.add(path, 'never matches: GrowthBook reads this pattern as a built-in property name');
      return;
    }
    for (const risk of regexRisks(pattern, insensitive)) {
      this.add(path, `risks catastrophic backtracking: ${risk}`);
    }
  }
}

/** Every problem with a rule; an empty list means it can be saved. */
export function validateRule(rule: unknown, options: ValidateOptions): ValidationIssue[] {
  const size = checkSize(
    rule,
    options.maxDepth ?? DEFAULT_MAX_DEPTH,
    options.maxNodes ?? DEFAULT_MAX_NODES
  );
  if (size.tooDeepToWalk) return size.issues;
  const validator = new Validator(options);
  validator.condition(rule, '', 'rule');
  return [...size.issues, ...validator.issues];
}
