import crypto from 'crypto';
import type { CampaignDefinition } from '../definition';
import type { InappMessage } from '../../contracts';
import { renderInapp } from '../channels/inapp-content';
import { assignRecipient } from '../outbox';
import { createToken, verifyToken } from '../tokens';
import {
  ensureInappDeliveries,
  inappDeliveryById,
  inappRunId,
  inappStatesOf,
  inappTriggered,
  markInapp,
  recordInappShow,
} from '../../inapp/repository';
import { byPriority, showable, withinSchedule } from '../../inapp/selection';
import type { CampaignContext } from './context';

type InappCampaign = Extract<CampaignDefinition, { channel: 'inapp' }>;
export type InappAction = 'displayed' | 'clicked' | 'dismissed';

/** Live in-app campaigns are re-read at most this often per instance (every page view asks). */
const CAMPAIGNS_TTL_MS = 2_000;
/** "In the current session": an event trigger counts for this long (the client's session timeout). */
export const INAPP_TRIGGER_SESSION_MS = 30 * 60_000;

/**
 * In-app messages, the pull channel (DESIGN §8a): the visitor's fetch is the "send" and the
 * client's `displayed` report the delivery. A visitor's delivery row is created the first time
 * they qualify, with the campaign's hashed variant or holdout, so reports and conversions work
 * as for every channel.
 */
export function campaignInapp(ctx: CampaignContext) {
  let live: { at: number; campaigns: InappCampaign[] } | null = null;
  const runIds = new Map<string, number>();

  const liveCampaigns = async (now: number): Promise<InappCampaign[]> => {
    if (!live || now - live.at > CAMPAIGNS_TTL_MS) {
      const sending = await ctx.loadCampaigns({ state: 'sending', channel: 'inapp' });
      live = {
        at: now,
        campaigns: sending.filter((c): c is InappCampaign => c.channel === 'inapp'),
      };
    }
    return live.campaigns;
  };
  const runIdOf = async (campaignId: string, now: number) => {
    let id = runIds.get(campaignId);
    if (id === undefined) {
      id = await inappRunId(ctx.knex(), campaignId, now);
      runIds.set(campaignId, id);
    }
    return id;
  };

  return {
    /** Forget the cached live campaigns (a campaign was scheduled, paused or cancelled here). */
    refreshInapp(): void {
      live = null;
    },

    /**
     * The messages due for this visitor now, highest priority first, each with its own token.
     * `profileOf` is asked only when a live campaign targets one of `segmentKeys` (it may create
     * the anonymous visitor's profile: caps and reports need a row to count on).
     */
    async inappMessages(
      profileOf: () => Promise<number | null>,
      segmentKeys: string[],
      now = Date.now()
    ): Promise<InappMessage[]> {
      const inSegments = new Set(segmentKeys);
      const candidates = (await liveCampaigns(now)).filter(
        (c) => inSegments.has(c.segmentKey) && withinSchedule(c.inapp, now)
      );
      if (!candidates.length) return [];
      const profileId = await profileOf();
      if (profileId === null) return [];
      const db = ctx.knex();
      // A triggered message waits for its trigger: an event of this session, or a segment entry,
      // since the campaign went live.
      for (const c of [...candidates]) {
        if (c.scheduleType !== 'triggered' || !c.trigger) continue;
        const liveSince = c.scheduledAt ? Date.parse(c.scheduledAt) : 0;
        const fired = c.trigger.event
          ? await inappTriggered(
              db,
              profileId,
              c.trigger,
              Math.max(liveSince, now - INAPP_TRIGGER_SESSION_MS),
              now
            )
          : await inappTriggered(
              db,
              profileId,
              { segmentId: (await ctx.segmentIdOf(c.trigger.segmentEntry ?? '')) ?? undefined },
              liveSince,
              now
            );
        if (!fired) candidates.splice(candidates.indexOf(c), 1);
      }
      if (!candidates.length) return [];
      const wanted = [];
      for (const c of candidates) {
        const total = c.variants.reduce((sum, v) => sum + v.weight, 0);
        const weights = c.variants.map((v) => v.weight / total);
        wanted.push({
          campaignId: c.documentId,
          runId: await runIdOf(c.documentId, now),
          ...assignRecipient(c.documentId, weights, c.holdoutPercent, profileId),
        });
      }
      const deliveries = await ensureInappDeliveries(db, profileId, wanted, now);
      const states = await inappStatesOf(
        db,
        [...deliveries.values()].map((d) => d.id)
      );
      const due = candidates
        .map((campaign) => ({ campaign, delivery: deliveries.get(campaign.documentId) }))
        .filter(
          (x): x is { campaign: InappCampaign; delivery: NonNullable<typeof x.delivery> } =>
            !!x.delivery &&
            !x.delivery.holdout &&
            x.delivery.variant !== null &&
            showable(x.campaign.inapp, states.get(x.delivery.id), now)
        )
        .sort((a, b) =>
          byPriority(
            {
              priority: a.campaign.inapp.priority,
              scheduledAt: a.campaign.scheduledAt,
              id: a.campaign.documentId,
            },
            {
              priority: b.campaign.inapp.priority,
              scheduledAt: b.campaign.scheduledAt,
              id: b.campaign.documentId,
            }
          )
        );
      if (!due.length) return [];
      const profile = (await ctx.profilesFor([profileId])).get(profileId);
      if (!profile) return [];
      const user =
        profile.userId === null
          ? null
          : ((await ctx.usersFor([profile.userId])).get(profile.userId) ?? null);
      const messages: InappMessage[] = [];
      for (const { campaign, delivery } of due) {
        const variant = campaign.variants[delivery.variant ?? 0] ?? campaign.variants[0];
        const id = createToken(ctx.secret(), {
          kind: 'inapp',
          deliveryId: delivery.id,
          show: crypto.randomBytes(9).toString('base64url'),
        });
        try {
          const data = ctx.renderData(campaign, variant.name, profile, user, delivery.id);
          const message = renderInapp(variant, data, {
            id,
            campaign: campaign.documentId,
            priority: campaign.inapp.priority,
          });
          // Media of Strapi's local upload provider is relative to Strapi, not to the shop's page.
          if (message.image?.url.startsWith('/uploads/'))
            message.image.url = ctx.publicUrl() + message.image.url;
          messages.push(message);
        } catch (error) {
          // One visitor's traits broke a template: that message is left out, the others stay.
          ctx.log(`in-app ${campaign.documentId}: ${(error as Error).message}`);
        }
      }
      return messages;
    },

    /**
     * The client's report of one show: displayed counts a show (and sends the delivery at its
     * first), clicked / dismissed end the message for this visitor. Each is an event on the
     * profile, once per show (`inapp_displayed:<delivery>:<show>`), so segments, conversions and
     * analytics see them.
     */
    async reportInapp(
      token: string,
      action: InappAction,
      button: number | null,
      now = Date.now()
    ): Promise<'ok' | 'invalid' | 'unknown' | 'button'> {
      const payload = verifyToken(ctx.secret(), token, 'inapp');
      if (!payload?.show) return 'invalid';
      const db = ctx.knex();
      const d = await inappDeliveryById(db, payload.deliveryId);
      if (!d) return 'unknown';
      const [campaign] = await ctx.loadCampaigns({ documentId: d.campaignId });
      if (!campaign || campaign.channel !== 'inapp') return 'unknown';
      const base = { campaignId: d.campaignId, variant: d.variant, deliveryId: d.id };
      if (action === 'displayed') {
        // A repeated report of the same show is the same event: counted once.
        const recorded = await ctx.recordEvent(
          d.profileId,
          'inapp_displayed',
          base,
          `inapp_displayed:${d.id}:${payload.show}`,
          now
        );
        if (recorded) await recordInappShow(db, d.id, campaign.inapp.periodHours, now);
        return 'ok';
      }
      const variant = campaign.variants[d.variant ?? 0];
      const pressed = button === null ? undefined : variant?.buttons?.[button];
      if (button !== null && !pressed) return 'button';
      await markInapp(db, d.id, action, now);
      if (action === 'dismissed') {
        await ctx.recordEvent(d.profileId, 'inapp_dismissed', base, `inapp_dismissed:${d.id}`, now);
        return 'ok';
      }
      await ctx.recordEvent(
        d.profileId,
        'inapp_clicked',
        { ...base, ...(button === null ? {} : { button }) },
        `inapp_clicked:${d.id}`,
        now
      );
      // The button's own event, as if the storefront had tracked it.
      if (pressed?.event)
        await ctx.recordEvent(
          d.profileId,
          pressed.event,
          base,
          `inapp_button:${d.id}:${button}`,
          now
        );
      return 'ok';
    },
  };
}
