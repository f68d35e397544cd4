import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import type { Knex } from 'knex';
import type { PluginConfig } from '../config';
import type { FieldError, IdentifyResponse, ProfileExport } from '../contracts';
import { enrichContext } from '../events/context';
import { promotedFromContext, storedContext } from '../events/repository';
import type { Visitor } from '../identity/visitor';
import { mergeProfiles } from '../profiles/merge';
import {
  deleteProfileData,
  ensureProfile,
  findProfileForVisitor,
  getFullProfile,
  parseJsonColumn,
  touchProfile,
  writeTraits,
  type ProfileTarget,
} from '../profiles/repository';
import { traitsFromUser, validateIdentify } from '../profiles/traits';
import { TABLES } from '../store/tables';
import { getService } from '../utils/get-service';

export type IdentifyOutcome =
  | { ok: true; response: IdentifyResponse }
  | { ok: false; message: string; errors: FieldError[] };

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Profiles: identify (traits, anonymous → user merge), export and deletion. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const knex = (): Knex => getService(strapi, 'store').knex();
  const config = () => strapi.config.get('plugin::segments') as PluginConfig;

  async function userTraits(userId: number) {
    const user = (await strapi.db
      .query('plugin::users-permissions.user')
      .findOne({ where: { id: userId } })) as Record<string, unknown> | null;
    return user ? traitsFromUser(user, config().identify.userFields) : null;
  }

  return {
    async identify(
      ctx: Context,
      body: unknown,
      visitor: Visitor,
      isApiToken: boolean
    ): Promise<IdentifyOutcome> {
      const checked = validateIdentify(body, { isApiToken });
      if (!checked.ok) return { ok: false, message: 'Invalid identify call', errors: checked.errors };
      const { input } = checked;
      // API tokens name the visitor in the body; everyone else is who the request proves.
      const userId = isApiToken ? input.userId : visitor.kind === 'user' ? visitor.userId : undefined;
      const anonymousId = isApiToken
        ? input.anonymousId
        : visitor.kind === 'none'
          ? undefined
          : (visitor.anonymousId ?? undefined);
      if (userId === undefined && anonymousId === undefined) {
        const header = config().identity.anonymousIdHeader;
        return {
          ok: false,
          message: 'No visitor: log in or send an anonymous id',
          errors: [{ path: header, message: 'send an anonymous id (header or cookie) or a users-permissions JWT' }],
        };
      }
      const fromUser = userId !== undefined ? await userTraits(userId) : null;
      const context = isApiToken
        ? null
        : enrichContext((name) => ctx.get(name), {}, getService(strapi, 'geoip').lookup(ctx.request.ip));
      const now = Date.now();

      const result = await knex().transaction(async (trx) => {
        let mergedProfileId: number | null = null;
        let profileId: number;
        if (userId !== undefined) {
          const userProfile = await findProfileForVisitor(trx, { kind: 'user', userId, anonymousId: null });
          const anonProfile = anonymousId
            ? await findProfileForVisitor(trx, { kind: 'anonymous', anonymousId })
            : null;
          if (anonProfile && !userProfile && anonProfile.userId === null) {
            // First login of a known visitor: the anonymous profile becomes the user's.
            await trx(TABLES.profiles).where('id', anonProfile.id).update({ user_id: userId, updated_at: now });
            await trx(TABLES.identities)
              .insert({ kind: 'user', value: String(userId), profile_id: anonProfile.id, created_at: now })
              .onConflict(['kind', 'value'])
              .ignore();
            profileId = anonProfile.id;
          } else if (anonProfile && userProfile && anonProfile.id !== userProfile.id && anonProfile.userId === null) {
            await mergeProfiles(trx, anonProfile.id, userProfile.id, now);
            mergedProfileId = anonProfile.id;
            profileId = userProfile.id;
          } else {
            // No anonymous history, or it already belongs to someone: never take over another
            // user's profile because a browser still sends its anonymous id.
            profileId = await ensureProfile(trx, { userId } as ProfileTarget, now);
          }
        } else {
          profileId = await ensureProfile(trx, { anonymousId: anonymousId as string }, now);
        }
        // Request context first, so traits the client states explicitly win over headers.
        await touchProfile(
          trx,
          profileId,
          {
            lastSeenAt: now,
            firstSeenAt: now,
            ...(context
              ? { context: storedContext(context), columns: promotedFromContext(context) }
              : {}),
          },
          now
        );
        const traits = await writeTraits(
          trx,
          profileId,
          { ...input.traits, ...(fromUser?.traits ?? {}) },
          { ...input.columns, ...(fromUser?.columns ?? {}) },
          now
        );
        return { profileId, traits, mergedProfileId };
      });
      for (const id of [result.profileId, result.mergedProfileId]) {
        if (typeof id === 'number') getService(strapi, 'segments').invalidateProfile(id);
      }
      return { ok: true, response: result };
    },

    async exportProfile(id: number): Promise<ProfileExport | null> {
      const db = knex();
      const profile = await getFullProfile(db, id);
      if (!profile) return null;
      const [identities, events, rollups, days] = await Promise.all([
        db(TABLES.identities).select('kind', 'value').where('profile_id', id).orderBy(['kind', 'value']),
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
        identities: identities.map((r: { kind: string; value: string }) => ({ kind: r.kind, value: r.value })),
        events: events.map(
          (r: { name: string; occurred_at: number | string; value: number | string | null; properties: unknown; message_id: string | null }) => ({
            name: r.name,
            occurredAt: new Date(Number(r.occurred_at)).toISOString(),
            value: r.value === null ? null : Number(r.value),
            properties: parseJsonColumn(r.properties),
            messageId: r.message_id,
          })
        ),
        rollups: rollups.map((r: { day: string; event: string; count: number | string; value_sum: number | string }) => ({
          day: r.day,
          event: r.event,
          count: Number(r.count),
          valueSum: Number(r.value_sum),
        })),
        activityDays: days.map((r: { day: string }) => r.day),
      };
    },

    async deleteProfile(id: number): Promise<boolean> {
      getService(strapi, 'segments').invalidateProfile(id);
      return deleteProfileData(knex(), id);
    },
  };
};
