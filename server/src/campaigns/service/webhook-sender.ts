import type { ChannelSender } from '../channels/sender';
import { classifyHttp } from '../channels/http-outcome';
import { signWebhook } from '../channels/webhook-content';
import { attempt } from '../../outbound/http-client';
import { limiter } from '../../utils/limit';
import type { CampaignContext } from './context';

/**
 * Webhooks: one signed POST per recipient to the campaign's URL. The `webhook-id` is the
 * delivery's (`msg_<id>`) on every attempt, so a receiver drops a repeat; each attempt is signed
 * with its own timestamp.
 */
export function webhookSender(ctx: CampaignContext): ChannelSender {
  const cfg = ctx.config();
  const run = limiter(cfg.outbound.concurrency);
  return {
    async prepare() {},

    async finish() {},

    skipReason: () => null,

    async send(d, campaign, profile, user, { now, policy }) {
      if (campaign.channel !== 'webhook')
        return { id: d.id, status: 'failed', error: 'not a webhook campaign' };
      const { secret, url, timeoutSeconds } = campaign.webhook;
      if (!secret)
        return { id: d.id, status: 'failed', error: 'the campaign has no signing secret' };
      let body: string;
      try {
        body = ctx.renderWebhookFor(campaign, d.variant ?? 0, profile, user, d.id);
      } catch (error) {
        return {
          id: d.id,
          status: 'failed',
          error: `render: ${(error as Error).message}`.slice(0, 1000),
        };
      }
      const messageId = `msg_${d.id}`;
      const signed = signWebhook(secret, messageId, body, new Date());
      const result = await run(() =>
        attempt(
          { allowedHosts: cfg.outbound.allowedHosts },
          {
            url,
            headers: signed.headers,
            body,
            timeoutMs: Math.min(timeoutSeconds, cfg.outbound.timeoutSeconds) * 1000,
          }
        )
      );
      const outcome = classifyHttp(result, d.attempts, now, policy);
      if (outcome.kind === 'delivered')
        return { id: d.id, status: 'sent', messageId, sentAt: Date.now() };
      if (outcome.kind === 'retry')
        return {
          id: d.id,
          status: 'queued',
          error: outcome.error,
          nextAttemptAt: outcome.nextAttemptAt,
        };
      return { id: d.id, status: 'failed', error: outcome.error };
    },
  };
}
