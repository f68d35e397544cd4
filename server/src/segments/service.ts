import type { Core } from '@strapi/strapi';
import type { PluginConfig } from '../config';
import type { Rule } from '../rules';
import { countMatchingProfiles, sampledProfileSql, streamMatchingProfileIds } from '../rules/sql';
import { SEGMENT_UID } from '../store/uids';
import { usesOf } from './check-write';
import { estimateSize, exactWouldExceed, samplingPlan, type SizeEstimate } from './estimate';
import { countProfiles } from '../profiles/repository';
import { dependencyOrder } from './order';
import { isAffected, segmentDependencies, type Dependencies } from './dependencies';
import { recomputeSegment, type RecomputeResult } from './recompute';
import { TABLES } from '../store/tables';
import { loadProfileFacts } from '../rules/sql';
import { validateRule, type ProfileFacts, type RequestContext } from '../rules';
import type { FieldError } from '../contracts';
import { anonymousFacts, liveSegmentKeys, prepareLiveSegments, type LiveSegment } from './realtime';
import { LruCache } from '../utils/lru-cache';
import { getService } from '../shell/get-service';

interface StoredSegment {
  documentId: string;
  key: string;
  rule: Rule;
  state: 'active' | 'archived';
  uses: unknown;
}

/** Batch memberships: recompute (scheduled, on one instance at a time), members, sizes, preview. */
const segmentsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const knex = () => getService(strapi, 'store').knex();
  const config = () => strapi.config.get('plugin::segments') as PluginConfig;
  const all = async () =>
    (await strapi.db
      .query(SEGMENT_UID)
      .findMany({ select: ['documentId', 'key', 'rule', 'state', 'uses'] })) as StoredSegment[];
  const keyToId = (segments: StoredSegment[]) =>
    new Map(segments.map((s) => [s.key, s.documentId]));
  const membersOf = (key: string, ids: ReadonlyMap<string, string>) =>
    knex()(TABLES.memberships)
      .select('profile_id')
      .where('segment_id', ids.get(key) ?? `missing:${key}`);

  // Request path caches: compiled active segments (shared by all visitors, refreshed every few
  // seconds and on every segment write) and each visitor's facts (cleared by their own writes).
  const LIVE_TTL_MS = 5_000;
  let live: { segments: LiveSegment[]; reported: Set<string>; at: number } | null = null;
  let factsCache: LruCache<number, ProfileFacts> | null = null;
  const facts = () =>
    (factsCache ??= new LruCache(
      config().segments.cacheMaxProfiles,
      config().segments.cacheTtlSeconds * 1000
    ));

  /** The segment's read-only computedSize / computedAt (through the query engine: no guard). */
  /** A recompute's transitions go out as the real-time loop's do (webhooks, segmentEntry). */
  const announce =
    (segment: { documentId: string; key: string }, at: Date) =>
    (moved: { entered: number[]; exited: number[] }) =>
      getService(strapi, 'memberships').emitTransitions(
        (['entered', 'exited'] as const).flatMap((side) =>
          moved[side].map((profileId) => ({
            segmentId: segment.documentId,
            segmentKey: segment.key,
            profileId,
            kind: side === 'entered' ? ('enter' as const) : ('exit' as const),
            at: at.getTime(),
          }))
        )
      );
  const recordComputed = async (result: RecomputeResult) => {
    await strapi.db.query(SEGMENT_UID).update({
      where: { documentId: result.segmentId },
      data: { computedSize: result.size, computedAt: new Date(result.computedAt) },
    });
    return result;
  };

  return {
    /** Problems with a rule as the admin would save it now, paths rooted at `rule`. */
    async ruleProblems(rule: unknown): Promise<FieldError[]> {
      const keys = new Set((await all()).map((s) => s.key));
      return validateRule(rule, {
        retentionDays: config().retention.rawEventsDays,
        knownSegments: (key) => keys.has(key),
      }).map((i) => ({ path: i.path ? `rule.${i.path}` : 'rule', message: i.message }));
    },

    /** Segment keys of a visitor right now (GET /api/segments/me), evaluated in memory. */
    async keysForVisitor(
      profileId: number | null,
      context: RequestContext | undefined
    ): Promise<string[]> {
      if (!live || Date.now() - live.at > LIVE_TTL_MS) {
        const active = (await all()).filter((s) => s.state !== 'archived');
        live = {
          // All active segments are evaluated (a personalisation segment may reference a
          // campaign-only one); only personalisation segments are reported to the visitor.
          segments: prepareLiveSegments(active),
          reported: new Set(
            active.filter((s) => usesOf(s.uses).includes('personalisation')).map((s) => s.key)
          ),
          at: Date.now(),
        };
      }
      const now = new Date();
      const retentionDays = config().retention.rawEventsDays;
      let profile: ProfileFacts = anonymousFacts(context);
      if (profileId !== null) {
        let cached = facts().get(profileId);
        if (!cached) {
          [cached] = await loadProfileFacts(knex(), [profileId], { now, retentionDays });
          if (cached && config().segments.cacheTtlSeconds > 0) facts().set(profileId, cached);
        }
        // The current request's context wins over the last one stored on the profile.
        if (cached) profile = { ...cached, context: { ...cached.context, ...context } };
      }
      const reported = live.reported;
      return liveSegmentKeys(profile, live.segments, { now, retentionDays }).filter((key) =>
        reported.has(key)
      );
    },

    /** A visitor's data changed (event, traits, merge, deletion): drop their cached facts. */
    invalidateProfile(profileId: number): void {
      factsCache?.delete(profileId);
    },

    /** A segment was written: recompile on the next request. */
    invalidateDefinitions(): void {
      live = null;
    },

    /** Recomputes one segment now (its references are read as currently computed). */
    async recompute(documentId: string): Promise<RecomputeResult | null> {
      const segments = await all();
      const segment = segments.find((s) => s.documentId === documentId);
      if (!segment) return null;
      const now = new Date();
      return recordComputed(
        await recomputeSegment(
          knex(),
          { id: segment.documentId, key: segment.key, rule: segment.rule },
          {
            now,
            retentionDays: config().retention.rawEventsDays,
            keyToId: keyToId(segments),
            onCommitted: announce(segment, now),
          }
        )
      );
    },

    /**
     * Recomputes every active segment, referenced segments first, on one instance at a time.
     * Returns null when another instance is already doing it. `now` is the rules' clock (tests
     * move it); `changes` (the real-time fall-back) limits it to the segments they can move.
     */
    async recomputeAll(
      now?: Date,
      changes: Dependencies = null
    ): Promise<RecomputeResult[] | null> {
      const run = await getService(strapi, 'scheduler').runExclusive(
        'recompute-segments',
        async (signal) => {
          const segments = await all();
          const ids = keyToId(segments);
          const dependencies = segmentDependencies(segments);
          const results: RecomputeResult[] = [];
          const chosen = segments.filter(
            (s) => s.state !== 'archived' && isAffected(dependencies.get(s.key) ?? null, changes)
          );
          for (const segment of dependencyOrder(chosen)) {
            if (signal.aborted) break; // another instance took over: let it finish the job
            const at = now ?? new Date();
            results.push(
              await recordComputed(
                await recomputeSegment(
                  knex(),
                  { id: segment.documentId, key: segment.key, rule: segment.rule },
                  {
                    now: at,
                    retentionDays: config().retention.rawEventsDays,
                    keyToId: ids,
                    onCommitted: announce(segment, at),
                  }
                )
              )
            );
          }
          return results;
        }
      );
      return run.ran ? (run.result ?? []) : null;
    },

    startSchedule(): void {
      const every = config().segments.recomputeEveryMinutes;
      getService(strapi, 'scheduler').schedule(
        'recompute-segments',
        `*/${every} * * * *`,
        async () => {
          const results = await this.recomputeAll();
          if (results) strapi.log.info(`[segments] recomputed ${results.length} segment(s)`);
        }
      );
    },

    async members(documentId: string, page: number, pageSize: number) {
      const base = knex()(TABLES.memberships).where('segment_id', documentId);
      const [{ n }] = (await base.clone().count({ n: '*' })) as Array<{ n: number | string }>;
      const rows = await base
        .clone()
        .select('profile_id', 'entered_at')
        .orderBy('profile_id')
        .limit(pageSize)
        .offset((page - 1) * pageSize);
      return {
        members: rows.map((r: { profile_id: number | string; entered_at: number | string }) => ({
          profileId: Number(r.profile_id),
          enteredAt: new Date(Number(r.entered_at)).toISOString(),
        })),
        total: Number(n),
      };
    },

    async sizeHistory(documentId: string) {
      const rows = await knex()(TABLES.sizeSnapshots)
        .select('day', 'size', 'computed_at')
        .where('segment_id', documentId)
        .orderBy('day');
      return rows.map(
        (r: { day: string; size: number | string; computed_at: number | string }) => ({
          day: r.day,
          size: Number(r.size),
          computedAt: new Date(Number(r.computed_at)).toISOString(),
        })
      );
    },

    /** Exact size and the first members of an unsaved rule (the builder's live preview). */
    async preview(rule: Rule, sampleSize: number) {
      const segments = await all();
      const ids = keyToId(segments);
      const options = {
        now: new Date(),
        retentionDays: config().retention.rawEventsDays,
        segmentMembers: (key: string) => membersOf(key, ids),
      };
      const { exactBudgetMs, sampleSize: estimationSample } = config().segments.preview;
      const total = await countProfiles(knex());
      const plan = samplingPlan(total, estimationSample);
      let estimate: SizeEstimate | null = null;
      if (plan) {
        // Time the rule on the sample: if the whole table would take longer, answer from it.
        const started = performance.now();
        const sampled = sampledProfileSql('id', plan);
        const matches = await countMatchingProfiles(knex(), rule, { ...options, sample: plan });
        const sampledCount = Number(
          (
            (await knex()(TABLES.profiles)
              .count({ n: '*' })
              .whereRaw(sampled.sql, sampled.bindings)
              .first()) as { n: number | string } | undefined
          )?.n ?? 0
        );
        if (exactWouldExceed(performance.now() - started, plan.modulus, exactBudgetMs)) {
          estimate = estimateSize(matches, sampledCount, total);
        }
      }
      const size = estimate ? estimate.size : await countMatchingProfiles(knex(), rule, options);
      const sampleOptions = estimate && plan ? { ...options, sample: plan } : options;
      const sampleIds: number[] = [];
      for await (const batch of streamMatchingProfileIds(knex(), rule, sampleOptions)) {
        sampleIds.push(...batch.slice(0, sampleSize - sampleIds.length));
        if (sampleIds.length >= sampleSize) break;
      }
      const sample = sampleIds.length
        ? await knex()(TABLES.profiles)
            .select('id', 'user_id', 'anonymous_id', 'traits')
            .whereIn('id', sampleIds)
            .orderBy('id')
        : [];
      return {
        size,
        estimated: estimate !== null,
        ...(estimate
          ? { interval: { low: estimate.low, high: estimate.high, confidence: 0.95 } }
          : {}),
        sample: sample.map(
          (p: {
            id: number | string;
            user_id: number | null;
            anonymous_id: string | null;
            traits: unknown;
          }) => ({
            profileId: Number(p.id),
            userId: p.user_id === null ? null : Number(p.user_id),
            anonymousId: p.anonymous_id,
            traits: typeof p.traits === 'string' ? JSON.parse(p.traits) : (p.traits ?? {}),
          })
        ),
      };
    },
  };
};

export default segmentsService;
export type SegmentsService = ReturnType<typeof segmentsService>;
declare module '../shell/get-service' {
  interface PluginServices {
    segments: SegmentsService;
  }
}
