import UAParser from 'ua-parser-js';
import type { ClientContext } from './validate';
import type { Geo } from '../geo/types';

/**
 * Request context from headers (DESIGN §7 "geo source: CDN headers by default") and what the
 * client said about itself. Pure: the shell passes a header getter.
 */
export type { Geo };

export interface EnrichedContext {
  geo: Geo;
  /** Shape of rules/types RequestContext, stored in segments_profiles.context. */
  device?: string;
  os?: string;
  browser?: string;
  timezone?: string;
  locale?: string;
  referrer?: string;
  utm?: ClientContext['utm'];
}

export type HeaderGetter = (name: string) => string | undefined;

// Cloudflare, CloudFront and Vercel; the first one present wins. `XX`/`T1` are "unknown"/Tor.
const COUNTRY_HEADERS = ['cf-ipcountry', 'cloudfront-viewer-country', 'x-vercel-ip-country'];

function header(get: HeaderGetter, name: string): string | undefined {
  const value = get(name);
  return value === undefined || value === '' ? undefined : value.trim();
}

function coordinate(raw: string | undefined, limit: number): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  return Number.isFinite(value) && Math.abs(value) <= limit ? value : undefined;
}

/** Vercel URL-encodes city names (`S%C3%A3o%20Paulo`). */
function decodeCity(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  try {
    return decodeURIComponent(raw).slice(0, 100);
  } catch {
    return raw.slice(0, 100);
  }
}

export function geoFromHeaders(get: HeaderGetter): Geo {
  const geo: Geo = {};
  for (const name of COUNTRY_HEADERS) {
    const value = header(get, name)?.toUpperCase();
    if (value && /^[A-Z]{2}$/.test(value) && value !== 'XX') {
      geo.country = value;
      break;
    }
  }
  const region =
    header(get, 'x-vercel-ip-country-region') ?? header(get, 'cloudfront-viewer-country-region');
  if (region) geo.region = region.slice(0, 100);
  const city = decodeCity(header(get, 'x-vercel-ip-city') ?? header(get, 'cloudfront-viewer-city'));
  if (city) geo.city = city;
  const latitude = coordinate(
    header(get, 'x-vercel-ip-latitude') ?? header(get, 'cloudfront-viewer-latitude'),
    90
  );
  const longitude = coordinate(
    header(get, 'x-vercel-ip-longitude') ?? header(get, 'cloudfront-viewer-longitude'),
    180
  );
  // A point needs both halves.
  if (latitude !== undefined && longitude !== undefined) {
    geo.latitude = latitude;
    geo.longitude = longitude;
  }
  return geo;
}

const BOT_PATTERN = /bot|crawler|spider|crawling|headless|slurp|curl|wget|python-requests/i;

/** Device class (`mobile`, `tablet`, `desktop`, `bot`), OS and browser names. */
export function deviceFromUserAgent(userAgent: string | undefined) {
  if (!userAgent) return {};
  const ua = UAParser(userAgent.slice(0, 1000));
  const type = ua.device.type;
  const device = BOT_PATTERN.test(userAgent)
    ? 'bot'
    : type === 'mobile' || type === 'tablet'
      ? type
      : type
        ? type // console, smarttv, wearable, embedded
        : 'desktop';
  return {
    device,
    ...(ua.os.name ? { os: ua.os.name } : {}),
    ...(ua.browser.name ? { browser: ua.browser.name } : {}),
  };
}

/**
 * `ipGeo` is the optional GeoIP database's answer for the request's address: used only when no
 * CDN header names a country (the CDN saw the real client; our socket may see a proxy).
 */
export function enrichContext(get: HeaderGetter, client: ClientContext, ipGeo?: Geo): EnrichedContext {
  const locale = client.locale ?? header(get, 'accept-language')?.split(',')[0]?.split(';')[0];
  const fromHeaders = geoFromHeaders(get);
  return {
    geo: !fromHeaders.country && ipGeo ? { ...ipGeo } : fromHeaders,
    ...deviceFromUserAgent(header(get, 'user-agent')),
    ...(client.timezone ? { timezone: client.timezone } : {}),
    ...(locale && /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/.test(locale) ? { locale } : {}),
    ...(client.referrer ? { referrer: client.referrer } : {}),
    ...(client.utm && Object.keys(client.utm).length ? { utm: client.utm } : {}),
  };
}
