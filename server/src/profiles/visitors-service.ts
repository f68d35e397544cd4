import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { ACTING_USER_HEADER, VisitorInputError, resolveVisitor, type Visitor } from './visitor';
import { isApiTokenCaller, replyError } from '../shell/http';
import { findProfileForVisitor, type ProfileRow } from './repository';
import type { PluginConfig } from '../config';
import { getService } from '../shell/get-service';

/** Strapi shell around profiles/visitor.ts: reads the request, returns who is asking. */
const visitorsService = ({ strapi }: { strapi: Core.Strapi }) => ({
  fromRequest(ctx: Context): Visitor {
    const config = strapi.config.get('plugin::segments') as PluginConfig;
    const { anonymousIdHeader, cookie } = config.identity;
    const user = ctx.state?.user as { id?: unknown } | undefined;
    // API-token callers have no users-permissions user: only a real JWT user counts here.
    const authenticatedUserId =
      ctx.state?.auth?.strategy?.name === 'users-permissions' && typeof user?.id === 'number'
        ? user.id
        : null;
    // Only a server-side API-token caller may say which user it renders for.
    const actingUser = ctx.get(ACTING_USER_HEADER) || null;
    if (actingUser && !isApiTokenCaller(ctx)) {
      throw new VisitorInputError(
        ACTING_USER_HEADER,
        `${ACTING_USER_HEADER} is only accepted with an API token`
      );
    }
    return resolveVisitor(
      {
        authenticatedUserId,
        apiTokenUserId: actingUser,
        headerAnonymousId: ctx.get(anonymousIdHeader) || null,
        cookieAnonymousId: cookie.enabled ? (ctx.cookies.get(cookie.name) ?? null) : null,
      },
      anonymousIdHeader
    );
  },

  /** The requesting visitor, or a 400 naming the malformed header (then `null`). */
  fromRequestOrReply(ctx: Context): Visitor | null {
    try {
      return this.fromRequest(ctx);
    } catch (error) {
      if (error instanceof VisitorInputError) {
        replyError(ctx, 400, error.message, [{ path: error.field, message: error.message }]);
        return null;
      }
      throw error;
    }
  },

  async profileOf(visitor: Visitor): Promise<ProfileRow | null> {
    return findProfileForVisitor(getService(strapi, 'store').knex(), visitor);
  },
});

export default visitorsService;
export type VisitorsService = ReturnType<typeof visitorsService>;
declare module '../shell/get-service' {
  interface PluginServices {
    visitors: VisitorsService;
  }
}
