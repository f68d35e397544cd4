/**
 * Where personalised fields sit in a content tree: which models use them (directly or through
 * components, dynamic zones and relations), and the places in a loaded entry or a write payload
 * that hold one. Pure: the shell hands in models and a model lookup.
 */
import { CUSTOM_FIELD_UID, fieldOptions, type FieldOptions } from './value';

export interface AttributeLike {
  type: string;
  customField?: string;
  options?: unknown;
  target?: string;
  component?: string;
  components?: string[];
  repeatable?: boolean;
  [key: string]: unknown;
}

export interface ModelLike {
  uid: string;
  modelType?: string;
  globalId?: string;
  attributes: Record<string, AttributeLike>;
}

export type GetModel = (uid: string) => ModelLike | undefined;

export const isPersonalised = (attribute: AttributeLike | undefined): boolean =>
  attribute?.customField === CUSTOM_FIELD_UID;

/** Names of the personalised attributes of one model (own level only). */
export function personalisedAttributes(model: ModelLike | undefined): string[] {
  if (!model) return [];
  return Object.entries(model.attributes)
    .filter(([, a]) => isPersonalised(a))
    .map(([name]) => name);
}

/**
 * Whether a model's entries can carry a personalised field in a response: on its own level, in
 * its components and dynamic zones, or (with `throughRelations`) in entries it can populate.
 */
export function reachesPersonalised(
  model: ModelLike | undefined,
  getModel: GetModel,
  throughRelations = true,
  seen: Set<string> = new Set()
): boolean {
  if (!model || seen.has(model.uid)) return false;
  seen.add(model.uid);
  for (const attribute of Object.values(model.attributes)) {
    if (isPersonalised(attribute)) return true;
    const next =
      attribute.type === 'component' && attribute.component
        ? [attribute.component]
        : attribute.type === 'dynamiczone'
          ? (attribute.components ?? [])
          : attribute.type === 'relation' && attribute.target && throughRelations
            ? [attribute.target]
            : [];
    for (const uid of next) {
      if (reachesPersonalised(getModel(uid), getModel, throughRelations, seen)) return true;
    }
  }
  return false;
}

/** One personalised field found in a tree: `holder[name]` is the stored value. */
export interface Site {
  holder: Record<string, unknown>;
  name: string;
  options: FieldOptions;
  /** Dotted path from the root (`sections.1.cta.label`), for error messages. */
  path: string;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Every personalised field in `data` (one entry, a list of entries, or a write payload), through
 * components, dynamic zones (by `__component`) and — when `throughRelations` — populated
 * relations. Each object is visited once (a populated self-relation can repeat an object).
 */
export function findSites(
  data: unknown,
  model: ModelLike,
  getModel: GetModel,
  options: { throughRelations: boolean } = { throughRelations: true }
): Site[] {
  const sites: Site[] = [];
  const visited = new Set<object>();
  const walk = (node: unknown, current: ModelLike, path: string, depth: number): void => {
    if (depth > 30) return;
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, current, path ? `${path}.${i}` : String(i), depth + 1));
      return;
    }
    if (!isObject(node) || visited.has(node)) return;
    visited.add(node);
    const prefix = path ? `${path}.` : '';
    for (const [name, attribute] of Object.entries(current.attributes)) {
      if (!(name in node)) continue;
      const value = node[name];
      if (isPersonalised(attribute)) {
        sites.push({ holder: node, name, options: fieldOptions(attribute), path: `${prefix}${name}` });
      } else if (attribute.type === 'component' && attribute.component) {
        const component = getModel(attribute.component);
        if (component) walk(value, component, `${prefix}${name}`, depth + 1);
      } else if (attribute.type === 'dynamiczone') {
        if (!Array.isArray(value)) continue;
        value.forEach((item, i) => {
          if (!isObject(item) || typeof item.__component !== 'string') return;
          if (!(attribute.components ?? []).includes(item.__component)) return;
          const component = getModel(item.__component);
          if (component) walk(item, component, `${prefix}${name}.${i}`, depth + 1);
        });
      } else if (attribute.type === 'relation' && attribute.target && options.throughRelations) {
        const target = getModel(attribute.target);
        if (target) walk(value, target, `${prefix}${name}`, depth + 1);
      }
    }
  };
  walk(data, model, '', 0);
  return sites;
}

const LOGICAL_GRAPHQL = new Set(['and', 'or', 'not']);

/**
 * Query parameters that would reveal variants through which entries match or how they order:
 * `filters`/`sort` on a personalised field (at any depth, through relations and components),
 * also inside `populate` options. Returns the offending parameter paths (empty: the query is fine).
 */
export function personalisedQueryPaths(
  params: { filters?: unknown; sort?: unknown; populate?: unknown },
  model: ModelLike,
  getModel: GetModel
): string[] {
  const out: string[] = [];
  const nextModel = (attribute: AttributeLike | undefined) =>
    attribute?.type === 'relation' && attribute.target
      ? getModel(attribute.target)
      : attribute?.type === 'component' && attribute.component
        ? getModel(attribute.component)
        : undefined;

  const filters = (node: unknown, current: ModelLike, path: string, depth: number): void => {
    if (depth > 20 || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      node.forEach((item, i) => filters(item, current, `${path}.${i}`, depth + 1));
      return;
    }
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      const attribute = current.attributes[key];
      // `$and`/`$or`/`$not` and operators (REST, document service); GraphQL spells the logical
      // ones `and`/`or`/`not`.
      if (key.startsWith('$') || (!attribute && LOGICAL_GRAPHQL.has(key))) {
        filters(value, current, `${path}.${key}`, depth + 1);
        continue;
      }
      if (isPersonalised(attribute)) out.push(`${path}.${key}`);
      else {
        const target = nextModel(attribute);
        if (target) filters(value, target, `${path}.${key}`, depth + 1);
      }
    }
  };

  const sortPath = (dotted: string, current: ModelLike, path: string) => {
    let model: ModelLike | undefined = current;
    for (const part of dotted.split(':')[0].split('.')) {
      const attribute: AttributeLike | undefined = model?.attributes[part.trim()];
      if (isPersonalised(attribute)) {
        out.push(path);
        return;
      }
      model = nextModel(attribute);
      if (!model) return;
    }
  };
  const sort = (node: unknown, current: ModelLike, path: string, depth: number): void => {
    if (depth > 20 || node === null || node === undefined) return;
    if (typeof node === 'string') node.split(',').forEach((s) => sortPath(s, current, path));
    else if (Array.isArray(node)) node.forEach((item, i) => sort(item, current, `${path}.${i}`, depth + 1));
    else if (typeof node === 'object') {
      for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
        const attribute = current.attributes[key];
        if (isPersonalised(attribute)) out.push(`${path}.${key}`);
        else {
          const target = nextModel(attribute);
          if (target && typeof value === 'object') sort(value, target, `${path}.${key}`, depth + 1);
        }
      }
    }
  };

  const populate = (node: unknown, current: ModelLike, path: string, depth: number): void => {
    if (depth > 20 || node === null || typeof node !== 'object' || Array.isArray(node)) return;
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      if (!value || typeof value !== 'object') continue;
      const attribute = current.attributes[key];
      const options = value as { filters?: unknown; sort?: unknown; populate?: unknown; on?: unknown };
      const targets: Array<[ModelLike | undefined, string, typeof options]> = [];
      if (attribute?.type === 'dynamiczone' && options.on && typeof options.on === 'object') {
        for (const [uid, sub] of Object.entries(options.on as Record<string, unknown>)) {
          if (sub && typeof sub === 'object') targets.push([getModel(uid), `${path}.${key}.on.${uid}`, sub as typeof options]);
        }
      } else targets.push([nextModel(attribute), `${path}.${key}`, options]);
      for (const [target, at, opts] of targets) {
        if (!target) continue;
        filters(opts.filters, target, `${at}.filters`, depth + 1);
        sort(opts.sort, target, `${at}.sort`, depth + 1);
        populate(opts.populate, target, `${at}.populate`, depth + 1);
      }
    }
  };

  filters(params.filters, model, 'filters', 0);
  sort(params.sort, model, 'sort', 0);
  populate(params.populate, model, 'populate', 0);
  return out;
}
