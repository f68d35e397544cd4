import type { Knex } from 'knex';
import { TABLES } from '../store/tables';
import { dialectOf } from '../store/dialect';

/**
 * The durable queue of profiles whose stored memberships need a look (issue 22). A mark is an
 * upsert: the earliest due time wins, and a mark on a profile being processed clears the claim,
 * so the worker's final delete (which requires its own claim) leaves the profile queued for one
 * more pass instead of losing the change.
 */
export async function markProfiles(
  knex: Knex | Knex.Transaction,
  profileIds: readonly number[],
  dueAt: number
) {
  await markProfilesDue(
    knex,
    [...new Set(profileIds)].map((profileId) => ({ profileId, dueAt }))
  );
}

/** Marks with a due time each (one row per profile: the earliest wins, here as in the table). */
export async function markProfilesDue(
  knex: Knex | Knex.Transaction,
  marks: ReadonlyArray<{ profileId: number; dueAt: number }>
) {
  const earliestOf = new Map<number, number>();
  for (const { profileId, dueAt } of marks) {
    earliestOf.set(profileId, Math.min(dueAt, earliestOf.get(profileId) ?? Infinity));
  }
  const rows = [...earliestOf].map(([id, due]) => ({
    profile_id: id,
    due_at: due,
    claimed_by: null,
    claim_expires: null,
  }));
  const earliest = dialectOf(knex) === 'postgres' ? 'least' : 'min';
  for (let i = 0; i < rows.length; i += 500) {
    await knex(TABLES.reevaluations)
      .insert(rows.slice(i, i + 500))
      .onConflict('profile_id')
      .merge({
        due_at: knex.raw(`${earliest}(${TABLES.reevaluations}.due_at, excluded.due_at)`),
        claimed_by: null,
        claim_expires: null,
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
): Promise<number[]> {
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
    .select('profile_id')
    .where('claimed_by', options.token)) as Array<{
    profile_id: number | string;
  }>;
  return rows.map((r) => Number(r.profile_id));
}

/** Done with a claim: rows still carrying it go (a newer mark cleared the claim and stays). */
export async function releaseProfiles(
  knex: Knex | Knex.Transaction,
  token: string,
  profileIds: readonly number[]
) {
  for (let i = 0; i < profileIds.length; i += 500) {
    await knex(TABLES.reevaluations)
      .whereIn('profile_id', profileIds.slice(i, i + 500))
      .andWhere('claimed_by', token)
      .delete();
  }
}

export async function queueLength(
  knex: Knex,
  now: number
): Promise<{ due: number; total: number }> {
  const [row] = (await knex(TABLES.reevaluations).select(
    knex.raw('count(*) as total'),
    knex.raw('sum(case when due_at <= ? then 1 else 0 end) as due', [now])
  )) as Array<{ total: number | string; due: number | string | null }>;
  return { total: Number(row?.total ?? 0), due: Number(row?.due ?? 0) };
}
