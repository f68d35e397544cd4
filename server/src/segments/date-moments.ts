import type { Knex } from 'knex';
import { dateSchema } from '../rules/extensions/schemas';
import { durationMs, parseInstant, resolveTimeZone, type Duration } from '../rules/time';
import { PROMOTED_TIME_COLUMNS, jsonObject } from '../rules/sql/load-facts';
import { TABLES } from '../store/tables';
import { dialectOf } from '../store/dialect';
import { readPath } from '../rules/condition/values';
import { attributePathToken } from './dependencies';
import { anniversaryMoment } from './anniversaries';

/**
 * Relative dates passing (issue 22): `{ $date: { attribute, olderThan | newerThan } }` flips
 * exactly `d` (+1 ms: both comparisons are strict at the boundary) after the attribute's value,
 * with no new event. First/last seen are columns the expiry sweep reads by range; a trait's date
 * lives in JSON, so each profile's next such moment is stored (`segments_date_moments`) when a
 * pass evaluates it, and once per clause for every profile that has the trait (the backfill).
 * Anniversaries (`anniversaryWithin`) flip at local midnights (anniversaries.ts): stored too,
 * whatever the attribute.
 */
export type DateClause =
  | { attribute: string; afterMs: number }
  | { attribute: string; anniversaryDays: number };

export const isColumnAttribute = (attribute: string) =>
  Object.prototype.hasOwnProperty.call(PROMOTED_TIME_COLUMNS, attribute);

export const clauseKey = (c: DateClause) =>
  'afterMs' in c ? `${c.attribute}\u0000${c.afterMs}` : `${c.attribute}\u0000a${c.anniversaryDays}`;

/** Swept by a range read of the profiles' columns; every other clause has stored moments. */
export const isRangeSwept = (c: DateClause): c is { attribute: string; afterMs: number } =>
  'afterMs' in c && isColumnAttribute(c.attribute);

/** The dependency token of the clause's attribute (as dependencies.ts reads the rule). */
export const clauseToken = (c: DateClause) => attributePathToken(c.attribute);

/** Every `$date` clause of a rule, at any depth, without duplicates. */
export function dateClauses(rule: unknown): DateClause[] {
  const found = new Map<string, DateClause>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key !== '$date') {
        walk(value);
        continue;
      }
      const parsed = dateSchema.safeParse(value);
      if (!parsed.success) continue;
      for (const duration of [parsed.data.olderThan, parsed.data.newerThan]) {
        if (!duration) continue;
        const clause = {
          attribute: parsed.data.attribute,
          afterMs: durationMs(duration as Duration),
        };
        found.set(clauseKey(clause), clause);
      }
      if (parsed.data.anniversaryWithin) {
        const clause = {
          attribute: parsed.data.attribute,
          anniversaryDays: parsed.data.anniversaryWithin.days,
        };
        found.set(clauseKey(clause), clause);
      }
    }
  };
  walk(rule);
  return [...found.values()];
}

/** A profile as its moments need it: attributes, and the context (time zone). */
export interface MomentSubject {
  id: number;
  attributes: Record<string, unknown>;
  context?: { timezone?: unknown } | null;
}

/** When this profile's answer for `clause` next changes with no new data, or null. */
export function nextMoment(clause: DateClause, subject: MomentSubject, now: number): number | null {
  const value = readPath(subject.attributes, clause.attribute.split('.'));
  if ('anniversaryDays' in clause) {
    // The evaluator's "today": the context's time zone, else the profile's, else UTC.
    const zone = resolveTimeZone(subject.context?.timezone, subject.attributes.timezone);
    return anniversaryMoment(value, clause.anniversaryDays, zone, now);
  }
  const ms = parseInstant(value);
  if (ms === null) return null;
  const at = ms + clause.afterMs + 1;
  return at > now ? at : null;
}

export interface DateMoment {
  profileId: number;
  token: string;
  at: number;
}

/** Attributes holding `value` at `path` (a dotted attribute), for {@link traitMoments}. */
export function attributesWith(path: string, value: unknown): Record<string, unknown> {
  const parts = path.split('.');
  let node: unknown = value;
  for (let i = parts.length - 1; i >= 0; i--) node = { [parts[i]]: node };
  return node as Record<string, unknown>;
}

/** The profiles' trait-date moments of `clauses`, computed from their attributes. */
export function traitMoments(
  profiles: readonly MomentSubject[],
  clauses: readonly DateClause[],
  now: number
): DateMoment[] {
  const out: DateMoment[] = [];
  for (const profile of profiles) {
    for (const clause of clauses) {
      const at = nextMoment(clause, profile, now);
      if (at !== null) out.push({ profileId: profile.id, token: clauseToken(clause), at });
    }
  }
  return out;
}

/**
 * Replaces the stored moments of these profiles for these attribute tokens (a pass has just read
 * their current values) with `moments`.
 */
export async function replaceMoments(
  knex: Knex | Knex.Transaction,
  profileIds: readonly number[],
  tokens: readonly string[],
  moments: readonly DateMoment[]
): Promise<void> {
  if (!profileIds.length || !tokens.length) return;
  for (let i = 0; i < profileIds.length; i += 500) {
    await knex(TABLES.dateMoments)
      .whereIn('profile_id', profileIds.slice(i, i + 500))
      .whereIn('token', tokens)
      .delete();
  }
  await insertMoments(knex, moments);
}

/** Adds moments (a repeated one is ignored). */
export async function insertMoments(
  knex: Knex | Knex.Transaction,
  moments: readonly DateMoment[]
): Promise<void> {
  const rows = moments.map((m) => ({ profile_id: m.profileId, token: m.token, at: m.at }));
  for (let i = 0; i < rows.length; i += 500) {
    await knex(TABLES.dateMoments)
      .insert(rows.slice(i, i + 500))
      .onConflict(['profile_id', 'token', 'at'])
      .ignore();
  }
}

/** Stored moments of `token` in (from, to]. */
export async function momentsBetween(
  knex: Knex,
  token: string,
  range: { from: number; to: number }
): Promise<Array<{ profileId: number; at: number }>> {
  const rows = (await knex(TABLES.dateMoments)
    .select('profile_id', 'at')
    .where('token', token)
    .andWhere('at', '>', range.from)
    .andWhere('at', '<=', range.to)) as Array<{ profile_id: number | string; at: number | string }>;
  return rows.map((r) => ({ profileId: Number(r.profile_id), at: Number(r.at) }));
}

/**
 * Profiles that hold a date at `attribute` (a trait path, or a first/last-seen column), by id
 * pages, as {@link nextMoment} reads them: the value where the evaluator finds it, the time zone
 * column and the stored context.
 */
export async function profilesWithDate(
  knex: Knex,
  attribute: string,
  afterId: number,
  limit: number
): Promise<MomentSubject[]> {
  const parts = attribute.split('.');
  const column = isColumnAttribute(attribute)
    ? (PROMOTED_TIME_COLUMNS as Record<string, string>)[attribute]
    : null;
  const jsonPath = '$' + parts.map((p) => `."${p.replace(/"/g, '""')}"`).join('');
  const pg = dialectOf(knex) === 'postgres';
  // Postgres: the value as JSON text, parsed here (the driver's jsonb reading turned a number
  // into a string); SQLite's json_extract already answers with the JSON value's own type.
  const read = column
    ? knex.raw('??', [column])
    : pg
      ? knex.raw('(traits #> ?::text[])::text', [parts])
      : knex.raw('json_extract(traits, ?)', [jsonPath]);
  const rows = (await knex(TABLES.profiles)
    .select('id', 'timezone', 'context', knex.raw(`${read.toQuery()} AS value`))
    .where('id', '>', afterId)
    .andWhereRaw(`${read.toQuery()} IS NOT NULL`)
    .orderBy('id')
    .limit(limit)) as Array<{
    id: number | string;
    value: unknown;
    timezone: string | null;
    context: unknown;
  }>;
  return rows.map((r) => ({
    id: Number(r.id),
    attributes: {
      ...attributesWith(
        attribute,
        column ? new Date(Number(r.value)).toISOString() : pg ? parseJsonText(r.value) : r.value
      ),
      ...(r.timezone ? { timezone: r.timezone } : {}),
    },
    context: jsonObject(r.context),
  }));
}

function parseJsonText(value: unknown): unknown {
  try {
    return typeof value === 'string' ? JSON.parse(value) : value;
  } catch {
    return null;
  }
}

/** Forgets moments past `before` (their marks are long made). */
export async function pruneMoments(knex: Knex, before: number): Promise<number> {
  return knex(TABLES.dateMoments).where('at', '<', before).delete();
}
