/**
 * How a profile row is shaped and addressed: its columns, the promoted trait columns, JSON
 * columns, and the target (user id or anonymous id) a write is about.
 */
import type { Knex } from 'knex';

export interface ProfileRow {
  id: number;
  userId: number | null;
  anonymousId: string | null;
  firstSeenAt: number;
  lastSeenAt: number;
}

export type RawProfile = {
  id: number | string;
  user_id: number | null;
  anonymous_id: string | null;
  first_seen_at: number | string;
  last_seen_at: number | string;
};

// Postgres returns bigint as string; numbers everywhere else.
export const toProfile = (row: RawProfile): ProfileRow => ({
  id: Number(row.id),
  userId: row.user_id === null ? null : Number(row.user_id),
  anonymousId: row.anonymous_id,
  firstSeenAt: Number(row.first_seen_at),
  lastSeenAt: Number(row.last_seen_at),
});

export const COLUMNS = ['id', 'user_id', 'anonymous_id', 'first_seen_at', 'last_seen_at'];

/** A knex handle that may be a transaction: callers decide the unit of work. */
export type Db = Knex | Knex.Transaction;

/** Who a write is about: a users-permissions user or an anonymous id. */
export type ProfileTarget = { userId: number } | { anonymousId: string };

/** JSON columns come back parsed on Postgres and as text on SQLite. */
export function parseJsonColumn(value: unknown): Record<string, unknown> | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') {
    try {
      const parsed: unknown = JSON.parse(value);
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }
  return typeof value === 'object' ? (value as Record<string, unknown>) : null;
}

/** Serialised explicitly: the pg driver would turn a JS array into a Postgres array. */
export const toJsonColumn = (value: unknown): string | null =>
  value === null || value === undefined ? null : JSON.stringify(value);

export const profileTargetKey = (t: ProfileTarget) =>
  'userId' in t ? `u:${t.userId}` : `a:${t.anonymousId}`;

/** Promoted profile columns (DESIGN issue 4 item 1) and the trait names that feed them. */
export const PROMOTED_TRAITS = {
  email: 'email',
  timezone: 'timezone',
  locale: 'locale',
  country: 'country',
  region: 'region',
  city: 'city',
  latitude: 'latitude',
  longitude: 'longitude',
  emailConsent: 'email_consent',
} as const;

export type PromotedColumns = Partial<{
  email: string | null;
  timezone: string | null;
  locale: string | null;
  country: string | null;
  region: string | null;
  city: string | null;
  latitude: number | null;
  longitude: number | null;
  email_consent: boolean | null;
}>;
