import { TABLES } from '../../store/tables';
import { compileRule } from '../evaluate';
import {
  dateSchema,
  eventTimeRange,
  geoSchema,
  planEvent,
  resolveDateCondition,
  rollupDayRange,
  segmentSchema,
  type Comparison,
  type EventPlan,
} from '../extensions';
import { EARTH_RADIUS_KM } from '../geo';
import { DAY_MS, durationMs, utcDay } from '../time';
import type { CompileState } from './compile-state';
import { PROMOTED_TIME_COLUMNS } from './load-facts';
import {
  and,
  EXACT_FALSE,
  FALSE,
  not,
  OPAQUE,
  sameSql,
  sql,
  TRUE,
  UNKNOWN,
  type Sql,
  type Tri,
} from './predicates';
import { numParam, type Source } from './sources';
import { valueCondition } from './values';

/** The plugin's own operators in SQL: `$event` over rollups or raw events, `$date`, `$geo`, `$segment`. */

/** `dayStartMs(aggregateDay) op ms` as a comparison of `YYYY-MM-DD` strings. */
function dayBound(aggregate: string, op: Comparison, ms: number): Sql {
  switch (op) {
    case '>=':
    case '>': {
      // The first day whose midnight satisfies the bound.
      const limit = op === '>=' ? ms : ms + 1;
      const first = limit % DAY_MS === 0 ? limit : Math.floor(limit / DAY_MS) * DAY_MS + DAY_MS;
      return sql(`${aggregate} >= ?`, utcDay(first));
    }
    case '<=':
    case '<': {
      const limit = op === '<=' ? ms : ms - 1;
      return sql(`${aggregate} <= ?`, utcDay(limit));
    }
  }
}

function rollupWindow(st: CompileState, plan: EventPlan): Sql {
  const { fromDay, toDay } = rollupDayRange(plan.window, st.options.now);
  return and(
    sql('r.event = ?', plan.name),
    fromDay === null ? TRUE : sql('r.day >= ?', fromDay),
    toDay === null ? TRUE : sql('r.day <= ?', toDay)
  );
}

function eventWindow(st: CompileState, plan: EventPlan): Sql {
  const range = eventTimeRange(plan.window, st.options.now);
  return and(
    sql('e.name = ?', plan.name),
    range.start === null
      ? TRUE
      : sql(`e.occurred_at ${range.startInclusive ? '>=' : '>'} ?`, range.start),
    range.end === null ? TRUE : sql(`e.occurred_at ${range.endInclusive ? '<=' : '<'} ?`, range.end)
  );
}

function rollupGroups(st: CompileState, plan: EventPlan, where: Sql, having: Sql): Sql {
  return {
    sql: `p.id IN (SELECT r.profile_id FROM ${TABLES.rollups} r WHERE ${where.sql} GROUP BY r.profile_id HAVING ${having.sql})`,
    bindings: [...where.bindings, ...having.bindings],
  };
}

export function eventClause(st: CompileState, operand: unknown): Tri {
  try {
    return eventPlan(st, operand);
  } catch {
    // Out-of-range dates: leave the whole question to the evaluator.
    return OPAQUE;
  }
}

function eventPlan(st: CompileState, operand: unknown): Tri {
  const plan = planEvent(operand);
  if (!plan) return OPAQUE;
  st.eventNames.add(plan.name);
  if (plan.source === 'events') st.rawEvents = true;
  // What the evaluator says for a profile without any such event.
  const zero = compileRule({ $event: operand })(
    { id: 0, attributes: {}, rollups: [], events: [] },
    { now: st.options.now, retentionDays: st.options.retentionDays }
  );
  const measure = plan.measure;
  if (measure.kind !== 'first' && measure.kind !== 'last' && plan.source === 'rollups') {
    // The evaluator adds the same per-day rows (sum of `value`, nulls as 0); avg divides by
    // the event count, and no rows means no match — the `zero` case below.
    const aggregate = {
      count: 'SUM(r.count)',
      activeDays: 'SUM(CASE WHEN r.count > 0 THEN 1 ELSE 0 END)',
      sum: 'SUM(r.value_sum)',
      avg: 'SUM(r.value_sum) * 1.0 / SUM(r.count)',
    }[measure.kind];
    const numberOnly: Source = {
      guard: {
        ...{ null: FALSE, string: FALSE, boolean: FALSE, array: FALSE, object: FALSE },
        number: TRUE,
      },
      num: sql(aggregate),
      str: FALSE,
      bool: FALSE,
      len: FALSE,
    };
    const test = valueCondition(st.pg, measure.condition, numberOnly);
    if (!test.mayThrow && sameSql(test.sure, test.maybe)) {
      const window = rollupWindow(st, plan);
      const exact = zero
        ? not(rollupGroups(st, plan, window, not(test.sure)))
        : rollupGroups(st, plan, window, test.sure);
      return { sure: exact, maybe: exact, mayThrow: false };
    }
  }
  if (plan.source === 'rollups' && (measure.kind === 'first' || measure.kind === 'last')) {
    const aggregate = measure.kind === 'first' ? 'MIN(r.day)' : 'MAX(r.day)';
    const bounds = resolveDateCondition(measure.condition, st.options.now).map(({ op, ms }) =>
      dayBound(aggregate, op, ms)
    );
    const exact = rollupGroups(
      st,
      plan,
      and(rollupWindow(st, plan), sql('r.count > 0')),
      and(TRUE, ...bounds, sql('COUNT(*) > 0'))
    );
    return { sure: exact, maybe: exact, mayThrow: false };
  }
  const mayThrow = plan.where !== null;
  if (zero) return { ...UNKNOWN, mayThrow };
  // No such event in the window → no match: anyone with one is a candidate.
  const candidates =
    plan.source === 'rollups'
      ? sql(
          `p.id IN (SELECT r.profile_id FROM ${TABLES.rollups} r WHERE ${rollupWindow(st, plan).sql})`,
          ...rollupWindow(st, plan).bindings
        )
      : sql(
          `p.id IN (SELECT e.profile_id FROM ${TABLES.events} e WHERE ${eventWindow(st, plan).sql})`,
          ...eventWindow(st, plan).bindings
        );
  return { sure: FALSE, maybe: candidates, mayThrow };
}

export function dateClause(st: CompileState, operand: unknown): Tri {
  const parsed = dateSchema.safeParse(operand);
  if (!parsed.success) return OPAQUE;
  const { attribute, olderThan, newerThan, anniversaryWithin } = parsed.data;
  if (
    anniversaryWithin ||
    !Object.prototype.hasOwnProperty.call(PROMOTED_TIME_COLUMNS, attribute)
  ) {
    return UNKNOWN;
  }
  const column = (PROMOTED_TIME_COLUMNS as Record<string, string>)[attribute];
  const nowMs = st.options.now.getTime();
  const exact = and(
    olderThan ? sql(`p.${column} < ?`, nowMs - durationMs(olderThan as { days: number })) : TRUE,
    newerThan ? sql(`p.${column} >= ?`, nowMs - durationMs(newerThan as { days: number })) : TRUE
  );
  return { sure: exact, maybe: exact, mayThrow: false };
}

export function geoClause(st: CompileState, operand: unknown): Tri {
  const parsed = geoSchema.safeParse(operand);
  if (!parsed.success) return OPAQUE;
  const { near, radiusKm } = parsed.data;
  // The haversine formula in SQL; its float results can differ from JavaScript's in the last
  // bits, so only profiles clearly inside are sure, and a thin band around the circle is
  // decided in memory.
  const rad = Math.PI / 180;
  const pow = st.pg ? 'power' : 'pow';
  const clamp = st.pg
    ? (x: string) => `LEAST(1, GREATEST(0, ${x}))`
    : (x: string) => `min(1, max(0, ${x}))`;
  const a =
    `${pow}(sin((p.latitude - ${numParam(st.pg, 0).sql}) * ${rad} / 2), 2) + ` +
    `${numParam(st.pg, 0).sql} * cos(p.latitude * ${rad}) * ${pow}(sin((p.longitude - ${numParam(st.pg, 0).sql}) * ${rad} / 2), 2)`;
  const distance = `2 * ${EARTH_RADIUS_KM} * asin(sqrt(${clamp(a)}))`;
  const aBindings = [near.lat, Math.cos(near.lat * rad), near.lng];
  // 1 m, or 1e-9 of the radius: far above the float differences, even near the antipode.
  const margin = Math.max(1e-3, radiusKm * 1e-9);
  const valid =
    'p.latitude >= -90 AND p.latitude <= 90 AND p.longitude >= -180 AND p.longitude <= 180';
  const within = (limit: number, unknownWithoutColumns: boolean) =>
    sql(
      `CASE WHEN p.latitude IS NOT NULL AND p.longitude IS NOT NULL THEN ` +
        `(CASE WHEN ${valid} THEN ${distance} <= ${numParam(st.pg, 0).sql} ELSE FALSE END) ` +
        `ELSE ${unknownWithoutColumns ? 'TRUE' : 'FALSE'} END`,
      ...aBindings,
      limit
    );
  // Without both columns the coordinates come from traits: decided in memory.
  return {
    sure: within(radiusKm - margin, false),
    maybe: within(radiusKm + margin, true),
    mayThrow: false,
  };
}

export function segmentClause(st: CompileState, operand: unknown): Tri {
  const parsed = segmentSchema.safeParse(operand);
  if (!parsed.success) return OPAQUE;
  const members = st.options.segmentMembers?.(parsed.data) ?? null;
  if (!members) return EXACT_FALSE;
  st.segmentKeys.add(parsed.data);
  const native = members.toSQL() as { sql: string; bindings: readonly unknown[] };
  const exact = sql(`p.id IN (${native.sql})`, ...native.bindings);
  return { sure: exact, maybe: exact, mayThrow: false };
}
