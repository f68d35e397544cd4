import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { getService } from '../shell/get-service';
import { replyError } from '../shell/http';

// Not text/*: Strapi's body parser leaves these types alone, so the request stays a stream.
const FORMATS: Record<string, 'ndjson' | 'csv'> = {
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/csv': 'csv',
};

/** Admin: POST /segments/import — bulk event history (NDJSON or CSV), streamed. */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async import(ctx: Context) {
    const type = String(ctx.request.type ?? '').toLowerCase();
    const format = FORMATS[type];
    if (!format) {
      return replyError(ctx, 400, 'Unsupported import format', [
        { path: 'content-type', message: `must be one of ${Object.keys(FORMATS).join(', ')}` },
      ]);
    }
    ctx.body = { data: await getService(strapi, 'importer').importStream(ctx.req, format) };
  },
});
