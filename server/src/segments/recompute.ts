import crypto from 'crypto';
import type { Knex } from 'knex';
import type { Rule } from '../rules';
import { exactMatchingIdsSql, streamMatchingProfileIds } from '../rules/sql';
import { TABLES } from '../store/tables';
import { dialectOf } from '../store/dialect';
import { lockMembershipWrites } from './membership-lock';
import { markedSinceSql, marksSeenNow } from './reevaluation-queue';

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
  /**
   * Differences left to the real-time loop: profiles changed by writes this run may not have seen
   * (the loop's answer is newer). 0 when nothing wrote meanwhile and memberships agree.
   */
  deferred: number;
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
 * Profiles changed by writes it may not have seen are left to the real-time loop (`deferred`);
 * the diff holds the exclusive membership-writes lock, so a recompute and a real-time pass never
 * record the same transition.
 * `keyToId` resolves `$segment` references to the referenced segments' current memberships.
 */
export async function recomputeSegment(
  knex: Knex,
  segment: SegmentToCompute,
  options: {
    now: Date;
    retentionDays: number;
    keyToId: ReadonlyMap<string, string>;
    /** After the diff commits: the profiles it recorded as entering and leaving. */
    onCommitted?: (moved: { entered: number[]; exited: number[] }) => void;
  }
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
    const seen = await marksSeenNow(knex);
    // Stage the new member set: in one INSERT … SELECT when SQL decides the rule alone, else
    // streamed through the in-memory evaluator in batches.
    const exact = exactMatchingIdsSql(knex, segment.rule, matchOptions);
    if (exact) {
      await knex.raw(
        `INSERT INTO ${TABLES.membershipStaging} (run_id, profile_id) SELECT ?, m.id FROM (${exact.sql}) m`,
        [runId, ...exact.bindings]
      );
    } else {
      for await (const ids of streamMatchingProfileIds(knex, segment.rule, matchOptions)) {
        for (let i = 0; i < ids.length; i += STAGING_CHUNK) {
          await stageProfileIds(knex, runId, ids.slice(i, i + STAGING_CHUNK));
        }
      }
    }

    const moved = { entered: [] as number[], exited: [] as number[] };
    const ids = (result: unknown) =>
      (
        (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<{
          profile_id: number | string;
        }>
      ).map((r) => Number(r.profile_id));
    const outcome = await knex.transaction(async (trx) => {
      await lockMembershipWrites(trx, 'exclusive');
      const initial = !(await trx(TABLES.sizeSnapshots).where('segment_id', segment.id).first());
      // A profile changed by a write this run may not have seen keeps the real-time loop's
      // answer, which is newer. The first computation is the baseline for every profile.
      const owned = (column: string) =>
        initial ? { sql: '0 = 1', bindings: [] } : markedSinceSql(column, seen, at);
      const isMember = `EXISTS (SELECT 1 FROM ${TABLES.memberships} m WHERE m.segment_id = ? AND m.profile_id = s.profile_id)`;
      const isStaged = `EXISTS (SELECT 1 FROM ${TABLES.membershipStaging} s WHERE s.run_id = ? AND s.profile_id = m.profile_id)`;
      const newcomers = owned('s.profile_id');
      const leavers = owned('m.profile_id');
      const entering = {
        sql: `FROM ${TABLES.membershipStaging} s WHERE s.run_id = ? AND NOT ${isMember} AND NOT ${newcomers.sql}`,
        bindings: [runId, segment.id, ...newcomers.bindings],
      };
      const leaving = {
        sql: `FROM ${TABLES.memberships} m WHERE m.segment_id = ? AND NOT ${isStaged} AND NOT ${leavers.sql}`,
        bindings: [segment.id, runId, ...leavers.bindings],
      };
      // Each side's differences in one scan: all of them, and those left to the loop.
      const differences = async (from: string, bindings: unknown[], owner: typeof newcomers) => {
        const result = await trx.raw(
          `SELECT count(*) AS n, coalesce(sum(CASE WHEN ${owner.sql} THEN 1 ELSE 0 END), 0) AS d ${from}`,
          [...owner.bindings, ...bindings] as Knex.RawBinding[]
        );
        const rows = Array.isArray(result) ? result : (result as { rows: unknown[] }).rows;
        const row = rows[0] as { n: number | string; d: number | string };
        return { all: Number(row.n), left: Number(row.d) };
      };
      const incoming = await differences(
        `FROM ${TABLES.membershipStaging} s WHERE s.run_id = ? AND NOT ${isMember}`,
        [runId, segment.id],
        newcomers
      );
      const outgoing = await differences(
        `FROM ${TABLES.memberships} m WHERE m.segment_id = ? AND NOT ${isStaged}`,
        [segment.id, runId],
        leavers
      );
      const entered = incoming.all - incoming.left;
      const exited = outgoing.all - outgoing.left;
      const deferred = incoming.left + outgoing.left;

      if (!initial && entered > 0) {
        moved.entered = ids(
          await trx.raw(
            `INSERT INTO ${TABLES.membershipTransitions} (segment_id, profile_id, kind, at)
             SELECT ?, s.profile_id, 'enter', ? ${entering.sql} RETURNING profile_id`,
            [segment.id, at, ...entering.bindings]
          )
        );
      }
      if (!initial && exited > 0) {
        moved.exited = ids(
          await trx.raw(
            `INSERT INTO ${TABLES.membershipTransitions} (segment_id, profile_id, kind, at)
             SELECT ?, m.profile_id, 'exit', ? ${leaving.sql} RETURNING profile_id`,
            [segment.id, at, ...leaving.bindings]
          )
        );
      }
      if (exited > 0) {
        await trx.raw(
          `DELETE FROM ${TABLES.memberships} WHERE segment_id = ? AND profile_id IN (SELECT m.profile_id ${leaving.sql})`,
          [segment.id, ...leaving.bindings]
        );
      }
      if (entered > 0) {
        await trx.raw(
          `INSERT INTO ${TABLES.memberships} (segment_id, profile_id, entered_at)
           SELECT ?, s.profile_id, ? ${entering.sql}`,
          [segment.id, at, ...entering.bindings]
        );
      }
      const size = Number(
        (
          (await trx(TABLES.memberships)
            .where('segment_id', segment.id)
            .count({ n: '*' })) as Array<{
            n: number | string;
          }>
        )[0].n
      );
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
        deferred,
        initial,
        computedAt: at,
        durationMs: Date.now() - started,
      };
    });
    if (moved.entered.length || moved.exited.length) options.onCommitted?.(moved);
    return outcome;
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
