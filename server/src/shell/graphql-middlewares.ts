import type { Core } from '@strapi/strapi';

/** A resolver middleware as @strapi/plugin-graphql's `resolversConfig` calls it. */
export type GraphqlMiddleware = (
  resolve: (...args: unknown[]) => Promise<unknown>,
  parent: unknown,
  args: unknown,
  context: unknown,
  info: unknown
) => Promise<unknown>;

/**
 * The GraphQL type a content type's or component's fields live on, named as the GraphQL plugin
 * names it (components by their global id).
 */
export function graphqlTypeName(
  strapi: Core.Strapi,
  model: { modelType?: string; globalId?: unknown }
): string {
  if (model.modelType === 'component') return String(model.globalId);
  const naming = strapi.plugin('graphql').service('utils').naming as {
    getTypeName(model: unknown): string;
  };
  return naming.getTypeName(model);
}

const registries = new WeakMap<Core.Strapi, Map<string, GraphqlMiddleware[]>>();

/**
 * Adds resolver middlewares to GraphQL fields (`Type.field`). Every module goes through here so the
 * plugin hands GraphQL ONE `resolversConfig`: the GraphQL plugin merges several extensions'
 * configs with a deep merge that pairs `middlewares` arrays index by index, so two modules guarding
 * the same relation field would silently replace each other's middleware. The config is built
 * lazily, when GraphQL generates its schema (after every module has registered).
 */
export function useResolverMiddlewares(
  strapi: Core.Strapi,
  entries: Array<[string, GraphqlMiddleware]>
): void {
  const graphql = strapi.plugin('graphql');
  if (!graphql || !entries.length) return;
  let registry = registries.get(strapi);
  if (!registry) {
    const fields = new Map<string, GraphqlMiddleware[]>();
    registry = fields;
    registries.set(strapi, fields);
    graphql.service('extension').use(() => ({
      resolversConfig: Object.fromEntries(
        [...fields].map(([field, middlewares]) => [field, { middlewares }])
      ),
    }));
  }
  for (const [field, middleware] of entries)
    registry.set(field, [...(registry.get(field) ?? []), middleware]);
}
