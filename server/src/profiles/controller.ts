import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { getService } from '../shell/get-service';
import { replyError } from '../shell/http';

function profileId(ctx: Context): number | null {
  const id = Number(ctx.params.id);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/** Admin: one profile's data export and erasure (privacy requests). */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async export(ctx: Context) {
    const id = profileId(ctx);
    if (id === null)
      return replyError(ctx, 400, 'Invalid profile id', [
        { path: 'id', message: 'must be a positive integer' },
      ]);
    const data = await getService(strapi, 'profiles').exportProfile(id);
    if (!data) return replyError(ctx, 404, `No profile ${id}`);
    ctx.set('Content-Disposition', `attachment; filename="segments-profile-${id}.json"`);
    ctx.body = { data };
  },

  async delete(ctx: Context) {
    const id = profileId(ctx);
    if (id === null)
      return replyError(ctx, 400, 'Invalid profile id', [
        { path: 'id', message: 'must be a positive integer' },
      ]);
    const deleted = await getService(strapi, 'profiles').deleteProfile(id);
    if (!deleted) return replyError(ctx, 404, `No profile ${id}`);
    ctx.body = { data: { deleted: true, profileId: id } };
  },
});
