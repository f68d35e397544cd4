import { planEvent } from '../rules/extensions';
import { segmentReferences } from '../rules';
import { isPlainObject } from '../utils/json-input';

/**
 * What a rule's answer can depend on, and what a write changed, as tokens (issue 22, narrowing):
 * a profile marked with the changes of a write is re-evaluated only against the segments whose
 * dependencies meet them. `null` stands for "anything" — a rule this module cannot read exactly
 * (it then depends on every change) or a change it cannot describe (a merge, a deletion).
 *
 * - `e:<name>`: events of that name (stored, or aged out of a window);
 * - `a:<attribute>`: the attribute's value (a trait, a promoted column, first/last seen);
 * - `c`: the stored request context.
 */
export type Dependencies = ReadonlySet<string> | null;

/** What one write changed on one profile. */
export interface ProfileChange {
  profileId: number;
  /** Names of the events stored (or aged out) for the profile. */
  events?: readonly string[];
  /** Attribute names written (trait keys, promoted attributes). */
  attributes?: readonly string[];
  /** First/last seen, the stored context and the columns a request's context fills in. */
  activity?: boolean;
  /** Anything may have changed: a merge, a deletion. */
  everything?: boolean;
}

export const eventToken = (name: string) => `e:${name}`;
export const attributeToken = (name: string) => `a:${name}`;
/** The token of an attribute path: its first part is the attribute (`address.city` → address). */
export const attributePathToken = (path: string) => attributeToken(path.split('.')[0]);
const CONTEXT_TOKEN = 'c';

/**
 * Attributes every event batch and `identify` may move: first/last seen, and the columns a
 * request's context fills in (CDN geo, time zone, locale; events/repository promotedFromContext).
 */
const ACTIVITY_ATTRIBUTES = [
  'firstSeenAt',
  'lastSeenAt',
  'country',
  'region',
  'city',
  'latitude',
  'longitude',
  'timezone',
  'locale',
];

/** The tokens of a change, or null for "anything". */
export function changeTokens(change: ProfileChange): Set<string> | null {
  if (change.everything) return null;
  const tokens = new Set<string>();
  for (const name of change.events ?? []) tokens.add(eventToken(name));
  for (const name of change.attributes ?? []) tokens.add(attributePathToken(name));
  if (change.activity) {
    for (const name of ACTIVITY_ATTRIBUTES) tokens.add(attributeToken(name));
    tokens.add(CONTEXT_TOKEN);
  }
  return tokens;
}

/** Condition-level operators that combine sub-conditions. */
const COMBINATORS = new Set(['$and', '$or', '$nor', '$not']);

/**
 * What a rule reads, by itself (segment references aside: see {@link segmentDependencies}).
 * Mirrors the evaluator's reading of a condition: combinators recurse, extensions name their
 * inputs, any other key is an attribute path whose first part is the attribute.
 */
export function ruleDependencies(rule: unknown): Dependencies {
  const found = new Set<string>();
  let exact = true;
  const walk = (condition: unknown): void => {
    if (Array.isArray(condition)) return condition.forEach(walk);
    if (!isPlainObject(condition)) return;
    for (const [key, operand] of Object.entries(condition)) {
      if (COMBINATORS.has(key)) walk(operand);
      else if (key === '$event') {
        const plan = planEvent(operand);
        if (plan) found.add(eventToken(plan.name));
        else exact = false;
      } else if (key === '$date') {
        const attribute = isPlainObject(operand) ? operand.attribute : undefined;
        if (typeof attribute === 'string') found.add(attributePathToken(attribute));
        else exact = false;
        if (isPlainObject(operand) && operand.anniversaryWithin !== undefined) {
          // Anniversaries are local dates: the context's time zone, else the profile's.
          found.add(attributeToken('timezone')).add(CONTEXT_TOKEN);
        }
      } else if (key === '$geo') {
        found.add(attributeToken('latitude')).add(attributeToken('longitude'));
      } else if (key === '$context') {
        found.add(CONTEXT_TOKEN).add(attributeToken('timezone')); // localHour falls back to it
      } else if (key === '$segment' || key === '$sample') {
        // A reference reads the referenced segment (segmentDependencies); a sample reads the id.
      } else if (key.startsWith('$')) {
        exact = false; // $savedGroup and anything newer: read as "anything"
      } else {
        found.add(attributePathToken(key));
      }
    }
  };
  walk(rule);
  return exact ? found : null;
}

/**
 * Each segment's dependencies including, transitively, those of the segments it refers to (a
 * change that can move a referenced segment can move this one). A reference to an unknown
 * segment reads nothing that changes; a cycle (refused on save) reads as "anything".
 */
export function segmentDependencies(
  segments: ReadonlyArray<{ key: string; rule: unknown }>,
  own: (segment: { key: string; rule: unknown }) => Dependencies = (s) => ruleDependencies(s.rule)
): Map<string, Dependencies> {
  const byKey = new Map(segments.map((s) => [s.key, s]));
  const result = new Map<string, Dependencies>();
  const visiting = new Set<string>();
  const resolve = (key: string): Dependencies => {
    if (result.has(key)) return result.get(key) ?? null;
    const segment = byKey.get(key);
    if (!segment) return new Set();
    if (visiting.has(key)) return null;
    visiting.add(key);
    const mine = own(segment);
    let all: Set<string> | null = mine === null ? null : new Set(mine);
    for (const ref of segmentReferences(segment.rule)) {
      const theirs = resolve(ref);
      if (theirs === null) all = null;
      else if (all) for (const token of theirs) all.add(token);
    }
    visiting.delete(key);
    result.set(key, all);
    return all;
  };
  for (const segment of segments) resolve(segment.key);
  return result;
}

/** Whether a segment with these dependencies can be moved by these changes. */
export function isAffected(dependencies: Dependencies, changes: Dependencies): boolean {
  if (dependencies === null || changes === null) return true;
  for (const token of changes) if (dependencies.has(token)) return true;
  return false;
}

/**
 * Stored form of a change set in the queue (`changes` column): tokens between newlines, with a
 * newline at both ends so a whole token is found with a substring search; NULL is "anything".
 * A token holding a newline (a strange trait key) cannot be stored exactly: "anything" then.
 */
export const MAX_STORED_CHANGES = 2000;

export function encodeChanges(tokens: Dependencies): string | null {
  if (tokens === null) return null;
  if ([...tokens].some((t) => t.includes('\n'))) return null;
  const text = `\n${[...tokens].sort().join('\n')}\n`;
  return text.length > MAX_STORED_CHANGES ? null : text;
}

export function decodeChanges(text: string | null | undefined): Dependencies {
  if (text === null || text === undefined) return null;
  return new Set(text.split('\n').filter(Boolean));
}
