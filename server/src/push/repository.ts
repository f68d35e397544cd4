import crypto from 'crypto';
import type { Knex } from 'knex';
import { TABLES } from '../store/tables';

/** Web Push subscriptions in SQL (no Strapi). */
export interface PushSubscriptionRow {
  id: number;
  profileId: number;
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export const endpointHash = (endpoint: string) =>
  crypto.createHash('sha256').update(endpoint).digest('hex');

const toRow = (r: Record<string, unknown>): PushSubscriptionRow => ({
  id: Number(r.id),
  profileId: Number(r.profile_id),
  endpoint: String(r.endpoint),
  keys: { p256dh: String(r.p256dh), auth: String(r.auth) },
});

/**
 * Stores a browser's subscription for a profile. The same endpoint again (a refresh, a new
 * login on the same browser) updates the row and moves it to this profile; past `maxPerProfile`
 * the profile's oldest devices go.
 */
export async function saveSubscription(
  db: Knex,
  input: {
    profileId: number;
    endpoint: string;
    p256dh: string;
    auth: string;
    userAgent: string | null;
    now: number;
    maxPerProfile: number;
  }
): Promise<number> {
  return db.transaction(async (trx) => {
    const hash = endpointHash(input.endpoint);
    const fields = {
      profile_id: input.profileId,
      endpoint: input.endpoint,
      p256dh: input.p256dh,
      auth: input.auth,
      user_agent: input.userAgent,
      updated_at: input.now,
    };
    await trx(TABLES.pushSubscriptions)
      .insert({ ...fields, endpoint_hash: hash, created_at: input.now })
      .onConflict('endpoint_hash')
      .merge(fields);
    const row = await trx(TABLES.pushSubscriptions)
      .select('id')
      .where('endpoint_hash', hash)
      .first();
    const keep = await trx(TABLES.pushSubscriptions)
      .select('id')
      .where('profile_id', input.profileId)
      .orderBy([
        { column: 'updated_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(input.maxPerProfile);
    await trx(TABLES.pushSubscriptions)
      .where('profile_id', input.profileId)
      .whereNotIn(
        'id',
        keep.map((k: { id: unknown }) => Number(k.id))
      )
      .delete();
    return Number(row.id);
  });
}

/** Removes a subscription by endpoint (of this profile only, when given). */
export async function removeSubscription(
  db: Knex,
  endpoint: string,
  profileId?: number
): Promise<boolean> {
  const query = db(TABLES.pushSubscriptions).where('endpoint_hash', endpointHash(endpoint));
  if (profileId !== undefined) query.andWhere('profile_id', profileId);
  return (await query.delete()) > 0;
}

export async function removeSubscriptionsById(db: Knex, ids: number[]): Promise<void> {
  if (ids.length) await db(TABLES.pushSubscriptions).whereIn('id', ids).delete();
}

/** Each profile's subscriptions, oldest first. */
export async function subscriptionsOf(
  db: Knex,
  profileIds: number[]
): Promise<Map<number, PushSubscriptionRow[]>> {
  const out = new Map<number, PushSubscriptionRow[]>();
  for (let i = 0; i < profileIds.length; i += 500) {
    const rows = await db(TABLES.pushSubscriptions)
      .whereIn('profile_id', profileIds.slice(i, i + 500))
      .orderBy('id');
    for (const r of rows.map(toRow)) out.set(r.profileId, [...(out.get(r.profileId) ?? []), r]);
  }
  return out;
}

export async function countSubscriptions(
  db: Knex
): Promise<{ subscriptions: number; profiles: number }> {
  const row = await db(TABLES.pushSubscriptions)
    .count({ n: '*' })
    .countDistinct({ p: 'profile_id' })
    .first();
  return { subscriptions: Number(row?.n ?? 0), profiles: Number(row?.p ?? 0) };
}

/** `delivery:subscription` pairs already delivered (a retried delivery skips them). */
export async function deliveredPairs(db: Knex, deliveryIds: number[]): Promise<Set<string>> {
  const done = new Set<string>();
  for (let i = 0; i < deliveryIds.length; i += 500) {
    const rows = await db(TABLES.pushSends)
      .select('delivery_id', 'subscription_id')
      .whereIn('delivery_id', deliveryIds.slice(i, i + 500));
    for (const r of rows as Array<Record<string, unknown>>)
      done.add(`${Number(r.delivery_id)}:${Number(r.subscription_id)}`);
  }
  return done;
}

export async function recordPushSends(
  db: Knex,
  sends: Array<{ deliveryId: number; subscriptionId: number; status: number; at: number }>
): Promise<void> {
  for (let i = 0; i < sends.length; i += 200) {
    await db(TABLES.pushSends)
      .insert(
        sends
          .slice(i, i + 200)
          .map((s) => ({
            delivery_id: s.deliveryId,
            subscription_id: s.subscriptionId,
            status: s.status,
            sent_at: s.at,
          }))
      )
      .onConflict(['delivery_id', 'subscription_id'])
      .ignore();
  }
}
