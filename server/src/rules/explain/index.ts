/**
 * Plain-English rendering of rules for the admin and logs, and the `$exists` guard the segment
 * builder adds to comparisons.
 *
 * GrowthBook reads a missing attribute as null, and `null < 25` is true, so
 * `{ "age": { "$lt": 25 } }` also matches profiles without an age. The explanation says so
 * whenever an attribute condition would match a missing value, unless the same conjunction
 * already requires the attribute (e.g. `$exists: true` next to it).
 */
import type { Rule } from '../types';
import { isOperatorObject } from '../condition';
import { isExtensionKey, planEvent, type EventPlan } from '../extensions';
import type { Duration } from '../time';
import { isAboutAbsence, isPlainObject, matchesMissing, requiredAttributes } from './missing';
import {
  TYPE_ARTICLES,
  datePhrase,
  durationPhrase,
  formatList,
  formatValue,
  isZero,
  plural,
  quantity,
  sentence,
  windowPhrase,
} from './phrases';

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

export function join(phrases: Phrase[], kind: 'and' | 'or'): Phrase {
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

export * from './guards';
export { matchesMissing } from './missing';
