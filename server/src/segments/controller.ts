import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { errors } from '@strapi/utils';
import type { Rule } from '../rules';
import type { FieldError } from '../contracts';
import { SEGMENT_UID } from '../store/uids';
import { getService } from '../shell/get-service';
import { replyError } from '../shell/http';
import { loadCatalog } from './catalog';
import { summarizeSegments, type SegmentRow } from './listing';

/** A positive integer query parameter, or a field error naming it. */
function intParam(
  value: unknown,
  name: string,
  fallback: number,
  max: number
): number | FieldError {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    return { path: name, message: `${name} must be an integer from 1 to ${max}` };
  }
  return n;
}

const SEGMENT_FIELDS = ['name', 'key', 'description', 'state', 'rule', 'uses'] as const;

/** The builder's payload: only the segment's own fields; the rest is the write guard's job. */
function segmentInput(ctx: Context): { data: Record<string, unknown> } | { errors: FieldError[] } {
  const body = (ctx.request as unknown as { body?: unknown }).body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { errors: [{ path: '', message: 'the body must be a JSON object' }] };
  }
  const unknown = Object.keys(body).filter(
    (k) => !(SEGMENT_FIELDS as readonly string[]).includes(k)
  );
  if (unknown.length) {
    return { errors: unknown.map((k) => ({ path: k, message: `unknown field ${k}` })) };
  }
  const data = body as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const field of ['name', 'key'] as const) {
    if (field in data && (typeof data[field] !== 'string' || !(data[field] as string).trim())) {
      errors.push({ path: field, message: `${field} must be a non-empty string` });
    }
  }
  if ('state' in data && data.state !== 'active' && data.state !== 'archived') {
    errors.push({ path: 'state', message: 'state must be active or archived' });
  }
  if ('description' in data && data.description !== null && typeof data.description !== 'string') {
    errors.push({ path: 'description', message: 'description must be a string' });
  }
  return errors.length ? { errors } : { data };
}

/** A ValidationError from Strapi's validator or the write guard → 400 with field paths. */
function rejectWrite(ctx: Context, error: unknown): boolean {
  if (!(error instanceof errors.ValidationError)) return false;
  const details = (error.details ?? {}) as { errors?: Array<{ path: unknown; message: string }> };
  const list: FieldError[] = (details.errors ?? []).map((e) => ({
    path: Array.isArray(e.path) ? e.path.join('.') : String(e.path ?? ''),
    message: e.message,
  }));
  replyError(ctx, 400, error.message, list.length ? list : [{ path: '', message: error.message }]);
  return true;
}

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const segments = () => getService(strapi, 'segments');
  const exists = async (documentId: string) =>
    Boolean(await strapi.db.query(SEGMENT_UID).findOne({ where: { documentId }, select: ['id'] }));

  const rows = (where: Record<string, unknown> = {}) =>
    strapi.db.query(SEGMENT_UID).findMany({
      where,
      select: ['documentId', 'name', 'key', 'description', 'state', 'uses', 'rule', 'computedSize', 'computedAt', 'updatedAt'],
      orderBy: { name: 'asc' },
    }) as Promise<SegmentRow[]>;
  const store = () => getService(strapi, 'store').knex();

  return {
    /** GET /segments/segments — every segment with its size, last recompute and 30-day trend. */
    async list(ctx: Context) {
      ctx.body = { data: await summarizeSegments(store(), await rows()) };
    },

    /**
     * POST /segments/segments and PUT /segments/segments/:documentId — the builder's save, with
     * input checks the builder can map to rows. Writes go through the document service, so the
     * write guard applies (as it does to Content Manager and REST writes).
     */
    async create(ctx: Context) {
      const input = segmentInput(ctx);
      if ('errors' in input) return replyError(ctx, 400, input.errors[0].message, input.errors);
      try {
        const created = await strapi.documents(SEGMENT_UID).create({ data: input.data as never });
        ctx.status = 201;
        ctx.body = { data: { documentId: created.documentId } };
      } catch (error) {
        if (!rejectWrite(ctx, error)) throw error;
      }
    },

    async update(ctx: Context) {
      const input = segmentInput(ctx);
      if ('errors' in input) return replyError(ctx, 400, input.errors[0].message, input.errors);
      if (!(await exists(ctx.params.documentId))) {
        return replyError(ctx, 404, 'segment not found', [
          { path: 'documentId', message: 'no such segment' },
        ]);
      }
      try {
        await strapi
          .documents(SEGMENT_UID)
          .update({ documentId: ctx.params.documentId, data: input.data as never });
        ctx.body = { data: { documentId: ctx.params.documentId } };
      } catch (error) {
        if (!rejectWrite(ctx, error)) throw error;
      }
    },

    /** GET /segments/segments/:documentId — one segment, as in the list. */
    async findOne(ctx: Context) {
      const found = await rows({ documentId: ctx.params.documentId });
      if (!found.length) {
        return replyError(ctx, 404, 'segment not found', [
          { path: 'documentId', message: 'no such segment' },
        ]);
      }
      ctx.body = { data: (await summarizeSegments(store(), found))[0] };
    },

    /** GET /segments/segments/catalog — trait keys, event names and property keys for the builder. */
    async catalog(ctx: Context) {
      ctx.body = { data: await loadCatalog(store()) };
    },

    /** POST /segments/segments/:documentId/recompute */
    async recompute(ctx: Context) {
      const result = await segments().recompute(ctx.params.documentId);
      if (!result)
        return replyError(ctx, 404, 'segment not found', [
          { path: 'documentId', message: 'no such segment' },
        ]);
      ctx.body = { data: result };
    },

    /** GET /segments/segments/:documentId/members?page=&pageSize= */
    async members(ctx: Context) {
      const page = intParam(ctx.query.page, 'page', 1, 1_000_000);
      const pageSize = intParam(ctx.query.pageSize, 'pageSize', 25, 100);
      const problems = [page, pageSize].filter((p): p is FieldError => typeof p === 'object');
      if (problems.length) return replyError(ctx, 400, problems[0].message, problems);
      if (!(await exists(ctx.params.documentId))) {
        return replyError(ctx, 404, 'segment not found', [
          { path: 'documentId', message: 'no such segment' },
        ]);
      }
      const { members, total } = await segments().members(
        ctx.params.documentId,
        page as number,
        pageSize as number
      );
      ctx.body = {
        data: members,
        meta: {
          pagination: { page, pageSize, total, pageCount: Math.ceil(total / (pageSize as number)) },
        },
      };
    },

    /** GET /segments/segments/:documentId/sizes */
    async sizes(ctx: Context) {
      if (!(await exists(ctx.params.documentId))) {
        return replyError(ctx, 404, 'segment not found', [
          { path: 'documentId', message: 'no such segment' },
        ]);
      }
      ctx.body = { data: await segments().sizeHistory(ctx.params.documentId) };
    },

    /** POST /segments/preview `{ rule, sampleSize? }` */
    async preview(ctx: Context) {
      const body = ((ctx.request as unknown as { body?: unknown }).body ?? {}) as Record<
        string,
        unknown
      >;
      const sampleSize = intParam(body.sampleSize, 'sampleSize', 10, 100);
      const problems: FieldError[] = [
        ...(typeof sampleSize === 'object' ? [sampleSize] : []),
        ...('rule' in body
          ? await segments().ruleProblems(body.rule)
          : [{ path: 'rule', message: 'rule is required' }]),
      ];
      if (problems.length)
        return replyError(
          ctx,
          400,
          `Invalid preview: ${problems[0].path}: ${problems[0].message}`,
          problems
        );
      ctx.body = { data: await segments().preview(body.rule as Rule, sampleSize as number) };
    },
  };
};
