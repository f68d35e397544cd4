/**
 * The Strapi shell of field variants: the custom field's registration, write validation on every
 * document-service write, and resolution of content-API responses (REST through the document
 * service, GraphQL through field resolvers). Decisions live in `value.ts` and `schema.ts`.
 */
import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { errors } from '@strapi/utils';
import type { FieldError } from '../contracts';
import { contentApiContext, markPersonalised, requestSegmentKeys } from '../personalization/enforce';
import type { ExperimentDefinition } from '../personalization/experiment';
import { graphqlTypeName, useResolverMiddlewares, type GraphqlMiddleware } from '../shell/graphql-middlewares';
import {
  FIELD_NAME,
  fieldOptions,
  referencesOf,
  resolve,
  valueProblems,
  type SplitArm,
} from './value';
import {
  findSites,
  isPersonalised,
  personalisedQueryPaths,
  reachesPersonalised,
  type ModelLike,
  type Site,
} from './schema';
import { SEGMENT_UID } from '../store/uids';

const FILE_UID = 'plugin::upload.file';
const WRITES = new Set(['create', 'update']);
const READS = new Set(['findMany', 'findFirst', 'findOne', 'count']);

/** Filtering or sorting on a personalised field would tell a visitor what other segments see. */
function refuseProbes(paths: string[]): void {
  if (!paths.length) return;
  const message = 'personalised fields cannot be used to filter or sort';
  throw new errors.ValidationError(`${paths.join(', ')}: ${message}`, {
    errors: paths.map((path) => ({ path, message })),
  });
}

const getModelOf = (strapi: Core.Strapi) => (uid: string) =>
  strapi.getModel(uid as never) as unknown as ModelLike | undefined;

/** Memoised per uid: models are fixed once Strapi has registered. */
function reachCache(strapi: Core.Strapi, throughRelations: boolean) {
  const cache = new Map<string, boolean>();
  return (uid: string): boolean => {
    let hit = cache.get(uid);
    if (hit === undefined) {
      hit = reachesPersonalised(getModelOf(strapi)(uid), getModelOf(strapi), throughRelations);
      cache.set(uid, hit);
    }
    return hit;
  };
}

/** Uids of content types whose responses can carry a personalised field (preview parameter). */
export function personalisedContentTypes(strapi: Core.Strapi): string[] {
  const getModel = getModelOf(strapi);
  return Object.values(strapi.contentTypes)
    .filter((ct) => reachesPersonalised(ct as unknown as ModelLike, getModel))
    .map((ct) => ct.uid as string);
}

function isGraphqlRequest(strapi: Core.Strapi, ctx: Context): boolean {
  const graphql = strapi.plugin('graphql');
  if (!graphql) return false;
  return ctx.path === (graphql.config('endpoint') ?? '/graphql');
}

/** An experiment on one variant of a field, in the shape placements use for bucketing. */
function fieldExperiment(key: string, split: SplitArm[]): ExperimentDefinition {
  return {
    documentId: `field:${key}`,
    key,
    placement: '',
    state: 'running',
    variants: split.map((arm, i) => ({ banner: String(i), weight: Number(arm?.weight ?? 0) })),
    coverage: 1,
    seed: null,
    hashVersion: 2,
    namespace: null,
    conversionEvent: null,
    conversionWindowHours: 168,
  };
}

/**
 * Replaces each site's stored value by the plain value for this request's visitor (or preview
 * segment). Media ids become the sanitised file, loaded in one query for all sites.
 */
export async function resolveSites(strapi: Core.Strapi, ctx: Context, sites: Site[]): Promise<void> {
  if (!sites.length) return;
  const keys = new Set(await requestSegmentKeys(strapi, ctx));
  markPersonalised(strapi, ctx);
  const media: Array<{ site: Site; id: number }> = [];
  for (const site of sites) {
    const resolution = resolve(site.holder[site.name], keys);
    let value: unknown;
    if (resolution.kind === 'value') value = resolution.value;
    else {
      const variation = await strapi
        .plugin('segments')
        .service('personalization')
        .variationFor(ctx, fieldExperiment(resolution.experiment, resolution.split));
      // Members without a hashing unit (or outside coverage) see the control arm.
      value = resolution.split[variation >= 0 ? variation : 0]?.value ?? null;
    }
    site.holder[site.name] = value ?? null;
    if (site.options.kind === 'media' && typeof value === 'number') media.push({ site, id: value });
  }
  if (!media.length) return;
  const ids = [...new Set(media.map((m) => m.id))];
  const files = (await strapi.db.query(FILE_UID as never).findMany({ where: { id: { $in: ids } } })) as Array<{
    id: number;
  }>;
  const fileModel = strapi.getModel(FILE_UID as never);
  const byId = new Map<number, unknown>();
  for (const file of files) {
    byId.set(Number(file.id), await strapi.contentAPI.sanitize.output(file, fileModel, { auth: ctx.state.auth }));
  }
  for (const { site, id } of media) site.holder[site.name] = byId.get(id) ?? null;
}

/** Every problem of the personalised fields in a write payload, with full paths. */
async function writeProblems(strapi: Core.Strapi, sites: Site[]): Promise<FieldError[]> {
  const problems: FieldError[] = [];
  const segmentRefs: Array<{ path: string; key: string }> = [];
  const mediaRefs: Array<{ path: string; id: number }> = [];
  const join = (base: string, rest: string) => (rest ? `${base}.${rest}` : base);
  for (const site of sites) {
    const value = site.holder[site.name];
    const own = valueProblems(value, site.options);
    problems.push(...own.map((p) => ({ path: join(site.path, p.path), message: p.message })));
    if (own.length) continue;
    for (const ref of referencesOf(value, site.options.kind)) {
      if ('segment' in ref) segmentRefs.push({ path: join(site.path, ref.path), key: ref.segment });
      else mediaRefs.push({ path: join(site.path, ref.path), id: ref.mediaId });
    }
  }
  if (segmentRefs.length) {
    const rows = (await strapi.db.query(SEGMENT_UID as never).findMany({
      where: { key: { $in: [...new Set(segmentRefs.map((r) => r.key))] } },
      select: ['key'],
    })) as Array<{ key: string }>;
    const known = new Set(rows.map((r) => r.key));
    for (const ref of segmentRefs) {
      if (!known.has(ref.key)) problems.push({ path: ref.path, message: `no segment with key "${ref.key}"` });
    }
  }
  if (mediaRefs.length) {
    const rows = (await strapi.db.query(FILE_UID as never).findMany({
      where: { id: { $in: [...new Set(mediaRefs.map((r) => r.id))] } },
      select: ['id'],
    })) as Array<{ id: number }>;
    const known = new Set(rows.map((r) => Number(r.id)));
    for (const ref of mediaRefs) {
      if (!known.has(ref.id)) problems.push({ path: ref.path, message: `no media file with id ${ref.id}` });
    }
  }
  return problems;
}

/**
 * Registers the custom field (server side) and the document-service middleware: every create
 * or update — Content Manager, REST, GraphQL, code — is checked first (400 naming each row);
 * results of content-API calls are resolved for the visitor. The admin sees the full structure.
 */
export function registerFieldVariants(strapi: Core.Strapi): void {
  strapi.customFields.register({ name: FIELD_NAME, plugin: 'segments', type: 'json' });
  const getModel = getModelOf(strapi);
  const holdsOnItsOwn = reachCache(strapi, false);
  const reaches = reachCache(strapi, true);

  strapi.documents.use(async (context, next) => {
    const params = context.params as { data?: unknown };
    if (WRITES.has(context.action) && params.data && holdsOnItsOwn(context.uid)) {
      const model = getModel(context.uid) as ModelLike;
      const sites = findSites(params.data, model, getModel, { throughRelations: false });
      const problems = await writeProblems(strapi, sites);
      if (problems.length) {
        throw new errors.ValidationError(
          `Invalid personalised value: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
          { errors: problems }
        );
      }
    }
    if (READS.has(context.action) && reaches(context.uid)) {
      const ctx = contentApiContext(strapi);
      const model = getModel(context.uid);
      const paths = ctx && model ? personalisedQueryPaths(context.params as never, model, getModel) : [];
      refuseProbes(paths);
    }
    const result = await next();
    if (!reaches(context.uid) || result === null || typeof result !== 'object') return result;
    const ctx = contentApiContext(strapi);
    // GraphQL resolves per field (its relations and components bypass the document service).
    if (!ctx || isGraphqlRequest(strapi, ctx)) return result;
    const model = getModel(context.uid) as ModelLike;
    // Some actions wrap the documents: `{ documentId, entries }` (publish, …). (Not arrays:
    // `Array.prototype.entries` is a function.)
    const entries = Array.isArray(result) ? result : ((result as { entries?: unknown }).entries ?? result);
    await resolveSites(strapi, ctx, findSites(entries, model, getModel));
    return result;
  });
}

/**
 * GraphQL: every personalised attribute of every content type and component gets a resolver
 * middleware that turns the stored structure into the visitor's value. Field-level, so it
 * applies wherever the type appears — top level, relations, components, dynamic zones.
 */
export function registerFieldVariantsGraphql(strapi: Core.Strapi): void {
  const graphql = strapi.plugin('graphql');
  if (!graphql) return;
  const entries: Array<[string, GraphqlMiddleware]> = [];
  const models = [...Object.values(strapi.contentTypes), ...Object.values(strapi.components)];
  for (const model of models as unknown as ModelLike[]) {
    for (const [name, attribute] of Object.entries(model.attributes)) {
      if (!isPersonalised(attribute)) continue;
      const typeName = graphqlTypeName(strapi, model);
      const site = { name: 'value', path: name, options: fieldOptions(attribute) };
      entries.push([
        `${typeName}.${name}`,
        async (next, parent, args, context, info) => {
          const raw = await next(parent, args, context, info);
          const ctx = contentApiContext(strapi);
          if (!ctx) return raw;
          const holder = { value: raw };
          await resolveSites(strapi, ctx, [{ ...site, holder }]);
          return holder.value;
        },
      ]);
    }
  }
  // Relation (and repeatable component) arguments are resolved by GraphQL's association resolver,
  // which queries the database directly — the document-service check never sees them.
  const reaches = reachCache(strapi, true);
  const getModel = getModelOf(strapi);
  for (const model of models as unknown as ModelLike[]) {
    for (const [name, attribute] of Object.entries(model.attributes)) {
      const targetUid =
        attribute.type === 'relation' ? attribute.target : attribute.type === 'component' ? attribute.component : undefined;
      const target = targetUid && reaches(targetUid) ? getModel(targetUid) : undefined;
      if (!target) continue;
      const typeName = graphqlTypeName(strapi, model);
      const guard: GraphqlMiddleware = async (next, parent, args, context, info) => {
        if (contentApiContext(strapi)) {
          const { filters, sort } = (args ?? {}) as { filters?: unknown; sort?: unknown };
          refuseProbes(personalisedQueryPaths({ filters, sort }, target, getModel).map((path) => `${name}.${path}`));
        }
        return next(parent, args, context, info);
      };
      entries.push([`${typeName}.${name}`, guard], [`${typeName}.${name}_connection`, guard]);
    }
  }
  useResolverMiddlewares(strapi, entries);
}
