/**
 * Profiles in the database: finding the profile of a visitor, creating profiles for ingestion
 * (one by one or in bulk), touching last-seen and writing traits. Every write takes a knex handle
 * that may be a transaction, so callers decide the unit of work.
 */
import type { Knex } from 'knex';
import { TABLES } from '../store/tables';
import type { Visitor } from './visitor';
import { dialectOf } from '../store/dialect';
import { insertValues, returnedRows } from '../store/insert';
import {
  COLUMNS,
  profileTargetKey,
  toJsonColumn,
  toProfile,
  type Db,
  type ProfileRow,
  type ProfileTarget,
  type PromotedColumns,
} from './columns';
import { getFullProfile } from './profile-record';

/** The profile a visitor maps to, without creating one (reads are side-effect free). */
export async function findProfileForVisitor(
  db: Knex,
  visitor: Visitor
): Promise<ProfileRow | null> {
  if (visitor.kind === 'user') {
    const row = await db(TABLES.profiles).select(COLUMNS).where('user_id', visitor.userId).first();
    if (row) return toProfile(row);
  }
  if (visitor.kind === 'none' || !visitor.anonymousId) return null;
  const direct = await db(TABLES.profiles)
    .select(COLUMNS)
    .where('anonymous_id', visitor.anonymousId)
    .first();
  if (direct) return toProfile(direct);
  const alias = await db(TABLES.identities)
    .select('profile_id')
    .where({ kind: 'anonymous', value: visitor.anonymousId })
    .first();
  if (!alias) return null;
  const merged = await db(TABLES.profiles).select(COLUMNS).where('id', alias.profile_id).first();
  return merged ? toProfile(merged) : null;
}

export async function countProfiles(db: Knex): Promise<number> {
  const row = await db(TABLES.profiles).count({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

async function profileIdOfTarget(db: Db, target: ProfileTarget): Promise<number | null> {
  if ('userId' in target) {
    const row = await db(TABLES.profiles).select('id').where('user_id', target.userId).first();
    return row ? Number(row.id) : null;
  }
  const alias = await db(TABLES.identities)
    .select('profile_id')
    .where({ kind: 'anonymous', value: target.anonymousId })
    .first();
  if (alias) return Number(alias.profile_id);
  const row = await db(TABLES.profiles)
    .select('id')
    .where('anonymous_id', target.anonymousId)
    .first();
  return row ? Number(row.id) : null;
}

/**
 * The profile of a user or anonymous id, created on first sight. Safe under concurrency: the
 * unique indexes on user_id / anonymous_id decide, and the loser reads the winner's row.
 */
export async function ensureProfile(
  db: Db,
  target: ProfileTarget,
  now: number,
  /** When the visitor was first seen, if earlier than now (back-dated events, imports). */
  seenAt: number = now
): Promise<number> {
  const existing = await profileIdOfTarget(db, target);
  if (existing !== null) return existing;
  const column = 'userId' in target ? 'user_id' : 'anonymous_id';
  const value = 'userId' in target ? target.userId : target.anonymousId;
  await db(TABLES.profiles)
    .insert({
      [column]: value,
      first_seen_at: seenAt,
      last_seen_at: seenAt,
      created_at: now,
      updated_at: now,
    })
    .onConflict(column)
    .ignore();
  const row = await db(TABLES.profiles).select('id').where(column, value).first();
  const id = Number(row.id);
  await db(TABLES.identities)
    .insert({
      kind: 'userId' in target ? 'user' : 'anonymous',
      value: String(value),
      profile_id: id,
      created_at: now,
    })
    .onConflict(['kind', 'value'])
    .ignore();
  return id;
}

/**
 * `ensureProfile` for many targets at once (bulk ingestion and imports): a few set-based
 * statements per batch instead of three round trips per visitor. Same race safety.
 */
export async function ensureProfiles(
  db: Db,
  targets: { target: ProfileTarget; seenAt: number }[],
  now: number
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  const users = [
    ...new Set(targets.flatMap((t) => ('userId' in t.target ? [t.target.userId] : []))),
  ];
  const anons = [
    ...new Set(targets.flatMap((t) => ('anonymousId' in t.target ? [t.target.anonymousId] : []))),
  ];
  const seen = new Map<string, number>();
  for (const { target, seenAt } of targets) {
    const key = profileTargetKey(target);
    seen.set(key, Math.min(seen.get(key) ?? seenAt, seenAt));
  }
  // One round trip: direct rows, then merged-away anonymous ids through identities (they win).
  const lookup = async (userIds: number[], anonIds: string[]) => {
    for (let i = 0; i < Math.max(userIds.length, anonIds.length); i += 500) {
      const u = userIds.slice(i, i + 500);
      const a = anonIds.slice(i, i + 500);
      const direct = db(TABLES.profiles)
        .select(db.raw("'p' as src"), 'id', 'user_id', 'anonymous_id')
        .where((q) => {
          if (u.length) q.whereIn('user_id', u);
          if (a.length) q.orWhereIn('anonymous_id', a);
        });
      const rows: {
        src: string;
        id: number | string;
        user_id: number | string | null;
        anonymous_id: string | null;
      }[] = a.length
        ? await direct.unionAll(
            db(TABLES.identities)
              .select(
                db.raw("'i' as src"),
                'profile_id as id',
                db.raw('null as user_id'),
                'value as anonymous_id'
              )
              .where('kind', 'anonymous')
              .whereIn('value', a)
          )
        : await direct;
      const wantedUsers = new Set(u);
      const wantedAnons = new Set(a);
      for (const src of ['p', 'i']) {
        for (const r of rows.filter((row) => row.src === src)) {
          if (r.user_id !== null && wantedUsers.has(Number(r.user_id)))
            ids.set(`u:${Number(r.user_id)}`, Number(r.id));
          if (r.anonymous_id !== null && wantedAnons.has(r.anonymous_id))
            ids.set(`a:${r.anonymous_id}`, Number(r.id));
        }
      }
    }
  };
  await lookup(users, anons);
  const missing = [...seen.keys()].filter((key) => !ids.has(key));
  if (!missing.length) return ids;
  const rowOf = (key: string) => {
    const at = seen.get(key) as number;
    const base = { first_seen_at: at, last_seen_at: at, created_at: now, updated_at: now };
    return key.startsWith('u:')
      ? { ...base, user_id: Number(key.slice(2)) }
      : { ...base, anonymous_id: key.slice(2) };
  };
  // On Postgres a new profile and its identity row are written by one statement (a
  // data-modifying CTE): one round trip, and no profile is ever seen without its identity.
  const postgres = dialectOf(db as Knex) === 'postgres';
  const withIdentity = new Set<string>();
  for (const [column, prefix, kind] of [
    ['user_id', 'u:', 'user'],
    ['anonymous_id', 'a:', 'anonymous'],
  ] as const) {
    const keys = missing.filter((k) => k.startsWith(prefix));
    for (let i = 0; i < keys.length; i += 200) {
      const insert = insertValues(
        db,
        TABLES.profiles,
        keys.slice(i, i + 200).map(rowOf),
        `on conflict (${column}) do nothing returning id, ${column}`
      );
      let statement: Knex.Raw = insert;
      if (postgres) {
        const { sql, bindings } = insert.toSQL();
        statement = db.raw(
          `with p as (${sql}), i as (insert into ?? (kind, value, profile_id, created_at)
             select ?, p.${column}::text, p.id, ?::bigint from p on conflict (kind, value) do nothing)
           select * from p`,
          [...bindings, TABLES.identities, kind, now]
        );
      }
      const inserted = returnedRows<{
        id: number | string;
        user_id?: number | string;
        anonymous_id?: string;
      }>(await statement);
      for (const r of inserted) {
        const key = `${prefix}${column === 'user_id' ? Number(r.user_id) : r.anonymous_id}`;
        ids.set(key, Number(r.id));
        if (postgres) withIdentity.add(key);
      }
    }
  }
  // Rows another writer inserted between our lookup and insert were ignored: read them back.
  const raced = missing.filter((key) => !ids.has(key));
  if (raced.length) {
    await lookup(
      raced.filter((k) => k.startsWith('u:')).map((k) => Number(k.slice(2))),
      raced.filter((k) => k.startsWith('a:')).map((k) => k.slice(2))
    );
  }
  const identities = missing
    .filter((key) => !withIdentity.has(key))
    .map((key) => ({
      kind: key.startsWith('u:') ? 'user' : 'anonymous',
      value: key.slice(2),
      profile_id: ids.get(key) as number,
      created_at: now,
    }));
  for (let i = 0; i < identities.length; i += 200) {
    await insertValues(
      db,
      TABLES.identities,
      identities.slice(i, i + 200),
      'on conflict (kind, value) do nothing'
    );
  }
  return ids;
}

/** After an event batch: last seen moves forward only; the latest request context is kept. */
export type ProfileTouch = {
  lastSeenAt: number;
  firstSeenAt: number;
  context?: object;
  columns?: PromotedColumns;
};

/** The last/first-seen (and context) update of one profile, unexecuted (callers may batch it). */
export function touchProfileQuery(
  db: Db,
  id: number,
  update: ProfileTouch,
  now: number
): Knex.QueryBuilder {
  const k = db as Knex;
  return db(TABLES.profiles)
    .where('id', id)
    .update({
      // Events may be back-dated (imports, offline clients): move both bounds outward only.
      last_seen_at: k.raw('CASE WHEN last_seen_at < ? THEN ? ELSE last_seen_at END', [
        update.lastSeenAt,
        update.lastSeenAt,
      ]),
      first_seen_at: k.raw('CASE WHEN first_seen_at > ? THEN ? ELSE first_seen_at END', [
        update.firstSeenAt,
        update.firstSeenAt,
      ]),
      ...(update.context ? { context: toJsonColumn(update.context) } : {}),
      ...(update.columns ?? {}),
      updated_at: now,
    });
}

export async function touchProfile(
  db: Db,
  id: number,
  update: ProfileTouch,
  now: number
): Promise<void> {
  await touchProfileQuery(db, id, update, now);
}

/**
 * Last/first seen of many profiles in one statement per chunk (imports and API-token batches
 * name hundreds of visitors): UPDATE … FROM a VALUES list, on Postgres and SQLite ≥ 3.33 alike.
 */
export async function touchSeenBulk(
  db: Db,
  seen: { id: number; lastSeenAt: number; firstSeenAt: number }[],
  now: number
): Promise<void> {
  const postgres = dialectOf(db as Knex) === 'postgres';
  const table = TABLES.profiles;
  for (let i = 0; i < seen.length; i += 300) {
    const chunk = seen.slice(i, i + 300);
    const bindings = chunk.flatMap((p) => [p.id, p.lastSeenAt, p.firstSeenAt]);
    const values = chunk
      .map(() => (postgres ? '(?::bigint, ?::bigint, ?::bigint)' : '(?, ?, ?)'))
      .join(', ');
    const source = postgres
      ? `(values ${values}) as v(id, l, f)`
      : `(select column1 as id, column2 as l, column3 as f from (values ${values})) as v`;
    await db.raw(
      `update ?? set last_seen_at = case when ??.last_seen_at < v.l then v.l else ??.last_seen_at end,
         first_seen_at = case when ??.first_seen_at > v.f then v.f else ??.first_seen_at end,
         updated_at = ?
       from ${source} where ??.id = v.id`,
      [table, table, table, table, table, now, ...bindings, table]
    );
  }
}

/** Shallow-merges traits (a `null` trait removes it) and writes the promoted columns. */
export async function writeTraits(
  db: Db,
  id: number,
  traits: Record<string, unknown>,
  columns: PromotedColumns,
  now: number
): Promise<Record<string, unknown>> {
  const current = (await getFullProfile(db, id))?.traits ?? {};
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(traits)) {
    if (value === null) delete next[key];
    else next[key] = value;
  }
  await db(TABLES.profiles)
    .where('id', id)
    .update({ traits: toJsonColumn(next), ...columns, updated_at: now });
  return next;
}

export * from './columns';
export * from './profile-record';
