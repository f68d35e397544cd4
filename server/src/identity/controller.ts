import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { getService } from '../shell/get-service';
import { isApiTokenCaller, replyError } from '../shell/http';
import type { MeResponse } from '../contracts';
import { requestContext } from '../personalization/request';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /api/segments/me — who the plugin thinks this visitor is. */
  async me(ctx: Context) {
    const visitor = getService(strapi, 'visitors').fromRequestOrReply(ctx);
    if (!visitor) return;
    const profile = await getService(strapi, 'visitors').profileOf(visitor);
    const segments = await getService(strapi, 'segments').keysForVisitor(
      profile?.id ?? null,
      requestContext(ctx),
    );
    const data: MeResponse = {
      visitor,
      profileId: profile?.id ?? null,
      segments,
      experiments: await getService(strapi, 'personalization').assignments(ctx),
      firstSeenAt: profile ? new Date(profile.firstSeenAt).toISOString() : null,
      lastSeenAt: profile ? new Date(profile.lastSeenAt).toISOString() : null,
    };
    const include = String(ctx.query.include ?? '').split(',');
    if (include.includes('messages')) {
      data.messages = await getService(strapi, 'inapp').messagesFor(ctx, visitor, segments);
      getService(strapi, 'inapp').setPrivate(ctx);
    }
    ctx.body = { data };
  },

  /** POST /api/segments/identify — traits; a logged-in user's anonymous history is merged. */
  async identify(ctx: Context) {
    const visitor = getService(strapi, 'visitors').fromRequestOrReply(ctx);
    if (!visitor) return;
    const outcome = await getService(strapi, 'identity').identify(
      ctx,
      (ctx.request as { body?: unknown }).body,
      visitor,
      isApiTokenCaller(ctx)
    );
    if (!outcome.ok) return replyError(ctx, 400, outcome.message, outcome.errors);
    ctx.body = { data: outcome.response };
  },

  /** GET /api/segments/me/export — everything stored about this visitor, as JSON. */
  async export(ctx: Context) {
    const visitor = getService(strapi, 'visitors').fromRequestOrReply(ctx);
    if (!visitor) return;
    const profile = await getService(strapi, 'visitors').profileOf(visitor);
    const data = profile ? await getService(strapi, 'profiles').exportProfile(profile.id) : null;
    if (!data) return replyError(ctx, 404, 'No profile for this visitor');
    ctx.body = { data };
  },

  /** DELETE /api/segments/me — the visitor erases their profile and all its data. */
  async forget(ctx: Context) {
    const visitor = getService(strapi, 'visitors').fromRequestOrReply(ctx);
    if (!visitor) return;
    const profile = await getService(strapi, 'visitors').profileOf(visitor);
    if (!profile) return replyError(ctx, 404, 'No profile for this visitor');
    await getService(strapi, 'profiles').deleteProfile(profile.id);
    ctx.body = { data: { deleted: true, profileId: profile.id } };
  },
});
