import crypto from 'crypto';
import { verifyToken } from '../tokens';
import { TABLES } from '../../store/tables';
import type { CampaignContext } from './context';

/** Open pixel, click redirect and unsubscribe: signed tokens → campaign events on the profile. */
export function campaignTracking(ctx: CampaignContext) {
  return {
    async trackOpen(
      token: string,
      now = Date.now(),
      userAgent: string | null = null
    ): Promise<boolean> {
      const payload = verifyToken(ctx.secret(), token, 'open');
      if (!payload) return false;
      const d = await ctx.deliveryById(payload.deliveryId);
      if (d) {
        // The agent lets send-time optimisation drop mail-proxy prefetches (not a reader's open).
        const properties = {
          campaignId: d.campaignId,
          variant: d.variant,
          deliveryId: d.id,
          ...(userAgent ? { userAgent: userAgent.slice(0, 300) } : {}),
        };
        await ctx.recordEvent(d.profileId, 'email_opened', properties, `email_opened:${d.id}`, now);
      }
      return true;
    },

    async trackClick(token: string, now = Date.now()): Promise<string | null> {
      const payload = verifyToken(ctx.secret(), token, 'click');
      if (!payload?.url) return null;
      const d = await ctx.deliveryById(payload.deliveryId);
      if (d) {
        const linkId = crypto.createHash('sha256').update(payload.url).digest('hex').slice(0, 16);
        await ctx.recordEvent(
          d.profileId,
          'email_clicked',
          { campaignId: d.campaignId, variant: d.variant, deliveryId: d.id, url: payload.url },
          `email_clicked:${d.id}:${linkId}`,
          now
        );
      }
      return payload.url;
    },

    /**
     * A push notification shown or clicked, as the service worker reports it: one event per
     * delivery and kind (`push_displayed:<id>`, `push_clicked:<id>`), whatever the repeats.
     */
    async trackPush(token: string, kind: 'displayed' | 'pushclick', now = Date.now(), action: string | null = null): Promise<boolean> {
      const payload = verifyToken(ctx.secret(), token, kind);
      if (!payload) return false;
      const d = await ctx.deliveryById(payload.deliveryId);
      if (d) {
        const name = kind === 'displayed' ? 'push_displayed' : 'push_clicked';
        const properties = { campaignId: d.campaignId, variant: d.variant, deliveryId: d.id, ...(action ? { action } : {}) };
        await ctx.recordEvent(d.profileId, name, properties, `${name}:${d.id}`, now);
      }
      return true;
    },

    /** Valid token → the delivery it names (or null when the delivery is gone); invalid → false. */
    async checkUnsubscribeToken(token: string) {
      const payload = verifyToken(ctx.secret(), token, 'unsubscribe');
      if (!payload) return false;
      return ctx.deliveryById(payload.deliveryId);
    },

    async unsubscribe(token: string, now = Date.now()): Promise<'ok' | 'invalid' | 'unknown'> {
      const d = await this.checkUnsubscribeToken(token);
      if (d === false) return 'invalid';
      if (!d) return 'unknown';
      await ctx
        .knex()(TABLES.profiles)
        .where('id', d.profileId)
        .whereNull('unsubscribed_at')
        .update({ unsubscribed_at: now, updated_at: now });
      await ctx
        .knex()(TABLES.deliveries)
        .where('profile_id', d.profileId)
        .whereIn('status', ['pending', 'queued'])
        .update({ status: 'skipped', error: 'unsubscribed', updated_at: now });
      await ctx.recordEvent(
        d.profileId,
        'unsubscribed',
        { campaignId: d.campaignId, variant: d.variant, deliveryId: d.id },
        `unsubscribed:${d.id}`,
        now
      );
      return 'ok';
    },
  };
}
