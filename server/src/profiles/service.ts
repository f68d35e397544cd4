import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import type { ProfileExport } from '../contracts';
import { deleteProfileData, getFullProfile, parseJsonColumn } from './repository';
import { TABLES } from '../store/tables';
import { getService } from '../shell/get-service';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** One profile's data export and erasure (the visitor's own, or an admin's privacy request). */
const profilesService = ({ strapi }: { strapi: Core.Strapi }) => {
  const knex = (): Knex => getService(strapi, 'store').knex();

  return {
    async exportProfile(id: number): Promise<ProfileExport | null> {
      const db = knex();
      const profile = await getFullProfile(db, id);
      if (!profile) return null;
      const [identities, events, rollups, days] = await Promise.all([
        db(TABLES.identities)
          .select('kind', 'value')
          .where('profile_id', id)
          .orderBy(['kind', 'value']),
        db(TABLES.events)
          .select('name', 'occurred_at', 'value', 'properties', 'message_id')
          .where('profile_id', id)
          .orderBy(['occurred_at', 'id']),
        db(TABLES.rollups).select('*').where('profile_id', id).orderBy(['day', 'event']),
        db(TABLES.activityDays).select('day').where('profile_id', id).orderBy('day'),
      ]);
      return {
        profile: {
          id: profile.id,
          userId: profile.userId,
          anonymousId: profile.anonymousId,
          email: profile.email,
          timezone: profile.timezone,
          locale: profile.locale,
          country: profile.country,
          region: profile.region,
          city: profile.city,
          latitude: profile.latitude,
          longitude: profile.longitude,
          traits: profile.traits,
          context: profile.context,
          emailConsent: profile.emailConsent,
          unsubscribedAt: iso(profile.unsubscribedAt),
          firstSeenAt: new Date(profile.firstSeenAt).toISOString(),
          lastSeenAt: new Date(profile.lastSeenAt).toISOString(),
        },
        identities: identities.map((r: { kind: string; value: string }) => ({
          kind: r.kind,
          value: r.value,
        })),
        events: events.map(
          (r: {
            name: string;
            occurred_at: number | string;
            value: number | string | null;
            properties: unknown;
            message_id: string | null;
          }) => ({
            name: r.name,
            occurredAt: new Date(Number(r.occurred_at)).toISOString(),
            value: r.value === null ? null : Number(r.value),
            properties: parseJsonColumn(r.properties),
            messageId: r.message_id,
          })
        ),
        rollups: rollups.map(
          (r: {
            day: string;
            event: string;
            count: number | string;
            value_sum: number | string;
          }) => ({
            day: r.day,
            event: r.event,
            count: Number(r.count),
            valueSum: Number(r.value_sum),
          })
        ),
        activityDays: days.map((r: { day: string }) => r.day),
      };
    },

    async deleteProfile(id: number): Promise<boolean> {
      getService(strapi, 'segments').invalidateProfile(id);
      return deleteProfileData(knex(), id);
    },
  };
};

export default profilesService;
export type ProfilesService = ReturnType<typeof profilesService>;
declare module '../shell/get-service' {
  interface PluginServices {
    profiles: ProfilesService;
  }
}
