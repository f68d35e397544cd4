/**
 * The rule language: GrowthBook targeting conditions plus this project's extensions.
 * Pure functions only — nothing here imports Strapi or a database driver.
 */
export type {
  Rule,
  Condition,
  DeviceType,
  UtmParameters,
  RequestContext,
  EventRollup,
  RawEvent,
  ProfileFacts,
  EvaluationEnv,
  SavedGroups,
  ValidationIssue,
} from './types';
export { compileRule, evaluateRule, contextView, type CompiledRule } from './evaluate';
export { evaluateCondition, paddedVersion, VALUE_OPERATORS, LOGICAL_OPERATORS } from './condition';
export {
  validateRule,
  segmentReferences,
  detectCycle,
  CONTEXT_FIELDS,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_NODES,
  type ValidateOptions,
} from './validate';
export { explainRule, guardComparisons, matchesMissing } from './explain';
export { fnv1a32, growthbookHash, inSample } from './hash';
export { regexRisks, MAX_REGEX_LENGTH } from './regex-safety';
export { haversineKm, EARTH_RADIUS_KM } from './geo';
export {
  EXTENSION_KEYS,
  planEvent,
  eventSource,
  rollupDayRange,
  eventTimeRange,
  resolveDateCondition,
  type EventPlan,
  type EventWindow,
  type EventMeasure,
  type EventSource,
  type DateCondition,
  type TimeRange,
} from './extensions';
export { localTime, resolveTimeZone, daysUntilAnniversary, type Duration } from './time';
