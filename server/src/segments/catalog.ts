import type { Knex } from 'knex';
import type { CatalogKey, SegmentCatalog } from '../contracts';
import { CONTEXT_FIELDS } from '../rules';
import { TABLES } from '../store/tables';

/**
 * What the segment builder offers for autocompletion: trait keys, event names and their property
 * keys, seen in the data. Bounded reads only — each one walks an index:
 *  - traits: the SAMPLE_PROFILES most recently seen profiles (segments_profiles_last_seen_idx);
 *  - countries: GROUP BY country (segments_profiles_country_idx);
 *  - event names: rollups of the last EVENT_DAYS days (segments_event_rollups_day_idx);
 *  - property keys: the SAMPLE_EVENTS newest raw events (segments_events_time_idx).
 */
export const SAMPLE_PROFILES = 1000;
export const SAMPLE_EVENTS = 2000;
export const EVENT_DAYS = 90;
const MAX_VALUES = 25;
const MAX_KEYS = 300;
const MAX_DEPTH = 3;

/** Attributes every profile has as columns (docs/rules.md "Attributes"). */
const PROMOTED: Array<[column: string, key: string]> = [
  ['email', 'email'],
  ['timezone', 'timezone'],
  ['locale', 'locale'],
  ['country', 'country'],
  ['region', 'region'],
  ['city', 'city'],
  ['latitude', 'latitude'],
  ['longitude', 'longitude'],
];
/** Keys whose values are worth offering (low cardinality, or pickers: country, city). */
const NO_VALUES = new Set(['email', 'latitude', 'longitude', 'firstSeenAt', 'lastSeenAt']);

type Scalar = string | number | boolean;
interface KeyStats {
  types: Set<string>;
  values: Map<Scalar, number>;
}

const typeOf = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : (typeof v as string);

/** Accumulates the keys (dot paths into nested objects) and scalar values of JSON objects. Pure. */
export class KeyCollector {
  private readonly keys = new Map<string, KeyStats>();

  add(object: unknown, prefix = '', depth = 1): void {
    if (typeof object !== 'object' || object === null || Array.isArray(object)) return;
    for (const [key, value] of Object.entries(object as Record<string, unknown>)) {
      const path = prefix ? `${prefix}.${key}` : key;
      let stats = this.keys.get(path);
      if (!stats) {
        if (this.keys.size >= MAX_KEYS) continue;
        stats = { types: new Set(), values: new Map() };
        this.keys.set(path, stats);
      }
      stats.types.add(typeOf(value));
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        if (typeof value !== 'string' || value.length <= 100) {
          stats.values.set(value, (stats.values.get(value) ?? 0) + 1);
        }
      } else if (typeOf(value) === 'object' && depth < MAX_DEPTH) {
        this.add(value, path, depth + 1);
      }
    }
  }

  result(): CatalogKey[] {
    return [...this.keys.entries()]
      .map(([key, stats]) => ({
        key,
        types: [...stats.types].sort(),
        values: NO_VALUES.has(key)
          ? []
          : [...stats.values.entries()]
              .sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])))
              .slice(0, MAX_VALUES)
              .map(([value]) => value),
      }))
      .sort((a, b) => a.key.localeCompare(b.key));
  }
}

const parseJson = (value: unknown): unknown => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return null;
  }
};

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export async function loadCatalog(knex: Knex, now: Date = new Date()): Promise<SegmentCatalog> {
  const profiles = (await knex(TABLES.profiles)
    .select('traits', ...PROMOTED.map(([column]) => column))
    .orderBy('last_seen_at', 'desc')
    .limit(SAMPLE_PROFILES)) as Array<Record<string, unknown>>;

  const traits = new KeyCollector();
  for (const row of profiles) {
    const promoted: Record<string, unknown> = {};
    for (const [column, key] of PROMOTED) {
      if (row[column] !== null && row[column] !== undefined) promoted[key] = row[column];
    }
    traits.add({ ...(parseJson(row.traits) as object | null), ...promoted });
  }
  const traitKeys = traits.result();
  // Always offer the promoted attributes and the first/last-seen dates, even on an empty site.
  const byKey = new Map(traitKeys.map((k) => [k.key, k]));
  const fixedTypes: Record<string, string> = { latitude: 'number', longitude: 'number' };
  for (const [, key] of PROMOTED) {
    if (!byKey.has(key)) byKey.set(key, { key, types: [fixedTypes[key] ?? 'string'], values: [] });
  }
  for (const key of ['firstSeenAt', 'lastSeenAt'])
    byKey.set(key, { key, types: ['date'], values: [] });

  // Every country in use, most frequent first (a picker, not a sample).
  const countries = (await knex(TABLES.profiles)
    .select('country')
    .count({ n: '*' })
    .whereNotNull('country')
    .groupBy('country')
    .orderBy([{ column: 'n', order: 'desc' }, { column: 'country' }])
    .limit(250)) as Array<{ country: string }>;
  const country = byKey.get('country');
  if (country) country.values = countries.map((c) => c.country);

  const since = isoDay(now.getTime() - (EVENT_DAYS - 1) * 86_400_000);
  const names = (await knex(TABLES.rollups)
    .select('event')
    .sum({ n: 'count' })
    .where('day', '>=', since)
    .groupBy('event')
    .orderBy([{ column: 'n', order: 'desc' }, { column: 'event' }])
    .limit(200)) as Array<{ event: string; n: number | string }>;

  const recent = (await knex(TABLES.events)
    .select('name', 'properties')
    .orderBy('occurred_at', 'desc')
    .limit(SAMPLE_EVENTS)) as Array<{ name: string; properties: unknown }>;
  const properties = new Map<string, KeyCollector>();
  for (const row of recent) {
    let collector = properties.get(row.name);
    if (!collector) properties.set(row.name, (collector = new KeyCollector()));
    collector.add(parseJson(row.properties));
  }

  const events = names.map((n) => ({
    name: n.event,
    count: Number(n.n),
    properties: properties.get(n.event)?.result() ?? [],
  }));
  // Events only in the raw sample (e.g. rollups of older days only) still get offered.
  for (const [name, collector] of properties) {
    if (!events.some((e) => e.name === name))
      events.push({ name, count: 0, properties: collector.result() });
  }

  return {
    traits: [...byKey.values()].sort((a, b) => a.key.localeCompare(b.key)),
    events,
    contextFields: [
      ...CONTEXT_FIELDS.filter((f) => f !== 'utm'),
      'utm.source',
      'utm.medium',
      'utm.campaign',
      'utm.term',
      'utm.content',
    ],
    sampled: { profiles: profiles.length, events: recent.length },
  };
}
