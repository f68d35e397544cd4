import type { Knex } from 'knex';
import { TABLES } from '../store/tables';
import type { ExpiryClause } from './expiry';
import { markProfilesDue, type Mark } from './reevaluation-queue';
import { eventToken } from './dependencies';
import { PROMOTED_TIME_COLUMNS } from '../rules/sql/load-facts';
import { clauseToken, isRangeSwept, momentsBetween, type DateClause } from './date-moments';

const DAY_MS = 86_400_000;
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Queues the profiles whose events reach an expiry moment of one of `clauses` in (from, to],
 * each due at its earliest such moment (see expiry.ts). Reads the events index (name, time) for
 * exact offsets and the rollups index (event, day) for calendar days. Returns how many marks.
 */
export async function sweepExpiries(
  knex: Knex,
  clauses: readonly ExpiryClause[],
  range: { from: number; to: number }
): Promise<number> {
  const marks: Mark[] = [];
  for (const clause of clauses) {
    if ('afterMs' in clause) {
      const rows = (await knex(TABLES.events)
        .select('profile_id')
        .min({ t: 'occurred_at' })
        .where('name', clause.event)
        .andWhere('occurred_at', '>', range.from - clause.afterMs)
        .andWhere('occurred_at', '<=', range.to - clause.afterMs)
        .groupBy('profile_id')) as Array<{ profile_id: number | string; t: number | string }>;
      for (const r of rows)
        marks.push({
          profileId: Number(r.profile_id),
          dueAt: Number(r.t) + clause.afterMs,
          changes: new Set([eventToken(clause.event)]),
        });
    } else {
      // Every UTC midnight in the range drops the events of the day `afterDays` before it.
      for (
        let midnight = Math.floor(range.from / DAY_MS + 1) * DAY_MS;
        midnight <= range.to;
        midnight += DAY_MS
      ) {
        const rows = (await knex(TABLES.rollups)
          .distinct('profile_id')
          .where({
            event: clause.event,
            day: utcDay(midnight - clause.afterDays * DAY_MS),
          })) as Array<{
          profile_id: number | string;
        }>;
        for (const r of rows)
          marks.push({
            profileId: Number(r.profile_id),
            dueAt: midnight,
            changes: new Set([eventToken(clause.event)]),
          });
      }
    }
  }
  await markProfilesDue(knex, marks);
  return marks.length;
}

/**
 * Queues the profiles whose relative `$date` answers flip in (from, to], due at that moment:
 * first/last seen by a range read of the profiles' columns, trait dates from the stored moments.
 * Returns how many marks.
 */
export async function sweepDates(
  knex: Knex,
  clauses: readonly DateClause[],
  range: { from: number; to: number }
): Promise<number> {
  const marks: Mark[] = [];
  const tokens = new Set<string>();
  for (const clause of clauses) {
    const token = clauseToken(clause);
    if (!isRangeSwept(clause)) {
      tokens.add(token);
      continue;
    }
    const column = (PROMOTED_TIME_COLUMNS as Record<string, string>)[clause.attribute];
    const shift = clause.afterMs + 1; // the moment the strict comparison flips
    const rows = (await knex(TABLES.profiles)
      .select('id', column)
      .where(column, '>', range.from - shift)
      .andWhere(column, '<=', range.to - shift)) as Array<Record<string, number | string>>;
    for (const r of rows)
      marks.push({
        profileId: Number(r.id),
        dueAt: Number(r[column]) + shift,
        changes: new Set([token]),
      });
  }
  for (const token of tokens) {
    for (const m of await momentsBetween(knex, token, range))
      marks.push({ profileId: m.profileId, dueAt: m.at, changes: new Set([token]) });
  }
  await markProfilesDue(knex, marks);
  return marks.length;
}
