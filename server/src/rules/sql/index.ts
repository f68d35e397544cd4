import { dialectOf } from '../../store/dialect';
/**
 * Batch membership: a rule over all profiles at once. The SQL compiled by `compileRuleToSql`
 * decides every profile it can; the rest of its superset prefilter is loaded in batches
 * (`loadProfileFacts`, the same reader as the in-memory path) and decided by `compileRule`.
 */
import type { Knex } from 'knex';
import { TABLES } from '../../store/tables';
import type { Rule, SavedGroups } from '../types';
import { compileRule } from '../evaluate';
import {
  compileRuleToSql,
  type CompiledSql,
  type SqlCompileOptions,
  type Dialect,
} from './compile';
import { loadProfileFacts } from './load-facts';

export {
  compileRuleToSql,
  type CompiledSql,
  type SqlCompileOptions,
  type Dialect,
  type Sql,
} from './compile';
export {
  loadProfileFacts,
  profileFacts,
  profileAttributes,
  type LoadFactsOptions,
  type ProfileRow,
  type RollupRow,
  type EventRow,
} from './load-facts';

export interface MatchOptions extends Omit<SqlCompileOptions, 'dialect'> {
  /** Defaults to the knex client's dialect. */
  dialect?: Dialect;
  savedGroups?: SavedGroups;
  /** Profiles loaded and evaluated in memory at a time (default 1000). */
  batchSize?: number;
  /**
   * Only profiles whose hashed id ≡ remainder (mod modulus): a pseudo-random 1/modulus sample
   * of profiles (see `sampledProfileSql`), for estimates of slow counts.
   */
  sample?: { modulus: number; remainder: number };
}

export { dialectOf };

function compiled(knex: Knex, rule: Rule, options: MatchOptions): CompiledSql {
  return compileRuleToSql(rule, { ...options, dialect: options.dialect ?? dialectOf(knex) });
}

/**
 * Matching profile ids in ascending order, in batches. Certain matches come straight from SQL;
 * the uncertain rest of the prefilter is evaluated in memory `batchSize` profiles at a time.
 * The candidate ids themselves are read in one query (ids only: 8 bytes a profile), so the
 * compiled subqueries run once rather than once a page.
 */
/** The sample restriction of `options`, as a predicate over `p` (TRUE without one). */
// Callers parenthesise the compiled predicates next to it: knex joins `whereRaw` fragments with
// a bare AND, and a compiled predicate may be a top-level OR.
function sampleFilter(options: MatchOptions): { sql: string; bindings: Knex.Value[] } {
  if (!options.sample) return { sql: '1 = 1', bindings: [] };
  return sampledProfileSql('p.id', options.sample);
}

/**
 * `column` is in the sample: a multiplicative (Knuth golden-ratio) hash of the id modulo a prime, then modulo
 * `modulus`. Hashing (rather than `id % modulus`) keeps the sample from lining up with any
 * periodic pattern in ids; for ids below 3.4 billion the product fits in a signed 64-bit integer.
 */
export function sampledProfileSql(
  column: string,
  sample: { modulus: number; remainder: number }
): { sql: string; bindings: Knex.Value[] } {
  return {
    sql: `((${column} * 2654435761) % 4294967291) % ? = ?`,
    bindings: [sample.modulus, sample.remainder],
  };
}

export async function* streamMatchingProfileIds(
  knex: Knex,
  rule: Rule,
  options: MatchOptions
): AsyncGenerator<number[]> {
  const plan = compiled(knex, rule, options);
  const batchSize = options.batchSize ?? 1000;
  const sample = sampleFilter(options);
  if (plan.exact) {
    const ids = (
      await knex
        .select('p.id')
        .from(`${TABLES.profiles} as p`)
        .whereRaw(sample.sql, sample.bindings)
        .whereRaw(`(${plan.sure.sql})`, plan.sure.bindings as Knex.Value[])
        .orderBy('p.id')
    ).map((row: { id: number | string }) => Number(row.id));
    for (let i = 0; i < ids.length; i += batchSize) yield ids.slice(i, i + batchSize);
    return;
  }
  // Certain matches as +id, candidates to evaluate as −id.
  const signed: number[] = (
    await knex
      .select(
        knex.raw(
          `CASE WHEN ${plan.sureWithinMaybe.sql} THEN p.id ELSE -p.id END AS sid`,
          plan.sureWithinMaybe.bindings as Knex.Value[]
        )
      )
      .from(`${TABLES.profiles} as p`)
      .whereRaw(sample.sql, sample.bindings)
      .whereRaw(`(${plan.maybe.sql})`, plan.maybe.bindings as Knex.Value[])
      .orderBy('p.id')
  ).map((row: { sid: number | string }) => Number(row.sid));

  const matches = compileRule(rule);
  for (let i = 0; i < signed.length; i += batchSize) {
    const slice = signed.slice(i, i + batchSize);
    const undecided = slice.filter((id) => id < 0).map((id) => -id);
    const accepted = new Set(slice.filter((id) => id > 0));
    if (undecided.length > 0) {
      const facts = await loadProfileFacts(knex, undecided, {
        now: options.now,
        retentionDays: options.retentionDays,
        eventNames: plan.eventNames,
        rawEvents: plan.rawEvents,
      });
      const members = await segmentMembership(knex, plan, options, undecided);
      for (const profile of facts) {
        const env = {
          now: options.now,
          retentionDays: options.retentionDays,
          isMember: (key: string) => members.get(key)?.has(profile.id) === true,
        };
        if (matches(profile, env, options.savedGroups)) accepted.add(profile.id);
      }
    }
    const batch = slice.map(Math.abs).filter((id) => accepted.has(id));
    if (batch.length > 0) yield batch;
  }
}

/**
 * `SELECT p.id …` of every matching profile when the rule is decided entirely in SQL (so a
 * caller can INSERT … SELECT it without the ids passing through JavaScript), else null.
 */
export function exactMatchingIdsSql(
  knex: Knex,
  rule: Rule,
  options: MatchOptions
): { sql: string; bindings: Knex.Value[] } | null {
  const plan = compiled(knex, rule, options);
  if (!plan.exact) return null;
  const sample = sampleFilter(options);
  return {
    sql: `SELECT p.id FROM ${TABLES.profiles} p WHERE ${sample.sql} AND (${plan.sure.sql})`,
    bindings: [...sample.bindings, ...(plan.sure.bindings as Knex.Value[])],
  };
}

/** Which of `ids` belong to each referenced segment (for the in-memory step). */
async function segmentMembership(
  knex: Knex,
  plan: CompiledSql,
  options: MatchOptions,
  ids: number[]
): Promise<Map<string, Set<number>>> {
  const result = new Map<string, Set<number>>();
  for (const key of plan.segmentKeys) {
    const members = options.segmentMembers?.(key);
    if (!members) continue;
    const native = members.toSQL() as { sql: string; bindings: readonly unknown[] };
    const rows = await knex
      .select('p.id')
      .from(`${TABLES.profiles} as p`)
      .whereIn('p.id', ids)
      .whereRaw(`p.id IN (${native.sql})`, native.bindings as Knex.Value[]);
    result.set(key, new Set(rows.map((row: { id: number | string }) => Number(row.id))));
  }
  return result;
}

/** All matching profile ids, ascending. */
export async function matchingProfileIds(
  knex: Knex,
  rule: Rule,
  options: MatchOptions
): Promise<number[]> {
  const ids: number[] = [];
  for await (const batch of streamMatchingProfileIds(knex, rule, options)) ids.push(...batch);
  return ids;
}

/** Number of matching profiles (a single COUNT when the rule is exact in SQL). */
export async function countMatchingProfiles(
  knex: Knex,
  rule: Rule,
  options: MatchOptions
): Promise<number> {
  const plan = compiled(knex, rule, options);
  if (plan.exact) {
    const sample = sampleFilter(options);
    const row = await knex
      .count({ n: '*' })
      .from(`${TABLES.profiles} as p`)
      .whereRaw(sample.sql, sample.bindings)
      .whereRaw(`(${plan.sure.sql})`, plan.sure.bindings as Knex.Value[])
      .first();
    return Number((row as { n: number | string } | undefined)?.n ?? 0);
  }
  let count = 0;
  for await (const batch of streamMatchingProfileIds(knex, rule, options)) count += batch.length;
  return count;
}
