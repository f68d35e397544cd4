import {
  COMPARISON_OPS,
  ContextNode,
  DateNode,
  EventMeasure,
  EventNode,
  EventWindow,
  GeoNode,
  GroupNode,
  Json,
  JsonObject,
  NumericCondition,
  NumericOp,
  RawNode,
  RuleNode,
  Scalar,
  ValueCondition,
  ValueOp,
  emptyGroup,
  newId,
} from './types';

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
