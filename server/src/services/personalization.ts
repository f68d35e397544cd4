import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { errors } from '@strapi/utils';
import { VisitorInputError, type Visitor } from '../identity/visitor';
import type { ProfileRow } from '../profiles/repository';
import { requestContext } from '../personalization/request';
import { getService } from '../utils/get-service';

export interface VisitorState {
  visitor: Visitor;
  profile: ProfileRow | null;
}

/** Who is asking and their segments, once per request (targeting, placements and /me share it). */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async visitorOf(ctx: Context): Promise<VisitorState> {
    const state = ctx.state as { segmentsVisitor?: Promise<VisitorState> };
    state.segmentsVisitor ??= (async () => {
      let visitor: Visitor;
      try {
        visitor = getService(strapi, 'visitors').fromRequest(ctx);
      } catch (error) {
        if (error instanceof VisitorInputError) {
          throw new errors.ValidationError(error.message, {
            errors: [{ path: error.field, message: error.message }],
          });
        }
        throw error;
      }
      const profile = await getService(strapi, 'visitors').profileOf(visitor);
      return { visitor, profile };
    })();
    return state.segmentsVisitor;
  },

  async visitorSegmentKeys(ctx: Context): Promise<string[]> {
    const { profile } = await this.visitorOf(ctx);
    return getService(strapi, 'segments').keysForVisitor(profile?.id ?? null, requestContext(ctx));
  },
});
