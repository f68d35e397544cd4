import type { Knex } from 'knex';
import { TABLES } from '../store/tables';
import { DAY_MS, utcDay } from '../utils/days';
import { knexLeaseStore } from '../scheduler/lease';

/** Lease rows are a record of who ran what; a day of them is enough to debug a schedule. */
export const LEASE_RECORD_MS = DAY_MS;

/**
 * Deletes what is past retention: raw events older than `rawEventsDays`; rollups, activity days
 * and segment membership transitions older than `rollupDays`; scheduler lease rows expired more
 * than a day ago (one row per cron fire). Deleting by a cutoff is idempotent, so two instances (or two
 * runs) doing it at once is harmless. Served by segments_events_time_idx and the day indexes.
 */
export interface RetentionPolicy {
  rawEventsDays: number;
  rollupDays: number;
}

export function retentionCutoffs(now: number, policy: RetentionPolicy) {
  return {
    /** Events with `occurred_at` below this are purged. */
    eventsBefore: now - policy.rawEventsDays * DAY_MS,
    /** Rollup and activity days before this day are purged (the cutoff day is kept). */
    daysBefore: utcDay(now - policy.rollupDays * DAY_MS),
    /** Membership transitions (enter/exit) before this instant are purged. */
    transitionsBefore: now - policy.rollupDays * DAY_MS,
  };
}

export async function purgeExpired(knex: Knex, now: number, policy: RetentionPolicy) {
  const cutoff = retentionCutoffs(now, policy);
  const events = await knex(TABLES.events).where('occurred_at', '<', cutoff.eventsBefore).delete();
  const rollups = await knex(TABLES.rollups).where('day', '<', cutoff.daysBefore).delete();
  const activityDays = await knex(TABLES.activityDays).where('day', '<', cutoff.daysBefore).delete();
  const transitions = await knex(TABLES.membershipTransitions)
    .where('at', '<', cutoff.transitionsBefore)
    .delete();
  const leases = await knexLeaseStore(knex).purgeExpired(LEASE_RECORD_MS, now);
  return { events, rollups, activityDays, transitions, leases };
}
