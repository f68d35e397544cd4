import type { Context } from 'koa';
import type { FieldError } from '../contracts';

/** Strapi's error envelope, with the field errors under `error.details.errors`. */
export function replyError(
  ctx: Context,
  status: 400 | 403 | 404 | 413,
  message: string,
  errors: FieldError[] = []
): void {
  const names = {
    400: 'ValidationError',
    403: 'ForbiddenError',
    404: 'NotFoundError',
    413: 'PayloadTooLargeError',
  };
  ctx.status = status;
  ctx.body = { data: null, error: { status, name: names[status], message, details: { errors } } };
}

// Strapi ≤ 5.x early releases named the strategy `api-token`; 5.54 calls it `content-api-token`.
const API_TOKEN_STRATEGIES = new Set(['api-token', 'content-api-token']);

/** True for a Strapi API-token caller (server-side integrations), who may name any visitor. */
export const isApiTokenCaller = (ctx: Context): boolean =>
  API_TOKEN_STRATEGIES.has(String(ctx.state?.auth?.strategy?.name ?? ''));
