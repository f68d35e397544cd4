import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { getService } from '../shell/get-service';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /segments/overview (admin) — counts for the plugin's home page. */
  async get(ctx: Context) {
    ctx.body = { data: await getService(strapi, 'overview').get() };
  },
});
