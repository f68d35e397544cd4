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
