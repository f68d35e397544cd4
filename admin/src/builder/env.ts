import { createContext, useContext } from 'react';
import type { SegmentCatalog } from '../api/contracts';
import type { T } from '../utils/useT';
import { type ConditionKind } from './ruleTree';

/** What every row editor of the builder reads: translations, the catalog, segments, errors. */
export interface BuilderEnv {
  t: T;
  catalog: SegmentCatalog | null;
  /** Other segments, for "member of segment" rows. */
  segmentKeys: Array<{ key: string; name: string }>;
  /** Validation messages by row id. */
  errors: Map<string, string[]>;
}
export const BuilderContext = createContext<BuilderEnv | null>(null);
export const useEnv = (): BuilderEnv => {
  const env = useContext(BuilderContext);
  if (!env) throw new Error('BuilderContext missing');
  return env;
};

export const KINDS: ConditionKind[] = [
  'trait',
  'event',
  'geo',
  'context',
  'date',
  'segment',
  'sample',
  'raw',
];
export const kindLabel = (t: T, kind: ConditionKind): string =>
  ({
    trait: t('builder.kind.trait', 'Trait'),
    event: t('builder.kind.event', 'Behaviour (event)'),
    geo: t('builder.kind.geo', 'Near a place'),
    context: t('builder.kind.context', 'Device / context'),
    date: t('builder.kind.date', 'Relative date'),
    segment: t('builder.kind.segment', 'Member of segment'),
    sample: t('builder.kind.sample', 'Random sample'),
    raw: t('builder.kind.raw', 'JSON condition'),
  })[kind];
