import { enrichContext } from '../events/context';
import { isValidTimeZone } from '../rules/time';
import type { RequestContext } from '../rules';

const UTM_KEYS = ['source', 'medium', 'campaign', 'term', 'content'] as const;

/**
 * The context of this request for context rules: device/OS/browser from the User-Agent, UTM
 * parameters from the query (`utm_source`, …), the time zone from `X-Segments-Timezone`.
 * Shared by `/me`, placements and the targeting middleware so all three see the same segments.
 */
/** What `requestContext` reads of a request (Koa's Context has it). */
export interface RequestView {
  query: Record<string, unknown>;
  get(header: string): string;
}

export function requestContext(ctx: RequestView): RequestContext {
  const utm: Record<string, string> = {};
  for (const key of UTM_KEYS) {
    const value = ctx.query[`utm_${key}`];
    if (typeof value === 'string' && value.length <= 200) utm[key] = value;
  }
  const zone = ctx.get('x-segments-timezone');
  const { geo: _geo, ...context } = enrichContext((name) => ctx.get(name) || undefined, {
    ...(Object.keys(utm).length ? { utm } : {}),
    ...(zone && isValidTimeZone(zone) ? { timezone: zone } : {}),
    ...(ctx.get('referer') ? { referrer: ctx.get('referer').slice(0, 500) } : {}),
  });
  return context;
}
