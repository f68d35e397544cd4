import crypto from 'crypto';
import type { Channel, CampaignDefinition } from '../definition';
import {
  acknowledge,
  claimBatch,
  reclaimExpired,
  sentCounts,
  type Acknowledgement,
  type ClaimedDelivery,
} from '../outbox';
import type { ChannelSender } from '../channels/sender';
import type { RetryPolicy } from '../outcome';
import type { CampaignContext } from './context';
import { emailSender } from './email-sender';
import { pushSender } from './push-sender';
import { webhookSender } from './webhook-sender';

export interface DispatchReport {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
  skipped: number;
}

/**
 * The dispatcher: every instance claims due deliveries in batches (disjoint claims), re-checks
 * caps and each channel's reach (consent, unsubscribe, devices), renders and sends through the
 * campaign's channel. `isStopped` ends a loop between batches.
 */
export function campaignDispatcher(ctx: CampaignContext, isStopped: () => boolean) {
  /** The senders that can work now: e-mail only with a transport configured. */
  const sendersFor = async (channels: Set<Channel>): Promise<Map<Channel, ChannelSender>> => {
    const senders = new Map<Channel, ChannelSender>();
    const mailer = channels.has('email') ? ctx.transport() : null;
    if (mailer) senders.set('email', emailSender(ctx, mailer));
    if (channels.has('push')) senders.set('push', pushSender(ctx, await ctx.vapid()));
    if (channels.has('webhook')) senders.set('webhook', webhookSender(ctx));
    return senders;
  };

  return {
    /**
     * Claims and sends due deliveries until none is left (or `maxBatches`). Safe on every
     * instance at once: claims are disjoint. Returns counts for this call.
     */
    async dispatch(now?: number, options: { maxBatches?: number } = {}): Promise<DispatchReport> {
      const report: DispatchReport = { claimed: 0, sent: 0, retried: 0, failed: 0, skipped: 0 };
      const cfg = ctx.config();
      const db = ctx.knex();
      // Claim expiries are real time whatever `now` says: a claim must outlive the batch it
      // covers, and another instance compares it with its own clock.
      await reclaimExpired(db, Date.now());
      const policy = {
        maxAttempts: cfg.campaigns.maxAttempts,
        baseMs: cfg.campaigns.retryBaseSeconds * 1000,
        maxMs: cfg.campaigns.retryMaxSeconds * 1000,
      };
      for (let batch = 0; batch < (options.maxBatches ?? Infinity) && !isStopped(); batch++) {
        // Re-read each batch: a pause or cancel stops further claims at once.
        const sending = await ctx.loadCampaigns({ state: 'sending' });
        const senders = await sendersFor(new Set(sending.map((c) => c.channel)));
        // Campaigns whose channel cannot send here stay queued (e-mail without a transport).
        const campaigns = new Map(
          sending.filter((c) => senders.has(c.channel)).map((c) => [c.documentId, c])
        );
        const token = `${ctx.owner}:${crypto.randomBytes(6).toString('hex')}`;
        // `now` (tests pass a clock) decides what is due; a long loop otherwise reads the clock per batch.
        const due = now ?? Date.now();
        const claimed = await claimBatch(db, {
          token,
          campaignIds: [...campaigns.keys()],
          limit: cfg.campaigns.batchSize,
          now: due,
          claimExpires: Date.now() + cfg.campaigns.claimTtlSeconds * 1000,
        });
        if (!claimed.length) break;
        report.claimed += claimed.length;
        const acks = await this.sendBatch(claimed, campaigns, senders, due, policy);
        await acknowledge(db, token, acks, Date.now(), ctx.messageDomain());
        for (const ack of acks) {
          if (ack.status === 'sent') report.sent += 1;
          else if (ack.status === 'queued') report.retried += 1;
          else if (ack.status === 'failed') report.failed += 1;
          else report.skipped += 1;
        }
      }
      return report;
    },

    /** Re-checks, renders and sends one claimed batch; returns what to record. */
    async sendBatch(
      claimed: ClaimedDelivery[],
      campaigns: Map<string, CampaignDefinition>,
      senders: Map<Channel, ChannelSender>,
      now: number,
      policy: RetryPolicy
    ): Promise<Acknowledgement[]> {
      const cfg = ctx.config();
      const profiles = await ctx.profilesFor(claimed.map((d) => d.profileId));
      const users = await ctx.usersFor(
        [...profiles.values()].map((p) => p.userId).filter((id): id is number => id !== null)
      );
      for (const channel of new Set([...campaigns.values()].map((c) => c.channel))) {
        await senders
          .get(channel)
          ?.prepare(claimed.filter((d) => campaigns.get(d.campaignId)?.channel === channel));
      }
      // Frequency caps count messages already sent in each window, plus those sent in this
      // batch: the global and campaign caps every channel's, a channel cap its own channel's.
      const windows = new Map<string, { channel: Channel | null; counts: Map<number, number> }>();
      const capsOf = (c: CampaignDefinition) =>
        [
          { channel: null, cap: cfg.campaigns.frequencyCap },
          { channel: null, cap: c.frequencyCap },
          { channel: c.channel, cap: c.channel === 'inapp' ? null : cfg.campaigns.channelCaps[c.channel] },
        ].filter(
          (x): x is { channel: Channel | null; cap: { max: number; periodHours: number } } =>
            x.cap !== null
        );
      const key = (channel: Channel | null, hours: number) => `${channel ?? '*'}:${hours}`;
      for (const c of campaigns.values()) {
        for (const { channel, cap } of capsOf(c)) {
          const k = key(channel, cap.periodHours);
          if (windows.has(k)) continue;
          const since = now - cap.periodHours * 3_600_000;
          windows.set(k, {
            channel,
            counts: await sentCounts(ctx.knex(), [...profiles.keys()], since, channel ?? undefined),
          });
        }
      }
      const overCap = (profileId: number, c: CampaignDefinition) =>
        capsOf(c).some(
          ({ channel, cap }) =>
            (windows.get(key(channel, cap.periodHours))?.counts.get(profileId) ?? 0) >= cap.max
        );
      const countSend = (profileId: number, channel: Channel) => {
        for (const w of windows.values()) {
          if (w.channel === null || w.channel === channel)
            w.counts.set(profileId, (w.counts.get(profileId) ?? 0) + 1);
        }
      };

      const acks: Acknowledgement[] = [];
      const sends: Promise<Acknowledgement>[] = [];
      for (const d of claimed) {
        const campaign = campaigns.get(d.campaignId);
        const profile = profiles.get(d.profileId);
        const sender = campaign ? senders.get(campaign.channel) : undefined;
        const skip = (error: string) => acks.push({ id: d.id, status: 'skipped', error });
        if (!campaign || !sender) {
          skip('campaign not sending');
          continue;
        }
        if (!profile) {
          skip('profile deleted');
          continue;
        }
        const reason = sender.skipReason(d, profile);
        if (reason) {
          skip(reason);
          continue;
        }
        if (overCap(profile.id, campaign)) {
          skip('frequency cap');
          continue;
        }
        countSend(profile.id, campaign.channel);
        const user = profile.userId === null ? null : (users.get(profile.userId) ?? null);
        sends.push(sender.send(d, campaign, profile, user, { now, policy }));
      }
      acks.push(...(await Promise.all(sends)));
      for (const sender of senders.values()) await sender.finish();
      return acks;
    },
  };
}
