import type { Core } from '@strapi/strapi';
import { activityLookbackStart, activitySeries } from './activity';
import { DirtyDays, readState, rebuildAll, refresh } from './aggregates';
import { readActivity, readRetention, readTopEvents } from './aggregate-reads';
import { campaignReport, type CampaignReport } from './campaign-report';
import { onEventsStored } from '../events/repository';
import { dayInTimeZone } from '../utils/days';
import { analyzeConversionExperiment } from '../experiments/statistics';
import { experimentVerdict } from '../experiments/verdict';
import type { ActivityResponse } from '../contracts';
import type { PluginConfig } from '../config';
import { TABLES } from '../store/tables';
import { getService } from '../shell/get-service';

/**
 * Analytics: activity, retention, top events (from the pre-aggregates in analytics/aggregates.ts),
 * campaign reports and experiment statistics. Reads first fold in the days this instance's own
 * ingestion touched, so a dashboard never lags what the same instance just stored.
 */
const analyticsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const config = () => (strapi.config.get('plugin::segments') as PluginConfig).analytics;
  const knex = () => getService(strapi, 'store').knex();
  const dirty = new DirtyDays();
  let unsubscribe: (() => void) | null = null;
  let timer: NodeJS.Timeout | null = null;
  // One refresh or rebuild at a time per instance (they write the same rows).
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = chain.then(work, work);
    chain = next.catch(() => undefined);
    return next;
  };
  const today = (now: number) => dayInTimeZone(config().timeZone)(now);

  const refreshNow = (now = Date.now()) =>
    serial(async () => {
      const taken = dirty.drain();
      try {
        await refresh(knex(), taken, { now, today: today(now) });
      } catch (error) {
        dirty.merge(taken); // try again next time
        throw error;
      }
    });

  return {
    /** Subscribes to ingestion, starts the refresh timer and the nightly rebuild. */
    start(): void {
      unsubscribe = onEventsStored((totals) => dirty.add(totals));
      const interval = config().refreshIntervalMs;
      if (interval > 0) {
        const tick = () => {
          timer = setTimeout(() => {
            refreshNow()
              .catch((error) =>
                strapi.log.error(`[segments] analytics refresh failed: ${String(error)}`)
              )
              .finally(() => {
                if (timer) tick();
              });
          }, interval);
        };
        tick();
      }
      getService(strapi, 'scheduler').schedule(
        'analytics-rebuild',
        config().rebuildCron,
        async () => {
          await this.rebuild();
        }
      );
    },

    stop(): void {
      unsubscribe?.();
      unsubscribe = null;
      if (timer) clearTimeout(timer);
      timer = null;
    },

    /** Folds in this instance's pending days (and, if nothing was ever built, builds everything). */
    refresh: refreshNow,

    /** Recomputes every pre-aggregate from activity days and rollups. */
    rebuild(now = Date.now()): Promise<void> {
      return serial(async () => {
        dirty.drain(); // the rebuild covers them
        await rebuildAll(knex(), { now, today: today(now) });
      });
    },

    async state() {
      return readState(knex());
    },

    /** DAU, WAU, MAU, stickiness, new and returning users per reporting day (pre-aggregated). */
    async activityReport(from: string, to: string) {
      await refreshNow();
      return { from, to, timeZone: config().timeZone, days: await readActivity(knex(), from, to) };
    },

    /** The last `weeks` weekly cohorts (Monday weeks of the reporting zone). */
    async retention(weeks: number, now = Date.now()) {
      await refreshNow(now);
      return {
        weeks,
        timeZone: config().timeZone,
        cohorts: await readRetention(knex(), weeks, today(now)),
      };
    },

    /** The most frequent events over UTC days [from, to]. */
    async topEvents(from: string, to: string, limit: number) {
      await refreshNow();
      return { from, to, limit, ...(await readTopEvents(knex(), from, to, limit)) };
    },

    /** Funnel per variant, statistics and verdict; null when there is no such campaign. */
    async campaignReport(documentId: string): Promise<CampaignReport | null> {
      const campaign = await getService(strapi, 'campaigns').definition(documentId);
      if (!campaign) return null;
      return campaignReport(knex(), campaign);
    },

    /** A placement experiment's exposures and conversions through the statistics module. */
    async experimentStatistics(results: {
      conversionEvent: string | null;
      conversionWindowHours: number;
      variations: {
        index: number;
        banner: string | null;
        weight: number;
        exposures: number;
        conversions: number;
      }[];
    }) {
      if (!results.conversionEvent || results.variations.length === 0) {
        return {
          statistics: null,
          verdict: {
            kind: 'no-data' as const,
            variation: null,
            text: 'This experiment has no conversion event, so only exposures are reported.',
          },
        };
      }
      const statistics = analyzeConversionExperiment(
        results.variations.map((v) => ({
          visitors: v.exposures,
          conversions: Math.min(v.conversions, v.exposures),
        })),
        { weights: results.variations.map((v) => v.weight) }
      );
      const verdict = experimentVerdict(statistics, {
        names: results.variations.map((v) => (v.index === 0 ? 'Control' : `Variation ${v.index}`)),
        metric: `${results.conversionEvent} within ${results.conversionWindowHours} h`,
      });
      return { statistics, verdict };
    },

    /** Activity computed straight from activity days (the original endpoint, GET /segments/activity). */
    async activity(from: string, to: string): Promise<ActivityResponse> {
      // Activity days were recorded in the reporting zone, so `from`/`to` are days of that zone.
      const { timeZone } = config();
      const rows = await knex()(TABLES.activityDays)
        .select('profile_id', 'day')
        .whereBetween('day', [activityLookbackStart(from), to]);
      const days = activitySeries(
        rows.map((r: { profile_id: number | string; day: string }) => ({
          profileId: Number(r.profile_id),
          day: r.day,
        })),
        from,
        to
      );
      return { from, to, timeZone, days };
    },
  };
};

export default analyticsService;
export type AnalyticsService = ReturnType<typeof analyticsService>;
declare module '../shell/get-service' {
  interface PluginServices {
    analytics: AnalyticsService;
  }
}
