import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { getService } from '../shell/get-service';

/** Admin: POST /segments/retention/purge — delete what is past retention now. */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async purge(ctx: Context) {
    ctx.body = { data: await getService(strapi, 'retention').purge() };
  },
});
