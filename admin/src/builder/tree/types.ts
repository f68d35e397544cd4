/** The builder tree's node types and the rows the "add condition" menu creates. */

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
