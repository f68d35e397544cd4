import type { Core } from '@strapi/strapi';
import { campaignAdmin } from './admin';
import { campaignContext } from './context';
import { campaignDispatcher } from './dispatcher';
import { campaignInapp } from './inapp';
import { campaignPlanner } from './planner';
import { campaignTracking } from './tracking';
import { getService } from '../../shell/get-service';
import { MEMBERSHIP_WEBHOOK_EVENTS } from '../../segments/membership-events';

export type { DispatchReport } from './dispatcher';
export type { PlanReport } from './planner';
export type { InappAction } from './inapp';

/** Entries written within this long of each other are planned in one pass. */
const ENTRY_PASS_DELAY_MS = 250;

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
  let entryPass: NodeJS.Timeout | null = null;
  let unsubscribeEntries: (() => void) | null = null;

  return {
    owner: ctx.owner,
    ...campaignPlanner(strapi, ctx),
    ...campaignDispatcher(ctx, () => stopped),
    ...campaignTracking(ctx),
    ...campaignAdmin(ctx),
    ...campaignInapp(ctx),

    /**
     * A planner pass shortly (after the caller's write), where the scheduler runs on this
     * instance: an in-app campaign goes live without waiting for the next planner tick.
     */
    planSoon(): void {
      if (!getService(strapi, 'scheduler').enabled()) return;
      setTimeout(() => {
        if (stopped) return;
        void this.plan().catch((error: unknown) =>
          strapi.log.error(`[segments] campaign planner failed: ${String(error)}`)
        );
      }, ENTRY_PASS_DELAY_MS);
    },

    /** Starts this instance's planner (cron, one instance per fire) and dispatcher loop. */
    start(): void {
      const scheduler = getService(strapi, 'scheduler');
      if (!scheduler.enabled()) return;
      stopped = false;
      scheduler.schedule('campaign-planner', ctx.config().campaigns.plannerCron, async () => {
        await this.plan();
      });
      // A stored entry (the real-time loop on this instance) starts a planner pass at once, so a
      // segmentEntry campaign fires within seconds rather than at the next planner tick. Entries
      // arriving together share one pass; the lease keeps it to one instance at a time.
      unsubscribeEntries = strapi.eventHub.on(MEMBERSHIP_WEBHOOK_EVENTS.SEGMENT_ENTRY, async () => {
        if (stopped || entryPass) return;
        entryPass = setTimeout(() => {
          entryPass = null;
          if (stopped) return;
          void this.plan().catch((error: unknown) =>
            strapi.log.error(`[segments] campaign planner (segment entry) failed: ${String(error)}`)
          );
        }, ENTRY_PASS_DELAY_MS);
      }) as () => void;
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
      unsubscribeEntries?.();
      unsubscribeEntries = null;
      if (entryPass) clearTimeout(entryPass);
      entryPass = null;
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
