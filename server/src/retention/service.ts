import type { Core } from '@strapi/strapi';
import type { PluginConfig } from '../config';
import type { PurgeReport } from '../contracts';
import { purgeExpired } from './purge';
import { getService } from '../shell/get-service';

/** Daily, at a quiet minute past 3 a.m. UTC. */
export const PURGE_CRON = '17 3 * * *';

/**
 * The retention purge, run daily on one instance through the distributed scheduler (deleting by
 * cutoff is idempotent anyway, so an admin-triggered run alongside is harmless).
 */
const retentionService = ({ strapi }: { strapi: Core.Strapi }) => {
  return {
    async purge(now: number = Date.now()): Promise<PurgeReport> {
      const { retention } = strapi.config.get('plugin::segments') as PluginConfig;
      const report = await purgeExpired(getService(strapi, 'store').knex(), now, retention);
      if (Object.values(report).some((count) => count > 0)) {
        strapi.log.info(
          `[segments] retention purge: ${report.events} events, ${report.rollups} rollups, ${report.activityDays} activity days, ${report.transitions} membership transitions, ${report.leases} lease records`
        );
      }
      return report;
    },

    startSchedule(): void {
      getService(strapi, 'scheduler').schedule('retention-purge', PURGE_CRON, async () => {
        await this.purge();
      });
    },
  };
};

export default retentionService;
export type RetentionService = ReturnType<typeof retentionService>;
declare module '../shell/get-service' {
  interface PluginServices {
    retention: RetentionService;
  }
}
