import webpush from 'web-push';
import type { ChannelSender } from '../channels/sender';
import { classifyHttp, type HttpOutcome } from '../channels/http-outcome';
import { pushPayload } from '../channels/push-content';
import type { ClaimedDelivery } from '../outbox';
import {
  deliveredPairs,
  recordPushSends,
  removeSubscriptionsById,
  subscriptionsOf,
  type PushSubscriptionRow,
} from '../../push/repository';
import { attempt } from '../../outbound/http-client';
import { limiter } from '../../utils/limit';
import { vapidAuthorization, type VapidDetails } from '../../push/vapid';
import type { CampaignContext } from './context';

/** Push services answer 404 / 410 for a subscription that no longer exists (RFC 8030 §7.3). */
const GONE = [404, 410];

/**
 * Web Push: one message per device of the recipient. web-push builds each request (aes128gcm
 * encryption), with a VAPID JWT reused per push service until near its expiry; the guarded client
 * sends it. The devices that got the message are recorded before the batch is acknowledged, so a
 * retry of the delivery (another device answered 429) skips them.
 */
export function pushSender(ctx: CampaignContext, vapid: VapidDetails): ChannelSender {
  const cfg = ctx.config();
  const run = limiter(cfg.outbound.concurrency);
  let devices = new Map<number, PushSubscriptionRow[]>();
  let done = new Set<string>();
  let served: Array<{ deliveryId: number; subscriptionId: number; status: number; at: number }> =
    [];
  let gone: number[] = [];

  const sendOne = async (
    sub: PushSubscriptionRow,
    payload: string,
    options: webpush.RequestOptions
  ) => {
    const details = webpush.generateRequestDetails(
      { endpoint: sub.endpoint, keys: sub.keys },
      payload,
      {
        ...options,
        headers: { Authorization: vapidAuthorization(vapid, sub.endpoint, Date.now()) },
      }
    );
    return run(() =>
      attempt(
        { allowedHosts: cfg.outbound.allowedHosts },
        {
          url: details.endpoint,
          headers: details.headers as Record<string, string>,
          body: details.body as Buffer,
          timeoutMs: cfg.outbound.timeoutSeconds * 1000,
        }
      )
    );
  };

  return {
    async prepare(claimed: ClaimedDelivery[]) {
      const db = ctx.knex();
      devices = await subscriptionsOf(db, [...new Set(claimed.map((d) => d.profileId))]);
      done = await deliveredPairs(
        db,
        claimed.map((d) => d.id)
      );
    },

    async finish() {
      const [sends, removed] = [served, gone];
      served = [];
      gone = [];
      await recordPushSends(ctx.knex(), sends);
      await removeSubscriptionsById(ctx.knex(), removed);
    },

    skipReason(d, profile) {
      const mine = devices.get(profile.id) ?? [];
      const already = mine.some((s) => done.has(`${d.id}:${s.id}`));
      return mine.length || already ? null : 'no push subscription';
    },

    async send(d, campaign, profile, user, { now, policy }) {
      if (campaign.channel !== 'push')
        return { id: d.id, status: 'failed', error: 'not a push campaign' };
      const all = devices.get(profile.id) ?? [];
      const pending = all.filter((s) => !done.has(`${d.id}:${s.id}`));
      const deliveredBefore = all.length - pending.length;
      let payload: string;
      try {
        const sized = pushPayload(ctx.renderPushFor(campaign, d.variant ?? 0, profile, user, d.id));
        if (!sized.ok) return { id: d.id, status: 'failed', error: sized.error };
        payload = sized.payload;
      } catch (error) {
        return {
          id: d.id,
          status: 'failed',
          error: `render: ${(error as Error).message}`.slice(0, 1000),
        };
      }
      const options: webpush.RequestOptions = {
        TTL: campaign.push.ttlSeconds,
        urgency: campaign.push.urgency,
        // Same topic on a retry: a push service replaces an undelivered copy instead of adding one.
        topic: `d${d.id}`,
      };
      const outcomes = await Promise.all(
        pending.map(async (sub) => ({
          sub,
          outcome: classifyHttp(
            await sendOne(sub, payload, options),
            d.attempts,
            now,
            policy,
            GONE
          ),
        }))
      );
      const delivered = outcomes.filter((o) => o.outcome.kind === 'delivered');
      served.push(
        ...delivered.map((o) => ({
          deliveryId: d.id,
          subscriptionId: o.sub.id,
          status: (o.outcome as { status: number }).status,
          at: Date.now(),
        }))
      );
      gone.push(...outcomes.filter((o) => o.outcome.kind === 'gone').map((o) => o.sub.id));
      const retries = outcomes
        .map((o) => o.outcome)
        .filter((o): o is Extract<HttpOutcome, { kind: 'retry' }> => o.kind === 'retry');
      if (retries.length) {
        // Wait for the slowest Retry-After: the devices already served are skipped next time.
        return {
          id: d.id,
          status: 'queued',
          error: retries[0].error,
          nextAttemptAt: Math.max(...retries.map((r) => r.nextAttemptAt)),
        };
      }
      const reached = deliveredBefore + delivered.length;
      if (reached > 0)
        return {
          id: d.id,
          status: 'sent',
          messageId: `push:${d.id}:${reached}`,
          sentAt: Date.now(),
        };
      const failed = outcomes.find((o) => o.outcome.kind === 'failed');
      if (failed)
        return { id: d.id, status: 'failed', error: (failed.outcome as { error: string }).error };
      return {
        id: d.id,
        status: 'skipped',
        error: `every subscription is gone (${(outcomes[0]?.outcome as { error?: string })?.error ?? 'none'})`,
      };
    },
  };
}
