import {
  COMPARISON_OPS,
  ConditionNode,
  EventWindow,
  Json,
  JsonObject,
  NumericCondition,
  RuleNode,
  Scalar,
  ValueCondition,
  ValueOp,
} from './types';

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
