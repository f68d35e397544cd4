import type { Knex } from 'knex';
import { TABLES } from '../store/tables';
import type { ExpiryClause } from './expiry';
import { markProfilesDue, type Mark } from './reevaluation-queue';
import { eventToken } from './dependencies';

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
