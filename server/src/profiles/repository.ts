import type { Knex } from 'knex';
import { TABLES } from '../store/tables';
import type { Visitor } from '../identity/visitor';

export interface ProfileRow {
  id: number;
  userId: number | null;
  anonymousId: string | null;
  firstSeenAt: number;
  lastSeenAt: number;
}

type RawProfile = {
  id: number | string;
  user_id: number | null;
  anonymous_id: string | null;
  first_seen_at: number | string;
  last_seen_at: number | string;
};

// Postgres returns bigint as string; numbers everywhere else.
const toProfile = (row: RawProfile): ProfileRow => ({
  id: Number(row.id),
  userId: row.user_id === null ? null : Number(row.user_id),
  anonymousId: row.anonymous_id,
  firstSeenAt: Number(row.first_seen_at),
  lastSeenAt: Number(row.last_seen_at),
});

const COLUMNS = ['id', 'user_id', 'anonymous_id', 'first_seen_at', 'last_seen_at'];

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
