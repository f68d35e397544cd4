import type { Knex } from 'knex';
import { TABLES } from '../store/tables';
import { addActivityDays, addRollups } from '../events/repository';
import { aggregate } from '../events/rollups';
import { getFullProfile, toJsonColumn } from '../profiles/repository';

/**
 * Merges profile `fromId` (an anonymous visitor) into `intoId` (the user they logged in as):
 * events re-pointed, rollups summed, activity days united, identities kept, traits combined
 * (the user's win), then the anonymous profile is removed. Run inside a transaction.
 * A second call finds nothing to merge (the anonymous id then resolves to the user's profile).
 */
export async function mergeProfiles(
  trx: Knex.Transaction,
  fromId: number,
  intoId: number,
  now: number
): Promise<void> {
  if (fromId === intoId) return;
  const from = await getFullProfile(trx, fromId);
  const into = await getFullProfile(trx, intoId);
  if (!from || !into) return;

  // The same messageId stored under both profiles is one event sent twice: keep the user's copy
  // and take the anonymous copy out of the anonymous rollups before they are summed.
  const duplicates = await trx(TABLES.events)
    .select('id', 'name', 'occurred_at', 'value')
    .where('profile_id', fromId)
    .whereNotNull('message_id')
    .whereIn(
      'message_id',
      trx(TABLES.events).select('message_id').where('profile_id', intoId).whereNotNull('message_id')
    );
  if (duplicates.length) {
    const { rollups } = aggregate(
      duplicates.map((row: { name: string; occurred_at: number | string; value: number | string | null }) => ({
        profileId: fromId,
        name: row.name,
        occurredAt: Number(row.occurred_at),
        value: row.value === null ? null : Number(row.value),
      }))
    );
    for (const delta of rollups) {
      await trx(TABLES.rollups)
        .where({ profile_id: fromId, event: delta.event, day: delta.day })
        .update({
          count: trx.raw('count - ?', [delta.count]),
          value_sum: trx.raw('value_sum - ?', [delta.valueSum]),
        });
    }
    await trx(TABLES.rollups).where('profile_id', fromId).andWhere('count', '<=', 0).delete();
    await trx(TABLES.events)
      .whereIn(
        'id',
        duplicates.map((row: { id: number | string }) => row.id)
      )
      .delete();
  }
  await trx(TABLES.events).where('profile_id', fromId).update({ profile_id: intoId });

  const rollups = await trx(TABLES.rollups).select('*').where('profile_id', fromId);
  await addRollups(
    trx,
    rollups.map((r: { event: string; day: string; count: number | string; value_sum: number | string }) => ({
      profileId: intoId,
      event: r.event,
      day: r.day,
      count: Number(r.count),
      valueSum: Number(r.value_sum),
    }))
  );
  await trx(TABLES.rollups).where('profile_id', fromId).delete();

  const days = await trx(TABLES.activityDays).select('day').where('profile_id', fromId);
  await addActivityDays(
    trx,
    days.map((d: { day: string }) => ({ profileId: intoId, day: d.day }))
  );
  await trx(TABLES.activityDays).where('profile_id', fromId).delete();

  await trx(TABLES.identities).where('profile_id', fromId).update({ profile_id: intoId });
  // Batch memberships are derived: the merged-away profile's go, the next recompute decides the
  // user's. Transitions are history and follow the person.
  await trx(TABLES.memberships).where('profile_id', fromId).delete();
  await trx(TABLES.membershipTransitions).where('profile_id', fromId).update({ profile_id: intoId });
  // The anonymous visitor's devices are the user's devices now.
  await trx(TABLES.pushSubscriptions).where('profile_id', fromId).update({ profile_id: intoId });
  // In-app messages the visitor saw, dismissed or clicked stay seen after logging in: their
  // deliveries follow, unless the user already has one of the same campaign (theirs is kept).
  await trx(TABLES.deliveries)
    .where({ profile_id: fromId, channel: 'inapp' })
    .whereNotIn('run_id', trx(TABLES.deliveries).select('run_id').where('profile_id', intoId))
    .update({ profile_id: intoId });
  await trx(TABLES.profiles).where('id', fromId).delete();

  const pick = <T>(a: T | null, b: T | null) => (a !== null ? a : b);
  await trx(TABLES.profiles)
    .where('id', intoId)
    .update({
      // Freed by the delete above; keeps `anonymous_id` lookups one indexed read.
      anonymous_id: pick(into.anonymousId, from.anonymousId),
      email: pick(into.email, from.email),
      timezone: pick(into.timezone, from.timezone),
      locale: pick(into.locale, from.locale),
      country: pick(into.country, from.country),
      region: pick(into.region, from.region),
      city: pick(into.city, from.city),
      latitude: pick(into.latitude, from.latitude),
      longitude: pick(into.longitude, from.longitude),
      traits: toJsonColumn({ ...from.traits, ...into.traits }),
      context: toJsonColumn(pick(into.context, from.context)),
      email_consent: pick(into.emailConsent, from.emailConsent),
      // An unsubscribe given under either identity stands.
      unsubscribed_at: pick(into.unsubscribedAt, from.unsubscribedAt),
      first_seen_at: Math.min(into.firstSeenAt, from.firstSeenAt),
      last_seen_at: Math.max(into.lastSeenAt, from.lastSeenAt),
      updated_at: now,
    });
}
