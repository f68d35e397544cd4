import type { Core } from '@strapi/strapi';
import type { PluginConfig } from '../config';
import type { PurgeReport } from '../contracts';
import { purgeExpired } from '../retention/purge';
import { getService } from '../utils/get-service';

const DAILY_MS = 24 * 60 * 60 * 1000;
const FIRST_RUN_DELAY_MS = 60 * 1000;

/**
 * The retention purge and its daily timer. A plain timer per instance on purpose: the purge
 * deletes by cutoff, so running on several instances (or twice) is harmless; the distributed
 * scheduler of a later issue can call `purge()` instead.
 */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const timers: NodeJS.Timeout[] = [];
  return {
    async purge(now: number = Date.now()): Promise<PurgeReport> {
      const { retention } = strapi.config.get('plugin::segments') as PluginConfig;
      const report = await purgeExpired(getService(strapi, 'store').knex(), now, retention);
      if (report.events || report.rollups || report.activityDays) {
        strapi.log.info(
          `[segments] retention purge: ${report.events} events, ${report.rollups} rollups, ${report.activityDays} activity days`
        );
      }
      return report;
    },

    startSchedule(): void {
      const run = () => {
        this.purge().catch((error: unknown) =>
          strapi.log.error(`[segments] retention purge failed: ${String(error)}`)
        );
      };
      // unref: the timers never keep a stopping process alive.
      timers.push(setTimeout(run, FIRST_RUN_DELAY_MS).unref());
      timers.push(setInterval(run, DAILY_MS).unref());
    },

    stopSchedule(): void {
      for (const timer of timers.splice(0)) clearTimeout(timer);
    },
  };
};
