import type { Knex } from 'knex';
import { TABLES } from '../store/tables';
import { dialectOf } from '../store/dialect';
import {
  MAX_STORED_CHANGES,
  decodeChanges,
  encodeChanges,
  type Dependencies,
} from './dependencies';

/**
 * `due_at` of a settled row: re-evaluated, nothing pending. Settled rows stay (with `marked_at`)
 * for {@link SETTLED_RETENTION_MS} so a recompute can tell which profiles changed while it ran.
 */
export const NOT_DUE = 8_640_000_000_000_000; // the largest Date in milliseconds
export const SETTLED_RETENTION_MS = 3_600_000;

/**
 * The durable queue of profiles whose stored memberships need a look (issue 22). A mark is an
 * upsert: the earliest due time wins, the changes add up (see dependencies.ts), and a mark on a
 * profile being processed clears the claim, so the worker's final release (which requires its
 * own claim) leaves the profile queued for one more pass instead of losing the change.
 * `changes` null means "anything may have changed" — also on a profile's first mark (no row: a
 * new profile, or none marked within the hour), since a profile's creation is not a change a
 * token describes. `mark_changes` holds what the latest mark changed.
 */
export async function markProfiles(
  knex: Knex | Knex.Transaction,
  profileIds: readonly number[],
  dueAt: number,
  changes: Dependencies = null
) {
  await markProfilesDue(
    knex,
    [...new Set(profileIds)].map((profileId) => ({ profileId, dueAt, changes }))
  );
}

export interface Mark {
  profileId: number;
  dueAt: number;
  changes: Dependencies;
}

/** Marks with a due time and changes each (one row per profile: earliest due, all changes). */
export async function markProfilesDue(knex: Knex | Knex.Transaction, marks: readonly Mark[]) {
  const merged = new Map<number, { dueAt: number; changes: Set<string> | null }>();
  for (const { profileId, dueAt, changes } of marks) {
    const seen = merged.get(profileId);
    if (!seen) {
      merged.set(profileId, { dueAt, changes: changes === null ? null : new Set(changes) });
      continue;
    }
    seen.dueAt = Math.min(seen.dueAt, dueAt);
    if (changes === null) seen.changes = null;
    else if (seen.changes) for (const token of changes) seen.changes.add(token);
  }
  const pg = dialectOf(knex) === 'postgres';
  const marked = {
    marked_at: Date.now(),
    ...(pg ? { marked_xid: knex.raw('pg_current_xact_id()') } : {}),
  };
  const rows = [...merged].map(([id, mark]) => ({
    profile_id: id,
    due_at: mark.dueAt,
    // A profile's first mark (a new profile, or none within the hour): anything may have changed.
    changes: null,
    mark_changes: encodeChanges(mark.changes),
    claimed_by: null,
    claim_expires: null,
    ...marked,
  }));
  const table = TABLES.reevaluations;
  const earliest = pg ? 'least' : 'min';
  const contains = pg ? 'strpos' : 'instr';
  // A settled row starts over; a pending one keeps its changes and adds the new ones (a whole
  // stored set already inside is skipped; past the size bound it becomes "anything").
  const incoming = 'excluded.mark_changes';
  const changes = knex.raw(
    `CASE WHEN ${table}.due_at = ? THEN ${incoming}
      WHEN ${table}.changes IS NULL OR ${incoming} IS NULL THEN NULL
      WHEN ${contains}(${table}.changes, ${incoming}) > 0 THEN ${table}.changes
      WHEN length(${table}.changes) + length(${incoming}) > ? THEN NULL
      ELSE ${table}.changes || substr(${incoming}, 2) END`,
    [NOT_DUE, MAX_STORED_CHANGES]
  );
  for (let i = 0; i < rows.length; i += 500) {
    await knex(table)
      .insert(rows.slice(i, i + 500))
      .onConflict('profile_id')
      .merge({
        due_at: knex.raw(`${earliest}(${table}.due_at, excluded.due_at)`),
        changes,
        mark_changes: knex.raw(incoming),
        claimed_by: null,
        claim_expires: null,
        ...marked,
      });
  }
}

/**
 * Claims up to `limit` due profiles for `token` (unclaimed, or claimed by an instance whose claim
 * expired). Postgres skips rows another claimer has locked; SQLite serialises writers.
 */
export async function claimDueProfiles(
  knex: Knex,
  options: { token: string; now: number; claimExpires: number; limit: number }
): Promise<Array<{ profileId: number; changes: Dependencies }>> {
  const pg = dialectOf(knex) === 'postgres';
  await knex.raw(
    `UPDATE ${TABLES.reevaluations} SET claimed_by = ?, claim_expires = ?
     WHERE profile_id IN (
       SELECT profile_id FROM ${TABLES.reevaluations}
       WHERE due_at <= ? AND (claimed_by IS NULL OR claim_expires < ?)
       ORDER BY due_at
       LIMIT ?${pg ? ' FOR UPDATE SKIP LOCKED' : ''})`,
    [options.token, options.claimExpires, options.now, options.now, options.limit]
  );
  const rows = (await knex(TABLES.reevaluations)
    .select('profile_id', 'changes')
    .where('claimed_by', options.token)) as Array<{
    profile_id: number | string;
    changes: string | null;
  }>;
  return rows.map((r) => ({ profileId: Number(r.profile_id), changes: decodeChanges(r.changes) }));
}

/**
 * Done with a claim: rows still carrying it settle (a newer mark cleared the claim: still due),
 * noting the pass's clock (`settled_at`: a recompute that evaluated at an earlier instant leaves
 * these profiles to the loop's newer answer).
 */
export async function releaseProfiles(
  knex: Knex | Knex.Transaction,
  token: string,
  profileIds: readonly number[],
  now: number
) {
  for (let i = 0; i < profileIds.length; i += 500) {
    await knex(TABLES.reevaluations)
      .whereIn('profile_id', profileIds.slice(i, i + 500))
      .andWhere('claimed_by', token)
      .update({ due_at: NOT_DUE, settled_at: now, claimed_by: null, claim_expires: null });
  }
}

/** Forgets settled rows marked before `before` (an hour back: no recompute runs that long). */
export async function pruneSettled(knex: Knex, before: number): Promise<number> {
  return knex(TABLES.reevaluations)
    .where('due_at', NOT_DUE)
    .andWhere((q) => q.whereNull('marked_at').orWhere('marked_at', '<', before))
    .delete();
}

/**
 * What a recompute has seen of the marks, taken before it reads: the Postgres snapshot (every
 * transaction committed by then), or on SQLite — one transaction at a time — the time.
 */
export type MarksSeen = { pg: string } | { sqliteAt: number };

export async function marksSeenNow(knex: Knex): Promise<MarksSeen> {
  if (dialectOf(knex) !== 'postgres') return { sqliteAt: Date.now() };
  const result = (await knex.raw('SELECT pg_current_snapshot()::text AS snapshot')) as {
    rows: Array<{ snapshot: string }>;
  };
  return { pg: result.rows[0].snapshot };
}

/** SQL true for a mark (a queue row aliased `alias`) that the recompute which took `seen` saw. */
function seenMarkSql(seen: MarksSeen, alias: string): { sql: string; binding: string | number } {
  return 'pg' in seen
    ? { sql: `pg_visible_in_snapshot(${alias}.marked_xid, ?::pg_snapshot)`, binding: seen.pg }
    : { sql: `${alias}.marked_at < ?`, binding: seen.sqliteAt };
}

/**
 * SQL true for a profile (column `column`) whose answer the real-time loop has or will have newer
 * than a recompute that took `seen` and evaluates at `clock`: marked by a change the recompute may
 * not have seen, due after `clock` (a window that expires later), or re-evaluated after `clock`
 * (a window that expired while the recompute ran).
 */
export function markedSinceSql(
  column: string,
  seen: MarksSeen,
  clock: number
): { sql: string; bindings: Array<string | number> } {
  const mark = seenMarkSql(seen, 'r');
  return {
    sql: `EXISTS (SELECT 1 FROM ${TABLES.reevaluations} r WHERE r.profile_id = ${column} AND (NOT ${mark.sql} OR (r.due_at < ? AND r.due_at > ?) OR r.settled_at > ?))`,
    bindings: [mark.binding, NOT_DUE, clock, clock],
  };
}

/**
 * After a recompute that began with `seen`: due, unclaimed profiles whose marks it had seen need
 * no pass of their own (the recompute wrote their answers), so they settle. Returns how many.
 */
export async function settleSeenMarks(knex: Knex, seen: MarksSeen, now: number): Promise<number> {
  const mark = seenMarkSql(seen, TABLES.reevaluations);
  return knex(TABLES.reevaluations)
    .where('due_at', '<=', now)
    .whereNull('claimed_by')
    .whereRaw(mark.sql, [mark.binding])
    .update({ due_at: NOT_DUE, settled_at: now });
}

/** Profiles waiting for a re-evaluation (settled rows are not waiting), and how many are due. */
export async function queueLength(
  knex: Knex,
  now: number
): Promise<{ due: number; total: number }> {
  const [row] = (await knex(TABLES.reevaluations)
    .where('due_at', '<', NOT_DUE)
    .select(
      knex.raw('count(*) as total'),
      knex.raw('sum(case when due_at <= ? then 1 else 0 end) as due', [now])
    )) as Array<{ total: number | string; due: number | string | null }>;
  return { total: Number(row?.total ?? 0), due: Number(row?.due ?? 0) };
}

/**
 * Everything the due profiles' marks changed, together (what a fall-back recompute must cover),
 * or null for "anything" (a mark that may have changed anything, or too many distinct sets).
 */
export async function dueChanges(
  knex: Knex,
  now: number,
  maxDistinct = 1000
): Promise<Dependencies> {
  const rows = (await knex(TABLES.reevaluations)
    .distinct('changes')
    .where('due_at', '<=', now)
    .limit(maxDistinct + 1)) as Array<{ changes: string | null }>;
  if (rows.length > maxDistinct) return null;
  const all = new Set<string>();
  for (const row of rows) {
    const changes = decodeChanges(row.changes);
    if (changes === null) return null;
    for (const token of changes) all.add(token);
  }
  return all;
}
