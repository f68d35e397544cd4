import type { Core } from '@strapi/strapi';
import { campaignAdmin } from './admin';
import { campaignContext } from './context';
import { campaignDispatcher } from './dispatcher';
import { campaignPlanner } from './planner';
import { campaignTracking } from './tracking';
import { getService } from '../../shell/get-service';

export type { DispatchReport } from './dispatcher';
export type { PlanReport } from './planner';

/**
 * Campaign pipeline, Strapi shell: planner (due runs → audience → outbox, on one instance per
 * tick), dispatcher (every instance claims and sends batches), tracking and admin helpers — each
 * in its own file beside this one, sharing one context (configuration, transport, reads).
 */
const campaignsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const ctx = campaignContext(strapi);
  let dispatchTimer: NodeJS.Timeout | null = null;
  let dispatching: Promise<unknown> | null = null;
  let stopped = false;

  return {
    owner: ctx.owner,
    ...campaignPlanner(strapi, ctx),
    ...campaignDispatcher(ctx, () => stopped),
    ...campaignTracking(ctx),
    ...campaignAdmin(ctx),

    /** Starts this instance's planner (cron, one instance per fire) and dispatcher loop. */
    start(): void {
      const scheduler = getService(strapi, 'scheduler');
      if (!scheduler.enabled()) return;
      stopped = false;
      scheduler.schedule('campaign-planner', ctx.config().campaigns.plannerCron, async () => {
        await this.plan();
      });
      const loop = () => {
        if (stopped) return;
        dispatching = this.dispatch()
          .catch((error) =>
            strapi.log.error(`[segments] campaign dispatch failed: ${String(error)}`)
          )
          .finally(() => {
            dispatching = null;
            if (!stopped)
              dispatchTimer = setTimeout(loop, ctx.config().campaigns.dispatchIntervalMs);
          });
      };
      dispatchTimer = setTimeout(loop, ctx.config().campaigns.dispatchIntervalMs);
    },

    async stop(): Promise<void> {
      stopped = true;
      if (dispatchTimer) clearTimeout(dispatchTimer);
      dispatchTimer = null;
      await dispatching;
      ctx.closeTransport();
    },
  };
};

export default campaignsService;
export type CampaignsService = ReturnType<typeof campaignsService>;
declare module '../../shell/get-service' {
  interface PluginServices {
    campaigns: CampaignsService;
  }
}
