import fc from 'fast-check';
import request from 'supertest';
import { insertProfiles, type FixtureProfile } from './helpers/profiles-fixture';
import { useStrapi } from './helpers/strapi';
import { TABLES } from '../../server/src/store/tables';

const UID = 'plugin::segments.segment';
const DAY = 86_400_000;
const dayString = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Segments of every kind that batch and real time both decide (no request-context rules). */
const SEGMENTS = [
  { key: 'gold', rule: { plan: 'gold' } },
  { key: 'adults', rule: { age: { $exists: true, $gte: 18 } } },
  {
    key: 'buyers',
    rule: { $event: { name: 'purchase', within: { days: 30 }, count: { $gte: 2 } } },
  },
  {
    key: 'big-spenders',
    rule: { $event: { name: 'purchase', within: { days: 90 }, sum: { $gt: 100 } } },
  },
  {
    key: 'lapsed',
    rule: {
      $and: [
        { $event: { name: 'purchase' } },
        { $event: { name: 'purchase', within: { days: 14 }, count: { $eq: 0 } } },
      ],
    },
  },
  { key: 'near-berlin', rule: { $geo: { near: { lat: 52.52, lng: 13.405 }, radiusKm: 100 } } },
  { key: 'de-or-at', rule: { country: { $in: ['DE', 'AT'] } } },
  { key: 'gold-buyers', rule: { $and: [{ $segment: 'gold' }, { $segment: 'buyers' }] } },
  { key: 'not-gold', rule: { $not: { $segment: 'gold' } } },
  { key: 'sample-30', rule: { $sample: { seed: 'rt', percent: 30 } } },
];

function generatedProfiles(count: number, now: number): FixtureProfile[] {
  const profile = fc.record({
    plan: fc.constantFrom('gold', 'free', undefined),
    age: fc.option(fc.integer({ min: 10, max: 80 }), { nil: undefined }),
    country: fc.constantFrom('DE', 'AT', 'FR', null),
    nearBerlin: fc.boolean(),
    purchases: fc.array(
      fc.record({
        daysAgo: fc.integer({ min: 0, max: 120 }),
        value: fc.integer({ min: 1, max: 80 }),
      }),
      { maxLength: 6 }
    ),
  });
  return fc.sample(profile, { numRuns: count, seed: 42 }).map((p, i) => ({
    id: i + 1,
    traits: { ...(p.plan ? { plan: p.plan } : {}), ...(p.age !== undefined ? { age: p.age } : {}) },
    columns: {
      country: p.country,
      ...(p.nearBerlin
        ? { latitude: 52.4 + (i % 5) / 10, longitude: 13.3 }
        : { latitude: 48.85, longitude: 2.35 }),
    },
    rollups: p.purchases.map((x) => ({
      event: 'purchase',
      day: dayString(now - x.daysAgo * DAY),
      count: 1,
      valueSum: x.value,
    })),
  }));
}

describe('GET /api/segments/me evaluates segments in real time', () => {
  const app = useStrapi('segments-realtime');
  /** Rows of a plugin table, optionally only those where `column` equals `value`. */
  const rowCount = async (table: string, column?: string, value?: string): Promise<number> => {
    const query = app().knex(table);
    if (column !== undefined) query.where(column, value as string);
    return Number((await query.count({ n: '*' }).first())?.n);
  };
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const profiles = generatedProfiles(200, Date.now());
    await insertProfiles(app().knex, profiles);
    for (const p of profiles) {
      await app()
        .knex(TABLES.profiles)
        .where('id', p.id)
        .update({ anonymous_id: `anon-visitor-${p.id}` });
    }
    for (const s of SEGMENTS) {
      ids[s.key] = (
        await app()
          .strapi.documents(UID)
          .create({ data: { name: s.key, ...s } as never })
      ).documentId;
    }
  });

  it('agrees with batch membership for 200 generated profiles', async () => {
    await app().strapi.plugin('segments').service('segments').recomputeAll();
    const batch = new Map<number, string[]>();
    const rows = await app().knex(TABLES.memberships).select('segment_id', 'profile_id');
    const keyOf = new Map(Object.entries(ids).map(([key, id]) => [id, key]));
    for (const row of rows) {
      const id = Number(row.profile_id);
      batch.set(id, [...(batch.get(id) ?? []), keyOf.get(row.segment_id)!]);
    }
    // Every segment is non-trivial on this population, or the comparison would prove little.
    for (const s of SEGMENTS) {
      const size = rows.filter((r: { segment_id: string }) => r.segment_id === ids[s.key]).length;
      expect([s.key, size > 0 && size < 200]).toEqual([s.key, true]);
    }
    for (let id = 1; id <= 200; id++) {
      const res = await request(app().server)
        .get('/api/segments/me')
        .set('X-Segments-Anonymous-Id', `anon-visitor-${id}`)
        .expect(200);
      expect([id, [...res.body.data.segments].sort()]).toEqual([id, (batch.get(id) ?? []).sort()]);
    }
  });

  it("sees a visitor's new events at once, despite the cache", async () => {
    const headers = { 'X-Segments-Anonymous-Id': 'fresh-visitor-1' };
    await request(app().server)
      .post('/api/segments/events')
      .set(headers)
      .send({ events: [{ name: 'page_view' }] })
      .expect(202);
    const before = await request(app().server).get('/api/segments/me').set(headers).expect(200);
    expect(before.body.data.segments).not.toContain('buyers');
    await request(app().server)
      .post('/api/segments/events')
      .set(headers)
      .send({
        events: [
          { name: 'purchase', properties: { value: 10 } },
          { name: 'purchase', properties: { value: 5 } },
        ],
      })
      .expect(202);
    const after = await request(app().server).get('/api/segments/me').set(headers).expect(200);
    expect(after.body.data.segments).toContain('buyers');
  });

  it('applies request-context rules to the current request, even without a profile', async () => {
    await app()
      .strapi.documents(UID)
      .create({
        data: { name: 'Mobile', key: 'mobile', rule: { $context: { device: 'mobile' } } } as never,
      });
    app().strapi.plugin('segments').service('segments').invalidateDefinitions();
    const iphone =
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
    const mobile = await request(app().server)
      .get('/api/segments/me')
      .set('User-Agent', iphone)
      .expect(200);
    expect(mobile.body.data).toMatchObject({ profileId: null });
    expect(mobile.body.data.segments).toContain('mobile');
    const desktop = await request(app().server)
      .get('/api/segments/me')
      .set(
        'User-Agent',
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36'
      )
      .expect(200);
    expect(desktop.body.data.segments).not.toContain('mobile');
  });

  it('refuses to delete a referenced segment, and deletes a segment’s memberships with it', async () => {
    await expect(
      app().strapi.documents(UID).delete({ documentId: ids.gold })
    ).rejects.toMatchObject({
      details: {
        errors: [{ path: 'documentId', message: expect.stringContaining('gold-buyers') }],
      },
    });
    expect(await rowCount(TABLES.memberships, 'segment_id', ids['de-or-at'])).toBeGreaterThan(0);
    await app().strapi.documents(UID).delete({ documentId: ids['de-or-at'] });
    expect(await rowCount(TABLES.memberships, 'segment_id', ids['de-or-at'])).toBe(0);
    expect(await rowCount(TABLES.sizeSnapshots, 'segment_id', ids['de-or-at'])).toBe(0);
  });
});
