import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import type { PluginConfig } from '../config';
import { enrichContext } from './context';
import { dayInTimeZone } from '../utils/days';
import { ingestEvents } from './repository';
import { validateBatch, type FieldError } from './validate';
import type { Visitor } from '../profiles/visitor';
import type { ProfileTarget } from '../profiles/repository';
import type { EventsResponse } from '../contracts';
import { getService } from '../shell/get-service';

export type IngestOutcome =
  | { ok: true; response: EventsResponse }
  | { ok: false; errors: FieldError[]; message: string };

/** The profile a visitor's own writes go to; `none` has no profile. */
export function targetOfVisitor(visitor: Visitor): ProfileTarget | null {
  if (visitor.kind === 'user') return { userId: visitor.userId };
  if (visitor.kind === 'anonymous') return { anonymousId: visitor.anonymousId };
  return null;
}

/** Strapi shell around events/: validate, enrich from the request, store. */
const eventsService = ({ strapi }: { strapi: Core.Strapi }) => ({
  async ingest(
    ctx: Context,
    body: unknown,
    visitor: Visitor,
    isApiToken: boolean
  ): Promise<IngestOutcome> {
    const config = strapi.config.get('plugin::segments') as PluginConfig;
    const now = Date.now();
    const result = validateBatch(body, {
      now,
      rawEventsDays: config.retention.rawEventsDays,
      isApiToken,
    });
    if (!result.ok) return { ok: false, errors: result.errors, message: 'Invalid event batch' };
    const { batch } = result;
    // API tokens speak for others (their events name the visitor); everyone else for themself.
    const defaultTarget = isApiToken ? null : targetOfVisitor(visitor);
    if (!isApiToken && !defaultTarget) {
      return {
        ok: false,
        message: 'No visitor: log in or send an anonymous id',
        errors: [
          {
            path: config.identity.anonymousIdHeader,
            message: 'send an anonymous id (header or cookie) or a users-permissions JWT',
          },
        ],
      };
    }
    const stored = batch.events.length
      ? await ingestEvents(getService(strapi, 'store').knex(), {
          events: batch.events,
          defaultTarget,
          context: defaultTarget
            ? enrichContext((name) => ctx.get(name), batch.context, getService(strapi, 'geoip').lookup(ctx.request.ip))
            : null,
          now,
          activityDay: dayInTimeZone(config.analytics.timeZone),
          afterWrite: (trx, eventsOf) =>
          getService(strapi, 'memberships').markEventsStored(eventsOf, trx),
        })
      : { stored: 0, duplicates: 0, profileIds: [] };
    // Their segments may have changed: `/me` must not answer from stale facts.
    for (const id of stored.profileIds) getService(strapi, 'segments').invalidateProfile(id);
    return {
      ok: true,
      response: {
        accepted: batch.events.length,
        duplicates: stored.duplicates,
        rejected: batch.rejected,
      },
    };
  },
});

export default eventsService;
export type EventsService = ReturnType<typeof eventsService>;
declare module '../shell/get-service' {
  interface PluginServices {
    events: EventsService;
  }
}
