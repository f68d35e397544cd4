import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { getService } from '../shell/get-service';
import { replyError } from '../shell/http';
import { parsePlacementRequest } from './placement';
import { markPersonalised } from './enforce';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /api/segments/placements/:placement — the one best banner for this visitor. */
  async get(ctx: Context) {
    const parsed = parsePlacementRequest({ ...ctx.query, placement: ctx.params.placement });
    if (!parsed.ok) return replyError(ctx, 400, parsed.errors.map((e) => `${e.path} ${e.message}`).join('; '), parsed.errors);
    markPersonalised(strapi, ctx);
    const result = await getService(strapi, 'personalization').placement(ctx, parsed.placement, parsed.locale);
    if (!result) {
      return replyError(ctx, 404, `No banner for placement "${parsed.placement}" for this visitor`, [
        { path: 'placement', message: 'no published banner in its window matches this visitor' },
      ]);
    }
    ctx.body = { data: result };
  },

  /**
   * GET /segments/experiments/:key/results (admin) — exposures and conversions per variation,
   * with the statistics module's report and a plain-language verdict.
   */
  async results(ctx: Context) {
    const results = await getService(strapi, 'personalization').experimentResults(String(ctx.params.key));
    if (!results) return replyError(ctx, 404, `No experiment with key "${String(ctx.params.key)}"`, [{ path: 'key', message: 'not found' }]);
    ctx.body = { data: { ...results, ...(await getService(strapi, 'analytics').experimentStatistics(results)) } };
  },
});
