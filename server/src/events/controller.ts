import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { EVENT_LIMITS } from './limits';
import { getService } from '../shell/get-service';
import { isApiTokenCaller, replyError } from '../shell/http';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /**
   * POST /api/segments/events — batch ingestion: 202 with the per-event report, or 400 (with the
   * same report) when every event was rejected.
   */
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
    const { response } = outcome;
    if (response.accepted === 0 && response.rejected.length > 0) {
      // Nothing stored: a client that only reads the status code must see the failure. The
      // per-event report stays in the body, beside Strapi's error object.
      const errors = response.rejected.flatMap((r) => r.errors);
      replyError(ctx, 400, `Every event was rejected: ${errors[0].path}: ${errors[0].message}`, errors);
      ctx.body = { ...response, ...(ctx.body as object) };
      return;
    }
    ctx.status = 202;
    ctx.body = response;
  },
});
