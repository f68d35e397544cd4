/**
 * What every compiled matcher shares: the per-evaluation scope, the matcher types, the operator
 * vocabulary and the error a malformed condition throws (GrowthBook throws at the same point).
 */
import type { EvaluationEnv, ProfileFacts, SavedGroups } from '../types';

/** Per-evaluation state passed to every matcher. */
export interface Scope {
  savedGroups: SavedGroups;
  /** Saved groups being resolved (GrowthBook's cycle guard for `$savedGroup`). */
  visited: ReadonlySet<string>;
  facts: ProfileFacts | null;
  env: EvaluationEnv | null;
  /** Lazily derived values shared by the extensions of one evaluation. */
  memo: Map<string, unknown> | null;
}

export type ConditionMatcher = (subject: unknown, scope: Scope) => boolean;

export type ValueMatcher = (value: unknown, scope: Scope) => boolean;

/** Compiles the operand of a reserved top-level key (the project's extensions). */
export type ExtensionCompiler = (operand: unknown) => ConditionMatcher;

export type ExtensionCompilers = ReadonlyMap<string, ExtensionCompiler>;

/** Raised where GrowthBook itself would throw; evaluators turn it into "no match". */
export class MalformedConditionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedConditionError';
  }
}

const EMPTY_VISITED: ReadonlySet<string> = new Set<string>();

const NO_SAVED_GROUPS: SavedGroups = Object.freeze({}) as SavedGroups;

export function createScope(
  savedGroups?: SavedGroups | null,
  facts: ProfileFacts | null = null,
  env: EvaluationEnv | null = null
): Scope {
  // A plain object like GrowthBook's `savedGroups || {}`: lookups of names such as
  // `constructor` hit Object.prototype there too.
  return {
    savedGroups: savedGroups || NO_SAVED_GROUPS,
    visited: EMPTY_VISITED,
    facts,
    env,
    memo: null,
  };
}

/** Object keys GrowthBook treats as logical operators at condition level. */
export const LOGICAL_OPERATORS = ['$or', '$nor', '$and', '$not', '$savedGroup'] as const;

/** Operators GrowthBook understands under an attribute. */
export const VALUE_OPERATORS = [
  '$eq',
  '$ne',
  '$in',
  '$nin',
  '$ini',
  '$nini',
  '$all',
  '$alli',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$regex',
  '$regexi',
  '$exists',
  '$type',
  '$size',
  '$elemMatch',
  '$not',
  '$veq',
  '$vne',
  '$vgt',
  '$vgte',
  '$vlt',
  '$vlte',
  '$inGroup',
  '$notInGroup',
] as const;

export type ValueOperator = (typeof VALUE_OPERATORS)[number];

export const throwing =
  (message: string): ConditionMatcher =>
  () => {
    throw new MalformedConditionError(message);
  };

export const always: ConditionMatcher = () => true;

export const never: ConditionMatcher = () => false;
