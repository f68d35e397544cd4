/**
 * Save-time validation of rules: every problem, each with the JSON path of the offending node,
 * so nothing malformed or dangerous reaches the evaluators.
 */
import type { z } from 'zod';
import type { ValidationIssue } from './types';
import { LOGICAL_OPERATORS, VALUE_OPERATORS, growthbookRegex, isOperatorObject } from './condition';
import {
  EXTENSION_KEYS,
  type EventPlan,
  dateSchema,
  eventSchema,
  geoSchema,
  isExtensionKey,
  planEvent,
  sampleSchema,
  segmentSchema,
} from './extensions';
import { regexRisks } from './regex-safety';
import { DAY_MS } from './time';

export interface ValidateOptions {
  /** How many days raw events are kept; windows over raw events may not reach further back. */
  retentionDays: number;
  /** Whether a segment key exists; without it, references are not checked. */
  knownSegments?: (key: string) => boolean;
  /** Deepest nesting of JSON objects (arrays do not count), the root being 1. Default 10. */
  maxDepth?: number;
  /** Most key/value pairs in the whole rule (items of a list operand like `$in` do not count). Default 200. */
  maxNodes?: number;
  /** "Now" for absolute windows checked against retention. Default: the current time. */
  now?: Date;
}

export const DEFAULT_MAX_DEPTH = 10;
export const DEFAULT_MAX_NODES = 200;

/** Fields `$context` conditions may name (besides nested `utm.*`). */
export const CONTEXT_FIELDS = [
  'device',
  'os',
  'browser',
  'utm',
  'referrer',
  'timezone',
  'localHour',
  'weekday',
] as const;

const TYPE_NAMES = ['string', 'number', 'boolean', 'array', 'object', 'null'];

/** Where a condition sits, which decides what it may contain. */
type ConditionScope = 'rule' | 'context' | 'properties' | 'element';

const SCOPE_LABELS: Record<Exclude<ConditionScope, 'rule'>, string> = {
  context: '$context',
  properties: '$event.where',
  element: '$elemMatch',
};

export function joinPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

const indexPath = (path: string, index: number) => `${path}[${index}]`;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isPrimitive = (value: unknown) =>
  value === null ||
  typeof value === 'string' ||
  typeof value === 'boolean' ||
  (typeof value === 'number' && Number.isFinite(value));

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

const CONDITION_LEVEL_KEYS: readonly string[] = [...LOGICAL_OPERATORS, ...EXTENSION_KEYS];

/** A reserved name a `$key` is probably a typo of (GrowthBook would read it as an attribute). */
function likelyTypo(key: string): string | null {
  const tolerance = key.length <= 5 ? 1 : 2;
  for (const known of CONDITION_LEVEL_KEYS) {
    if (editDistance(key.toLowerCase(), known.toLowerCase()) <= tolerance) return known;
  }
  return null;
}

/** Walks the JSON without recursion: size and depth limits, before anything else. */
function checkSize(
  rule: unknown,
  maxDepth: number,
  maxNodes: number
): { issues: ValidationIssue[]; tooDeepToWalk: boolean } {
  const issues: ValidationIssue[] = [];
  let nodes = 0;
  let deepest = 0;
  let depthReported = false;
  const stack: Array<{ value: unknown; path: string; depth: number }> = [
    { value: rule, path: '', depth: 0 },
  ];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop() as { value: unknown; path: string; depth: number };
    deepest = Math.max(deepest, depth);
    const children: Array<{ value: unknown; path: string; depth: number }> = [];
    if (Array.isArray(value)) {
      value.forEach((item, index) =>
        children.push({ value: item, path: indexPath(path, index), depth })
      );
    } else if (isPlainObject(value)) {
      const level = depth + 1;
      if (level > maxDepth && !depthReported) {
        issues.push({
          path,
          message: `nests deeper than ${maxDepth} levels`,
        });
        depthReported = true;
      }
      for (const [key, child] of Object.entries(value)) {
        nodes++;
        children.push({ value: child, path: joinPath(path, key), depth: level });
      }
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  if (nodes > maxNodes) {
    issues.unshift({ path: '', message: `has ${nodes} nodes, more than the ${maxNodes} allowed` });
  }
  // The detailed checks recurse; leave absurdly deep input at the size error.
  return { issues, tooDeepToWalk: deepest > Math.max(maxDepth, DEFAULT_MAX_DEPTH) * 5 };
}

class Validator {
  readonly issues: ValidationIssue[] = [];

  constructor(private readonly options: ValidateOptions) {}

  private add(path: string, message: string): void {
    this.issues.push({ path, message });
  }

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

  private segmentReference(key: string, path: string): void {
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

  private zod(error: z.ZodError, path: string): void {
    for (const issue of error.issues) {
      const at = issue.path.reduce<string>(
        (acc, part) => (typeof part === 'number' ? indexPath(acc, part) : joinPath(acc, part)),
        path
      );
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) this.add(joinPath(at, key), `unknown key ${key}`);
      } else if (issue.code === 'invalid_type') {
        this.add(
          at,
          issue.received === 'undefined'
            ? 'is required'
            : `must be ${issue.expected}, got ${issue.received}`
        );
      } else {
        this.add(at, issue.message);
      }
    }
  }

  private extension(key: string, operand: unknown, path: string): void {
    switch (key) {
      case '$event':
        this.event(operand, path);
        return;
      case '$context':
        this.condition(operand, path, 'context');
        return;
      case '$segment': {
        const parsed = segmentSchema.safeParse(operand);
        if (!parsed.success) this.zod(parsed.error, path);
        else this.segmentReference(parsed.data, path);
        return;
      }
      default: {
        const schema = key === '$date' ? dateSchema : key === '$geo' ? geoSchema : sampleSchema;
        const parsed = schema.safeParse(operand);
        if (!parsed.success) this.zod(parsed.error, path);
      }
    }
  }

  private event(operand: unknown, path: string): void {
    const parsed = eventSchema.safeParse(operand);
    if (!parsed.success) {
      this.zod(parsed.error, path);
      // Still check the parts zod leaves to us, so one pass reports everything.
      if (!isPlainObject(operand)) return;
    }
    const spec = operand as Record<string, unknown>;
    for (const measure of ['count', 'activeDays', 'sum', 'avg'] as const) {
      if (spec[measure] !== undefined)
        this.numericCondition(spec[measure], joinPath(path, measure));
    }
    if (isPlainObject(spec.where))
      this.condition(spec.where, joinPath(path, 'where'), 'properties');
    const plan = parsed.success ? planEvent(operand) : null;
    if (plan && plan.source === 'events') this.retention(plan, path);
  }

  /** A count, number of days or amount: a number or numeric comparisons. */
  private numericCondition(condition: unknown, path: string): void {
    if (typeof condition === 'number' && Number.isFinite(condition)) return;
    const hint = 'needs a number or a numeric condition such as { "$gte": 3 }';
    if (!isPlainObject(condition) || Object.keys(condition).length === 0) {
      this.add(path, `${hint}, got ${describe(condition)}`);
      return;
    }
    for (const [operator, operand] of Object.entries(condition)) {
      const at = joinPath(path, operator);
      switch (operator) {
        case '$eq':
        case '$ne':
        case '$gt':
        case '$gte':
        case '$lt':
        case '$lte':
          if (typeof operand !== 'number' || !Number.isFinite(operand)) {
            this.add(at, `${operator} needs a number, got ${describe(operand)}`);
          }
          break;
        case '$in':
        case '$nin':
          if (
            !Array.isArray(operand) ||
            !operand.every((n) => typeof n === 'number' && Number.isFinite(n))
          ) {
            this.add(at, `${operator} needs an array of numbers`);
          }
          break;
        case '$not':
          this.numericCondition(operand, at);
          break;
        default:
          this.add(
            at,
            `${operator} is not a numeric comparison (use $eq, $ne, $gt, $gte, $lt, $lte, $in, $nin, $not)`
          );
      }
    }
  }

  /** Raw events exist for `retentionDays` only; a window reaching further would miss data. */
  private retention(plan: EventPlan, path: string): void {
    const days = this.options.retentionDays;
    const reason = rawEventReason(plan);
    const kept = `raw events, kept ${days} days`;
    const window = plan.window;
    const withinPath = joinPath(path, 'within');
    switch (window.kind) {
      case 'all':
        this.add(withinPath, `is required: this $event reads ${kept} (because of ${reason})`);
        return;
      case 'days':
        if (window.days > days) {
          this.add(
            joinPath(withinPath, 'days'),
            `${window.days} days reaches beyond the ${kept} (read because of ${reason})`
          );
        }
        return;
      case 'hours':
        if (window.hours > days * 24) {
          this.add(
            joinPath(withinPath, 'hours'),
            `${window.hours} hours reaches beyond the ${kept}`
          );
        }
        return;
      case 'range': {
        const now = (this.options.now ?? new Date()).getTime();
        if (window.from === null) {
          this.add(
            joinPath(withinPath, 'from'),
            `is required: this $event reads ${kept} (because of ${reason})`
          );
        } else if (window.from < now - days * DAY_MS) {
          this.add(
            joinPath(withinPath, 'from'),
            `starts before the ${kept} (read because of ${reason})`
          );
        }
      }
    }
  }
}

function rawEventReason(plan: EventPlan): string {
  if (plan.where !== null) return 'where';
  if (plan.property !== 'value') return `property "${plan.property}"`;
  if (plan.window.kind === 'hours') return 'an hour window';
  if (plan.window.kind === 'range') return 'a time of day in the window';
  return 'an hour-based date condition';
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

// ---------------------------------------------------------------------------------------------
// Segment references

/**
 * Keys of the segments a rule refers to (`$segment`, `$inGroup`, `$notInGroup`,
 * `$savedGroup.id`), in order of first appearance.
 */
export function segmentReferences(rule: unknown): string[] {
  const found = new Set<string>();
  // Iterative pre-order walk: rules are not validated yet and may be arbitrarily deep.
  const stack: Array<{ key: string | null; value: unknown }> = [{ key: null, value: rule }];
  while (stack.length > 0) {
    const { key, value } = stack.pop() as { key: string | null; value: unknown };
    if (
      (key === '$segment' || key === '$inGroup' || key === '$notInGroup') &&
      typeof value === 'string'
    ) {
      found.add(value);
    } else if (key === '$savedGroup' && isPlainObject(value) && typeof value.id === 'string') {
      found.add(value.id);
    }
    const children: Array<{ key: string | null; value: unknown }> = Array.isArray(value)
      ? value.map((item) => ({ key: null, value: item }))
      : isPlainObject(value)
        ? Object.entries(value).map(([childKey, child]) => ({ key: childKey, value: child }))
        : [];
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return [...found];
}

/**
 * A cycle in a segment → referenced segments graph, as the path that closes it
 * (`['a', 'b', 'a']`), or null. Keys missing from the graph are leaves.
 */
export function detectCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | null {
  const done = new Set<string>();
  const onPath = new Map<string, number>(); // node → its index in `path`
  const path: string[] = [];

  const visit = (node: string): string[] | null => {
    const at = onPath.get(node);
    if (at !== undefined) return [...path.slice(at), node];
    if (done.has(node)) return null;
    onPath.set(node, path.length);
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    onPath.delete(node);
    done.add(node);
    return null;
  };

  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return null;
}
