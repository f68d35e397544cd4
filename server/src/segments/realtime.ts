import {
  compileRule,
  type CompiledRule,
  type ProfileFacts,
  type RequestContext,
  type Rule,
} from '../rules';
import { dependencyOrder } from './order';

export interface LiveSegment {
  key: string;
  matches: CompiledRule;
}

/** Active segments compiled once, referenced segments first (so `$segment` reads this pass). */
export function prepareLiveSegments(
  segments: ReadonlyArray<{ key: string; rule: unknown }>
): LiveSegment[] {
  return dependencyOrder(segments).map((s) => ({
    key: s.key,
    matches: compileRule(s.rule as Rule),
  }));
}

/** Facts of a visitor who has no profile yet: only context rules can match. */
export function anonymousFacts(context: RequestContext | undefined): ProfileFacts {
  return { id: 0, attributes: {}, rollups: [], events: [], context };
}

/**
 * The keys of the segments a visitor belongs to right now, evaluated in memory from their
 * profile, rollups and request context — the same compiled rules as the batch path's residual,
 * so the two agree for rules without request-context conditions.
 */
export function liveSegmentKeys(
  facts: ProfileFacts,
  segments: readonly LiveSegment[],
  env: { now: Date; retentionDays: number }
): string[] {
  const members = new Set<string>();
  const evaluation = { ...env, isMember: (key: string) => members.has(key) };
  for (const segment of segments) {
    if (segment.matches(facts, evaluation)) members.add(segment.key);
  }
  return segments.filter((s) => members.has(s.key)).map((s) => s.key);
}
