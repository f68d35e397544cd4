import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { getService } from '../shell/get-service';
import { replyError } from '../shell/http';

const ACTIONS = ['displayed', 'clicked', 'dismissed'] as const;
type Action = (typeof ACTIONS)[number];

/** The storefront's in-app routes: the due messages, and the client's report of each show. */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /messages — the messages due for this visitor now, highest priority first. */
  async messages(ctx: Context) {
    const visitor = getService(strapi, 'visitors').fromRequestOrReply(ctx);
    if (!visitor) return;
    getService(strapi, 'inapp').setPrivate(ctx);
    ctx.body = { data: await getService(strapi, 'inapp').messagesFor(ctx, visitor) };
  },

  /**
   * POST /messages/:id/:action `{ button? }` — the client showed, clicked or dismissed one
   * message. No login: the signed id is the credential (a report may come from a closing page).
   */
  async report(ctx: Context) {
    const action = String(ctx.params.action) as Action;
    if (!ACTIONS.includes(action))
      return replyError(ctx, 400, `action: must be one of ${ACTIONS.join(', ')}`, [
        { path: 'action', message: `must be one of ${ACTIONS.join(', ')}` },
      ]);
    const body = ((ctx.request as { body?: unknown }).body ?? {}) as Record<string, unknown>;
    const button = body.button ?? null;
    if (
      button !== null &&
      (action !== 'clicked' || !Number.isInteger(button) || (button as number) < 0)
    )
      return replyError(ctx, 400, 'button: a button index (0 or 1), only with clicked', [
        { path: 'button', message: 'a button index (0 or 1), only with clicked' },
      ]);
    const outcome = await getService(strapi, 'campaigns').reportInapp(
      String(ctx.params.id),
      action,
      button as number | null
    );
    if (outcome === 'button')
      return replyError(ctx, 400, 'button: the message has no such button', [
        { path: 'button', message: 'the message has no such button' },
      ]);
    if (outcome !== 'ok')
      return replyError(ctx, 404, 'id: no such message', [
        { path: 'id', message: 'no such message' },
      ]);
    ctx.body = { data: { recorded: true } };
  },
});
