import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { errors } from '@strapi/utils';
import { VisitorInputError, type Visitor } from '../profiles/visitor';
import type { ProfileRow } from '../profiles/repository';
import { requestContext } from './request';
import { chooseBanner, type BannerCandidate } from './placement';
import {
  assign,
  candidateUnits,
  hashingUnit,
  toDefinition,
  type ExperimentDefinition,
  type Unit,
} from './experiment';
import { requestSegmentKeys } from './enforce';
import { readHiddenRows, type HiddenRows } from './hidden-entries';
import type { PluginConfig } from '../config';
import { TABLES } from '../store/tables';
import { getService } from '../shell/get-service';
import { bumpContentVersion, readContentVersion, versionedCache } from './content-version';
import { BANNER_UID, EXPERIMENT_UID } from '../store/uids';
import { pluginKnex } from '../store/transaction';

export interface VisitorState {
  visitor: Visitor;
  profile: ProfileRow | null;
}

export interface ExperimentAssignment {
  key: string;
  placement: string;
  variationIndex: number;
  /** documentId of the banner this variation shows. */
  variant: string;
  /** Whether the visitor has been shown it (an exposure is logged). */
  exposed: boolean;
}

interface StoredBanner extends Record<string, unknown> {
  id: number;
  documentId: string;
  segmentsPriority?: number | null;
  segmentsTargets?: Array<{ key: string }>;
}

/** Who is asking and their segments, once per request; placements and experiments. */
const personalizationService = ({ strapi }: { strapi: Core.Strapi }) => {
  const knex = () => getService(strapi, 'store').knex();

  async function runningExperiments(placement?: string): Promise<ExperimentDefinition[]> {
    const rows = (await strapi.db.query(EXPERIMENT_UID).findMany({
      where: { state: 'running', ...(placement ? { placement } : {}) },
      orderBy: { id: 'asc' },
    })) as Array<Record<string, unknown>>;
    return rows.map(toDefinition);
  }

  async function unitsOf(state: VisitorState) {
    const { visitor, profile } = state;
    const requestAnonymousId = visitor.kind === 'none' ? null : visitor.anonymousId;
    const userId = visitor.kind === 'user' ? visitor.userId : (profile?.userId ?? null);
    const identities: Unit[] = profile
      ? (
          await knex()(TABLES.identities).select('kind', 'value').where('profile_id', profile.id)
        ).map((r: { kind: string; value: string }) => ({
          kind: r.kind === 'user' ? ('user' as const) : ('anonymous' as const),
          value: String(r.value),
        }))
      : [];
    return {
      hashing: hashingUnit({
        requestAnonymousId,
        profileAnonymousId: profile?.anonymousId ?? null,
        userId,
      }),
      candidates: candidateUnits({ requestAnonymousId, userId, identities }),
    };
  }

  /** The visitor's earlier exposure to an experiment under any of their units, if any. */
  async function storedExposure(experimentId: string, candidates: Unit[]) {
    if (!candidates.length) return null;
    const row = await knex()(TABLES.exposures)
      .select('variation', 'variant')
      .where('experiment_id', experimentId)
      .whereIn(
        ['unit_kind', 'unit_value'],
        candidates.map((u) => [u.kind, u.value])
      )
      .orderBy('exposed_at', 'asc')
      .first();
    return row ? { variation: Number(row.variation), variant: String(row.variant) } : null;
  }

  /**
   * Published banners and the running experiment of a placement, per locale, cached and reused
   * while the `placements` content version (bumped after every banner or experiment write, on any
   * instance) is unchanged: one primary-key read per request instead of the banners query, and no
   * instance serves a banner after its targeting changed. PLACEMENT_TTL_MS bounds what the
   * version does not see (a media file replaced in the Media Library, a write straight to the
   * database). Loaded outside the request context: targeting is applied per visitor in memory, so
   * one cached list serves everyone.
   */
  const PLACEMENT_TTL_MS = 60_000;
  const PLACEMENTS_VERSION = 'placements';
  const placementCache = versionedCache<{
    banners: StoredBanner[];
    experiment: ExperimentDefinition | null;
  }>(PLACEMENT_TTL_MS, 1000);
  async function placementContent(placement: string, locale: string | undefined) {
    const key = `${placement}\u0000${locale ?? ''}`;
    const version = await readContentVersion(pluginKnex(strapi), PLACEMENTS_VERSION);
    return placementCache.get(key, version, async () => {
      let banners: StoredBanner[] = [];
      await strapi.requestContext.run({} as never, async () => {
        banners = (await strapi.documents(BANNER_UID as never).findMany({
          filters: { placement },
          status: 'published',
          ...(locale ? { locale } : {}),
          populate: { media: true, segmentsTargets: { fields: ['key'] } },
          limit: 500,
        } as never)) as unknown as StoredBanner[];
      });
      const [experiment] = await runningExperiments(placement);
      return { banners, experiment: experiment ?? null };
    });
  }
  const TARGETING_VERSION = 'targeting';
  const targeting = () => (strapi.config.get('plugin::segments') as PluginConfig).targeting;
  const hiddenRowsCache = versionedCache<HiddenRows>(
    () => targeting().cacheTtlSeconds * 1000,
    () => targeting().cacheMaxEntries
  );

  /**
   * Bumps a content version so every instance drops its cached copy, and drops this instance's
   * at once. Inside the caller's transaction (the Content Manager publishes in one) the bump
   * waits for the commit, or another instance could reload the old rows under the new version.
   */
  async function bumpAfterCommit(key: string, clearLocal: () => void): Promise<void> {
    clearLocal();
    const bump = () => bumpContentVersion(pluginKnex(strapi), key);
    if (!strapi.db.inTransaction()) return bump();
    await strapi.db.transaction(async ({ onCommit }) => {
      onCommit(() => {
        clearLocal();
        bump().catch((error: unknown) =>
          strapi.log.error(`[segments] ${key} version bump failed: ${String(error)}`)
        );
      });
    });
  }

  const time = (v: unknown) =>
    v === null || v === undefined || v === '' ? NaN : new Date(v as string).getTime();
  const inWindow = (b: StoredBanner, now: number) => {
    const start = time(b.startsAt);
    const end = time(b.endsAt);
    return !(start > now) && !(end <= now);
  };

  return {
    /** A banner or experiment changed: every instance's next placement request reloads. */
    invalidatePlacements(): Promise<void> {
      return bumpAfterCommit(PLACEMENTS_VERSION, () => placementCache.clear());
    },

    /**
     * An entry of a targeting-enabled type or a segment was written: every instance's next list
     * request reads the hidden rows again (see personalization/hidden-entries.ts).
     */
    invalidateTargeting(): Promise<void> {
      return bumpAfterCommit(TARGETING_VERSION, () => hiddenRowsCache.clear());
    },

    /**
     * What a list of `uid` leaves out for a visitor in `segmentKeys`, from the per-instance cache
     * while the `targeting` content version is unchanged (one primary-key read), else read anew.
     * `targeting.cacheTtlSeconds` bounds what the version does not see (a write straight to the database).
     */
    async hiddenRows(uid: string, segmentKeys: readonly string[]) {
      const version = await readContentVersion(pluginKnex(strapi), TARGETING_VERSION);
      const key = `${uid}\u0000${[...segmentKeys].sort().join('\u0000')}`;
      return hiddenRowsCache.get(key, version, () =>
        readHiddenRows(strapi, uid, segmentKeys, targeting().maxHiddenIds)
      );
    },

    async visitorOf(ctx: Context): Promise<VisitorState> {
      const state = ctx.state as { segmentsVisitor?: Promise<VisitorState> };
      state.segmentsVisitor ??= (async () => {
        let visitor: Visitor;
        try {
          visitor = getService(strapi, 'visitors').fromRequest(ctx);
        } catch (error) {
          if (error instanceof VisitorInputError) {
            throw new errors.ValidationError(error.message, {
              errors: [{ path: error.field, message: error.message }],
            });
          }
          throw error;
        }
        const profile = await getService(strapi, 'visitors').profileOf(visitor);
        return { visitor, profile };
      })();
      return state.segmentsVisitor;
    },

    async visitorSegmentKeys(ctx: Context): Promise<string[]> {
      const { profile } = await this.visitorOf(ctx);
      return getService(strapi, 'segments').keysForVisitor(
        profile?.id ?? null,
        requestContext(ctx)
      );
    },

    /**
     * Assignments of this visitor in every running experiment (for `/me`): the recorded one
     * when they were exposed under any of their identities, else what hashing would give.
     */
    async assignments(ctx: Context): Promise<ExperimentAssignment[]> {
      const state = await this.visitorOf(ctx);
      const units = await unitsOf(state);
      const out: ExperimentAssignment[] = [];
      for (const experiment of await runningExperiments()) {
        const stored = await storedExposure(experiment.documentId, units.candidates);
        if (stored) {
          out.push({
            key: experiment.key,
            placement: experiment.placement,
            variationIndex: stored.variation,
            variant: stored.variant,
            exposed: true,
          });
          continue;
        }
        const assignment = assign(experiment, units.hashing);
        if (!assignment.inExperiment) continue;
        out.push({
          key: experiment.key,
          placement: experiment.placement,
          variationIndex: assignment.variationIndex,
          variant: experiment.variants[assignment.variationIndex].banner,
          exposed: false,
        });
      }
      return out;
    },

    /**
     * The banner of a placement for this request's visitor, with the experiment variation when
     * one runs there (exposure logged once per visitor). Must run inside a content-API request:
     * the targeting middleware narrows the candidates to what the visitor may see.
     */
    async placement(ctx: Context, placement: string, locale: string | undefined) {
      const keys = new Set(await requestSegmentKeys(strapi, ctx));
      const { banners, experiment: running } = await placementContent(placement, locale);
      const now = Date.now();
      // Targeting and window decided in memory over the cached published banners of the
      // placement: same rules as the document middleware (no target, or one of the visitor's).
      const ranked: Array<StoredBanner & BannerCandidate> = banners
        .filter((b) => inWindow(b, now))
        .map((b) => ({
          ...b,
          targets: (b.segmentsTargets ?? []).map((t) => t.key),
          priority: Number(b.segmentsPriority ?? 0),
          id: Number(b.id),
        }))
        .filter((b) => b.targets.length === 0 || b.targets.some((k) => keys.has(k)));
      let chosen = chooseBanner(ranked);
      let experiment: { key: string; variationIndex: number; variant: string } | null = null;

      if (running) {
        const state = await this.visitorOf(ctx);
        const units = await unitsOf(state);
        const stored = await storedExposure(running.documentId, units.candidates);
        let variation = stored?.variation ?? -1;
        if (!stored) {
          const assignment = assign(running, units.hashing);
          variation = assignment.inExperiment ? assignment.variationIndex : -1;
        }
        const variant = variation >= 0 ? running.variants[variation]?.banner : undefined;
        const shown = variant ? ranked.find((b) => b.documentId === variant) : undefined;
        // A variant the visitor cannot see now (unpublished, outside its window, targeted at
        // others) is not shown, and not counted as an exposure.
        if (shown && units.hashing) {
          chosen = shown;
          experiment = { key: running.key, variationIndex: variation, variant: shown.documentId };
          if (!stored) {
            await knex()(TABLES.exposures)
              .insert({
                experiment_id: running.documentId,
                unit_kind: units.hashing.kind,
                unit_value: units.hashing.value,
                variation,
                variant: shown.documentId,
                profile_id: state.profile?.id ?? null,
                exposed_at: Date.now(),
              })
              .onConflict(['experiment_id', 'unit_kind', 'unit_value'])
              .ignore();
          }
        }
      }
      if (!chosen) return null;
      const { targets: _t, priority: _p, segmentsTargets: _s, ...banner } = chosen;
      const sanitized = await strapi.contentAPI.sanitize.output(
        banner,
        strapi.getModel(BANNER_UID as never),
        { auth: ctx.state.auth }
      );
      return { placement, banner: sanitized, experiment };
    },

    /**
     * The visitor's variation in an experiment that is not a placement's (field variants, issue
     * 12): the recorded one under any of their identities, else bucketing, with the exposure
     * logged once — the same units, table and stickiness as placements. -1: not in it.
     */
    async variationFor(ctx: Context, experiment: ExperimentDefinition): Promise<number> {
      const state = await this.visitorOf(ctx);
      const units = await unitsOf(state);
      const stored = await storedExposure(experiment.documentId, units.candidates);
      if (stored) return stored.variation < experiment.variants.length ? stored.variation : -1;
      const assignment = assign(experiment, units.hashing);
      if (!assignment.inExperiment || !units.hashing) return -1;
      await knex()(TABLES.exposures)
        .insert({
          experiment_id: experiment.documentId,
          unit_kind: units.hashing.kind,
          unit_value: units.hashing.value,
          variation: assignment.variationIndex,
          variant: experiment.variants[assignment.variationIndex].banner,
          profile_id: state.profile?.id ?? null,
          exposed_at: Date.now(),
        })
        .onConflict(['experiment_id', 'unit_kind', 'unit_value'])
        .ignore();
      return assignment.variationIndex;
    },

    /** Exposures and conversions per variation (conversion: the named event within the window). */
    async experimentResults(key: string) {
      const row = (await strapi.db.query(EXPERIMENT_UID).findOne({ where: { key } })) as Record<
        string,
        unknown
      > | null;
      if (!row) return null;
      const experiment = toDefinition(row);
      const windowMs = experiment.conversionWindowHours * 3_600_000;
      const db = knex();
      const converted = experiment.conversionEvent
        ? db.raw(
            `CASE WHEN EXISTS (SELECT 1 FROM ?? ev WHERE ev.profile_id = COALESCE(i.profile_id, x.profile_id)
               AND ev.name = ? AND ev.occurred_at >= x.exposed_at AND ev.occurred_at <= x.exposed_at + ?)
             THEN 1 ELSE 0 END`,
            [TABLES.events, experiment.conversionEvent, windowMs]
          )
        : db.raw('0');
      const rows = (await db(`${TABLES.exposures} as x`)
        .leftJoin(`${TABLES.identities} as i`, function () {
          this.on('i.kind', '=', 'x.unit_kind').andOn('i.value', '=', 'x.unit_value');
        })
        .where('x.experiment_id', experiment.documentId)
        .groupBy('x.variation')
        .select('x.variation')
        .count({ exposures: '*' })
        .sum({ conversions: converted })) as Array<{
        variation: number | string;
        exposures: number | string;
        conversions: number | string | null;
      }>;
      const byVariation = new Map(rows.map((r) => [Number(r.variation), r]));
      return {
        key: experiment.key,
        placement: experiment.placement,
        state: experiment.state,
        conversionEvent: experiment.conversionEvent,
        conversionWindowHours: experiment.conversionWindowHours,
        variations: experiment.variants.map((v, index) => ({
          index,
          banner: v.banner,
          weight: v.weight,
          exposures: Number(byVariation.get(index)?.exposures ?? 0),
          conversions: Number(byVariation.get(index)?.conversions ?? 0),
        })),
      };
    },
  };
};

export default personalizationService;
export type PersonalizationService = ReturnType<typeof personalizationService>;
declare module '../shell/get-service' {
  interface PluginServices {
    personalization: PersonalizationService;
  }
}
