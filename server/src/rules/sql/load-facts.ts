/**
 * The one place that turns segments_* rows into ProfileFacts. The request path, the batch
 * in-memory path and the residual step of the SQL path all read profiles through here, so the
 * evaluators see the same attributes.
 *
 * Attributes = the traits JSON, then every promoted column that is not NULL on top of it:
 * email, timezone, locale, country, region, city, latitude, longitude, and firstSeenAt /
 * lastSeenAt as ISO strings (never NULL). A NULL column leaves the trait of that name, if any.
 * The SQL compiler reads a promoted attribute as `CASE WHEN col IS NOT NULL THEN col ELSE trait`.
 */
import type { Knex } from 'knex';
import { TABLES } from '../../store/tables';
import type { EventRollup, ProfileFacts, RawEvent, RequestContext } from '../types';
import { DAY_MS } from '../time';

/** Promoted string columns and the attribute names they fill. */
export const PROMOTED_STRING_COLUMNS = {
  email: 'email',
  timezone: 'timezone',
  locale: 'locale',
  country: 'country',
  region: 'region',
  city: 'city',
} as const;
export const PROMOTED_NUMBER_COLUMNS = { latitude: 'latitude', longitude: 'longitude' } as const;
export const PROMOTED_TIME_COLUMNS = {
  firstSeenAt: 'first_seen_at',
  lastSeenAt: 'last_seen_at',
} as const;

export interface ProfileRow {
  id: number | string;
  email?: string | null;
  timezone?: string | null;
  locale?: string | null;
  country?: string | null;
  region?: string | null;
  city?: string | null;
  latitude?: number | string | null;
  longitude?: number | string | null;
  traits?: unknown;
  context?: unknown;
  first_seen_at: number | string;
  last_seen_at: number | string;
}

export interface RollupRow {
  profile_id: number | string;
  event: string;
  day: string;
  count: number | string;
  value_sum: number | string;
}

export interface EventRow {
  profile_id: number | string;
  name: string;
  occurred_at: number | string;
  value: number | string | null;
  properties: unknown;
}

/** JSON columns: text on SQLite, already parsed on Postgres. Anything but an object reads as {}. */
export function jsonObject(value: unknown): Record<string, unknown> {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return {};
    }
  }
  return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : {};
}

export function profileAttributes(row: ProfileRow): Record<string, unknown> {
  // Spread (not Object.assign) keeps an own `__proto__` key a plain property, as JSON.parse made it.
  const attributes: Record<string, unknown> = { ...jsonObject(row.traits) };
  for (const [key, column] of Object.entries(PROMOTED_STRING_COLUMNS)) {
    const value = row[column];
    if (value !== null && value !== undefined) attributes[key] = String(value);
  }
  for (const [key, column] of Object.entries(PROMOTED_NUMBER_COLUMNS)) {
    const value = row[column];
    if (value !== null && value !== undefined) attributes[key] = Number(value);
  }
  for (const [key, column] of Object.entries(PROMOTED_TIME_COLUMNS)) {
    attributes[key] = new Date(Number(row[column])).toISOString();
  }
  return attributes;
}

export function rollupFromRow(row: RollupRow): EventRollup {
  return {
    day: row.day,
    event: row.event,
    count: Number(row.count),
    valueSum: Number(row.value_sum),
  };
}

export function eventFromRow(row: EventRow): RawEvent {
  return {
    name: row.name,
    occurredAt: new Date(Number(row.occurred_at)).toISOString(),
    properties: jsonObject(row.properties),
    value: row.value === null || row.value === undefined ? null : Number(row.value),
  };
}

export function profileFacts(
  row: ProfileRow,
  rollups: readonly RollupRow[],
  events: readonly EventRow[]
): ProfileFacts {
  const context = jsonObject(row.context) as RequestContext;
  return {
    id: Number(row.id),
    attributes: profileAttributes(row),
    rollups: rollups.map(rollupFromRow),
    events: events.map(eventFromRow),
    context,
  };
}

export interface LoadFactsOptions {
  now: Date;
  retentionDays: number;
  /** Only these events' rollups and raw events are loaded (a rule needs no others); default all. */
  eventNames?: readonly string[] | null;
  /** Skip raw events entirely (no rule part reads them). */
  rawEvents?: boolean;
}

const PROFILE_COLUMNS = [
  'id',
  'email',
  'timezone',
  'locale',
  'country',
  'region',
  'city',
  'latitude',
  'longitude',
  'traits',
  'context',
  'first_seen_at',
  'last_seen_at',
];

function groupBy<T extends { profile_id: number | string }>(rows: T[]): Map<number, T[]> {
  const byProfile = new Map<number, T[]>();
  for (const row of rows) {
    const id = Number(row.profile_id);
    const list = byProfile.get(id);
    if (list) list.push(row);
    else byProfile.set(id, [row]);
  }
  return byProfile;
}

/**
 * Facts of the given profiles (missing ids are skipped), in id order. Raw events are those within
 * retention: occurred_at ≥ now − retentionDays.
 */
export async function loadProfileFacts(
  knex: Knex,
  ids: readonly number[],
  options: LoadFactsOptions
): Promise<ProfileFacts[]> {
  if (ids.length === 0) return [];
  const names = options.eventNames ?? null;
  const profiles = (await knex(TABLES.profiles)
    .select(PROFILE_COLUMNS)
    .whereIn('id', ids)
    .orderBy('id')) as ProfileRow[];
  let rollups: RollupRow[] = [];
  let events: EventRow[] = [];
  if (names === null || names.length > 0) {
    const rollupQuery = knex(TABLES.rollups)
      .select('profile_id', 'event', 'day', 'count', 'value_sum')
      .whereIn('profile_id', ids)
      .orderBy(['profile_id', 'event', 'day']);
    if (names !== null) rollupQuery.whereIn('event', names);
    rollups = (await rollupQuery) as RollupRow[];
    if (options.rawEvents !== false) {
      const eventQuery = knex(TABLES.events)
        .select('profile_id', 'name', 'occurred_at', 'value', 'properties')
        .whereIn('profile_id', ids)
        .andWhere('occurred_at', '>=', options.now.getTime() - options.retentionDays * DAY_MS)
        .orderBy(['profile_id', 'occurred_at', 'id']);
      if (names !== null) eventQuery.whereIn('name', names);
      events = (await eventQuery) as EventRow[];
    }
  }
  const rollupsBy = groupBy(rollups);
  const eventsBy = groupBy(events);
  return profiles.map((row) =>
    profileFacts(row, rollupsBy.get(Number(row.id)) ?? [], eventsBy.get(Number(row.id)) ?? [])
  );
}
