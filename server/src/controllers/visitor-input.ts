import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { VisitorInputError, type Visitor } from '../identity/visitor';
import { getService } from '../utils/get-service';
import { replyError } from '../utils/http';

/** The requesting visitor, or a 400 naming the malformed header (then `null`). */
export function visitorOrReply(strapi: Core.Strapi, ctx: Context): Visitor | null {
  try {
    return getService(strapi, 'visitors').fromRequest(ctx);
  } catch (error) {
    if (error instanceof VisitorInputError) {
      replyError(ctx, 400, error.message, [{ path: error.field, message: error.message }]);
      return null;
    }
    throw error;
  }
}
