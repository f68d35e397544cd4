/**
 * The project's extensions to GrowthBook conditions: their shapes (zod), their normalised plans
 * and the exact time boundaries they use. The in-memory evaluator, the validator, the explainer
 * and the SQL compiler all start from these plans, so they cannot drift apart.
 */
import { z } from 'zod';
import type { Condition } from '../types';
import {
  DAY_MS,
  HOUR_MS,
  durationMs,
  lastDaysStartMs,
  startOfUtcDay,
  utcDay,
  type Duration,
} from '../time';
import { MEASURE_KEYS, eventSchema, windowSchema } from './schemas';

/** Reserved top-level keys. Any other `$key` at condition level is an attribute path, as in GrowthBook. */
export const EXTENSION_KEYS = [
  '$event',
  '$date',
  '$geo',
  '$context',
  '$segment',
  '$sample',
] as const;

export type ExtensionKey = (typeof EXTENSION_KEYS)[number];

export function isExtensionKey(key: string): key is ExtensionKey {
  return (EXTENSION_KEYS as readonly string[]).includes(key);
}

// ---------------------------------------------------------------------------------------------
// $event plans

/** Time window of an `$event`. `range` is half-open: from ≤ t < to (ms since epoch). */
export type EventWindow =
  | { kind: 'all' }
  | { kind: 'days'; days: number }
  | { kind: 'hours'; hours: number }
  | { kind: 'range'; from: number | null; to: number | null };

/** A date condition on the first/last occurrence: `$before`/`$within` a duration, or ISO bounds. */
export interface DateCondition {
  $before?: Duration;
  $within?: Duration;
  $gt?: string;
  $gte?: string;
  $lt?: string;
  $lte?: string;
}

export const DATE_CONDITION_KEYS = ['$before', '$within', '$gt', '$gte', '$lt', '$lte'] as const;

export type EventMeasure =
  | { kind: 'count' | 'activeDays' | 'sum' | 'avg'; condition: unknown }
  | { kind: 'first' | 'last'; condition: DateCondition };

/** Where the facts for an `$event` come from. */
export type EventSource = 'rollups' | 'events';

export interface EventPlan {
  name: string;
  /** GrowthBook condition over the event's properties (raw events only). */
  where: Condition | null;
  window: EventWindow;
  measure: EventMeasure;
  /** Numeric property summed/averaged; `value` is the event's value column. */
  property: string;
  source: EventSource;
}

/** "Did it at least once": the measure when none is given. */
const DID_AT_LEAST_ONCE: EventMeasure = { kind: 'count', condition: { $gte: 1 } };

function toWindow(within: z.infer<typeof windowSchema> | undefined): EventWindow {
  if (!within) return { kind: 'all' };
  if (within.days !== undefined) return { kind: 'days', days: within.days };
  if (within.hours !== undefined) return { kind: 'hours', hours: within.hours };
  return {
    kind: 'range',
    from: within.from === undefined ? null : Date.parse(within.from),
    to: within.to === undefined ? null : Date.parse(within.to),
  };
}

function isMidnightUtc(ms: number | null): boolean {
  return ms === null || ms % DAY_MS === 0;
}

function usesHours(condition: DateCondition): boolean {
  return (
    (condition.$before !== undefined && 'hours' in condition.$before) ||
    (condition.$within !== undefined && 'hours' in condition.$within)
  );
}

/**
 * Rollups (one row per UTC day, kept long) answer anything at day resolution over the `value`
 * column. Raw events (kept `retentionDays`) are needed for a property condition (`where`), an
 * hour window or hour date condition, a window with a time of day, or another property.
 */
export function eventSource(
  plan: Pick<EventPlan, 'where' | 'window' | 'measure' | 'property'>
): EventSource {
  if (plan.where !== null) return 'events';
  if (plan.property !== 'value') return 'events';
  if (plan.window.kind === 'hours') return 'events';
  if (
    plan.window.kind === 'range' &&
    !(isMidnightUtc(plan.window.from) && isMidnightUtc(plan.window.to))
  ) {
    return 'events';
  }
  if (
    (plan.measure.kind === 'first' || plan.measure.kind === 'last') &&
    usesHours(plan.measure.condition)
  ) {
    return 'events';
  }
  return 'rollups';
}

/** The normalised plan of an `$event` operand, or null if its shape is invalid. */
export function planEvent(operand: unknown): EventPlan | null {
  const parsed = eventSchema.safeParse(operand);
  if (!parsed.success) return null;
  const spec = parsed.data;
  let measure: EventMeasure = DID_AT_LEAST_ONCE;
  for (const kind of MEASURE_KEYS) {
    if (spec[kind] === undefined) continue;
    measure =
      kind === 'first' || kind === 'last'
        ? { kind, condition: spec[kind] as DateCondition }
        : { kind, condition: spec[kind] };
  }
  const partial = {
    name: spec.name,
    where: (spec.where as Condition | undefined) ?? null,
    window: toWindow(spec.within),
    measure,
    property: spec.property ?? 'value',
  };
  return { ...partial, source: eventSource(partial) };
}

/** Inclusive UTC day bounds (`YYYY-MM-DD`) of a rollup window; null = unbounded. */
export function rollupDayRange(
  window: EventWindow,
  now: Date
): { fromDay: string | null; toDay: string | null } {
  switch (window.kind) {
    case 'all':
      return { fromDay: null, toDay: null };
    case 'days':
      return { fromDay: utcDay(lastDaysStartMs(window.days, now)), toDay: utcDay(now.getTime()) };
    case 'range':
      return {
        fromDay: window.from === null ? null : utcDay(window.from),
        // `to` is exclusive and midnight-aligned here: the last day is the one before it.
        toDay: window.to === null ? null : utcDay(window.to - DAY_MS),
      };
    case 'hours':
      throw new Error('an hour window cannot be answered from daily rollups');
  }
}

/** Instant bounds of a raw-event window (ms); null = unbounded. */
export interface TimeRange {
  start: number | null;
  startInclusive: boolean;
  end: number | null;
  endInclusive: boolean;
}

/**
 * - `days: N`: the N UTC calendar days ending with today, i.e.
 *   [midnight UTC of today − (N−1) days, midnight UTC of tomorrow) — the same days as rollups.
 * - `hours: H`: (now − H hours, now].
 * - `from/to`: [from, to).
 */
export function eventTimeRange(window: EventWindow, now: Date): TimeRange {
  const nowMs = now.getTime();
  switch (window.kind) {
    case 'all':
      return { start: null, startInclusive: true, end: null, endInclusive: true };
    case 'days':
      return {
        start: lastDaysStartMs(window.days, now),
        startInclusive: true,
        end: startOfUtcDay(nowMs) + DAY_MS,
        endInclusive: false,
      };
    case 'hours':
      return {
        start: nowMs - window.hours * HOUR_MS,
        startInclusive: false,
        end: nowMs,
        endInclusive: true,
      };
    case 'range':
      return { start: window.from, startInclusive: true, end: window.to, endInclusive: false };
  }
}

export function inTimeRange(ms: number, range: TimeRange): boolean {
  if (range.start !== null && (range.startInclusive ? ms < range.start : ms <= range.start)) {
    return false;
  }
  if (range.end !== null && (range.endInclusive ? ms > range.end : ms >= range.end)) return false;
  return true;
}

export type Comparison = '>' | '>=' | '<' | '<=';

/**
 * A first/last date condition as comparisons against instants (all must hold):
 * - `$within: {days: N}`: on one of the last N UTC calendar days (≥ midnight of today − (N−1));
 * - `$before: {days: N}`: before those days (the exact complement of `$within`);
 * - `$within: {hours: H}`: > now − H hours; `$before: {hours: H}`: ≤ now − H hours;
 * - `$gt/$gte/$lt/$lte`: against the ISO instant.
 * From rollups, an occurrence's instant is midnight UTC of its day.
 */
export function resolveDateCondition(
  condition: DateCondition,
  now: Date
): Array<{ op: Comparison; ms: number }> {
  const bounds: Array<{ op: Comparison; ms: number }> = [];
  const relativeStart = (duration: Duration) =>
    'days' in duration ? lastDaysStartMs(duration.days, now) : now.getTime() - durationMs(duration);
  if (condition.$within) {
    bounds.push({
      op: 'days' in condition.$within ? '>=' : '>',
      ms: relativeStart(condition.$within),
    });
  }
  if (condition.$before) {
    bounds.push({
      op: 'days' in condition.$before ? '<' : '<=',
      ms: relativeStart(condition.$before),
    });
  }
  if (condition.$gt !== undefined) bounds.push({ op: '>', ms: Date.parse(condition.$gt) });
  if (condition.$gte !== undefined) bounds.push({ op: '>=', ms: Date.parse(condition.$gte) });
  if (condition.$lt !== undefined) bounds.push({ op: '<', ms: Date.parse(condition.$lt) });
  if (condition.$lte !== undefined) bounds.push({ op: '<=', ms: Date.parse(condition.$lte) });
  return bounds;
}

export function compare(ms: number, op: Comparison, bound: number): boolean {
  switch (op) {
    case '>':
      return ms > bound;
    case '>=':
      return ms >= bound;
    case '<':
      return ms < bound;
    case '<=':
      return ms <= bound;
  }
}

export * from './schemas';
