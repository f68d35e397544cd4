import { planEvent, type EventPlan } from '../rules/extensions';
import { durationMs } from '../rules/time';

/**
 * Where a rule's answer can change with no new event (issue 22, time-based exits and entries):
 * an event of `event` stops counting at a fixed offset after it happened.
 *
 * - `afterMs`: exactly `afterMs` after the event (hour windows; `$within`/`$before` durations on
 *   raw events): `within: { hours: 1 }` holds an event for one hour.
 * - `afterDays`: at the UTC midnight `afterDays` after the event's day (calendar-day windows and
 *   day durations answered from daily rollups): `within: { days: 7 }` drops an event at the
 *   midnight that starts the 7th day after its own.
 *
 * A sweep marks the profiles whose events reach such a moment soon, due at that moment; the
 * re-evaluation then decides whether anything changed. Marking too many costs a no-op pass;
 * marking too few would miss an exit, so where the rule's day semantics allow two moments both
 * are listed. Absolute `from`/`to` windows never move and need nothing.
 */
export type ExpiryClause =
  | { event: string; afterMs: number }
  | { event: string; afterDays: number };

function clausesOfPlan(plan: EventPlan): ExpiryClause[] {
  const out: ExpiryClause[] = [];
  if (plan.window.kind === 'hours')
    out.push({ event: plan.name, afterMs: plan.window.hours * 3_600_000 });
  if (plan.window.kind === 'days') out.push({ event: plan.name, afterDays: plan.window.days });
  if (plan.measure.kind === 'first' || plan.measure.kind === 'last') {
    for (const duration of [plan.measure.condition.$within, plan.measure.condition.$before]) {
      if (!duration) continue;
      if (plan.source === 'events' || 'hours' in duration)
        out.push({ event: plan.name, afterMs: durationMs(duration) });
      else
        out.push(
          { event: plan.name, afterDays: duration.days },
          { event: plan.name, afterDays: duration.days + 1 }
        );
    }
  }
  return out;
}

/** Every time-dependent `$event` clause of a rule, at any depth, without duplicates. */
export function expiryClauses(rule: unknown): ExpiryClause[] {
  const found = new Map<string, ExpiryClause>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$event') {
        const plan = planEvent(value);
        for (const clause of plan ? clausesOfPlan(plan) : [])
          found.set(JSON.stringify(clause), clause);
      } else {
        walk(value);
      }
    }
  };
  walk(rule);
  return [...found.values()];
}
