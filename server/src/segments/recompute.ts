import crypto from 'crypto';
import type { Knex } from 'knex';
import type { Rule } from '../rules';
import { streamMatchingProfileIds } from '../rules/sql';
import { TABLES } from '../store/tables';

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
const STAGING_CHUNK = 500;

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
  try {
    for await (const ids of streamMatchingProfileIds(knex, segment.rule, {
      now: options.now,
      retentionDays: options.retentionDays,
      segmentMembers: (key: string) =>
        knex(TABLES.memberships)
          .select('profile_id')
          .where('segment_id', options.keyToId.get(key) ?? `missing:${key}`),
    })) {
      for (let i = 0; i < ids.length; i += STAGING_CHUNK) {
        await knex(TABLES.membershipStaging).insert(
          ids.slice(i, i + STAGING_CHUNK).map((profile_id) => ({ run_id: runId, profile_id }))
        );
      }
    }

    return await knex.transaction(async (trx) => {
      const initial = !(await trx(TABLES.sizeSnapshots).where('segment_id', segment.id).first());
      const staged = `SELECT s.profile_id FROM ${TABLES.membershipStaging} s WHERE s.run_id = ?`;
      const isMember = `EXISTS (SELECT 1 FROM ${TABLES.memberships} m WHERE m.segment_id = ? AND m.profile_id = s.profile_id)`;
      const isStaged = `EXISTS (SELECT 1 FROM ${TABLES.membershipStaging} s WHERE s.run_id = ? AND s.profile_id = m.profile_id)`;

      const count = async (sql: string, bindings: Knex.Value[]) => {
        const [row] = rows(await trx.raw(sql, bindings));
        return Number(row?.n ?? 0);
      };

      const entered = await count(`SELECT COUNT(*) AS n FROM (${staged} AND NOT ${isMember}) x`, [
        runId,
        segment.id,
      ]);
      const exited = await count(
        `SELECT COUNT(*) AS n FROM ${TABLES.memberships} m WHERE m.segment_id = ? AND NOT ${isStaged}`,
        [segment.id, runId]
      );

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
      await trx.raw(
        `DELETE FROM ${TABLES.memberships} WHERE segment_id = ? AND NOT EXISTS
           (SELECT 1 FROM ${TABLES.membershipStaging} s WHERE s.run_id = ? AND s.profile_id = ${TABLES.memberships}.profile_id)`,
        [segment.id, runId]
      );
      await trx.raw(
        `INSERT INTO ${TABLES.memberships} (segment_id, profile_id, entered_at)
         SELECT ?, s.profile_id, ? FROM ${TABLES.membershipStaging} s
         WHERE s.run_id = ? AND NOT ${isMember}`,
        [segment.id, at, runId, segment.id]
      );
      const size = await count(
        `SELECT COUNT(*) AS n FROM ${TABLES.memberships} WHERE segment_id = ?`,
        [segment.id]
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
        initial,
        computedAt: at,
        durationMs: Date.now() - started,
      };
    });
  } finally {
    await knex(TABLES.membershipStaging).where('run_id', runId).delete();
  }
}

/** `knex.raw` returns rows differently per driver: an array (SQLite) or `{ rows }` (Postgres). */
function rows(result: unknown): Array<Record<string, unknown>> {
  if (Array.isArray(result)) return result as Array<Record<string, unknown>>;
  return ((result as { rows?: Array<Record<string, unknown>> }).rows ?? []) as Array<
    Record<string, unknown>
  >;
}
