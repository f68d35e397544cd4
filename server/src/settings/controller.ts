import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { getService } from '../shell/get-service';

/** GET /segments/settings, POST /segments/settings/smtp-check (admin). */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async get(ctx: Context) {
    const settings = getService(strapi, 'settings');
    ctx.body = {
      data: { ...settings.effective(), channels: await settings.channels(), scheduler: await settings.scheduler() },
    };
  },

  /** 200 either way: a failed connection is the answer to the question, not a request error. */
  async smtpCheck(ctx: Context) {
    ctx.body = { data: await getService(strapi, 'settings').smtpCheck() };
  },
});
