/**
 * In-memory evaluation of a rule for one profile: the rule is compiled once into closures, then
 * each call is plain function calls over the profile's facts.
 */
import type {
  EvaluationEnv,
  ProfileFacts,
  Rule,
  SavedGroups,
  RawEvent,
  EventRollup,
} from './types';
import {
  type ConditionMatcher,
  type ExtensionCompiler,
  type Scope,
  type ValueMatcher,
  MalformedConditionError,
  compileCondition,
  compileValueCondition,
  createScope,
  readPath,
} from './condition';
import {
  type DateCondition,
  type EventPlan,
  type ExtensionKey,
  compare,
  dateSchema,
  eventTimeRange,
  geoSchema,
  inTimeRange,
  planEvent,
  resolveDateCondition,
  rollupDayRange,
  sampleSchema,
  segmentSchema,
} from './extensions';
import {
  calendarMonthDay,
  dayStartMs,
  daysUntilAnniversary,
  durationMs,
  localTime,
  parseInstant,
  resolveTimeZone,
  utcDay,
} from './time';
import { haversineKm, isLatitude, isLongitude } from './geo';
import { inSample } from './hash';

export type CompiledRule = (
  facts: ProfileFacts,
  env: EvaluationEnv,
  savedGroups?: SavedGroups
) => boolean;

/**
 * Compiles a rule into a predicate over one profile. Attribute conditions mean exactly what
 * GrowthBook's `evalCondition(facts.attributes, rule, savedGroups)` means. A malformed part
 * (one the validator rejects) makes the rule match nobody instead of throwing.
 */
export function compileRule(rule: Rule): CompiledRule {
  const matcher = compileCondition(rule, EXTENSIONS);
  return (facts, env, savedGroups) => {
    const scope = createScope(savedGroups, facts, env);
    try {
      return matcher(facts.attributes, scope);
    } catch (error) {
      if (error instanceof MalformedConditionError) return false;
      throw error;
    }
  };
}

/** One-off convenience; compile once with `compileRule` when evaluating many profiles. */
export function evaluateRule(
  rule: Rule,
  facts: ProfileFacts,
  env: EvaluationEnv,
  savedGroups?: SavedGroups
): boolean {
  return compileRule(rule)(facts, env, savedGroups);
}

// ---------------------------------------------------------------------------------------------

function malformed(key: string): ConditionMatcher {
  return () => {
    throw new MalformedConditionError(`invalid ${key}`);
  };
}

/** The facts of the evaluation; extensions only run inside compileRule, which sets them. */
function factsOf(scope: Scope): { facts: ProfileFacts; env: EvaluationEnv } {
  if (!scope.facts || !scope.env) throw new MalformedConditionError('extension outside a rule');
  return { facts: scope.facts, env: scope.env };
}

function memoized<T>(scope: Scope, key: string, compute: () => T): T {
  if (!scope.memo) scope.memo = new Map();
  if (scope.memo.has(key)) return scope.memo.get(key) as T;
  const value = compute();
  scope.memo.set(key, value);
  return value;
}

/** The time zone for local-time questions: the request's, else the profile's, else UTC. */
function profileTimeZone(scope: Scope, facts: ProfileFacts): string {
  return memoized(scope, 'timeZone', () =>
    resolveTimeZone(facts.context?.timezone, facts.attributes?.timezone)
  );
}

// --- $event ----------------------------------------------------------------------------------

interface EventStats {
  count: number;
  activeDays: number;
  sum: number;
  first: number | null;
  last: number | null;
}

function rollupStats(plan: EventPlan, rollups: readonly EventRollup[], now: Date): EventStats {
  const { fromDay, toDay } = rollupDayRange(plan.window, now);
  const days = new Set<string>();
  let count = 0;
  let sum = 0;
  let firstDay: string | null = null;
  let lastDay: string | null = null;
  for (const rollup of rollups) {
    if (rollup.event !== plan.name) continue;
    // `YYYY-MM-DD` strings order like the days they name.
    if (fromDay !== null && rollup.day < fromDay) continue;
    if (toDay !== null && rollup.day > toDay) continue;
    count += rollup.count;
    sum += rollup.valueSum;
    if (rollup.count > 0) {
      days.add(rollup.day);
      if (firstDay === null || rollup.day < firstDay) firstDay = rollup.day;
      if (lastDay === null || rollup.day > lastDay) lastDay = rollup.day;
    }
  }
  return {
    count,
    activeDays: days.size,
    sum,
    first: firstDay === null ? null : dayStartMs(firstDay),
    last: lastDay === null ? null : dayStartMs(lastDay),
  };
}

/** A numeric property of a raw event; anything that is not a finite number counts as 0. */
function eventAmount(event: RawEvent, propertyPath: string[] | null): number {
  const amount = propertyPath === null ? event.value : readPath(event.properties, propertyPath);
  return typeof amount === 'number' && Number.isFinite(amount) ? amount : 0;
}

function rawEventStats(
  plan: EventPlan,
  events: readonly RawEvent[],
  now: Date,
  where: ConditionMatcher | null,
  scope: Scope
): EventStats {
  const range = eventTimeRange(plan.window, now);
  const propertyPath = plan.property === 'value' ? null : plan.property.split('.');
  const days = new Set<string>();
  let count = 0;
  let sum = 0;
  let first: number | null = null;
  let last: number | null = null;
  for (const event of events) {
    if (event.name !== plan.name) continue;
    const at = parseInstant(event.occurredAt);
    if (at === null || !inTimeRange(at, range)) continue;
    if (where && !where(event.properties ?? {}, scope)) continue;
    count += 1;
    sum += eventAmount(event, propertyPath);
    days.add(utcDay(at));
    if (first === null || at < first) first = at;
    if (last === null || at > last) last = at;
  }
  return { count, activeDays: days.size, sum, first, last };
}

function compileDateCondition(condition: DateCondition): (ms: number | null, now: Date) => boolean {
  return (ms, now) => {
    if (ms === null) return false;
    for (const bound of resolveDateCondition(condition, now)) {
      if (!compare(ms, bound.op, bound.ms)) return false;
    }
    return true;
  };
}

function compileMeasure(plan: EventPlan): (stats: EventStats, now: Date, scope: Scope) => boolean {
  const { measure } = plan;
  if (measure.kind === 'first' || measure.kind === 'last') {
    const matches = compileDateCondition(measure.condition);
    const kind = measure.kind;
    return (stats, now) => matches(stats[kind], now);
  }
  // Numbers are tested with GrowthBook value semantics, so `3` means "exactly 3".
  const matches: ValueMatcher = compileValueCondition(measure.condition);
  switch (measure.kind) {
    case 'count':
      return (stats, _now, scope) => matches(stats.count, scope);
    case 'activeDays':
      return (stats, _now, scope) => matches(stats.activeDays, scope);
    case 'sum':
      return (stats, _now, scope) => matches(stats.sum, scope);
    case 'avg':
      // No events, no average: the condition does not match whatever it says.
      return (stats, _now, scope) => stats.count > 0 && matches(stats.sum / stats.count, scope);
  }
}

function compileEvent(operand: unknown): ConditionMatcher {
  const plan = planEvent(operand);
  if (!plan) return malformed('$event');
  const measure = compileMeasure(plan);
  const where = plan.where ? compileCondition(plan.where) : null;
  return (_subject, scope) => {
    const { facts, env } = factsOf(scope);
    const stats =
      plan.source === 'rollups'
        ? rollupStats(plan, facts.rollups ?? [], env.now)
        : rawEventStats(plan, facts.events ?? [], env.now, where, scope);
    return measure(stats, env.now, scope);
  };
}

// --- $date -----------------------------------------------------------------------------------

function compileDate(operand: unknown): ConditionMatcher {
  const parsed = dateSchema.safeParse(operand);
  if (!parsed.success) return malformed('$date');
  const { attribute, olderThan, newerThan, anniversaryWithin } = parsed.data;
  const path = attribute.split('.');
  // olderThan: age > D; newerThan: age ≤ D — complements of each other for a valid date.
  const olderThanMs = olderThan ? durationMs(olderThan as { days: number }) : null;
  const newerThanMs = newerThan ? durationMs(newerThan as { days: number }) : null;
  return (subject, scope) => {
    const value = readPath(subject, path);
    const nowMs = factsOf(scope).env.now.getTime();
    if (olderThanMs !== null || newerThanMs !== null) {
      const ms = parseInstant(value);
      if (ms === null) return false;
      if (olderThanMs !== null && !(ms < nowMs - olderThanMs)) return false;
      if (newerThanMs !== null && !(ms >= nowMs - newerThanMs)) return false;
    }
    if (anniversaryWithin) {
      const monthDay = calendarMonthDay(value);
      if (!monthDay) return false;
      const { facts, env } = factsOf(scope);
      const today = memoized(scope, 'localTime', () =>
        localTime(env.now, profileTimeZone(scope, facts))
      );
      if (daysUntilAnniversary(monthDay.month, monthDay.day, today) > anniversaryWithin.days) {
        return false;
      }
    }
    return true;
  };
}

// --- $geo ------------------------------------------------------------------------------------

function compileGeo(operand: unknown): ConditionMatcher {
  const parsed = geoSchema.safeParse(operand);
  if (!parsed.success) return malformed('$geo');
  const { near, radiusKm } = parsed.data;
  return (subject) => {
    const attributes = subject as Record<string, unknown> | null;
    const latitude = attributes?.latitude;
    const longitude = attributes?.longitude;
    // Profiles without coordinates are never near anything.
    if (!isLatitude(latitude) || !isLongitude(longitude)) return false;
    return haversineKm(near.lat, near.lng, latitude, longitude) <= radiusKm;
  };
}

// --- $context --------------------------------------------------------------------------------

/** The request context as `$context` sees it: its fields plus local hour and ISO weekday. */
export function contextView(
  facts: Pick<ProfileFacts, 'context' | 'attributes'>,
  now: Date
): Record<string, unknown> {
  const timeZone = resolveTimeZone(facts.context?.timezone, facts.attributes?.timezone);
  const local = localTime(now, timeZone);
  return { ...(facts.context ?? {}), localHour: local.hour, weekday: local.weekday };
}

function compileContext(operand: unknown): ConditionMatcher {
  if (!operand || typeof operand !== 'object' || Array.isArray(operand))
    return malformed('$context');
  const matcher = compileCondition(operand);
  return (_subject, scope) => {
    const { facts, env } = factsOf(scope);
    const view = memoized(scope, 'contextView', () => contextView(facts, env.now));
    return matcher(view, scope);
  };
}

// --- $segment, $sample -----------------------------------------------------------------------

function compileSegment(operand: unknown): ConditionMatcher {
  const parsed = segmentSchema.safeParse(operand);
  if (!parsed.success) return malformed('$segment');
  const key = parsed.data;
  return (_subject, scope) => factsOf(scope).env.isMember?.(key) === true;
}

function compileSample(operand: unknown): ConditionMatcher {
  const parsed = sampleSchema.safeParse(operand);
  if (!parsed.success) return malformed('$sample');
  const { seed, percent } = parsed.data;
  return (_subject, scope) => inSample(seed, factsOf(scope).facts.id, percent);
}

const EXTENSIONS: ReadonlyMap<string, ExtensionCompiler> = new Map<ExtensionKey, ExtensionCompiler>(
  [
    ['$event', compileEvent],
    ['$date', compileDate],
    ['$geo', compileGeo],
    ['$context', compileContext],
    ['$segment', compileSegment],
    ['$sample', compileSample],
  ]
);
