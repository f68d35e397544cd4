/**
 * The segment builder's model: a tree of AND/OR groups (each optionally negated) and typed
 * condition rows, converted to and from the rule language (docs/rules.md). Pure — no React, no
 * Strapi — so the conversion is unit-tested directly (test/unit/admin/rule-tree.test.ts).
 *
 * Conversions:
 *  - treeToRule(tree) writes one canonical form: a group is `{ "$and": [...] }` / `{ "$or": [...] }`,
 *    a negated group `{ "$not": … }`, an empty AND group `{}`.
 *  - ruleToTree(rule) reads any rule. What has no row kind (semver operators, `$elemMatch`,
 *    `$savedGroup`, …) becomes a `raw` row holding its JSON untouched, so nothing is lost.
 *  - treeToRule(ruleToTree(r)) means the same as r, and ruleToTree(treeToRule(t)) equals t up to
 *    row ids: the JSON view round-trips.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export type Scalar = string | number | boolean;

/** Operators of an attribute row (traits, `$context` fields, `$event.where` properties). */
export type ValueOp =
  | 'is' // literal equality, GrowthBook's coercing `{ key: value }`
  | 'isNot' // $ne
  | 'in'
  | 'nin'
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'between' // $gte and $lte
  | 'exists'
  | 'notExists'
  | 'regex'
  | 'regexi';

export const VALUE_OPS: readonly ValueOp[] = [
  'is',
  'isNot',
  'in',
  'nin',
  'gt',
  'gte',
  'lt',
  'lte',
  'between',
  'exists',
  'notExists',
  'regex',
  'regexi',
];

/** Comparisons that would also match a missing attribute without an `$exists: true` guard. */
export const COMPARISON_OPS: readonly ValueOp[] = ['gt', 'gte', 'lt', 'lte', 'between'];

export interface ValueCondition {
  op: ValueOp;
  /** is/isNot/gt…/regex: a scalar; in/nin: a list; between: [low, high]; exists: unused. */
  value: Scalar | Scalar[] | null;
  /** Comparisons only: the rule carries `$exists: true` (what an editor means by "age < 25"). */
  guarded: boolean;
}

export type NumericOp = 'gte' | 'gt' | 'lte' | 'lt' | 'eq' | 'between';
export interface NumericCondition {
  op: NumericOp;
  value: number;
  /** between: the upper bound (inclusive). */
  value2?: number;
}

export type EventMeasure = 'once' | 'count' | 'activeDays' | 'sum' | 'avg' | 'first' | 'last';
export type EventWindow =
  | { type: 'all' }
  | { type: 'days'; days: number }
  | { type: 'hours'; hours: number }
  | { type: 'range'; from?: string; to?: string };

export interface WhereRow extends ValueCondition {
  id: string;
  property: string;
}

export type GroupNode = {
  id: string;
  kind: 'group';
  op: 'and' | 'or';
  negate: boolean;
  children: RuleNode[];
};

export type TraitNode = { id: string; kind: 'trait'; key: string } & ValueCondition;
export type ContextNode = { id: string; kind: 'context'; field: string } & ValueCondition;
export type EventNode = {
  id: string;
  kind: 'event';
  name: string;
  window: EventWindow;
  measure: EventMeasure;
  /** count / activeDays / sum / avg. */
  amount: NumericCondition;
  /** first / last: within or before the last N days. */
  when: { op: 'within' | 'before'; days: number };
  /** sum / avg: the numeric property; '' = the event's value. */
  property: string;
  where: WhereRow[];
};
export type GeoNode = { id: string; kind: 'geo'; lat: number; lng: number; radiusKm: number };
export type DateNode = {
  id: string;
  kind: 'date';
  attribute: string;
  mode: 'olderThan' | 'newerThan' | 'anniversaryWithin';
  unit: 'days' | 'hours';
  amount: number;
};
export type SegmentNode = { id: string; kind: 'segment'; key: string };
export type SampleNode = { id: string; kind: 'sample'; seed: string; percent: number };
export type RawNode = { id: string; kind: 'raw'; json: JsonObject };

export type ConditionNode =
  | TraitNode
  | ContextNode
  | EventNode
  | GeoNode
  | DateNode
  | SegmentNode
  | SampleNode
  | RawNode;
export type RuleNode = GroupNode | ConditionNode;
export type ConditionKind = ConditionNode['kind'];

let counter = 0;
/** Row ids only need to be unique within a page's lifetime (React keys, error mapping). */
export const newId = (): string => `n${++counter}`;

// ---------------------------------------------------------------------------------------------
// Factories: the rows the "add condition" menu creates.

export function emptyGroup(op: 'and' | 'or' = 'and'): GroupNode {
  return { id: newId(), kind: 'group', op, negate: false, children: [] };
}

export function newCondition(kind: ConditionKind): ConditionNode {
  const id = newId();
  switch (kind) {
    case 'trait':
      return { id, kind, key: '', op: 'is', value: '', guarded: true };
    case 'context':
      return { id, kind, field: 'device', op: 'is', value: 'mobile', guarded: true };
    case 'event':
      return {
        id,
        kind,
        name: '',
        window: { type: 'days', days: 30 },
        measure: 'count',
        amount: { op: 'gte', value: 1 },
        when: { op: 'within', days: 7 },
        property: '',
        where: [],
      };
    case 'geo':
      return { id, kind, lat: 52.52, lng: 13.405, radiusKm: 50 };
    case 'date':
      return { id, kind, attribute: 'firstSeenAt', mode: 'olderThan', unit: 'days', amount: 30 };
    case 'segment':
      return { id, kind, key: '' };
    case 'sample':
      return { id, kind, seed: 'sample', percent: 10 };
    case 'raw':
      return { id, kind, json: {} };
  }
}

export function newWhereRow(): WhereRow {
  return { id: newId(), property: '', op: 'is', value: '', guarded: true };
}

// ---------------------------------------------------------------------------------------------
// Tree → rule

const OP_TO_MONGO: Partial<Record<ValueOp, string>> = {
  isNot: '$ne',
  in: '$in',
  nin: '$nin',
  gt: '$gt',
  gte: '$gte',
  lt: '$lt',
  lte: '$lte',
  regex: '$regex',
  regexi: '$regexi',
};

const asList = (value: ValueCondition['value']): Scalar[] =>
  Array.isArray(value) ? value : value === null || value === '' ? [] : [value];

/** The value side of an attribute row: `"DE"`, `{ "$in": [...] }`, `{ "$exists": true, "$gte": 18 }`. */
export function valueConditionToJson(c: ValueCondition): Json {
  switch (c.op) {
    case 'is':
      return scalarOf(c.value);
    case 'exists':
      return { $exists: true };
    case 'notExists':
      return { $exists: false };
    case 'in':
    case 'nin':
      return { [OP_TO_MONGO[c.op] as string]: asList(c.value) };
    case 'between': {
      const [low, high] = Array.isArray(c.value) ? c.value : [c.value ?? 0, c.value ?? 0];
      return {
        ...(c.guarded ? { $exists: true } : {}),
        $gte: scalarOf(low ?? 0),
        $lte: scalarOf(high ?? 0),
      };
    }
    default: {
      const mongo = OP_TO_MONGO[c.op] as string;
      const guard: JsonObject = c.guarded && COMPARISON_OPS.includes(c.op) ? { $exists: true } : {};
      return { ...guard, [mongo]: scalarOf(c.value) };
    }
  }
}

function scalarOf(value: ValueCondition['value'] | undefined): Scalar {
  if (Array.isArray(value)) return value[0] ?? '';
  return value ?? '';
}

function numericToJson(n: NumericCondition): Json {
  if (n.op === 'between') return { $gte: n.value, $lte: n.value2 ?? n.value };
  return { [`$${n.op}`]: n.value };
}

function windowToJson(w: EventWindow): JsonObject | undefined {
  switch (w.type) {
    case 'all':
      return undefined;
    case 'days':
      return { days: w.days };
    case 'hours':
      return { hours: w.hours };
    case 'range':
      return { ...(w.from ? { from: w.from } : {}), ...(w.to ? { to: w.to } : {}) };
  }
}

export function conditionToJson(node: ConditionNode): JsonObject {
  switch (node.kind) {
    case 'trait':
      return { [node.key]: valueConditionToJson(node) };
    case 'context':
      return { $context: { [node.field]: valueConditionToJson(node) } };
    case 'event': {
      const spec: JsonObject = { name: node.name };
      if (node.where.length > 0) {
        const where: JsonObject = {};
        for (const row of node.where) where[row.property] = valueConditionToJson(row);
        spec.where = where;
      }
      const within = windowToJson(node.window);
      if (within) spec.within = within;
      switch (node.measure) {
        case 'once':
          break;
        case 'first':
        case 'last':
          spec[node.measure] = { [`$${node.when.op}`]: { days: node.when.days } };
          break;
        default:
          spec[node.measure] = numericToJson(node.amount);
          if ((node.measure === 'sum' || node.measure === 'avg') && node.property) {
            spec.property = node.property;
          }
      }
      return { $event: spec };
    }
    case 'geo':
      return { $geo: { near: { lat: node.lat, lng: node.lng }, radiusKm: node.radiusKm } };
    case 'date':
      return {
        $date: {
          attribute: node.attribute,
          [node.mode]:
            node.mode === 'anniversaryWithin'
              ? { days: node.amount }
              : { [node.unit]: node.amount },
        },
      };
    case 'segment':
      return { $segment: node.key };
    case 'sample':
      return { $sample: { seed: node.seed, percent: node.percent } };
    case 'raw':
      return node.json;
  }
}

export function treeToRule(node: RuleNode): JsonObject {
  if (node.kind !== 'group') return conditionToJson(node);
  const children = node.children.map(treeToRule);
  const inner: JsonObject =
    node.op === 'and' && children.length === 0 ? {} : { [`$${node.op}`]: children };
  return node.negate ? { $not: inner } : inner;
}

// ---------------------------------------------------------------------------------------------
// Rule → tree

const isObject = (v: unknown): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown): v is Scalar =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const hasOnly = (o: JsonObject, allowed: readonly string[]) =>
  Object.keys(o).every((k) => allowed.includes(k));

const MONGO_TO_OP: Record<string, ValueOp> = {
  $ne: 'isNot',
  $gt: 'gt',
  $gte: 'gte',
  $lt: 'lt',
  $lte: 'lte',
  $regex: 'regex',
  $regexi: 'regexi',
};

/** The value side of an attribute, or null when no row operator expresses it. */
export function jsonToValueCondition(value: Json): ValueCondition | null {
  if (isScalar(value)) return { op: 'is', value, guarded: false };
  if (!isObject(value)) return null;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === '$exists' && typeof value.$exists === 'boolean') {
    return { op: value.$exists ? 'exists' : 'notExists', value: null, guarded: false };
  }
  const guarded = value.$exists === true;
  const rest = keys.filter((k) => !(guarded && k === '$exists'));
  if (rest.length === 1) {
    const key = rest[0];
    const operand = value[key];
    if ((key === '$in' || key === '$nin') && !guarded) {
      if (Array.isArray(operand) && operand.every(isScalar)) {
        return { op: key === '$in' ? 'in' : 'nin', value: operand as Scalar[], guarded: false };
      }
      return null;
    }
    const op = MONGO_TO_OP[key];
    if (!op || !isScalar(operand)) return null;
    // A guard only belongs to comparisons; `$exists` next to `$ne` or `$regex` is not ours.
    if (guarded && !COMPARISON_OPS.includes(op)) return null;
    return { op, value: operand, guarded };
  }
  if (rest.length === 2 && rest.includes('$gte') && rest.includes('$lte')) {
    if (isScalar(value.$gte) && isScalar(value.$lte)) {
      return { op: 'between', value: [value.$gte, value.$lte], guarded };
    }
  }
  return null;
}

function jsonToNumeric(value: Json): NumericCondition | null {
  if (isFiniteNumber(value)) return { op: 'eq', value };
  if (!isObject(value)) return null;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const op = keys[0].slice(1) as NumericOp;
    const operand = value[keys[0]];
    if (
      ['gte', 'gt', 'lte', 'lt', 'eq'].includes(op) &&
      keys[0].startsWith('$') &&
      isFiniteNumber(operand)
    ) {
      return { op, value: operand };
    }
    return null;
  }
  if (keys.length === 2 && isFiniteNumber(value.$gte) && isFiniteNumber(value.$lte)) {
    return { op: 'between', value: value.$gte, value2: value.$lte };
  }
  return null;
}

function jsonToWindow(within: Json | undefined): EventWindow | null {
  if (within === undefined) return { type: 'all' };
  if (!isObject(within)) return null;
  const keys = Object.keys(within);
  if (keys.length === 1 && keys[0] === 'days' && isFiniteNumber(within.days)) {
    return { type: 'days', days: within.days };
  }
  if (keys.length === 1 && keys[0] === 'hours' && isFiniteNumber(within.hours)) {
    return { type: 'hours', hours: within.hours };
  }
  if (
    keys.length > 0 &&
    hasOnly(within, ['from', 'to']) &&
    (within.from === undefined || typeof within.from === 'string') &&
    (within.to === undefined || typeof within.to === 'string')
  ) {
    return {
      type: 'range',
      ...(typeof within.from === 'string' ? { from: within.from } : {}),
      ...(typeof within.to === 'string' ? { to: within.to } : {}),
    };
  }
  return null;
}

const MEASURES = ['count', 'activeDays', 'sum', 'avg', 'first', 'last'] as const;

function jsonToEvent(id: string, spec: Json): EventNode | null {
  if (!isObject(spec) || typeof spec.name !== 'string') return null;
  if (!hasOnly(spec, ['name', 'where', 'within', 'property', ...MEASURES])) return null;
  const window = jsonToWindow(spec.within);
  if (!window) return null;
  const measures = MEASURES.filter((m) => m in spec);
  if (measures.length > 1) return null;
  const measure = (measures[0] ?? 'once') as EventMeasure;
  const node: EventNode = {
    id,
    kind: 'event',
    name: spec.name,
    window,
    measure,
    amount: { op: 'gte', value: 1 },
    when: { op: 'within', days: 7 },
    property: '',
    where: [],
  };
  if (measure === 'first' || measure === 'last') {
    const cond = spec[measure];
    if (!isObject(cond) || Object.keys(cond).length !== 1) return null;
    const key = Object.keys(cond)[0];
    const inner = cond[key];
    if ((key !== '$within' && key !== '$before') || !isObject(inner)) return null;
    if (Object.keys(inner).length !== 1 || !isFiniteNumber(inner.days)) return null;
    node.when = { op: key === '$within' ? 'within' : 'before', days: inner.days };
  } else if (measures.length > 0) {
    // A bare number ("exactly") is written back as the equivalent `{ "$eq": n }`.
    const amount = jsonToNumeric(spec[measures[0]]);
    if (!amount) return null;
    node.amount = amount;
  }
  if ('property' in spec) {
    if (typeof spec.property !== 'string' || (measure !== 'sum' && measure !== 'avg')) return null;
    node.property = spec.property;
  }
  if ('where' in spec) {
    if (!isObject(spec.where) || Object.keys(spec.where).length === 0) return null;
    for (const [property, cond] of Object.entries(spec.where)) {
      if (property.startsWith('$')) return null;
      const parsed = jsonToValueCondition(cond);
      if (!parsed) return null;
      node.where.push({ id: newId(), property, ...parsed });
    }
  }
  return node;
}

function jsonToDate(id: string, spec: Json): DateNode | null {
  if (!isObject(spec) || typeof spec.attribute !== 'string') return null;
  const modes = (['olderThan', 'newerThan', 'anniversaryWithin'] as const).filter((m) => m in spec);
  if (modes.length !== 1 || Object.keys(spec).length !== 2) return null;
  const mode = modes[0];
  const duration = spec[mode];
  if (!isObject(duration) || Object.keys(duration).length !== 1) return null;
  const unit = Object.keys(duration)[0];
  if ((unit !== 'days' && unit !== 'hours') || !isFiniteNumber(duration[unit])) return null;
  if (mode === 'anniversaryWithin' && unit !== 'days') return null;
  return {
    id,
    kind: 'date',
    attribute: spec.attribute,
    mode,
    unit,
    amount: duration[unit] as number,
  };
}

function jsonToGeo(id: string, spec: Json): GeoNode | null {
  if (!isObject(spec) || !hasOnly(spec, ['near', 'radiusKm']) || !isObject(spec.near)) return null;
  const { lat, lng } = spec.near;
  if (!hasOnly(spec.near, ['lat', 'lng'])) return null;
  if (!isFiniteNumber(lat) || !isFiniteNumber(lng) || !isFiniteNumber(spec.radiusKm)) return null;
  return { id, kind: 'geo', lat, lng, radiusKm: spec.radiusKm };
}

/** One `{ key: value }` pair as a row (or a group, for a multi-field `$context`). */
function pairToNode(key: string, value: Json): RuleNode {
  const id = newId();
  const raw: RawNode = { id, kind: 'raw', json: { [key]: value } };
  switch (key) {
    case '$and':
    case '$or':
    case '$nor': {
      if (!Array.isArray(value) || !value.every(isObject)) return raw;
      const group: GroupNode = {
        id,
        kind: 'group',
        op: key === '$and' ? 'and' : 'or',
        negate: key === '$nor',
        children: value.map((child) => objectToNode(child)),
      };
      return group;
    }
    case '$not': {
      if (!isObject(value)) return raw;
      const inner = objectToNode(value);
      if (inner.kind === 'group' && !inner.negate) return { ...inner, negate: true };
      return { id, kind: 'group', op: 'and', negate: true, children: [inner] };
    }
    case '$event':
      return jsonToEvent(id, value) ?? raw;
    case '$geo':
      return jsonToGeo(id, value) ?? raw;
    case '$date':
      return jsonToDate(id, value) ?? raw;
    case '$segment':
      return typeof value === 'string' ? { id, kind: 'segment', key: value } : raw;
    case '$sample':
      if (
        isObject(value) &&
        hasOnly(value, ['seed', 'percent']) &&
        typeof value.seed === 'string' &&
        isFiniteNumber(value.percent)
      ) {
        return { id, kind: 'sample', seed: value.seed, percent: value.percent };
      }
      return raw;
    case '$context': {
      if (!isObject(value)) return raw;
      const rows: ContextNode[] = [];
      for (const [field, cond] of Object.entries(value)) {
        const parsed = field.startsWith('$') ? null : jsonToValueCondition(cond);
        if (!parsed) return raw;
        rows.push({ id: newId(), kind: 'context', field, ...parsed });
      }
      if (rows.length === 1) return { ...rows[0], id };
      return { id, kind: 'group', op: 'and', negate: false, children: rows };
    }
    default: {
      if (key.startsWith('$')) return raw;
      const parsed = jsonToValueCondition(value);
      return parsed ? { id, kind: 'trait', key, ...parsed } : raw;
    }
  }
}

/** One condition object: a row, or an AND group of one row per key when it has several. */
function objectToNode(rule: JsonObject): RuleNode {
  const entries = Object.entries(rule);
  if (entries.length === 1) return pairToNode(entries[0][0], entries[0][1]);
  return {
    id: newId(),
    kind: 'group',
    op: 'and',
    negate: false,
    children: entries.map(([key, value]) => pairToNode(key, value)),
  };
}

/** Reads a rule into the builder's tree; the root is always a group. */
export function ruleToTree(rule: Json): GroupNode {
  if (!isObject(rule)) return emptyGroup();
  const node = objectToNode(rule);
  if (node.kind === 'group') return node;
  return { id: newId(), kind: 'group', op: 'and', negate: false, children: [node] };
}

// ---------------------------------------------------------------------------------------------
// Editing helpers (immutable) and error mapping

export function updateNode(
  root: RuleNode,
  id: string,
  update: (n: RuleNode) => RuleNode
): RuleNode {
  if (root.id === id) return update(root);
  if (root.kind !== 'group') return root;
  let changed = false;
  const children = root.children.map((child) => {
    const next = updateNode(child, id, update);
    if (next !== child) changed = true;
    return next;
  });
  return changed ? { ...root, children } : root;
}

export function removeNode(root: GroupNode, id: string): GroupNode {
  const children = root.children
    .filter((child) => child.id !== id)
    .map((child) => (child.kind === 'group' ? removeNode(child, id) : child));
  return { ...root, children };
}

/** Strips row ids so two trees can be compared. */
export function withoutIds(node: RuleNode): unknown {
  return JSON.parse(
    JSON.stringify(node, (key, value: unknown) => (key === 'id' ? undefined : value))
  );
}

/**
 * The row a validation error belongs to. `path` is the server's (`rule.$and[1].$event.within.days`)
 * over the canonical JSON of `root`; the answer is the deepest node the path reaches (the root
 * group for `rule` itself).
 */
export function nodeIdForPath(root: GroupNode, path: string): string {
  const tokens = tokenize(path.replace(/^rule\.?/, ''));
  let node: RuleNode = root;
  let i = 0;
  for (;;) {
    if (node.kind !== 'group') return node.id;
    if (node.negate) {
      if (tokens[i] !== '$not') return node.id;
      i++;
    }
    const op: string | number | undefined = tokens[i];
    if (op !== `$${node.op}`) return node.id;
    const index = tokens[i + 1];
    if (typeof index !== 'number' || index >= node.children.length) return node.id;
    node = node.children[index];
    i += 2;
  }
}

function tokenize(path: string): Array<string | number> {
  const tokens: Array<string | number> = [];
  const re = /\[(\d+)\]|([^.[\]]+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path)) !== null) {
    tokens.push(m[1] !== undefined ? Number(m[1]) : m[2]);
  }
  return tokens;
}

/** Every condition row of a tree, depth first. */
export function conditions(node: RuleNode): ConditionNode[] {
  return node.kind === 'group' ? node.children.flatMap(conditions) : [node];
}
