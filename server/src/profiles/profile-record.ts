/**
 * One profile's whole record: read in full (admin profile page, export) and deleted with every
 * row that belongs to it (erasure).
 */
import type { Knex } from 'knex';
import { TABLES } from '../store/tables';
import { parseJsonColumn, toProfile, type Db, type ProfileRow, type RawProfile } from './columns';

export interface FullProfile extends ProfileRow {
  email: string | null;
  timezone: string | null;
  locale: string | null;
  country: string | null;
  region: string | null;
  city: string | null;
  latitude: number | null;
  longitude: number | null;
  traits: Record<string, unknown>;
  context: Record<string, unknown> | null;
  emailConsent: boolean | null;
  unsubscribedAt: number | null;
}

type RawFullProfile = RawProfile & {
  email: string | null;
  timezone: string | null;
  locale: string | null;
  country: string | null;
  region: string | null;
  city: string | null;
  latitude: number | string | null;
  longitude: number | string | null;
  traits: unknown;
  context: unknown;
  email_consent: boolean | number | null;
  unsubscribed_at: number | string | null;
};

const nullableNumber = (v: number | string | null) => (v === null ? null : Number(v));

export async function getFullProfile(db: Db, id: number): Promise<FullProfile | null> {
  const row = (await db(TABLES.profiles).where('id', id).first()) as RawFullProfile | undefined;
  if (!row) return null;
  return {
    ...toProfile(row),
    email: row.email,
    timezone: row.timezone,
    locale: row.locale,
    country: row.country,
    region: row.region,
    city: row.city,
    latitude: nullableNumber(row.latitude),
    longitude: nullableNumber(row.longitude),
    traits: parseJsonColumn(row.traits) ?? {},
    context: parseJsonColumn(row.context),
    emailConsent: row.email_consent === null ? null : Boolean(row.email_consent),
    unsubscribedAt: nullableNumber(row.unsubscribed_at),
  };
}

/** Removes a profile and every row that belongs to it, in one transaction. */
export async function deleteProfileData(db: Knex, id: number): Promise<boolean> {
  return db.transaction(async (trx) => {
    await trx(TABLES.events).where('profile_id', id).delete();
    await trx(TABLES.rollups).where('profile_id', id).delete();
    await trx(TABLES.activityDays).where('profile_id', id).delete();
    // Experiment exposures are keyed by the profile's identities (anonymous ids, user id).
    await trx(TABLES.exposures)
      .whereIn(
        ['unit_kind', 'unit_value'],
        trx(TABLES.identities).select('kind', 'value').where('profile_id', id)
      )
      .orWhere('profile_id', id)
      .delete();
    await trx(TABLES.identities).where('profile_id', id).delete();
    await trx(TABLES.memberships).where('profile_id', id).delete();
    await trx(TABLES.membershipTransitions).where('profile_id', id).delete();
    await trx(TABLES.dateMoments).where('profile_id', id).delete();
    await trx(TABLES.pushSubscriptions).where('profile_id', id).delete();
    const deleted = await trx(TABLES.profiles).where('id', id).delete();
    return deleted > 0;
  });
}
