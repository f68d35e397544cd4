import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { errors } from '@strapi/utils';
import type { FieldError } from '../contracts';
import { CONTENT_FIELDS } from './document-guard';
import { CAMPAIGN_UID } from '../store/uids';
import type { CampaignDefinition } from './definition';
import type { RenderableCampaign } from './service/context';
import type { CampaignState } from './state';
import { campaignListMetrics } from './list-metrics';
import { checkDraftRender } from './draft-render';
import { TemplateFieldError } from './render';
import { WebhookBodyError } from './channels/webhook-content';
import { getService } from '../shell/get-service';
import { replyError } from '../shell/http';
import { pluginKnex } from '../store/transaction';
import { DELIVERY_STATUSES, EMAIL, intParam, withStatusAlias } from './admin-request';

/** Fields an editor writes through the admin API (`state` only through the actions below). */
const WRITABLE: readonly string[] = CONTENT_FIELDS;
const bodyOf = (ctx: Context): unknown => (ctx.request as unknown as { body?: unknown }).body;

/** Fields of a create/update body (`{ data: {...} }` or the fields themselves), unknown keys refused. */
function fieldsOf(body: unknown): { data: Record<string, unknown> } | { errors: FieldError[] } {
  const raw =
    body && typeof body === 'object' && 'data' in (body as object)
      ? (body as { data: unknown }).data
      : body;
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    return { errors: [{ path: 'data', message: 'expected an object of campaign fields' }] };
  }
  const unknown = Object.keys(raw).filter((k) => !WRITABLE.includes(k));
  if (unknown.length) {
    return {
      errors: unknown.map((k) => ({
        path: k,
        message:
          k === 'state' || k === 'status'
            ? 'change the state with /schedule, /pause, /resume or /cancel'
            : 'unknown field',
      })),
    };
  }
  return { data: raw as Record<string, unknown> };
}

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const service = () => getService(strapi, 'campaigns');
  const documents = () => strapi.documents(CAMPAIGN_UID as never);

  /** Runs a document write; a guard refusal becomes a 400 naming the fields. */
  const guarded = async (ctx: Context, write: () => Promise<unknown>) => {
    try {
      ctx.body = { data: withStatusAlias(await write()) };
    } catch (error) {
      if (error instanceof errors.ValidationError) {
        const details = (error.details ?? {}) as { errors?: FieldError[] };
        return replyError(ctx, 400, error.message, details.errors ?? []);
      }
      throw error;
    }
  };

  const notFound = (ctx: Context) =>
    replyError(ctx, 404, 'campaign not found', [
      { path: 'documentId', message: 'no such campaign' },
    ]);

  const load = async (ctx: Context): Promise<CampaignDefinition | null> => {
    const c = await service().definition(String(ctx.params.documentId));
    if (!c) notFound(ctx);
    return c;
  };

  const setState = async (
    ctx: Context,
    to: (c: CampaignDefinition) => Promise<CampaignState> | CampaignState
  ) => {
    const c = await load(ctx);
    if (!c) return;
    const state = await to(c);
    const done = await guarded(ctx, () =>
      documents().update({ documentId: c.documentId, data: { state } as never })
    );
    // In-app messages stop or start at once on this instance (others within their 2 s cache).
    service().refreshInapp();
    return done;
  };

  /** `{ variant?, profileId? }` of preview and test: variant by name or index. */
  const variantAndProfile = async (
    c: CampaignDefinition,
    body: Record<string, unknown>,
    problems: FieldError[]
  ) => {
    let variantIndex = 0;
    if (body.variant !== undefined) {
      variantIndex =
        typeof body.variant === 'number'
          ? body.variant
          : c.variants.findIndex((v) => v.name === body.variant);
      if (
        !Number.isInteger(variantIndex) ||
        variantIndex < 0 ||
        variantIndex >= c.variants.length
      ) {
        problems.push({
          path: 'variant',
          message: `no such variant (have: ${c.variants.map((v) => v.name).join(', ')})`,
        });
      }
    }
    let profileId: number | null = null;
    if (body.profileId !== undefined && body.profileId !== null) {
      const n = Number(body.profileId);
      if (!Number.isSafeInteger(n) || n < 1)
        problems.push({ path: 'profileId', message: 'must be a positive integer' });
      else if (!(await service().profileExists(n)))
        problems.push({ path: 'profileId', message: 'no such profile' });
      else profileId = n;
    }
    return { variantIndex, profileId };
  };

  const objectBody = (ctx: Context, allowed: string[]): Record<string, unknown> | null => {
    const body = bodyOf(ctx) ?? {};
    if (typeof body !== 'object' || Array.isArray(body)) {
      replyError(ctx, 400, 'expected a JSON object', [
        { path: '(root)', message: 'expected a JSON object' },
      ]);
      return null;
    }
    const unknown = Object.keys(body).filter((k) => !allowed.includes(k));
    if (unknown.length) {
      replyError(
        ctx,
        400,
        `unknown field ${unknown[0]}`,
        unknown.map((k) => ({ path: k, message: 'unknown field' }))
      );
      return null;
    }
    return body as Record<string, unknown>;
  };

  /** Replies with a rendered e-mail; a Liquid failure at render time is a 400 naming the field. */
  const rendered = async (ctx: Context, prefix: string, render: () => Promise<unknown>) => {
    try {
      ctx.body = { data: await render() };
    } catch (error) {
      if (!(error instanceof TemplateFieldError) && !(error instanceof WebhookBodyError)) throw error;
      const path = `${prefix}.${error.field}`;
      replyError(ctx, 400, `${path}: Liquid: ${error.detail}`, [
        { path, message: `Liquid: ${error.detail}` },
      ]);
    }
  };

  /** After a create: a webhook campaign's generated secret goes back once, in `meta`. */
  const showSecretOnce = async (ctx: Context) => {
    const created = (ctx.body as { data?: { documentId?: string; channel?: string } } | undefined)?.data;
    if (ctx.status >= 300 || !created?.documentId || created.channel !== 'webhook') return;
    const row = await strapi.db.query(CAMPAIGN_UID).findOne({ where: { documentId: created.documentId }, select: ['webhookSecret'] });
    (ctx.body as Record<string, unknown>).meta = { webhookSecret: row?.webhookSecret ?? null };
  };

  return {
    async find(ctx: Context) {
      const page = intParam(ctx.query.page, 'page', 1, 1_000_000);
      const pageSize = intParam(ctx.query.pageSize, 'pageSize', 25, 100);
      const problems = [page, pageSize].filter((p): p is FieldError => typeof p === 'object');
      if (problems.length) return replyError(ctx, 400, problems[0].message, problems);
      const [rows, total] = await Promise.all([
        documents().findMany({
          sort: 'createdAt:desc',
          limit: pageSize as number,
          start: ((page as number) - 1) * (pageSize as number),
        } as never),
        documents().count({} as never),
      ]);
      // Key metrics per row for the list (delivery counts, opens, clicks): two grouped queries.
      const list = rows as Array<Record<string, unknown> & { documentId: string }>;
      const metrics = await campaignListMetrics(
        pluginKnex(strapi),
        list.map((r) => r.documentId)
      );
      ctx.body = {
        data: list.map((r) => ({ ...withStatusAlias(r), metrics: metrics.get(r.documentId) })),
        meta: { pagination: { page, pageSize, total } },
      };
    },

    async findOne(ctx: Context) {
      const doc = await documents().findOne({ documentId: String(ctx.params.documentId) } as never);
      if (!doc) return notFound(ctx);
      ctx.body = { data: withStatusAlias(doc) };
    },

    async create(ctx: Context) {
      const fields = fieldsOf(bodyOf(ctx));
      if ('errors' in fields)
        return replyError(
          ctx,
          400,
          `Invalid campaign: ${fields.errors[0].path}: ${fields.errors[0].message}`,
          fields.errors
        );
      await guarded(ctx, () => documents().create({ data: fields.data as never }));
      await showSecretOnce(ctx);
    },

    /** POST /campaigns/:documentId/webhook-secret: a new signing secret, shown in this answer only. */
    async rotateWebhookSecret(ctx: Context) {
      const c = await load(ctx);
      if (!c) return;
      if (c.channel !== 'webhook') {
        return replyError(ctx, 400, 'channel: only webhook campaigns have a signing secret', [
          { path: 'channel', message: 'only webhook campaigns have a signing secret' },
        ]);
      }
      ctx.body = { data: { webhookSecret: await service().rotateWebhookSecret(c.documentId) } };
    },

    async update(ctx: Context) {
      const fields = fieldsOf(bodyOf(ctx));
      if ('errors' in fields)
        return replyError(
          ctx,
          400,
          `Invalid campaign: ${fields.errors[0].path}: ${fields.errors[0].message}`,
          fields.errors
        );
      if (!(await service().definition(String(ctx.params.documentId)))) {
        const exists = await strapi.db
          .query(CAMPAIGN_UID)
          .findOne({ where: { documentId: String(ctx.params.documentId) } });
        if (!exists) return notFound(ctx);
      }
      return guarded(ctx, () =>
        documents().update({
          documentId: String(ctx.params.documentId),
          data: fields.data as never,
        })
      );
    },

    async delete(ctx: Context) {
      const exists = await strapi.db
        .query(CAMPAIGN_UID)
        .findOne({ where: { documentId: String(ctx.params.documentId) } });
      if (!exists) return notFound(ctx);
      return guarded(ctx, () => documents().delete({ documentId: String(ctx.params.documentId) }));
    },

    schedule: (ctx: Context) =>
      setState(ctx, (c) => {
        // An in-app message has nothing to prepare: a planner pass makes it live at once.
        if (c.channel === 'inapp') service().planSoon();
        return 'scheduled';
      }),
    pause: (ctx: Context) => setState(ctx, () => 'paused'),
    cancel: (ctx: Context) => setState(ctx, () => 'cancelled'),
    resume: (ctx: Context) =>
      setState(ctx, async (c) =>
        c.state === 'paused' && (await service().hasUnfinishedRun(c.documentId))
          ? 'sending'
          : c.state === 'paused'
            ? 'scheduled'
            : 'sending'
      ),

    /** POST /campaigns/:documentId/preview `{ profileId?, variant? }` */
    async preview(ctx: Context) {
      const body = objectBody(ctx, ['profileId', 'variant']);
      if (!body) return;
      const c = await load(ctx);
      if (!c) return;
      const problems: FieldError[] = [];
      const { variantIndex, profileId } = await variantAndProfile(c, body, problems);
      if (problems.length)
        return replyError(ctx, 400, `${problems[0].path}: ${problems[0].message}`, problems);
      await rendered(ctx, `variants.${variantIndex}`, () =>
        service().preview(c, variantIndex, profileId)
      );
    },

    /**
     * POST /campaigns/render `{ variant: { name?, subject, preheader?, html, text? }, name?,
     * documentId?, profileId? }`: the composer's live preview of unsaved content, rendered by the
     * same code as a send (no tracking, preview unsubscribe URL). Writes nothing.
     */
    async render(ctx: Context) {
      const checked = checkDraftRender(bodyOf(ctx));
      if (!checked.ok) {
        const [first] = checked.errors;
        return replyError(ctx, 400, `${first.path}: ${first.message}`, checked.errors);
      }
      const draft = checked.value;
      let name = draft.name;
      if (draft.documentId !== null) {
        const saved = await strapi.db
          .query(CAMPAIGN_UID)
          .findOne({ where: { documentId: draft.documentId }, select: ['name'] });
        if (!saved)
          return replyError(ctx, 404, 'campaign not found', [
            { path: 'documentId', message: 'no such campaign' },
          ]);
        name ||= String(saved.name ?? '');
      }
      if (draft.profileId !== null && !(await service().profileExists(draft.profileId))) {
        return replyError(ctx, 404, 'profileId: no such profile', [
          { path: 'profileId', message: 'no such profile' },
        ]);
      }
      const base = { documentId: draft.documentId ?? '', name };
      const campaign: RenderableCampaign =
        draft.channel === 'push' || draft.channel === 'inapp'
          ? { ...base, channel: draft.channel, variants: [draft.variant] } as RenderableCampaign
          : draft.channel === 'webhook'
            ? { ...base, channel: 'webhook', variants: [draft.variant], webhook: { url: draft.webhookUrl ?? '', secret: null } }
            : { ...base, channel: 'email', variants: [draft.variant] };
      await rendered(ctx, 'variant', () => service().preview(campaign, 0, draft.profileId));
    },

    /** POST /campaigns/:documentId/test `{ to, profileId?, variant? }` */
    async test(ctx: Context) {
      const body = objectBody(ctx, ['to', 'profileId', 'variant']);
      if (!body) return;
      const c = await load(ctx);
      if (!c) return;
      const problems: FieldError[] = [];
      if (c.channel !== 'email') {
        problems.push({ path: 'channel', message: `test sends are for e-mail campaigns (this one is ${c.channel}): preview it instead` });
      }
      if (typeof body.to !== 'string' || body.to.length > 320 || !EMAIL.test(body.to)) {
        problems.push({ path: 'to', message: 'must be an e-mail address' });
      }
      const { variantIndex, profileId } = await variantAndProfile(c, body, problems);
      if (problems.length)
        return replyError(ctx, 400, `${problems[0].path}: ${problems[0].message}`, problems);
      try {
        ctx.body = {
          data: await service().sendTest(c, variantIndex, profileId, body.to as string),
        };
      } catch (error) {
        ctx.status = 502;
        ctx.body = {
          data: null,
          error: {
            status: 502,
            name: 'BadGatewayError',
            message: String((error as Error).message),
            details: {},
          },
        };
      }
    },

    /** GET /campaigns/:documentId/deliveries?page=&pageSize=&status= */
    async deliveries(ctx: Context) {
      const page = intParam(ctx.query.page, 'page', 1, 1_000_000);
      const pageSize = intParam(ctx.query.pageSize, 'pageSize', 50, 500);
      const problems = [page, pageSize].filter((p): p is FieldError => typeof p === 'object');
      const status = ctx.query.status === undefined ? null : String(ctx.query.status);
      if (status !== null && !DELIVERY_STATUSES.includes(status)) {
        problems.push({
          path: 'status',
          message: `must be one of ${DELIVERY_STATUSES.join(', ')}`,
        });
      }
      if (problems.length) return replyError(ctx, 400, problems[0].message, problems);
      const exists = await strapi.db
        .query(CAMPAIGN_UID)
        .findOne({ where: { documentId: String(ctx.params.documentId) } });
      if (!exists) return notFound(ctx);
      const { rows, total } = await service().deliveries(
        String(ctx.params.documentId),
        page as number,
        pageSize as number,
        status
      );
      ctx.body = {
        data: rows,
        meta: {
          pagination: { page, pageSize, total, pageCount: Math.ceil(total / (pageSize as number)) },
        },
      };
    },

    /** GET /campaigns/:documentId/send-hours: recipients per send hour (campaign zone), personalised share. */
    async sendHours(ctx: Context) {
      const c = await load(ctx);
      if (!c) return;
      ctx.body = await service().sendHours(c);
    },
  };
};
