/**
 * Data shapes of the rule language. They mirror the plugin's tables (segments_profiles,
 * segments_event_rollups, segments_events) so the in-memory evaluator and the SQL compiler read
 * the same facts.
 */

/**
 * A segment rule: a GrowthBook targeting condition (Mongo-style JSON) over the profile's
 * attributes, optionally using this project's top-level extensions
 * (`$event`, `$date`, `$geo`, `$context`, `$segment`, `$sample`). See docs/rules.md.
 */
export type Rule = { [key: string]: unknown };

/** A JSON condition in GrowthBook syntax without extensions (event properties, context). */
export type Condition = { [key: string]: unknown };

/** Device classes the request parser emits; other strings are allowed. */
export type DeviceType = 'mobile' | 'tablet' | 'desktop' | 'bot';

export interface UtmParameters {
  source?: string;
  medium?: string;
  campaign?: string;
  term?: string;
  content?: string;
}

export interface RequestContext {
  // `string & {}` keeps editor completion for the known classes while accepting any string.
  device?: DeviceType | (string & {});
  os?: string;
  browser?: string;
  utm?: UtmParameters;
  referrer?: string;
  /** IANA time zone of the visitor, e.g. `Europe/Berlin`. */
  timezone?: string;
}

/** One row of segments_event_rollups: per profile, UTC day and event name. */
export interface EventRollup {
  /** UTC calendar day, `YYYY-MM-DD`. */
  day: string;
  event: string;
  count: number;
  /** Sum of the events' `value` (events without a value count as 0). */
  valueSum: number;
}

/** One row of segments_events. Raw events are only kept for `retentionDays`. */
export interface RawEvent {
  name: string;
  /** ISO 8601 timestamp. */
  occurredAt: string;
  properties: Record<string, unknown>;
  value: number | null;
}

export interface ProfileFacts {
  /** segments_profiles.id */
  id: number;
  /**
   * The traits JSON merged with the promoted columns: email, timezone, locale, country, region,
   * city, latitude, longitude, firstSeenAt, lastSeenAt (ISO strings).
   */
  attributes: Record<string, unknown>;
  rollups: EventRollup[];
  /** Raw events, only those still within retention. */
  events: RawEvent[];
  /** The current request's context (request path) or the last known one (batch). */
  context?: RequestContext;
}

export interface EvaluationEnv {
  now: Date;
  /** How many days raw events are kept; rollups are kept much longer. */
  retentionDays: number;
  /** Membership of another segment, for `$segment`. Without it, `$segment` matches nobody. */
  isMember?(segmentKey: string): boolean;
}

/**
 * GrowthBook's `savedGroups` payload: id → list of values (v1), or a v2 entry
 * (`{ type: 'list', attributeKey, values }` / `{ type: 'condition', condition }`).
 * Kept loose on purpose: malformed entries have defined GrowthBook semantics too.
 */
export type SavedGroups = Record<string, unknown>;

export interface ValidationIssue {
  /** JSON path of the offending node, e.g. `$and[2].age.$gt` or `$event.within.days`. */
  path: string;
  message: string;
}
