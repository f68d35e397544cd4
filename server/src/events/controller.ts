import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { EVENT_LIMITS } from './limits';
import { getService } from '../shell/get-service';
import { isApiTokenCaller, replyError } from '../shell/http';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** POST /api/segments/events — batch ingestion, 202 with per-event accept/reject. */
  async ingest(ctx: Context) {
    const length = Number(ctx.request.length ?? 0);
    if (length > EVENT_LIMITS.maxBodyBytes) {
      return replyError(ctx, 413, `The body may be at most ${EVENT_LIMITS.maxBodyBytes} bytes`, [
        { path: '(body)', message: `is ${length} bytes; the limit is ${EVENT_LIMITS.maxBodyBytes}` },
      ]);
    }
    const visitor = getService(strapi, 'visitors').fromRequestOrReply(ctx);
    if (!visitor) return;
    const outcome = await getService(strapi, 'events').ingest(
      ctx,
      (ctx.request as { body?: unknown }).body,
      visitor,
      isApiTokenCaller(ctx)
    );
    if (!outcome.ok) return replyError(ctx, 400, outcome.message, outcome.errors);
    ctx.status = 202;
    ctx.body = outcome.response;
  },
});
