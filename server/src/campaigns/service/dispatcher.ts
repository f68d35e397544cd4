import crypto from 'crypto';
import type { Transporter } from 'nodemailer';
import type { CampaignDefinition } from '../definition';
import {
  acknowledge,
  claimBatch,
  reclaimExpired,
  sentCounts,
  type Acknowledgement,
  type ClaimedDelivery,
} from '../outbox';
import { afterFailure } from '../outcome';
import type { RenderedEmail } from '../render';
import type { CampaignContext } from './context';

export interface DispatchReport {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
  skipped: number;
}

/**
 * The dispatcher: every instance claims due deliveries in batches (disjoint claims), re-checks
 * consent, unsubscribe and caps, renders and sends. `isStopped` ends a loop between batches.
 */
export function campaignDispatcher(ctx: CampaignContext, isStopped: () => boolean) {
  return {
    /**
     * Claims and sends due deliveries until none is left (or `maxBatches`). Safe on every
     * instance at once: claims are disjoint. Returns counts for this call.
     */
    async dispatch(now?: number, options: { maxBatches?: number } = {}): Promise<DispatchReport> {
      const report: DispatchReport = { claimed: 0, sent: 0, retried: 0, failed: 0, skipped: 0 };
      const mailer = ctx.transport();
      if (!mailer) return report;
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
        const campaigns = new Map(
          (await ctx.loadCampaigns({ state: 'sending' })).map((c) => [c.documentId, c])
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
        const acks = await this.sendBatch(claimed, campaigns, mailer, due, policy);
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
      mailer: Transporter,
      now: number,
      policy: { maxAttempts: number; baseMs: number; maxMs: number }
    ): Promise<Acknowledgement[]> {
      const cfg = ctx.config();
      const profiles = await ctx.profilesFor(claimed.map((d) => d.profileId));
      const users = await ctx.usersFor(
        [...profiles.values()].map((p) => p.userId).filter((id): id is number => id !== null)
      );
      // Frequency caps count messages already sent in each window, plus those sent in this batch.
      const windows = new Map<number, Map<number, number>>();
      const caps = [
        cfg.campaigns.frequencyCap,
        ...[...campaigns.values()].map((c) => c.frequencyCap),
      ];
      for (const cap of caps) {
        if (cap && !windows.has(cap.periodHours)) {
          windows.set(
            cap.periodHours,
            await sentCounts(ctx.knex(), [...profiles.keys()], now - cap.periodHours * 3_600_000)
          );
        }
      }
      const overCap = (profileId: number, campaign: CampaignDefinition) =>
        [cfg.campaigns.frequencyCap, campaign.frequencyCap].some(
          (cap) => cap && (windows.get(cap.periodHours)?.get(profileId) ?? 0) >= cap.max
        );
      const countSend = (profileId: number) => {
        for (const counts of windows.values())
          counts.set(profileId, (counts.get(profileId) ?? 0) + 1);
      };

      const acks: Acknowledgement[] = [];
      const sends: Promise<void>[] = [];
      for (const d of claimed) {
        const campaign = campaigns.get(d.campaignId);
        const profile = profiles.get(d.profileId);
        const skip = (error: string) => acks.push({ id: d.id, status: 'skipped', error });
        if (!campaign) {
          skip('campaign not sending');
          continue;
        }
        if (!profile || !profile.email) {
          skip('no e-mail address');
          continue;
        }
        if (profile.unsubscribedAt !== null) {
          skip('unsubscribed');
          continue;
        }
        if (
          profile.emailConsent === false ||
          (cfg.campaigns.requireConsent && profile.emailConsent !== true)
        ) {
          skip('no consent');
          continue;
        }
        if (overCap(profile.id, campaign)) {
          skip('frequency cap');
          continue;
        }
        countSend(profile.id);
        let rendered: RenderedEmail;
        try {
          rendered = ctx.renderFor(
            campaign,
            d.variant ?? 0,
            profile,
            profile.userId === null ? null : (users.get(profile.userId) ?? null),
            d.id
          );
        } catch (error) {
          acks.push({
            id: d.id,
            status: 'failed',
            error: `render: ${(error as Error).message}`.slice(0, 1000),
          });
          continue;
        }
        const unsubscribe = ctx.trackUrl('unsubscribe', d.id);
        sends.push(
          mailer
            .sendMail({
              from: cfg.email.from,
              ...(cfg.email.replyTo ? { replyTo: cfg.email.replyTo } : {}),
              to: profile.email,
              subject: rendered.subject,
              html: rendered.html,
              text: rendered.text,
              // The same Message-ID on every attempt lets receivers drop a repeated message.
              messageId: `<segments.${d.id}@${ctx.messageDomain()}>`,
              headers: {
                'List-Unsubscribe': `<${unsubscribe}>`,
                'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
                'X-Segments-Campaign': campaign.documentId,
              },
            })
            .then(
              (info: { messageId?: string }) => {
                acks.push({
                  id: d.id,
                  status: 'sent',
                  messageId: String(info.messageId ?? ''),
                  sentAt: Date.now(),
                });
              },
              (error: unknown) => {
                const outcome = afterFailure(error, d.attempts, now, policy);
                acks.push(
                  outcome.kind === 'retry'
                    ? {
                        id: d.id,
                        status: 'queued',
                        error: outcome.error,
                        nextAttemptAt: outcome.nextAttemptAt,
                      }
                    : {
                        id: d.id,
                        status: 'failed',
                        error: outcome.kind === 'failed' ? outcome.error : '',
                      }
                );
              }
            )
        );
      }
      await Promise.all(sends);
      return acks;
    },
  };
}
