import crypto from 'crypto';
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import type { PluginConfig } from '../config';
import type { RealtimeFallback, RealtimeStatus } from '../contracts';
import { SEGMENT_UID } from '../store/uids';
import { getService } from '../shell/get-service';
import {
  maintainedSegments,
  reevaluateProfiles,
  type CompiledRules,
  type Transition,
} from './incremental';
import {
  SETTLED_RETENTION_MS,
  claimDueProfiles,
  dueChanges,
  markProfilesDue,
  marksSeenNow,
  pruneSettled,
  queueLength,
  releaseProfiles,
  settleSeenMarks,
} from './reevaluation-queue';
import { expiryClauses } from './expiry';
import { sweepDates, sweepExpiries } from './expiry-sweep';
import {
  clauseKey,
  dateClauses,
  insertMoments,
  isRangeSwept,
  pruneMoments,
  profilesWithDate,
  traitMoments,
  type DateClause,
} from './date-moments';
import { MEMBERSHIP_WEBHOOK_EVENTS } from './membership-events';
import { changeTokens, type ProfileChange } from './dependencies';

export interface PassReport {
  claimed: number;
  /** Profile × segment evaluations made: only segments a profile's changes can move count. */
  evaluations: number;
  transitions: Transition[];
}

const FALLBACK_KEY = 'realtime-last-fallback';
const BACKFILLED_KEY = 'date-moments-backfilled';
const BACKFILL_PAGE = 5000;

/**
 * Real-time stored memberships (issue 22): writers mark the profiles they changed, in their own
 * transaction; every instance's loop claims due profiles in batches, re-evaluates them against
 * the computed segments and writes enter/exit transitions, then emits them as Strapi events.
 */
const membershipsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const knex = () => getService(strapi, 'store').knex();
  const config = () => (strapi.config.get('plugin::segments') as PluginConfig).segments.realtime;
  const token = `${process.pid}:${crypto.randomUUID()}`;
  const fallbackStore = () => strapi.store({ type: 'plugin', name: 'segments' });
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  let stopped = true;
  const compiled: CompiledRules = new Map();

  const allSegments = async () =>
    (await strapi.db
      .query(SEGMENT_UID)
      .findMany({ select: ['documentId', 'key', 'rule', 'state'] })) as Array<{
      documentId: string;
      key: string;
      rule: unknown;
      state: string;
    }>;

  const emit = (transitions: Transition[]) => {
    for (const t of transitions) {
      const event =
        t.kind === 'enter'
          ? MEMBERSHIP_WEBHOOK_EVENTS.SEGMENT_ENTRY
          : MEMBERSHIP_WEBHOOK_EVENTS.SEGMENT_EXIT;
      void strapi.eventHub
        .emit(event, {
          segment: { documentId: t.segmentId, key: t.segmentKey },
          profileId: t.profileId,
          at: new Date(t.at).toISOString(),
        })
        .catch((error: unknown) =>
          strapi.log.error(`[segments] ${event} webhook failed: ${String(error)}`)
        );
    }
  };

  return {
    /** Announces transitions (Strapi events for webhooks, and segmentEntry campaigns). */
    emitTransitions: emit,

    /**
     * These profiles' data changed (what changed decides which segments look again): queue them
     * for re-evaluation, in the caller's transaction when one is given (so the mark commits, or
     * rolls back, with the change).
     */
    async markChanged(
      changes: readonly ProfileChange[],
      trx?: Knex | Knex.Transaction
    ): Promise<void> {
      if (!config().enabled || !changes.length) return;
      const now = Date.now();
      await markProfilesDue(
        trx ?? knex(),
        changes.map((c) => ({ profileId: c.profileId, dueAt: now, changes: changeTokens(c) }))
      );
      if (!stopped && !running) setImmediate(() => void this.tick());
    },

    /** An event batch stored these events (names per profile): their profiles look again. */
    markEventsStored(
      eventsOf: ReadonlyMap<number, readonly string[]>,
      trx?: Knex | Knex.Transaction
    ): Promise<void> {
      return this.markChanged(
        [...eventsOf].map(([profileId, events]) => ({ profileId, events, activity: true })),
        trx
      );
    },

    /** One pass: claim up to a batch of due profiles, re-evaluate them, release them. */
    async processDue(now = Date.now()): Promise<PassReport> {
      const db = knex();
      const claimed = await claimDueProfiles(db, {
        token,
        now,
        claimExpires: now + config().claimTtlSeconds * 1000,
        limit: config().batchSize,
      });
      if (!claimed.length) return { claimed: 0, evaluations: 0, transitions: [] };
      const segments = await allSegments();
      const { transitions, evaluations } = await reevaluateProfiles(
        db,
        claimed,
        await maintainedSegments(db, segments, compiled),
        {
          now: new Date(now),
          retentionDays: (strapi.config.get('plugin::segments') as PluginConfig).retention
            .rawEventsDays,
          keyToId: new Map(segments.map((s) => [s.key, s.documentId])),
        }
      );
      await releaseProfiles(
        db,
        token,
        claimed.map((c) => c.profileId),
        now
      );
      emit(transitions);
      return { claimed: claimed.length, evaluations, transitions };
    },

    /**
     * Back-pressure: past `maxBacklog` due profiles, one recompute of the segments their changes
     * can move (leased: one instance) replaces their passes; the profiles whose marks it saw
     * settle. Logged, and shown in the admin (the last fall-back is kept in the plugin store, for
     * every instance).
     */
    async fallBackIfOverloaded(now = Date.now()): Promise<RealtimeFallback | null> {
      const max = config().maxBacklog;
      const { due } = await queueLength(knex(), now);
      if (due <= max) return null;
      const started = Date.now();
      const seen = await marksSeenNow(knex());
      const changes = await dueChanges(knex(), now);
      const results = await getService(strapi, 'segments').recomputeAll(undefined, changes);
      if (!results) return null; // another instance is recomputing: keep going one by one
      const fallback: RealtimeFallback = {
        at: new Date(started).toISOString(),
        backlog: due,
        segments: results.length,
        settled: await settleSeenMarks(knex(), seen, now), // due by `now`: the recompute came later
        durationMs: Date.now() - started,
      };
      await fallbackStore().set({ key: FALLBACK_KEY, value: fallback });
      strapi.log.warn(
        `[segments] real-time backlog of ${due} due profiles is over segments.realtime.maxBacklog ` +
          `(${max}): recomputed ${fallback.segments} segment(s) in ${fallback.durationMs} ms ` +
          `instead; ${fallback.settled} queued profile(s) settled`
      );
      return fallback;
    },

    async status(): Promise<RealtimeStatus> {
      return {
        enabled: config().enabled,
        backlog: await queueLength(knex(), Date.now()),
        maxBacklog: config().maxBacklog,
        lastFallback:
          ((await fallbackStore().get({ key: FALLBACK_KEY })) as RealtimeFallback | null) ?? null,
      };
    },

    /** Passes until nothing is due (tests and the loop), after the back-pressure check. */
    async drain(now?: number): Promise<Transition[]> {
      const all: Transition[] = [];
      await this.fallBackIfOverloaded(now);
      for (;;) {
        const report = await this.processDue(now);
        all.push(...report.transitions);
        if (report.claimed < config().batchSize) return all;
      }
    },

    async tick(): Promise<void> {
      if (running || stopped) return;
      running = this.drain()
        .catch((error: unknown) =>
          strapi.log.error(`[segments] membership re-evaluation failed: ${String(error)}`)
        )
        .finally(() => {
          running = null;
        });
      await running;
    },

    backlog: () => queueLength(knex(), Date.now()),

    /**
     * Queues the profiles whose windowed or relative-date answers can change between `from`
     * (`now - 60 s`) and `now + 120 s` without a new event, each due at its moment. Runs every
     * minute on one instance (lease); the overlap covers a late or missed fire. A trait-date
     * clause seen for the first time has its moments stored for every profile first.
     */
    async sweepExpiries(now = Date.now(), from = now - 60_000): Promise<number> {
      const db = knex();
      const all = await allSegments();
      const segments = await maintainedSegments(db, all, compiled);
      const rules = new Map(all.map((s) => [s.documentId, s.rule]));
      const clauses = segments.flatMap((s) => expiryClauses(rules.get(s.id)));
      const dates = [
        ...new Map(
          segments.flatMap((s) => dateClauses(rules.get(s.id))).map((c) => [clauseKey(c), c])
        ).values(),
      ];
      await this.backfillDateMoments(
        dates.filter((c) => !isRangeSwept(c)),
        now
      );
      const range = { from, to: now + 120_000 };
      const marked =
        (clauses.length ? await sweepExpiries(db, clauses, range) : 0) +
        (dates.length ? await sweepDates(db, dates, range) : 0);
      return marked;
    },

    /**
     * Stores the moments of date clauses not seen before, for every profile with the date. A
     * clause no computed segment has any more is forgotten: while it was gone no pass kept its
     * moments, so it is backfilled again should it come back (a segment re-activated).
     */
    async backfillDateMoments(clauses: readonly DateClause[], now = Date.now()): Promise<number> {
      const current = new Set(clauses.map(clauseKey));
      const recorded =
        ((await fallbackStore().get({ key: BACKFILLED_KEY })) as string[] | null) ?? [];
      const done = new Set(recorded.filter((key) => current.has(key)));
      if (done.size !== recorded.length)
        await fallbackStore().set({ key: BACKFILLED_KEY, value: [...done] });
      let stored = 0;
      for (const clause of clauses) {
        if (done.has(clauseKey(clause))) continue;
        for (let afterId = 0; ; ) {
          const page = await profilesWithDate(knex(), clause.attribute, afterId, BACKFILL_PAGE);
          if (!page.length) break;
          afterId = page[page.length - 1].id;
          const moments = traitMoments(page, [clause], now);
          await insertMoments(knex(), moments);
          stored += moments.length;
        }
        done.add(clauseKey(clause));
        await fallbackStore().set({ key: BACKFILLED_KEY, value: [...done] });
      }
      return stored;
    },

    start(): void {
      if (!config().enabled || !getService(strapi, 'scheduler').enabled()) return;
      stopped = false;
      getService(strapi, 'scheduler').schedule('segment-window-expiries', '* * * * *', async () => {
        const marked = await this.sweepExpiries();
        if (marked) setImmediate(() => void this.tick());
        await pruneSettled(knex(), Date.now() - SETTLED_RETENTION_MS);
        await pruneMoments(knex(), Date.now() - SETTLED_RETENTION_MS);
      });
      const loop = () => {
        if (stopped) return;
        void this.tick().finally(() => {
          if (!stopped) timer = setTimeout(loop, config().intervalMs);
        });
      };
      timer = setTimeout(loop, config().intervalMs);
    },

    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
};

export default membershipsService;
export type MembershipsService = ReturnType<typeof membershipsService>;
declare module '../shell/get-service' {
  interface PluginServices {
    memberships: MembershipsService;
  }
}
