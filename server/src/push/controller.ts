import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { getService } from '../shell/get-service';
import { replyError } from '../shell/http';
import type { PluginConfig } from '../config';
import { ensureProfile } from '../profiles/repository';
import { subscriptionSchema, unsubscribeSchema } from './subscription-input';

const bodyOf = (ctx: Context): unknown => (ctx.request as { body?: unknown }).body;

/** The storefront's Web Push routes: the public key, subscribe, unsubscribe. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const push = () => getService(strapi, 'push');

  /** The visitor, who must be known (logged in or with an anonymous id) to own a device. */
  const visitorOf = (ctx: Context) => {
    const visitor = getService(strapi, 'visitors').fromRequestOrReply(ctx);
    if (!visitor) return null;
    if (visitor.kind === 'none') {
      const header = (strapi.config.get('plugin::segments') as PluginConfig).identity
        .anonymousIdHeader;
      replyError(
        ctx,
        400,
        `${header}: a subscription needs a visitor (log in or send an anonymous id)`,
        [{ path: header, message: 'required to subscribe' }]
      );
      return null;
    }
    return visitor;
  };

  const fieldErrors = (issues: Array<{ path: Array<string | number>; message: string }>) =>
    issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }));

  return {
    /** GET /push/key — the VAPID public key for `pushManager.subscribe`. */
    async key(ctx: Context) {
      ctx.set('Cache-Control', 'public, max-age=300');
      ctx.body = { data: { publicKey: (await push().vapidKeys()).publicKey } };
    },

    /** POST /push/subscriptions — the browser's PushSubscription JSON. */
    async subscribe(ctx: Context) {
      const visitor = visitorOf(ctx);
      if (!visitor) return;
      const parsed = subscriptionSchema.safeParse(bodyOf(ctx));
      if (!parsed.success) {
        const errors = fieldErrors(parsed.error.issues);
        return replyError(ctx, 400, `${errors[0].path}: ${errors[0].message}`, errors);
      }
      const problem = push().endpointProblem(parsed.data.endpoint);
      if (problem)
        return replyError(ctx, 400, `endpoint: ${problem}`, [
          { path: 'endpoint', message: problem },
        ]);
      const knex = getService(strapi, 'store').knex();
      const target =
        visitor.kind === 'user' ? { userId: visitor.userId } : { anonymousId: visitor.anonymousId };
      const profileId = await ensureProfile(knex, target, Date.now());
      await push().subscribe(profileId, parsed.data, ctx.get('user-agent') || null);
      ctx.status = 201;
      ctx.body = { data: { subscribed: true, profileId } };
    },

    /** DELETE /push/subscriptions `{ endpoint }` — this visitor's device stops receiving. */
    async unsubscribe(ctx: Context) {
      const visitor = visitorOf(ctx);
      if (!visitor) return;
      const parsed = unsubscribeSchema.safeParse(bodyOf(ctx));
      if (!parsed.success) {
        const errors = fieldErrors(parsed.error.issues);
        return replyError(ctx, 400, `${errors[0].path}: ${errors[0].message}`, errors);
      }
      const profile = await getService(strapi, 'visitors').profileOf(visitor);
      const removed = profile ? await push().unsubscribe(profile.id, parsed.data.endpoint) : false;
      ctx.body = { data: { unsubscribed: removed } };
    },
  };
};
