import { readFileSync } from 'fs';
import { join } from 'path';
import type { EvaluationEnv, ProfileFacts } from '../../../server/src/rules';

export type ConditionCase = [
  name: string,
  condition: Record<string, unknown>,
  attributes: Record<string, unknown>,
  expected: boolean,
  savedGroups?: Record<string, unknown>,
];
export type HashCase = [seed: string, value: string, version: number, expected: number | null];

export function loadGrowthbookCases(): { evalCondition: ConditionCase[]; hash: HashCase[] } {
  const file = join(__dirname, '..', '..', 'fixtures', 'growthbook-cases.json');
  return JSON.parse(readFileSync(file, 'utf8'));
}

export function profile(overrides: Partial<ProfileFacts> = {}): ProfileFacts {
  return { id: 1, attributes: {}, rollups: [], events: [], ...overrides };
}

export function envAt(now: string, overrides: Partial<EvaluationEnv> = {}): EvaluationEnv {
  return { now: new Date(now), retentionDays: 90, ...overrides };
}
