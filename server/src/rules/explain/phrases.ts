/**
 * Words for values, quantities, durations, windows and dates in rule explanations.
 */
import type { DateCondition, EventWindow } from '../extensions';
import type { Duration } from '../time';
import { isPlainObject } from './missing';

export function formatValue(value: unknown): string {
  if (typeof value === 'string')
    return /^[\w.@:+\-/]+$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null)
    return String(value);
  return JSON.stringify(value) ?? String(value);
}

export function formatList(values: unknown): string {
  return Array.isArray(values) ? values.map(formatValue).join(', ') : formatValue(values);
}

export const TYPE_ARTICLES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'a boolean',
  array: 'an array',
  object: 'an object',
  null: 'null',
};

export function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

export function durationPhrase(duration: Duration): string {
  return 'days' in duration ? plural(duration.days, 'day') : plural(duration.hours, 'hour');
}

/** "at least 5", "exactly 0", "between …": a numeric condition as a quantity. */
export function quantity(condition: unknown): string {
  if (typeof condition === 'number') return `exactly ${condition}`;
  if (!isPlainObject(condition)) return formatValue(condition);
  const words: Record<string, string> = {
    $eq: 'exactly',
    $ne: 'other than',
    $gt: 'more than',
    $gte: 'at least',
    $lt: 'less than',
    $lte: 'at most',
    $in: 'one of',
    $nin: 'none of',
  };
  return Object.entries(condition)
    .map(([operator, operand]) =>
      operator === '$not'
        ? `not ${quantity(operand)}`
        : `${words[operator] ?? operator} ${formatList(operand)}`
    )
    .join(' and ');
}

export function isZero(condition: unknown): boolean {
  return (
    condition === 0 ||
    (isPlainObject(condition) && Object.keys(condition).length === 1 && condition.$eq === 0)
  );
}

export function windowPhrase(window: EventWindow): string {
  switch (window.kind) {
    case 'all':
      return '';
    case 'days':
      return window.days === 1 ? 'today' : `in the last ${window.days} days`;
    case 'hours':
      return `in the last ${plural(window.hours, 'hour')}`;
    case 'range': {
      const day = (ms: number) => {
        const iso = new Date(ms).toISOString();
        return ms % 86_400_000 === 0 ? iso.slice(0, 10) : iso;
      };
      if (window.from !== null && window.to !== null)
        return `from ${day(window.from)} until before ${day(window.to)}`;
      return window.from !== null
        ? `since ${day(window.from)}`
        : `before ${day(window.to as number)}`;
    }
  }
}

export function datePhrase(condition: DateCondition): string {
  const parts: string[] = [];
  if (condition.$within) {
    parts.push(
      'days' in condition.$within && condition.$within.days === 1
        ? 'today'
        : `in the last ${durationPhrase(condition.$within)}`
    );
  }
  if (condition.$before) parts.push(`before the last ${durationPhrase(condition.$before)}`);
  if (condition.$gt !== undefined) parts.push(`after ${condition.$gt}`);
  if (condition.$gte !== undefined) parts.push(`on or after ${condition.$gte}`);
  if (condition.$lt !== undefined) parts.push(`before ${condition.$lt}`);
  if (condition.$lte !== undefined) parts.push(`on or before ${condition.$lte}`);
  return parts.join(' and ');
}

export function sentence(...parts: string[]): string {
  return parts.filter((part) => part !== '').join(' ');
}
