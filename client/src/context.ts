/**
 * What the client tells the server about the page it runs on: the request context (time zone,
 * locale, referrer, UTM of the landing URL) and fresh anonymous ids. Pure functions of the
 * browser globals, so the client's state machine in index.ts stays about queueing and sending.
 */
import type { BrowserGlobals, ClientContext } from './types.js';

const LOCALE_PATTERN = /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/;
const UTM_KEYS = ['source', 'medium', 'campaign', 'term', 'content'] as const;
type Utm = NonNullable<ClientContext['utm']>;

/** A random id: `crypto.randomUUID` where there is one, else 32 base-36 characters. */
export function randomId(g: BrowserGlobals): string {
  const uuid = g.crypto?.randomUUID?.();
  if (uuid) return uuid;
  let s = '';
  while (s.length < 32) s += Math.random().toString(36).slice(2);
  return s.slice(0, 32);
}

/** The `utm_*` parameters of a query string (`?utm_source=…`), or undefined when it has none. */
export function utmOfSearch(search: string): Utm | undefined {
  const found: Record<string, string> = {};
  for (const pair of search.slice(1).split('&')) {
    const [k, v = ''] = pair.split('=').map((x) => {
      try {
        return decodeURIComponent(x.replace(/\+/g, ' '));
      } catch {
        return '';
      }
    });
    const key = k.slice(4) as (typeof UTM_KEYS)[number];
    if (k.startsWith('utm_') && UTM_KEYS.includes(key) && v) found[key] = v.slice(0, 200);
  }
  return Object.keys(found).length ? found : undefined;
}

/** The context sent with every batch of events. */
export function requestContext(g: BrowserGlobals, utm: Utm | undefined): ClientContext {
  const c: ClientContext = {};
  const zone = g.Intl?.DateTimeFormat().resolvedOptions().timeZone;
  if (zone) c.timezone = zone;
  const locale = g.navigator?.language;
  if (locale && LOCALE_PATTERN.test(locale)) c.locale = locale;
  if (g.document?.referrer) c.referrer = g.document.referrer.slice(0, 2000);
  if (utm) c.utm = utm;
  return c;
}

/** Context rules (UTM) on `/me` and placements see what the landing URL said. */
export function utmQuery(utm: Utm | undefined, extra = ''): string {
  const parts = extra ? [extra] : [];
  for (const k of UTM_KEYS)
    if (utm?.[k]) parts.push(`utm_${k}=${encodeURIComponent(utm[k] as string)}`);
  return parts.length ? `?${parts.join('&')}` : '';
}
