import { deviceFromUserAgent, enrichContext, geoFromHeaders } from '../../../server/src/events/context';

const headers = (h: Record<string, string>) => (name: string) => h[name.toLowerCase()];

describe('request context', () => {
  it('reads the first CDN country header and ignores unknown markers', () => {
    expect(geoFromHeaders(headers({ 'cf-ipcountry': 'XX', 'cloudfront-viewer-country': 'gb' }))).toEqual({ country: 'GB' });
    expect(geoFromHeaders(headers({}))).toEqual({});
  });

  it('needs both coordinates, within range', () => {
    expect(geoFromHeaders(headers({ 'x-vercel-ip-latitude': '10', 'x-vercel-ip-longitude': '20' }))).toEqual({
      latitude: 10,
      longitude: 20,
    });
    expect(geoFromHeaders(headers({ 'x-vercel-ip-latitude': '10' }))).toEqual({});
    expect(geoFromHeaders(headers({ 'x-vercel-ip-latitude': '100', 'x-vercel-ip-longitude': '20' }))).toEqual({});
  });

  it('classifies devices from the User-Agent', () => {
    expect(deviceFromUserAgent('Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148')).toMatchObject({
      device: 'tablet',
    });
    expect(deviceFromUserAgent('Googlebot/2.1 (+http://www.google.com/bot.html)')).toMatchObject({ device: 'bot' });
    expect(deviceFromUserAgent(undefined)).toEqual({});
  });

  it('takes the time zone from the client and the locale from the client or Accept-Language', () => {
    expect(enrichContext(headers({ 'accept-language': 'fr-CH, fr;q=0.9' }), { timezone: 'Europe/Zurich' })).toMatchObject({
      timezone: 'Europe/Zurich',
      locale: 'fr-CH',
    });
  });
});
