import crypto from 'crypto';
import type { Knex } from 'knex';
import type { Rule } from '../rules';
import { exactMatchingIdsSql, streamMatchingProfileIds } from '../rules/sql';
import { TABLES } from '../store/tables';
import { dialectOf } from '../store/dialect';

export interface SegmentToCompute {
  /** The segment's documentId: memberships are keyed by it. */
  id: string;
  key: string;
  rule: Rule;
}

export interface RecomputeResult {
  segmentId: string;
  key: string;
  size: number;
  entered: number;
  exited: number;
  /** True for a segment's first computation, which records no enter transitions. */
  initial: boolean;
  computedAt: number;
  durationMs: number;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const STAGING_CHUNK = 10_000;

/**
 * Recomputes one segment's members as a diff: the new member set is staged in SQL, then — in one
 * transaction — those who entered are inserted and recorded as `enter` transitions, those who left
 * are deleted and recorded as `exit`, and the day's size snapshot is upserted. Members never
 * disappear and reappear mid-recompute, and a failure leaves the previous membership intact.
 * `keyToId` resolves `$segment` references to the referenced segments' current memberships.
 */
export async function recomputeSegment(
  knex: Knex,
  segment: SegmentToCompute,
  options: { now: Date; retentionDays: number; keyToId: ReadonlyMap<string, string> }
): Promise<RecomputeResult> {
  const started = Date.now();
  const runId = crypto.randomUUID();
  const at = options.now.getTime();
  const matchOptions = {
    now: options.now,
    retentionDays: options.retentionDays,
    segmentMembers: (key: string) =>
      knex(TABLES.memberships)
        .select('profile_id')
        .where('segment_id', options.keyToId.get(key) ?? `missing:${key}`),
  };
  try {
    // Stage the new member set: in one INSERT … SELECT when SQL decides the rule alone, else
    // streamed through the in-memory evaluator in batches.
    let size = 0;
    const exact = exactMatchingIdsSql(knex, segment.rule, matchOptions);
    if (exact) {
      await knex.raw(
        `INSERT INTO ${TABLES.membershipStaging} (run_id, profile_id) SELECT ?, m.id FROM (${exact.sql}) m`,
        [runId, ...exact.bindings]
      );
      const [row] = await knex(TABLES.membershipStaging).where('run_id', runId).count({ n: '*' });
      size = Number((row as { n: number | string }).n);
    } else {
      for await (const ids of streamMatchingProfileIds(knex, segment.rule, matchOptions)) {
        size += ids.length;
        for (let i = 0; i < ids.length; i += STAGING_CHUNK) {
          await stageProfileIds(knex, runId, ids.slice(i, i + STAGING_CHUNK));
        }
      }
    }

    return await knex.transaction(async (trx) => {
      const initial = !(await trx(TABLES.sizeSnapshots).where('segment_id', segment.id).first());
      const staged = `SELECT s.profile_id FROM ${TABLES.membershipStaging} s WHERE s.run_id = ?`;
      const isMember = `EXISTS (SELECT 1 FROM ${TABLES.memberships} m WHERE m.segment_id = ? AND m.profile_id = s.profile_id)`;
      const isStaged = `EXISTS (SELECT 1 FROM ${TABLES.membershipStaging} s WHERE s.run_id = ? AND s.profile_id = m.profile_id)`;

      if (!initial) {
        await trx.raw(
          `INSERT INTO ${TABLES.membershipTransitions} (segment_id, profile_id, kind, at)
           SELECT ?, s.profile_id, 'enter', ? FROM ${TABLES.membershipStaging} s
           WHERE s.run_id = ? AND NOT ${isMember}`,
          [segment.id, at, runId, segment.id]
        );
        await trx.raw(
          `INSERT INTO ${TABLES.membershipTransitions} (segment_id, profile_id, kind, at)
           SELECT ?, m.profile_id, 'exit', ? FROM ${TABLES.memberships} m
           WHERE m.segment_id = ? AND NOT ${isStaged}`,
          [segment.id, at, segment.id, runId]
        );
      }
      const exited: number = await trx(TABLES.memberships)
        .where('segment_id', segment.id)
        .whereNotExists(
          trx(`${TABLES.membershipStaging} as s`)
            .select(trx.raw('1'))
            .where('s.run_id', runId)
            .whereRaw(`s.profile_id = ${TABLES.memberships}.profile_id`)
        )
        .delete();
      // After the delete, every remaining member is staged: the newcomers are the difference.
      const [previous] = await trx(TABLES.memberships)
        .where('segment_id', segment.id)
        .count({ n: '*' });
      const entered = size - Number((previous as { n: number | string }).n);
      if (entered > 0) {
        // ON CONFLICT: the real-time loop may have added the same member since the read above.
        await trx.raw(
          `INSERT INTO ${TABLES.memberships} (segment_id, profile_id, entered_at)
           SELECT ?, s.profile_id, ? FROM (${staged}) s
           WHERE NOT ${isMember}
           ON CONFLICT (segment_id, profile_id) DO NOTHING`,
          [segment.id, at, runId, segment.id]
        );
      }
      await trx(TABLES.sizeSnapshots)
        .insert({ segment_id: segment.id, day: day(at), size, computed_at: at })
        .onConflict(['segment_id', 'day'])
        .merge(['size', 'computed_at']);
      return {
        segmentId: segment.id,
        key: segment.key,
        size,
        entered,
        exited,
        initial,
        computedAt: at,
        durationMs: Date.now() - started,
      };
    });
  } finally {
    await knex(TABLES.membershipStaging).where('run_id', runId).delete();
  }
}

/**
 * Adds ids to a run's staging set with one bound JSON array per chunk (`json_each` on SQLite,
 * `json_array_elements_text` on Postgres): a short statement however many ids, instead of a
 * VALUES list SQLite must parse placeholder by placeholder.
 */
async function stageProfileIds(knex: Knex, runId: string, ids: number[]): Promise<void> {
  const from =
    dialectOf(knex) === 'postgres'
      ? 'select ?, value::bigint from json_array_elements_text(?::json)'
      : 'select ?, value from json_each(?)';
  await knex.raw(`insert into ${TABLES.membershipStaging} (run_id, profile_id) ${from}`, [
    runId,
    JSON.stringify(ids),
  ]);
}
