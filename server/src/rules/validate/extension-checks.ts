import type { z } from 'zod';
import type { ValidationIssue } from '../types';
import {
  type EventPlan,
  dateSchema,
  eventSchema,
  geoSchema,
  planEvent,
  sampleSchema,
  segmentSchema,
} from '../extensions';
import { DAY_MS } from '../time';
import {
  describe,
  indexPath,
  isPlainObject,
  joinPath,
  type ConditionScope,
  type ValidateOptions,
} from './support';

/**
 * Checks of the plugin's own operators (`$event`, `$date`, `$geo`, `$sample`, `$segment`,
 * `$context`), and zod's messages turned into path-named issues. The base of the validator in
 * index.ts, which supplies the condition walk and segment references.
 */
export abstract class ExtensionChecks {
  readonly issues: ValidationIssue[] = [];

  constructor(protected readonly options: ValidateOptions) {}

  protected add(path: string, message: string): void {
    this.issues.push({ path, message });
  }

  abstract condition(value: unknown, path: string, scope: ConditionScope): void;
  protected abstract segmentReference(key: string, path: string): void;

  protected zod(error: z.ZodError, path: string): void {
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

  protected extension(key: string, operand: unknown, path: string): void {
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
