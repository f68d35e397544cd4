import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { errors } from '@strapi/utils';
import {
  andFilter,
  applyTargetingFields,
  isTargetingEnabled,
  restrictPopulate,
  visibilityFilter,
  type ModelLike,
} from './targeting';
import { isApiTokenCaller } from '../shell/http';
import { graphqlTypeName, useResolverMiddlewares, type GraphqlMiddleware } from '../shell/graphql-middlewares';
import { hiddenRowsValue, withHiddenRows, type HiddenRows } from './hidden-entries';
import { SEGMENT_UID } from '../store/uids';

/** Query parameter an API-token caller uses to see content as a member of one segment. */
export const PREVIEW_PARAM = 'segmentsPreview';
export const SEGMENT_KEY_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;

const READS = new Set(['findMany', 'findFirst', 'findOne', 'count']);
const GUARDED_WRITES = new Set(['update', 'delete', 'publish', 'unpublish', 'discardDraft']);

/** Adds or removes the targeting attributes on every content type (register time). */
export function injectTargetingFields(strapi: Core.Strapi): void {
  for (const contentType of Object.values(strapi.contentTypes)) {
    const outcome = applyTargetingFields(contentType as unknown as ModelLike);
    if (outcome === 'conflict') {
      strapi.log.warn(
        `[segments] ${contentType.uid} defines segmentsTargets/segmentsPriority itself: targeting not added`
      );
    }
  }
}

/** The content-API request this document call serves, or null (admin, cron, scripts). */
export function contentApiContext(strapi: Core.Strapi): Context | null {
  const ctx = strapi.requestContext.get() as Context | undefined;
  if (!ctx) return null;
  const route = ctx.state?.route as { info?: { type?: string } } | undefined;
  return route?.info?.type === 'content-api' ? ctx : null;
}

/** Shared caches must never serve one visitor's personalised response to another. */
export function markPersonalised(strapi: Core.Strapi, ctx: Context): void {
  const config = strapi.config.get('plugin::segments') as {
    identity: { anonymousIdHeader: string; cookie: { enabled: boolean } };
  };
  ctx.set('Cache-Control', 'private, no-cache');
  const vary = ['Authorization', config.identity.anonymousIdHeader, 'X-Segments-User-Id'];
  if (config.identity.cookie.enabled) vary.push('Cookie');
  for (const header of vary) ctx.vary(header);
}

/**
 * The segment keys this request sees content for: the preview segment of an API-token caller,
 * else the visitor's own segments (evaluated in real time). Computed once per request.
 */
export async function requestSegmentKeys(strapi: Core.Strapi, ctx: Context): Promise<string[]> {
  const state = ctx.state as { segmentsKeys?: Promise<string[]> };
  state.segmentsKeys ??= (async () => {
    const preview = ctx.query?.[PREVIEW_PARAM];
    if (preview !== undefined) {
      if (!isApiTokenCaller(ctx)) {
        const message = `${PREVIEW_PARAM} is only accepted from API-token callers`;
        // PolicyError: Strapi's authorize step would blank a plain ForbiddenError's message.
        throw new errors.PolicyError(message, { errors: [{ path: PREVIEW_PARAM, message }] });
      }
      const key = String(preview);
      const exists = await strapi.db
        .query(SEGMENT_UID)
        .findOne({ where: { key }, select: ['id'] });
      if (!exists) {
        const message = `${PREVIEW_PARAM}: no segment with key "${key}"`;
        throw new errors.ValidationError(message, { errors: [{ path: PREVIEW_PARAM, message }] });
      }
      return [key];
    }
    return strapi.plugin('segments').service('personalization').visitorSegmentKeys(ctx) as Promise<string[]>;
  })();
  return state.segmentsKeys;
}

/**
 * What this request's reads of a type leave out, looked up once per request and type (a list
 * read asks twice: for the page and for its count).
 */
function requestHiddenRows(strapi: Core.Strapi, ctx: Context, uid: string, keys: readonly string[]) {
  const state = ctx.state as { segmentsHidden?: Map<string, Promise<HiddenRows>> };
  state.segmentsHidden ??= new Map();
  let hidden = state.segmentsHidden.get(uid);
  if (!hidden) {
    hidden = strapi.plugin('segments').service('personalization').hiddenRows(uid, keys) as Promise<HiddenRows>;
    state.segmentsHidden.set(uid, hidden);
  }
  return hidden;
}

/**
 * Document-service middleware: content-API reads of a targeting-enabled type only return entries
 * with no target or a target the visitor is in; relations populated from any type into an
 * enabled type get the same filter. The admin (Content Manager), cron jobs and code outside a
 * content-API request are untouched.
 */
export function registerTargetingEnforcement(strapi: Core.Strapi): void {
  const getModel = (uid: string) => strapi.getModel(uid as never) as unknown as ModelLike | undefined;

  strapi.documents.use(async (context, next) => {
    const isRead = READS.has(context.action);
    if (!isRead && !GUARDED_WRITES.has(context.action)) return next();
    const ctx = contentApiContext(strapi);
    if (!ctx) return next();
    const model = getModel(context.uid);
    if (!model) return next();

    const params = context.params as Record<string, unknown>;
    const enabled = isTargetingEnabled(model);
    const needsPopulate = isRead && params.populate !== undefined;
    if (!enabled && !needsPopulate) return next();

    const filter = visibilityFilter(await requestSegmentKeys(strapi, ctx));
    markPersonalised(strapi, ctx);

    if (!isRead) {
      // A storefront may hold update/delete permissions; it still must not touch (or probe)
      // entries it cannot see. Server-side API-token integrations are not restricted.
      if (enabled && !isApiTokenCaller(ctx)) {
        const documentId = params.documentId as string | undefined;
        const visible = await strapi.db
          .query(context.uid as never)
          .findOne({ where: { $and: [{ documentId }, filter] }, select: ['id'] });
        if (!visible) throw new errors.NotFoundError('Not Found');
      }
      return next();
    }

    if (params.populate !== undefined) {
      params.populate = restrictPopulate(params.populate, model, getModel, filter);
    }
    if (!enabled) return next();
    const keys = await requestSegmentKeys(strapi, ctx);
    const hidden = await requestHiddenRows(strapi, ctx, context.uid, keys);
    if (!hidden) {
      params.filters = andFilter(params.filters, filter);
      return next();
    }
    const value = hiddenRowsValue(strapi, context.uid, keys, hidden);
    return value ? withHiddenRows(ctx.state, context.uid, value, next) : next();
  });
}

/**
 * `?segmentsPreview=<segment key>` on GET routes of enabled types and on placements, validated
 * by Strapi like its own query parameters (a malformed key is a 400 naming the parameter).
 * `alsoFor` names more types to accept it on.
 */
export function registerPreviewParam(strapi: Core.Strapi, alsoFor: () => string[] = () => []): void {
  const enabledUids = () => [
    ...Object.values(strapi.contentTypes)
      .filter((ct) => isTargetingEnabled(ct as unknown as ModelLike))
      .map((ct) => ct.uid as string),
    ...alsoFor(),
  ];
  strapi.contentAPI.addQueryParams({
    [PREVIEW_PARAM]: {
      schema: (z) => z.string().max(64).regex(SEGMENT_KEY_PATTERN).optional(),
      matchRoute: (route) => {
        if (route.method !== 'GET') return false;
        // Route objects outlive a Strapi instance within one process (module cache): a second
        // boot must not add the parameter twice (Strapi throws on a duplicate).
        if (route.request?.query && PREVIEW_PARAM in route.request.query) return false;
        const handler = typeof route.handler === 'string' ? route.handler : '';
        if (route.info?.pluginName === 'segments') return handler.startsWith('placements.');
        return enabledUids().some((uid) => handler.startsWith(`${uid}.`));
      },
    },
  });
}

/**
 * GraphQL's top-level queries go through the document service (and the middleware above), but
 * its relation resolvers load related entries straight from the query engine. Each relation
 * field that reaches a targeting-enabled type gets a resolver middleware that drops entries the
 * visitor may not see. Relation `_connection` types carry only `nodes` (no page info to leak a
 * count); top-level `pageInfo.total` counts through the document service, so it is filtered.
 */
export function registerGraphqlEnforcement(strapi: Core.Strapi): void {
  const graphql = strapi.plugin('graphql');
  if (!graphql) return;
  const getModel = (uid: string) => strapi.getModel(uid as never) as unknown as ModelLike | undefined;

  const keepVisible =
    (targetUid: string): GraphqlMiddleware =>
    async (resolve, parent, args, context, info) => {
      const result = await resolve(parent, args, context, info);
      const ctx = contentApiContext(strapi);
      if (!ctx || result === null || result === undefined) return result;
      const filter = visibilityFilter(await requestSegmentKeys(strapi, ctx));
      markPersonalised(strapi, ctx);
      const entries = (
        Array.isArray(result) ? result : ((result as { nodes?: unknown[] }).nodes ?? [result])
      ) as Array<{ id?: number | string }>;
      const ids = entries.map((e) => e?.id).filter((id) => id !== undefined);
      const visible = new Set(
        ids.length
          ? (
              await strapi.db
                .query(targetUid as never)
                .findMany({ where: { $and: [{ id: { $in: ids } }, filter] }, select: ['id'] })
            ).map((row: { id: number | string }) => String(row.id))
          : []
      );
      const allowed = (e: { id?: number | string }) => e?.id !== undefined && visible.has(String(e.id));
      if (Array.isArray(result)) return result.filter(allowed);
      if ((result as { nodes?: unknown[] }).nodes) {
        return { ...(result as object), nodes: entries.filter(allowed) };
      }
      return allowed(result as { id?: number | string }) ? result : null;
    };

  const entries: Array<[string, GraphqlMiddleware]> = [];
  const models = [...Object.values(strapi.contentTypes), ...Object.values(strapi.components)];
  for (const model of models as unknown as ModelLike[]) {
    for (const [name, attribute] of Object.entries(model.attributes)) {
      if (attribute.type !== 'relation' || !attribute.target) continue;
      if (!isTargetingEnabled(getModel(attribute.target))) continue;
      const typeName = graphqlTypeName(strapi, model);
      const middleware = keepVisible(attribute.target);
      entries.push([`${typeName}.${name}`, middleware], [`${typeName}.${name}_connection`, middleware]);
    }
  }
  useResolverMiddlewares(strapi, entries);
}
