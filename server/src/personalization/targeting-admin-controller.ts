import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Context } from 'koa';
import { z } from 'zod';
import type { FieldError } from '../contracts';
import { getService } from '../shell/get-service';
import { replyError } from '../shell/http';

const estimateBody = z
  .object({
    segments: z
      .array(z.string().min(1, 'must be a segment documentId').max(64), { invalid_type_error: 'must be a list of segment documentIds', required_error: 'is required' })
      .max(100, 'at most 100 segments'),
  })
  .strict();

const experimentBody = z
  .object({
    variants: z.unknown().optional(),
    coverage: z.unknown().optional(),
    state: z.unknown().optional(),
  })
  .strict()
  .refine((d) => Object.keys(d).length > 0, { message: 'nothing to update: send variants, coverage or state' });

const zodErrors = (error: z.ZodError): FieldError[] =>
  error.issues.map((i) => ({
    path: i.code === 'unrecognized_keys' ? i.keys.join(', ') : i.path.join('.'),
    message: i.code === 'unrecognized_keys' ? 'may not be set here' : i.message,
  }));

/** Content Manager targeting panel and Placements page (admin). */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** POST /segments/targeting/estimate { segments: documentId[] } — "who will see this". */
  async estimate(ctx: Context) {
    const parsed = estimateBody.safeParse(ctx.request.body ?? {});
    if (!parsed.success) {
      const list = zodErrors(parsed.error).map((e) => ({ ...e, path: e.path || 'segments' }));
      return replyError(ctx, 400, `Invalid estimate request: ${list.map((e) => `${e.path} ${e.message}`).join('; ')}`, list);
    }
    const ids = [...new Set(parsed.data.segments)];
    const result = await getService(strapi, 'targetingAdmin').estimate(ids);
    if ('missing' in result) {
      const list = (result.missing ?? []).map((id) => ({ path: `segments.${ids.indexOf(id)}`, message: `no segment ${id}` }));
      return replyError(ctx, 400, `Unknown segment(s): ${(result.missing ?? []).join(', ')}`, list);
    }
    ctx.body = { data: result };
  },

  /** GET /segments/placements — every placement, what each segment gets, its experiments. */
  async placements(ctx: Context) {
    ctx.body = { data: await getService(strapi, 'targetingAdmin').placements() };
  },

  /** PUT /segments/experiments/:documentId — variants, weights, coverage, state (write guard validates). */
  async updateExperiment(ctx: Context) {
    const parsed = experimentBody.safeParse(ctx.request.body ?? {});
    if (!parsed.success) {
      const list = zodErrors(parsed.error);
      return replyError(ctx, 400, `Invalid experiment update: ${list.map((e) => `${e.path} ${e.message}`).join('; ')}`, list);
    }
    const documentId = String(ctx.params.documentId);
    try {
      const updated = await getService(strapi, 'targetingAdmin').updateExperiment(documentId, parsed.data);
      if (!updated) return replyError(ctx, 404, `No experiment ${documentId}`, [{ path: 'documentId', message: 'not found' }]);
      ctx.body = { data: updated };
    } catch (error) {
      if (!(error instanceof errors.ValidationError)) throw error;
      const details = (error.details ?? {}) as { errors?: Array<{ path: unknown; message: string }> };
      const list: FieldError[] = (details.errors ?? []).map((e) => ({
        path: Array.isArray(e.path) ? e.path.join('.') : String(e.path ?? ''),
        message: e.message,
      }));
      replyError(ctx, 400, error.message, list.length ? list : [{ path: '', message: error.message }]);
    }
  },
});
