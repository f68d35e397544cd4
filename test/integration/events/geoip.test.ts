import fs from 'fs';
import path from 'path';
import zlib from 'zlib';
import request from 'supertest';
import { ROOT, useStrapi } from '../helpers/strapi';
import { TABLES } from '../../../server/src/store/tables';

const ANON = 'X-Segments-Anonymous-Id';

// A small DB-IP "City Lite" file (gzip, as DB-IP ships it): the server is behind a trusted proxy
// here, so the visitor's address is the X-Forwarded-For the test sends.
const fixture = path.join(ROOT, '.tmp', 'geoip', `dbip-city-lite-${process.pid}.csv.gz`);
fs.mkdirSync(path.dirname(fixture), { recursive: true });
fs.writeFileSync(
  fixture,
  zlib.gzipSync(
    [
      '81.0.0.0,81.0.255.255,EU,DE,Berlin,Berlin,52.52,13.405',
      '82.0.0.0,82.0.255.255,EU,FR,"Île-de-France",Paris,48.8566,2.3522',
      '83.0.0.0,83.0.255.255,EU,GB,,,,',
      '2a01:4f8::,2a01:4f8:ffff:ffff:ffff:ffff:ffff:ffff,EU,DE,Bavaria,Munich,48.137,11.575',
    ].join('\n')
  )
);

describe('the optional GeoIP database', () => {
  const app = useStrapi('geoip', { SEGMENTS_GEOIP_DATABASE: fixture, PLAYGROUND_TRUST_PROXY: 'true' });
  afterAll(() => fs.rmSync(fixture, { force: true }));

  const track = (anonymousId: string, ip: string, headers: Record<string, string> = {}) =>
    request(app().server)
      .post('/api/segments/events')
      .set(ANON, anonymousId)
      .set('X-Forwarded-For', ip)
      .set(headers)
      .send({ events: [{ name: 'page_view' }] })
      .expect(202);
  const profile = (anonymousId: string) =>
    app().knex(TABLES.profiles).where('anonymous_id', anonymousId).first();

  beforeAll(async () => {
    await app().strapi.plugin('segments').service('geoip').ready();
    expect(app().strapi.plugin('segments').service('geoip').status()).toEqual({
      configured: true,
      loaded: true,
      ranges: 4,
    });
  });

  it('locates a visitor without CDN headers by address: country, region, city and point', async () => {
    await track('geo-berlin', '81.0.12.34');
    const row = await profile('geo-berlin');
    expect({ country: row.country, region: row.region, city: row.city }).toEqual({
      country: 'DE',
      region: 'Berlin',
      city: 'Berlin',
    });
    expect(Number(row.latitude)).toBeCloseTo(52.52, 5);
    expect(Number(row.longitude)).toBeCloseTo(13.405, 5);

    await track('geo-munich', '2a01:4f8:c17::1');
    expect((await profile('geo-munich')).city).toBe('Munich');
    await track('geo-paris', '82.0.0.1');
    expect((await profile('geo-paris')).region).toBe('Île-de-France');
  });

  it('lets a CDN country header win over the database, and leaves unknown addresses alone', async () => {
    await track('geo-cdn-visitor', '81.0.0.9', { 'CF-IPCountry': 'JP' });
    const row = await profile('geo-cdn-visitor');
    expect([row.country, row.city]).toEqual(['JP', null]);

    await track('geo-unknown', '10.9.8.7');
    expect((await profile('geo-unknown')).country).toBeNull();

    // Country-only rows clear the finer geo of an earlier location.
    await track('geo-berlin', '83.0.0.1');
    const moved = await profile('geo-berlin');
    expect([moved.country, moved.city, moved.latitude]).toEqual(['GB', null, null]);
  });

  it('feeds $geo segments: a visitor located near Berlin by address is in "near Berlin"', async () => {
    await app()
      .strapi.documents('plugin::segments.segment')
      .create({
        data: {
          name: 'Near Berlin',
          key: 'near-berlin',
          rule: { $geo: { near: { lat: 52.52, lng: 13.405 }, radiusKm: 50 } },
        } as never,
      });
    await track('geo-near-visitor', '81.0.200.1');
    await track('geo-far-visitor', '82.0.200.1');
    const segmentsOf = async (anonymousId: string) =>
      (await request(app().server).get('/api/segments/me').set(ANON, anonymousId).expect(200)).body.data.segments;
    expect(await segmentsOf('geo-near-visitor')).toContain('near-berlin');
    expect(await segmentsOf('geo-far-visitor')).not.toContain('near-berlin');
  });

  it('identify also locates the visitor', async () => {
    await request(app().server)
      .post('/api/segments/identify')
      .set(ANON, 'geo-identify')
      .set('X-Forwarded-For', '82.0.1.1')
      .send({ traits: { plan: 'free' } })
      .expect(200);
    expect((await profile('geo-identify')).city).toBe('Paris');
  });
});
