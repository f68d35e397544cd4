import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import type { InappMessage } from '../contracts';
import type { PluginConfig } from '../config';
import { requestContext } from '../personalization/request';
import { ensureProfile } from '../profiles/repository';
import type { Visitor } from '../profiles/visitor';
import { getService } from '../shell/get-service';

/**
 * In-app delivery, Strapi shell: who is asking (the same visitor and real-time segment
 * evaluation as `/me`), then the campaigns service's selection of due messages.
 */
const inappService = ({ strapi }: { strapi: Core.Strapi }) => ({
  /** The messages due for this visitor now; `segments` when the caller has evaluated them already. */
  async messagesFor(ctx: Context, visitor: Visitor, segments?: string[]): Promise<InappMessage[]> {
    if (visitor.kind === 'none') return [];
    const profile = await getService(strapi, 'visitors').profileOf(visitor);
    const keys =
      segments ??
      (await getService(strapi, 'segments').keysForVisitor(
        profile?.id ?? null,
        requestContext(ctx)
      ));
    return getService(strapi, 'campaigns').inappMessages(async () => {
      if (profile) return profile.id;
      // A known visitor without a profile yet (no event so far): caps need a row to count on.
      const target =
        visitor.kind === 'user' ? { userId: visitor.userId } : { anonymousId: visitor.anonymousId };
      return ensureProfile(getService(strapi, 'store').knex(), target, Date.now());
    }, keys);
  },

  /**
   * Headers of every answer that holds one visitor's messages: never stored by a shared cache,
   * and varied on everything that says who the visitor is.
   */
  setPrivate(ctx: Context): void {
    const { anonymousIdHeader, cookie } = (strapi.config.get('plugin::segments') as PluginConfig)
      .identity;
    ctx.set('Cache-Control', 'private, no-store');
    ctx.vary('Authorization');
    ctx.vary(anonymousIdHeader);
    if (cookie.enabled) ctx.vary('Cookie');
  },
});

export default inappService;
export type InappService = ReturnType<typeof inappService>;
declare module '../shell/get-service' {
  interface PluginServices {
    inapp: InappService;
  }
}
