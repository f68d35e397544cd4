/**
 * Plain-English rendering of rules for the admin and logs, and the `$exists` guard the segment
 * builder adds to comparisons.
 *
 * GrowthBook reads a missing attribute as null, and `null < 25` is true, so
 * `{ "age": { "$lt": 25 } }` also matches profiles without an age. The explanation says so
 * whenever an attribute condition would match a missing value, unless the same conjunction
 * already requires the attribute (e.g. `$exists: true` next to it).
 */
import type { Rule } from './types';
import { compileValueCondition, createScope, isOperatorObject } from './condition';
import {
  type DateCondition,
  type EventPlan,
  type EventWindow,
  isExtensionKey,
  planEvent,
} from './extensions';
import type { Duration } from './time';

type Kind = 'atom' | 'and' | 'or';
interface Phrase {
  text: string;
  kind: Kind;
}

/** Who a condition is about, for "also matches … with no X" notes. */
interface Subject {
  noun: string;
  prefix: string;
}

const PROFILES: Subject = { noun: 'profiles', prefix: '' };
const REQUESTS: Subject = { noun: 'requests', prefix: 'context.' };
const EVENTS: Subject = { noun: 'events', prefix: '' };
const ITEMS: Subject = { noun: 'items', prefix: '' };

const LOGICAL = new Set(['$and', '$or', '$nor', '$not', '$savedGroup']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
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
function isAboutAbsence(condition: unknown): boolean {
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
function requiredAttributes(condition: unknown, extensions: boolean): Set<string> {
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

// --- values ----------------------------------------------------------------------------------

function formatValue(value: unknown): string {
  if (typeof value === 'string')
    return /^[\w.@:+\-/]+$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null)
    return String(value);
  return JSON.stringify(value) ?? String(value);
}

function formatList(values: unknown): string {
  return Array.isArray(values) ? values.map(formatValue).join(', ') : formatValue(values);
}

const TYPE_ARTICLES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'a boolean',
  array: 'an array',
  object: 'an object',
  null: 'null',
};

function operatorPhrase(name: string, operator: string, operand: unknown): string {
  switch (operator) {
    case '$eq':
      return `${name} is ${formatValue(operand)}`;
    case '$ne':
      return `${name} is not ${formatValue(operand)}`;
    case '$gt':
      return `${name} is greater than ${formatValue(operand)}`;
    case '$gte':
      return `${name} is at least ${formatValue(operand)}`;
    case '$lt':
      return `${name} is less than ${formatValue(operand)}`;
    case '$lte':
      return `${name} is at most ${formatValue(operand)}`;
    case '$in':
      return `${name} is one of ${formatList(operand)}`;
    case '$nin':
      return `${name} is none of ${formatList(operand)}`;
    case '$ini':
      return `${name} is one of ${formatList(operand)} (ignoring case)`;
    case '$nini':
      return `${name} is none of ${formatList(operand)} (ignoring case)`;
    case '$all':
      return `${name} contains all of ${formatList(operand)}`;
    case '$alli':
      return `${name} contains all of ${formatList(operand)} (ignoring case)`;
    case '$regex':
      return `${name} matches /${String(operand)}/`;
    case '$regexi':
      return `${name} matches /${String(operand)}/i`;
    case '$exists':
      return operand ? `${name} is set` : `${name} is not set`;
    case '$type':
      return `${name} is ${TYPE_ARTICLES[String(operand)] ?? `of type ${formatValue(operand)}`}`;
    case '$size':
      return typeof operand === 'number'
        ? `${name} has ${operand} item${operand === 1 ? '' : 's'}`
        : `${valuePhrase('the number of items in ' + name, operand)}`;
    case '$elemMatch':
      return isPlainObject(operand) && !isOperatorObject(operand)
        ? `${name} has an item where ${wrap(explainCondition(operand, ITEMS, new Set(), false), 'and')}`
        : `${name} has an item that ${valuePhrase('', operand).trim()}`;
    case '$not':
      return `not (${valuePhrase(name, operand)})`;
    case '$veq':
      return `${name} is version ${formatValue(operand)}`;
    case '$vne':
      return `${name} is not version ${formatValue(operand)}`;
    case '$vgt':
      return `${name} is a version after ${formatValue(operand)}`;
    case '$vgte':
      return `${name} is version ${formatValue(operand)} or later`;
    case '$vlt':
      return `${name} is a version before ${formatValue(operand)}`;
    case '$vlte':
      return `${name} is version ${formatValue(operand)} or earlier`;
    case '$inGroup':
      return `${name} is in segment \`${String(operand)}\``;
    case '$notInGroup':
      return `${name} is not in segment \`${String(operand)}\``;
    default:
      return `${name} ${operator} ${formatValue(operand)} (unknown operator: never matches)`;
  }
}

/** What stands under an attribute, as a phrase about `name`. */
function valuePhrase(name: string, condition: unknown): string {
  if (condition === null) return `${name} is not set`;
  if (Array.isArray(condition) || (isPlainObject(condition) && !isOperatorObject(condition))) {
    return `${name} equals ${JSON.stringify(condition)}`;
  }
  if (!isPlainObject(condition)) return `${name} is ${formatValue(condition)}`;
  return Object.entries(condition)
    .map(([operator, operand]) => operatorPhrase(name, operator, operand))
    .join(' and ');
}

// --- conditions ------------------------------------------------------------------------------

function wrap(phrase: Phrase, inside: 'and' | 'or'): string {
  const needsParens =
    (inside === 'and' && phrase.kind === 'or') || (inside === 'or' && phrase.kind === 'and');
  return needsParens ? `(${phrase.text})` : phrase.text;
}

function join(phrases: Phrase[], kind: 'and' | 'or'): Phrase {
  if (phrases.length === 1) return phrases[0];
  return { text: phrases.map((phrase) => wrap(phrase, kind)).join(` ${kind} `), kind };
}

function explainList(
  operand: unknown,
  subject: Subject,
  required: Set<string>,
  extensions: boolean
): Phrase[] {
  return Array.isArray(operand)
    ? operand.map((item) => explainCondition(item, subject, required, extensions))
    : [{ text: `${formatValue(operand)} (not a list: invalid)`, kind: 'atom' }];
}

function explainCondition(
  condition: unknown,
  subject: Subject,
  inheritedRequired: Set<string>,
  extensions: boolean
): Phrase {
  if (!isPlainObject(condition))
    return { text: `${formatValue(condition)} (invalid condition)`, kind: 'atom' };
  const required = new Set([...inheritedRequired, ...requiredAttributes(condition, extensions)]);
  const phrases: Phrase[] = [];
  for (const [key, operand] of Object.entries(condition)) {
    switch (key) {
      case '$and': {
        const items = explainList(operand, subject, required, extensions);
        phrases.push(
          items.length === 0 ? { text: `all ${subject.noun}`, kind: 'atom' } : join(items, 'and')
        );
        continue;
      }
      case '$or': {
        const items = explainList(operand, subject, required, extensions);
        phrases.push(
          items.length === 0 ? { text: `all ${subject.noun}`, kind: 'atom' } : join(items, 'or')
        );
        continue;
      }
      case '$nor': {
        const items = explainList(operand, subject, required, extensions);
        phrases.push({
          text:
            items.length === 0
              ? `no ${subject.noun}`
              : `none of (${items.map((p) => p.text).join('; ')})`,
          kind: 'atom',
        });
        continue;
      }
      case '$not':
        phrases.push({
          text: `not (${explainCondition(operand, subject, required, extensions).text})`,
          kind: 'atom',
        });
        continue;
      case '$savedGroup': {
        const id = isPlainObject(operand) ? operand.id : operand;
        phrases.push({ text: `is in saved group \`${String(id)}\``, kind: 'atom' });
        continue;
      }
    }
    if (extensions && isExtensionKey(key)) {
      phrases.push({ text: explainExtension(key, operand), kind: 'atom' });
      continue;
    }
    const name = subject.prefix + key;
    let text = valuePhrase(name, operand);
    if (!required.has(key) && matchesMissing(operand) && !isAboutAbsence(operand)) {
      text += ` (also matches ${subject.noun} with no ${name})`;
    }
    phrases.push({
      text,
      kind: isPlainObject(operand) && Object.keys(operand).length > 1 ? 'and' : 'atom',
    });
  }
  if (phrases.length === 0) return { text: `all ${subject.noun}`, kind: 'atom' };
  return join(phrases, 'and');
}

// --- extensions ------------------------------------------------------------------------------

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

function durationPhrase(duration: Duration): string {
  return 'days' in duration ? plural(duration.days, 'day') : plural(duration.hours, 'hour');
}

/** "at least 5", "exactly 0", "between …": a numeric condition as a quantity. */
function quantity(condition: unknown): string {
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

function isZero(condition: unknown): boolean {
  return (
    condition === 0 ||
    (isPlainObject(condition) && Object.keys(condition).length === 1 && condition.$eq === 0)
  );
}

function windowPhrase(window: EventWindow): string {
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

function datePhrase(condition: DateCondition): string {
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

function sentence(...parts: string[]): string {
  return parts.filter((part) => part !== '').join(' ');
}

function explainEvent(plan: EventPlan): string {
  const event = `\`${plan.name}\``;
  const where = plan.where
    ? `(where ${explainCondition(plan.where, EVENTS, new Set(), false).text})`
    : '';
  const window = windowPhrase(plan.window);
  const { measure } = plan;
  switch (measure.kind) {
    case 'count': {
      if (isZero(measure.condition)) return sentence('did not do', event, where, window || 'ever');
      const isDefault =
        isPlainObject(measure.condition) &&
        Object.keys(measure.condition).length === 1 &&
        measure.condition.$gte === 1;
      if (isDefault) return sentence('did', event, where, window);
      return sentence('did', event, where, quantity(measure.condition), 'times', window);
    }
    case 'activeDays':
      if (plan.window.kind === 'days' && plan.window.days > 1) {
        return sentence(
          'did',
          event,
          where,
          `on ${quantity(measure.condition)} of the last ${plan.window.days} days`
        );
      }
      return sentence(
        'did',
        event,
        where,
        `on ${quantity(measure.condition)} distinct days`,
        window
      );
    case 'sum':
      return sentence(
        'did',
        event,
        where,
        `with a total ${plan.property} of ${quantity(measure.condition)}`,
        window
      );
    case 'avg':
      return sentence(
        'did',
        event,
        where,
        `with an average ${plan.property} of ${quantity(measure.condition)}`,
        window
      );
    case 'first':
    case 'last':
      return sentence(
        measure.kind,
        'did',
        event,
        where,
        datePhrase(measure.condition),
        window ? `(counting only ${window.replace(/^in /, '')})` : ''
      );
  }
}

function explainExtension(key: string, operand: unknown): string {
  const spec = isPlainObject(operand) ? operand : {};
  switch (key) {
    case '$event': {
      const plan = planEvent(operand);
      return plan ? explainEvent(plan) : `$event ${JSON.stringify(operand)} (invalid)`;
    }
    case '$date': {
      const attribute = String(spec.attribute);
      const parts: string[] = [];
      if (isPlainObject(spec.olderThan))
        parts.push(`${attribute} is more than ${durationPhrase(spec.olderThan as Duration)} ago`);
      if (isPlainObject(spec.newerThan))
        parts.push(`${attribute} is within the last ${durationPhrase(spec.newerThan as Duration)}`);
      if (isPlainObject(spec.anniversaryWithin)) {
        const days = Number(spec.anniversaryWithin.days);
        parts.push(
          days === 0
            ? `the anniversary of ${attribute} is today`
            : `the anniversary of ${attribute} is within the next ${plural(days, 'day')}`
        );
      }
      return parts.join(' and ');
    }
    case '$geo': {
      const near = isPlainObject(spec.near) ? spec.near : {};
      return `is within ${formatValue(spec.radiusKm)} km of (${formatValue(near.lat)}, ${formatValue(near.lng)})`;
    }
    case '$context':
      return explainCondition(operand, REQUESTS, new Set(), false).text;
    case '$segment':
      return `is in segment \`${String(operand)}\``;
    case '$sample':
      return `is in the ${formatValue(spec.percent)}% sample \`${String(spec.seed)}\``;
    default:
      return `${key} ${JSON.stringify(operand)}`;
  }
}

/** A rule in plain English, e.g. "did `task_done` on at least 5 of the last 7 days and country is DE". */
export function explainRule(rule: Rule): string {
  return explainCondition(rule, PROFILES, new Set(), true).text;
}

// --- guards ----------------------------------------------------------------------------------

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
