import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import type { Knex } from 'knex';
import type { PluginConfig } from '../config';
import type { FieldError, IdentifyResponse } from '../contracts';
import { enrichContext } from '../events/context';
import { promotedFromContext, storedContext } from '../events/repository';
import type { Visitor } from '../profiles/visitor';
import { mergeProfiles } from './merge';
import {
  ensureProfile,
  findProfileForVisitor,
  touchProfile,
  writeTraits,
  type ProfileTarget,
} from '../profiles/repository';
import { traitsFromUser, validateIdentify } from '../profiles/traits';
import { TABLES } from '../store/tables';
import { getService } from '../shell/get-service';

export type IdentifyOutcome =
  | { ok: true; response: IdentifyResponse }
  | { ok: false; message: string; errors: FieldError[] };

/** Identify: a visitor's traits, and on login the merge of their anonymous history into the user's. */
const identityService = ({ strapi }: { strapi: Core.Strapi }) => {
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
        // Traits or a merge can change stored memberships: queued with this transaction.
        // Promoted columns are read by rules under their own names (email, country, …).
        const written = Object.keys({
          ...input.traits,
          ...(fromUser?.traits ?? {}),
          ...input.columns,
          ...(fromUser?.columns ?? {}),
        });
        await getService(strapi, 'memberships').markChanged(
          mergedProfileId === null
            ? [{ profileId, attributes: written, activity: true }]
            : [profileId, mergedProfileId].map((id) => ({ profileId: id, everything: true })),
          trx
        );
        return { profileId, traits, mergedProfileId };
      });
      for (const id of [result.profileId, result.mergedProfileId]) {
        if (typeof id === 'number') getService(strapi, 'segments').invalidateProfile(id);
      }
      return { ok: true, response: result };
    },
  };
};

export default identityService;
export type IdentityService = ReturnType<typeof identityService>;
declare module '../shell/get-service' {
  interface PluginServices {
    identity: IdentityService;
  }
}
