import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { VisitorInputError } from '../identity/visitor';
import { getService } from '../utils/get-service';
import type { MeResponse } from '../contracts';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /api/segments/me — who the plugin thinks this visitor is. */
  async me(ctx: Context) {
    const visitors = getService(strapi, 'visitors');
    let visitor;
    try {
      visitor = visitors.fromRequest(ctx);
    } catch (error) {
      if (error instanceof VisitorInputError) {
        return ctx.badRequest(error.message, {
          errors: [{ path: error.field, message: error.message }],
        });
      }
      throw error;
    }
    const profile = await visitors.profileOf(visitor);
    const data: MeResponse = {
      visitor,
      profileId: profile?.id ?? null,
      firstSeenAt: profile ? new Date(profile.firstSeenAt).toISOString() : null,
      lastSeenAt: profile ? new Date(profile.lastSeenAt).toISOString() : null,
    };
    ctx.body = { data };
  },
});
