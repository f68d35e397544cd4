import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import type { FieldError } from '../contracts';
import { checkActivityRange } from './activity';
import { getService } from '../shell/get-service';
import { replyError } from '../shell/http';

/** An optional positive integer query parameter, or the field error naming it. */
function intParam(
  value: unknown,
  name: string,
  fallback: number,
  max: number
): number | FieldError {
  if (value === undefined || value === '') return fallback;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > max)
    return { path: name, message: `must be an integer from 1 to ${max}` };
  return n;
}

export const MAX_RETENTION_WEEKS = 104;
export const MAX_TOP_EVENTS = 100;

/** Admin: activity metrics, retention cohorts, top events and campaign reports. */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /segments/activity — computed from activity days on every call (kept for the Activity page). */
  async activity(ctx: Context) {
    const { from, to } = ctx.query;
    const errors = checkActivityRange(from, to);
    if (errors.length) return replyError(ctx, 400, 'Invalid date range', errors);
    ctx.body = {
      data: await getService(strapi, 'analytics').activity(from as string, to as string),
    };
  },

  /** GET /segments/analytics/activity?from&to — pre-aggregated, with new vs returning users. */
  async activityReport(ctx: Context) {
    const { from, to } = ctx.query;
    const errors = checkActivityRange(from, to);
    if (errors.length) return replyError(ctx, 400, 'Invalid date range', errors);
    ctx.body = {
      data: await getService(strapi, 'analytics').activityReport(from as string, to as string),
    };
  },

  /** GET /segments/analytics/retention?weeks */
  async retention(ctx: Context) {
    const weeks = intParam(ctx.query.weeks, 'weeks', 12, MAX_RETENTION_WEEKS);
    if (typeof weeks !== 'number') return replyError(ctx, 400, 'Invalid weeks', [weeks]);
    ctx.body = { data: await getService(strapi, 'analytics').retention(weeks) };
  },

  /** GET /segments/analytics/top-events?from&to&limit */
  async topEvents(ctx: Context) {
    const { from, to } = ctx.query;
    const errors: FieldError[] = checkActivityRange(from, to);
    const limit = intParam(ctx.query.limit, 'limit', 10, MAX_TOP_EVENTS);
    if (typeof limit !== 'number') errors.push(limit);
    if (errors.length || typeof limit !== 'number')
      return replyError(ctx, 400, 'Invalid query', errors);
    ctx.body = {
      data: await getService(strapi, 'analytics').topEvents(from as string, to as string, limit),
    };
  },

  /** POST /segments/analytics/rebuild — recompute every pre-aggregate now. */
  async rebuild(ctx: Context) {
    const started = Date.now();
    await getService(strapi, 'analytics').rebuild();
    ctx.body = {
      data: { ms: Date.now() - started, ...(await getService(strapi, 'analytics').state()) },
    };
  },

  /** GET /segments/campaigns/:documentId/report — funnel per variant, statistics, verdict. */
  async campaignReport(ctx: Context) {
    const documentId = String(ctx.params.documentId);
    const report = await getService(strapi, 'analytics').campaignReport(documentId);
    if (!report)
      return replyError(ctx, 404, `No campaign ${documentId}`, [
        { path: 'documentId', message: 'not found' },
      ]);
    ctx.body = { data: report };
  },
});
