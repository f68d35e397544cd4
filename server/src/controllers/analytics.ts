import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { checkActivityRange } from '../analytics/activity';
import { getService } from '../utils/get-service';
import { replyError } from '../utils/http';

/** Admin: activity metrics and the retention purge on demand. */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async activity(ctx: Context) {
    const { from, to } = ctx.query;
    const errors = checkActivityRange(from, to);
    if (errors.length) return replyError(ctx, 400, 'Invalid date range', errors);
    ctx.body = { data: await getService(strapi, 'analytics').activity(from as string, to as string) };
  },

  async purge(ctx: Context) {
    ctx.body = { data: await getService(strapi, 'retention').purge() };
  },
});
