import { SEGMENT_UID } from '../store/uids';

/**
 * Targeting on any content type (opt-in per type, like i18n's `localized`). Pure: the Strapi
 * shell hands in content-type objects and schema lookups.
 *
 * A type opts in with `pluginOptions.segments.enabled: true` (the Content-Type Builder's
 * "Segment targeting" checkbox writes it). At register time the plugin adds two attributes:
 *
 * - `segmentsTargets` — a private many-to-many relation to `plugin::segments.segment`. A
 *   relation rather than a JSON list of keys because enforcement is a document-service filter
 *   (`$or: [no target, target.key ∈ visitor's keys]`) that Strapi turns into SQL joins on every
 *   dialect; JSON containment has no portable SQL. Private: the content API neither returns nor
 *   accepts it in filters/populate, so who an entry targets never reaches a storefront.
 * - `segmentsPriority` — an integer (default 0), public, so `sort=segmentsPriority:desc` orders
 *   several matches.
 *
 * When a type is disabled the attributes are removed again (even if a Content-Type Builder save
 * wrote them into schema.json), and Strapi's schema sync drops the column and the join table.
 */
export const TARGETS_FIELD = 'segmentsTargets';
export const PRIORITY_FIELD = 'segmentsPriority';
/** Marks attributes this plugin injected, so only ours are ever removed. */
const INJECTED = { segments: { injected: true } };

export interface AttributeLike {
  type: string;
  relation?: string;
  target?: string;
  component?: string;
  components?: string[];
  pluginOptions?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface ModelLike {
  uid: string;
  modelType?: string;
  globalId?: string;
  pluginOptions?: Record<string, unknown>;
  attributes: Record<string, AttributeLike>;
}

export function isTargetingEnabled(model: Pick<ModelLike, 'pluginOptions'> | undefined): boolean {
  const options = model?.pluginOptions?.segments as { enabled?: unknown } | undefined;
  return options?.enabled === true;
}

const wasInjected = (attribute: AttributeLike | undefined) =>
  (attribute?.pluginOptions?.segments as { injected?: unknown } | undefined)?.injected === true;

/**
 * Adds (enabled) or removes (disabled) the targeting attributes of one content type, in place.
 * Returns what changed, for the log. Attributes of the same name the app defined itself are
 * left alone and reported as a conflict.
 */
export function applyTargetingFields(model: ModelLike): 'added' | 'removed' | 'conflict' | 'none' {
  const attrs = model.attributes;
  if (model.uid === SEGMENT_UID) return 'none';
  if (isTargetingEnabled(model)) {
    for (const name of [TARGETS_FIELD, PRIORITY_FIELD]) {
      if (attrs[name] && !wasInjected(attrs[name])) return 'conflict';
    }
    attrs[TARGETS_FIELD] = {
      type: 'relation',
      relation: 'manyToMany',
      target: SEGMENT_UID,
      private: true,
      configurable: false,
      pluginOptions: { ...INJECTED, i18n: { localized: false } },
    };
    attrs[PRIORITY_FIELD] = {
      type: 'integer',
      default: 0,
      configurable: false,
      pluginOptions: { ...INJECTED, i18n: { localized: false } },
    };
    return 'added';
  }
  let removed = false;
  for (const name of [TARGETS_FIELD, PRIORITY_FIELD]) {
    if (wasInjected(attrs[name])) {
      delete attrs[name];
      removed = true;
    }
  }
  return removed ? 'removed' : 'none';
}

/** The filter a visitor's reads of an enabled type get: untargeted, or targeted at one of theirs. */
export function visibilityFilter(segmentKeys: readonly string[]): Record<string, unknown> {
  const untargeted = { [TARGETS_FIELD]: { id: { $null: true } } };
  if (segmentKeys.length === 0) return untargeted;
  return { $or: [untargeted, { [TARGETS_FIELD]: { key: { $in: [...segmentKeys] } } }] };
}

/** `filters` AND the visibility filter (never replaces what the caller asked for). */
export function andFilter(existing: unknown, filter: Record<string, unknown>): Record<string, unknown> {
  if (existing === undefined || existing === null) return filter;
  if (typeof existing === 'object' && Object.keys(existing as object).length === 0) return filter;
  return { $and: [existing, filter] };
}

type GetModel = (uid: string) => ModelLike | undefined;

/** populate in any accepted shape ('*', 'a,b', ['a', 'b.c'], { a: true }) → object form. */
export function normalizePopulate(populate: unknown, model: ModelLike): Record<string, unknown> {
  if (populate === undefined || populate === null || populate === false) return {};
  if (populate === '*' || populate === true) {
    const out: Record<string, unknown> = {};
    for (const [name, attr] of Object.entries(model.attributes)) {
      if (['relation', 'media', 'component', 'dynamiczone'].includes(attr.type)) out[name] = true;
    }
    return out;
  }
  if (typeof populate === 'string') return normalizePopulate(populate.split(','), model);
  if (Array.isArray(populate)) {
    const out: Record<string, unknown> = {};
    for (const entry of populate) {
      if (typeof entry !== 'string') continue;
      const [head, ...rest] = entry.trim().split('.');
      if (!head) continue;
      if (head === '*') {
        Object.assign(out, normalizePopulate('*', model));
        continue;
      }
      if (rest.length === 0) {
        if (out[head] === undefined) out[head] = true;
        continue;
      }
      const previous = out[head];
      const nested =
        previous && typeof previous === 'object'
          ? ((previous as { populate?: unknown[] }).populate ?? [])
          : [];
      out[head] = { populate: [...(nested as unknown[]), rest.join('.')] };
    }
    return out;
  }
  if (typeof populate === 'object') return { ...(populate as Record<string, unknown>) };
  return {};
}

/**
 * Rewrites a populate tree so every relation that reaches a targeting-enabled type carries the
 * visibility filter, at any depth, through components and dynamic zones. Populated relations
 * are loaded by the query engine, not the document service, so the middleware that filters
 * top-level reads never sees them: without this, `?populate=articles` on an untargeted type
 * would leak targeted articles.
 */
export function restrictPopulate(
  populate: unknown,
  model: ModelLike,
  getModel: GetModel,
  filter: Record<string, unknown>,
  depth = 0
): unknown {
  if (depth > 20 || populate === undefined || populate === null || populate === false) return populate;
  const tree = normalizePopulate(populate, model);
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(tree)) {
    const attr = model.attributes[name];
    if (!attr || value === false) {
      out[name] = value;
      continue;
    }
    const options: Record<string, unknown> =
      value && typeof value === 'object' ? { ...(value as Record<string, unknown>) } : {};
    if (attr.type === 'relation' && attr.target) {
      const target = getModel(attr.target);
      if (!target) {
        out[name] = value;
        continue;
      }
      if (isTargetingEnabled(target)) options.filters = andFilter(options.filters, filter);
      if (options.populate !== undefined) {
        options.populate = restrictPopulate(options.populate, target, getModel, filter, depth + 1);
      }
      out[name] = options;
    } else if (attr.type === 'component' && attr.component) {
      const component = getModel(attr.component);
      if (component && options.populate !== undefined) {
        options.populate = restrictPopulate(options.populate, component, getModel, filter, depth + 1);
      }
      out[name] = Object.keys(options).length ? options : value;
    } else if (attr.type === 'dynamiczone') {
      const on = options.on as Record<string, unknown> | undefined;
      if (on && typeof on === 'object') {
        const restricted: Record<string, unknown> = {};
        for (const [uid, sub] of Object.entries(on)) {
          const component = getModel(uid);
          if (!component || !sub || typeof sub !== 'object') {
            restricted[uid] = sub;
            continue;
          }
          const subOptions = { ...(sub as Record<string, unknown>) };
          if (subOptions.populate !== undefined) {
            subOptions.populate = restrictPopulate(subOptions.populate, component, getModel, filter, depth + 1);
          }
          restricted[uid] = subOptions;
        }
        options.on = restricted;
      } else if (options.populate !== undefined) {
        // `populate: { dz: { populate: '*' } }` reaches every component's first level.
        for (const uid of attr.components ?? []) {
          const component = getModel(uid);
          if (component && reachesTargeted(component, getModel)) {
            options.on = Object.fromEntries(
              (attr.components ?? []).map((c) => [
                c,
                { populate: restrictPopulate(options.populate, getModel(c) as ModelLike, getModel, filter, depth + 1) },
              ])
            );
            delete options.populate;
            break;
          }
        }
      }
      out[name] = Object.keys(options).length ? options : value;
    } else {
      out[name] = value;
    }
  }
  return out;
}

/** Whether a component has a relation to a targeting-enabled type on its first level. */
function reachesTargeted(component: ModelLike, getModel: GetModel): boolean {
  return Object.values(component.attributes).some(
    (a) => a.type === 'relation' && !!a.target && isTargetingEnabled(getModel(a.target))
  );
}
