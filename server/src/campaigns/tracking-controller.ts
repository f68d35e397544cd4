import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { getService } from '../shell/get-service';
import { replyError } from '../shell/http';

// A 1×1 transparent GIF.
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

const invalid = (ctx: Context) =>
  replyError(ctx, 400, 'invalid or altered tracking token', [{ path: 'token', message: 'invalid or altered token' }]);

const page = (title: string, body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title></head><body style="font-family:sans-serif;max-width:32rem;margin:3rem auto">${body}</body></html>`;

/** Tracking endpoints in campaign e-mails: open pixel, click redirect, one-click unsubscribe. */
export default ({ strapi }: { strapi: Core.Strapi }) => {
  const service = () => getService(strapi, 'campaigns');
  return {
    /** GET /t/o/:token(.gif) */
    async open(ctx: Context) {
      const token = String(ctx.params.token).replace(/\.gif$/, '');
      if (!(await service().trackOpen(token, Date.now(), ctx.get('user-agent') || null))) return invalid(ctx);
      ctx.set('Cache-Control', 'no-store, private');
      ctx.type = 'image/gif';
      ctx.body = PIXEL;
    },

    /** GET /t/c/:token → 302 to the signed destination (never to anything else). */
    async click(ctx: Context) {
      const url = await service().trackClick(String(ctx.params.token));
      if (!url) return invalid(ctx);
      ctx.set('Cache-Control', 'no-store, private');
      ctx.redirect(url);
    },

    /**
     * GET /t/u/:token shows a confirmation form: link scanners fetch every URL in a message, so
     * a GET must not unsubscribe. POST (the form, or a mail client's RFC 8058 one-click) does.
     */
    async unsubscribePage(ctx: Context) {
      const d = await service().checkUnsubscribeToken(String(ctx.params.token));
      if (d === false) return invalid(ctx);
      ctx.type = 'text/html';
      ctx.set('Cache-Control', 'no-store, private');
      ctx.body = page(
        'Unsubscribe',
        `<h1>Unsubscribe</h1><p>Stop receiving these e-mails?</p><form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`
      );
    },

    /** POST /t/d/:token — the service worker showed the notification. */
    async pushDisplayed(ctx: Context) {
      if (!(await service().trackPush(String(ctx.params.token), 'displayed'))) return invalid(ctx);
      ctx.status = 204;
    },

    /** POST /t/p/:token `{ action? }` — the notification (or one of its buttons) was clicked. */
    async pushClicked(ctx: Context) {
      const body = (ctx.request as { body?: { action?: unknown } }).body;
      const action = typeof body?.action === 'string' && /^[A-Za-z0-9_-]{1,32}$/.test(body.action) ? body.action : null;
      if (!(await service().trackPush(String(ctx.params.token), 'pushclick', Date.now(), action))) return invalid(ctx);
      ctx.status = 204;
    },

    async unsubscribe(ctx: Context) {
      const result = await service().unsubscribe(String(ctx.params.token));
      if (result === 'invalid') return invalid(ctx);
      if (result === 'unknown') {
        return replyError(ctx, 404, 'this message no longer exists', [{ path: 'token', message: 'unknown delivery' }]);
      }
      ctx.type = 'text/html';
      ctx.body = page('Unsubscribed', '<h1>You are unsubscribed</h1><p>You will not receive these e-mails any more.</p>');
    },
  };
};
