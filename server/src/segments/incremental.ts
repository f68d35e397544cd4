import type { Knex } from 'knex';
import { compileRule, type CompiledRule, type Rule } from '../rules';
import { loadProfileFacts } from '../rules/sql';
import { TABLES } from '../store/tables';
import { dependencyOrder } from './order';
import { lockMembershipWrites } from './membership-lock';
import { dialectOf } from '../store/dialect';
import {
  isAffected,
  ruleDependencies,
  segmentDependencies,
  type Dependencies,
} from './dependencies';
import {
  clauseKey,
  clauseToken,
  dateClauses,
  isRangeSwept,
  replaceMoments,
  traitMoments,
  type DateClause,
  type MomentSubject,
} from './date-moments';

/** Membership changes written per statement (well under SQLite's bound-parameter limit). */
const WRITE_CHUNK = 500;

/** A segment whose stored memberships are kept current between recomputes. */
export interface MaintainedSegment {
  id: string;
  key: string;
  matches: CompiledRule;
  /** What its answer can depend on, its references' dependencies included (dependencies.ts). */
  dependsOn: Dependencies;
  /** Its `$date` clauses with stored moments (traits, anniversaries; date-moments.ts). */
  traitDates: DateClause[];
}

/** A claimed profile and what changed since its last pass (null: anything). */
export interface DueProfile {
  profileId: number;
  changes: Dependencies;
}

export interface Transition {
  segmentId: string;
  segmentKey: string;
  profileId: number;
  kind: 'enter' | 'exit';
  at: number;
}

/**
 * What each segment's rule compiles to — the matcher, its own dependencies, its stored-moment
 * `$date` clauses — by segment, reused while the rule is unchanged (once per rule version).
 */
export type CompiledRules = Map<
  string,
  { rule: string; matches: CompiledRule | null; own: Dependencies; dates: DateClause[] }
>;

function compiledFor(cache: CompiledRules, segment: { documentId: string; rule: unknown }) {
  const rule = JSON.stringify(segment.rule);
  let entry = cache.get(segment.documentId);
  if (entry?.rule !== rule) {
    entry = {
      rule,
      matches: null, // compiled when the segment is maintained (a referenced archived one is not)
      own: ruleDependencies(segment.rule),
      dates: dateClauses(segment.rule).filter((c) => !isRangeSwept(c)),
    };
    cache.set(segment.documentId, entry);
  }
  return entry;
}

/**
 * Active segments that have been computed once (their first recompute sets the baseline and
 * records no transitions; until then there is nothing to keep current), referenced first, each
 * with its dependencies.
 */
export async function maintainedSegments(
  knex: Knex,
  segments: ReadonlyArray<{ documentId: string; key: string; rule: unknown; state: string }>,
  cache: CompiledRules = new Map()
): Promise<MaintainedSegment[]> {
  const computed = new Set(
    (
      (await knex(TABLES.sizeSnapshots).distinct('segment_id')) as Array<{ segment_id: string }>
    ).map((r) => r.segment_id)
  );
  const byKey = new Map(segments.map((s) => [s.key, s]));
  const dependencies = segmentDependencies(
    segments,
    (s) => compiledFor(cache, byKey.get(s.key) as (typeof segments)[number]).own
  );
  return dependencyOrder(
    segments.filter((s) => s.state !== 'archived' && computed.has(s.documentId))
  ).map((s) => {
    const entry = compiledFor(cache, s);
    entry.matches ??= compileRule(s.rule as Rule);
    return {
      id: s.documentId,
      key: s.key,
      matches: entry.matches,
      dependsOn: dependencies.get(s.key) ?? null,
      traitDates: entry.dates,
    };
  });
}

/**
 * Re-evaluates these profiles against the maintained segments their changes can move (in
 * dependency order, so a `$segment` reference reads this pass's answer; a segment the changes
 * cannot move keeps its stored answer) with the same compiled rules as `/me` and a recompute's
 * residual, and writes the difference to the stored memberships as a recompute
 * does: an insert and an `enter` transition, or a delete and an `exit`. Each change is
 * conditional (insert if absent, delete if present), so two passes over one profile can never
 * record a transition twice. A profile that no longer exists leaves every segment.
 */
export async function reevaluateProfiles(
  knex: Knex,
  due: readonly DueProfile[],
  segments: readonly MaintainedSegment[],
  options: { now: Date; retentionDays: number; keyToId: ReadonlyMap<string, string> }
): Promise<{ transitions: Transition[]; evaluations: number }> {
  const affected = due.map((p) => ({
    profileId: p.profileId,
    segments: segments.filter((s) => isAffected(s.dependsOn, p.changes)),
  }));
  const profileIds = affected.filter((p) => p.segments.length).map((p) => p.profileId);
  if (!profileIds.length) return { transitions: [], evaluations: 0 };
  const at = options.now.getTime();
  const facts = new Map(
    (
      await loadProfileFacts(knex, profileIds, {
        now: options.now,
        retentionDays: options.retentionDays,
      })
    ).map((f) => [f.id, f])
  );
  const stored = new Map<number, Set<string>>();
  for (const row of (await knex(TABLES.memberships)
    .select('segment_id', 'profile_id')
    .whereIn('profile_id', profileIds)) as Array<{
    segment_id: string;
    profile_id: number | string;
  }>) {
    const id = Number(row.profile_id);
    if (!stored.has(id)) stored.set(id, new Set());
    stored.get(id)!.add(row.segment_id);
  }
  const wanted: Array<Omit<Transition, 'at'>> = [];
  let evaluations = 0;
  for (const { profileId, segments: relevant } of affected) {
    if (!relevant.length) continue;
    const current = stored.get(profileId) ?? new Set<string>();
    const profile = facts.get(profileId);
    const members = new Set<string>();
    const evaluated = new Set(relevant.map((s) => s.id));
    // A reference to a segment outside this pass (not moved by the changes, archived, never
    // computed) reads its stored rows.
    const isMember = (key: string) => {
      const id = options.keyToId.get(key);
      if (id === undefined) return false;
      return evaluated.has(id) ? members.has(id) : current.has(id);
    };
    evaluations += relevant.length;
    for (const segment of relevant) {
      const member = profile
        ? segment.matches(profile, {
            now: options.now,
            retentionDays: options.retentionDays,
            isMember,
          })
        : false;
      if (member) members.add(segment.id);
      if (member !== current.has(segment.id)) {
        wanted.push({
          segmentId: segment.id,
          segmentKey: segment.key,
          profileId,
          kind: member ? 'enter' : 'exit',
        });
      }
    }
  }
  await storeTraitMoments(knex, affected, segments, facts, at);
  if (!wanted.length) return { transitions: [], evaluations };
  const transitions = await knex.transaction(async (trx) => {
    await lockMembershipWrites(trx, 'shared');
    const done: Transition[] = [];
    const keyOf = (segmentId: string, profileId: number | string) =>
      `${segmentId}\u0000${profileId}`;
    // In bulk, and still conditional: an enter counts only if its row was inserted, an exit only
    // if its row was there (read under a row lock on Postgres), so no transition is written twice.
    for (let i = 0; i < wanted.length; i += WRITE_CHUNK) {
      const chunk = wanted.slice(i, i + WRITE_CHUNK);
      const enters = chunk.filter((c) => c.kind === 'enter');
      const exits = chunk.filter((c) => c.kind === 'exit');
      const applied = new Set<string>();
      if (enters.length) {
        const inserted = (await trx(TABLES.memberships)
          .insert(
            enters.map((c) => ({
              segment_id: c.segmentId,
              profile_id: c.profileId,
              entered_at: at,
            }))
          )
          .onConflict(['segment_id', 'profile_id'])
          .ignore()
          .returning(['segment_id', 'profile_id'])) as Array<{
          segment_id: string;
          profile_id: number | string;
        }>;
        for (const r of inserted) applied.add(keyOf(r.segment_id, Number(r.profile_id)));
      }
      if (exits.length) {
        const pairs = exits.map((c) => [c.segmentId, c.profileId]);
        const present = trx(TABLES.memberships)
          .select('segment_id', 'profile_id')
          .whereIn(['segment_id', 'profile_id'], pairs);
        const rows = (await (dialectOf(knex) === 'postgres'
          ? present.forUpdate()
          : present)) as Array<{ segment_id: string; profile_id: number | string }>;
        if (rows.length) {
          await trx(TABLES.memberships)
            .whereIn(
              ['segment_id', 'profile_id'],
              rows.map((r) => [r.segment_id, r.profile_id])
            )
            .delete();
        }
        for (const r of rows) applied.add(keyOf(r.segment_id, Number(r.profile_id)));
      }
      const changes = chunk.filter((c) => applied.has(keyOf(c.segmentId, c.profileId)));
      if (!changes.length) continue;
      await trx(TABLES.membershipTransitions).insert(
        changes.map((c) => ({
          segment_id: c.segmentId,
          profile_id: c.profileId,
          kind: c.kind,
          at,
        }))
      );
      for (const c of changes) done.push({ ...c, at });
    }
    return done;
  });
  return { transitions, evaluations };
}

/**
 * The next trait-date moments of the profiles this pass evaluated against a segment with `$date`
 * clauses on traits: recomputed from the values just read, for every such clause (one attribute
 * may appear in several segments), replacing what was stored.
 */
async function storeTraitMoments(
  knex: Knex,
  affected: ReadonlyArray<{ profileId: number; segments: readonly MaintainedSegment[] }>,
  segments: readonly MaintainedSegment[],
  facts: ReadonlyMap<number, MomentSubject>,
  now: number
): Promise<void> {
  const clauses = new Map<string, DateClause>();
  for (const s of segments) for (const c of s.traitDates) clauses.set(clauseKey(c), c);
  if (!clauses.size) return;
  const profileIds = affected
    .filter((p) => p.segments.some((s) => s.traitDates.length))
    .map((p) => p.profileId);
  if (!profileIds.length) return;
  const all = [...clauses.values()];
  const present = profileIds.flatMap((id) => {
    const profile = facts.get(id);
    return profile ? [profile] : [];
  });
  await replaceMoments(
    knex,
    profileIds,
    [...new Set(all.map(clauseToken))],
    traitMoments(present, all, now)
  );
}
