import request from 'supertest';
import { adminToken } from './helpers/admin';
import { insertProfiles } from './helpers/profiles-fixture';
import { useStrapi } from './helpers/strapi';
import type { SegmentCatalog, SegmentSummary } from '../../server/src/contracts';
import { TABLES } from '../../server/src/store/tables';

/**
 * The admin API behind the segment pages: GET /segments/segments (list with sizes and trend),
 * GET /segments/segments/:documentId, GET /segments/segments/catalog (autocompletion).
 */
describe('segments admin API: list, one, catalog', () => {
  const app = useStrapi('catalog');
  const today = new Date().toISOString().slice(0, 10);
  const old = '2000-01-01';
  const now = Date.now();

  beforeAll(async () => {
    await insertProfiles(app().knex, [
      {
        id: 1,
        traits: { plan: 'pro', age: 31, address: { zip: '10115' } },
        columns: { country: 'DE', city: 'Berlin', latitude: 52.5, longitude: 13.4 },
        rollups: [{ event: 'purchase', day: today, count: 3, valueSum: 30 }],
        events: [
          {
            name: 'purchase',
            occurredAt: now - 1000,
            value: 10,
            properties: { sku: 'a-1', total: 10 },
          },
        ],
      },
      {
        id: 2,
        traits: { plan: 'free', newsletter: true },
        columns: { country: 'DE', city: 'Hamburg' },
        rollups: [
          { event: 'purchase', day: today, count: 1, valueSum: 5 },
          { event: 'signup', day: today, count: 1, valueSum: 0 },
          { event: 'ancient', day: old, count: 9, valueSum: 0 },
        ],
        events: [
          { name: 'signup', occurredAt: now - 2000, value: null, properties: { source: 'ad' } },
        ],
      },
      { id: 3, traits: { plan: 'pro' }, columns: { country: 'FR' } },
    ]);
  });

  it('lists trait keys with their types and values, countries by frequency, recent events with property keys', async () => {
    const token = await adminToken(app(), { actions: ['plugin::segments.read'] });
    const res = await request(app().server)
      .get('/segments/segments/catalog')
      .set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    const catalog = res.body.data as SegmentCatalog;
    const trait = (key: string) => catalog.traits.find((t) => t.key === key);

    expect(trait('plan')).toEqual({ key: 'plan', types: ['string'], values: ['pro', 'free'] });
    expect(trait('age')).toEqual({ key: 'age', types: ['number'], values: [31] });
    expect(trait('newsletter')).toMatchObject({ types: ['boolean'], values: [true] });
    expect(trait('address')?.types).toEqual(['object']);
    expect(trait('address.zip')).toMatchObject({ types: ['string'], values: ['10115'] });
    expect(trait('country')?.values).toEqual(['DE', 'FR']);
    expect(trait('city')?.values).toEqual(['Berlin', 'Hamburg']);
    expect(trait('latitude')).toMatchObject({ types: ['number'], values: [] });
    // Offered even when no profile has them.
    expect(trait('email')).toMatchObject({ types: ['string'] });
    expect(trait('firstSeenAt')).toMatchObject({ types: ['date'] });

    // Rollups of the last 90 days only, most frequent first.
    expect(catalog.events.map((e) => [e.name, e.count])).toEqual([
      ['purchase', 4],
      ['signup', 1],
    ]);
    const purchase = catalog.events[0];
    expect(purchase.properties).toEqual([
      { key: 'sku', types: ['string'], values: ['a-1'] },
      { key: 'total', types: ['number'], values: [10] },
    ]);
    expect(catalog.events[1].properties.map((p) => p.key)).toEqual(['source']);
    expect(catalog.contextFields).toEqual(
      expect.arrayContaining(['device', 'localHour', 'utm.campaign'])
    );
    expect(catalog.sampled).toEqual({ profiles: 3, events: 2 });
  });

  it('requires the read permission', async () => {
    const token = await adminToken(app(), { actions: ['plugin::upload.read'] });
    const res = await request(app().server)
      .get('/segments/segments/catalog')
      .set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(403);
    const anonymous = await request(app().server).get('/segments/segments/catalog');
    expect(anonymous.status).toBe(401);
  });

  it('lists segments with their latest size, last recompute and the trend of the last 30 days', async () => {
    const docs = app().strapi.documents('plugin::segments.segment');
    const pro = await docs.create({
      data: { name: 'Pro', key: 'pro', rule: { plan: 'pro' } } as never,
    });
    const never = await docs.create({
      data: { name: 'Archived', key: 'archived', state: 'archived', rule: { plan: 'x' } } as never,
    });
    // An old snapshot (outside the trend window) plus today's, from a real recompute.
    await app()
      .knex(TABLES.sizeSnapshots)
      .insert({ segment_id: pro.documentId, day: old, size: 7, computed_at: Date.parse(old) });
    await app().strapi.plugin('segments').service('segments').recompute(pro.documentId);

    const token = await adminToken(app(), { actions: ['plugin::segments.read'] });
    const res = await request(app().server)
      .get('/segments/segments')
      .set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    const list = res.body.data as SegmentSummary[];
    expect(list.map((s) => s.key)).toEqual(['archived', 'pro']); // by name
    const [archived, listed] = list;
    expect(archived).toMatchObject({
      documentId: never.documentId,
      state: 'archived',
      size: null,
      lastComputedAt: null,
      trend: [],
    });
    expect(listed).toMatchObject({
      documentId: pro.documentId,
      name: 'Pro',
      rule: { plan: 'pro' },
      size: 2,
    });
    expect(listed.trend).toEqual([{ day: today, size: 2 }]);
    expect(Date.now() - Date.parse(listed.lastComputedAt as string)).toBeLessThan(60_000);

    const one = await request(app().server)
      .get(`/segments/segments/${pro.documentId}`)
      .set('Authorization', `Bearer ${token}`);
    expect(one.status).toBe(200);
    expect(one.body.data).toEqual(listed);
    const missing = await request(app().server)
      .get('/segments/segments/nope')
      .set('Authorization', `Bearer ${token}`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.details.errors[0].path).toBe('documentId');

    // Only the snapshot older than the window: it still gives the size, with an empty trend.
    await app()
      .knex(TABLES.sizeSnapshots)
      .where({ segment_id: pro.documentId, day: today })
      .delete();
    const stale = await request(app().server)
      .get(`/segments/segments/${pro.documentId}`)
      .set('Authorization', `Bearer ${token}`);
    expect(stale.body.data).toMatchObject({
      size: 7,
      trend: [],
      lastComputedAt: new Date(Date.parse(old)).toISOString(),
    });

    const refused = await adminToken(app(), { actions: ['plugin::upload.read'] });
    expect(
      (
        await request(app().server)
          .get('/segments/segments')
          .set('Authorization', `Bearer ${refused}`)
      ).status
    ).toBe(403);
  });

  it('creates and updates segments for the builder, through the write guard, with field errors', async () => {
    const token = await adminToken(app(), {
      actions: ['plugin::segments.read', 'plugin::segments.segments.manage'],
    });
    const send = (method: 'post' | 'put', url: string, body: unknown) => {
      const agent = request(app().server);
      const call = method === 'post' ? agent.post(url) : agent.put(url);
      return call.set('Authorization', `Bearer ${token}`).send(body as object);
    };

    const created = await send('post', '/segments/segments', {
      name: 'Buyers',
      key: 'buyers',
      description: 'bought twice',
      state: 'archived',
      rule: { $event: { name: 'purchase', within: { days: 30 }, count: { $gte: 2 } } },
    });
    expect(created.status).toBe(201);
    const { documentId } = created.body.data as { documentId: string };
    const stored = await app().strapi.documents('plugin::segments.segment').findOne({ documentId });
    expect(stored).toMatchObject({ name: 'Buyers', key: 'buyers', state: 'archived' });

    const updated = await send('put', `/segments/segments/${documentId}`, {
      state: 'active',
      name: 'Buyers 2',
    });
    expect(updated.status).toBe(200);
    expect(
      await app().strapi.documents('plugin::segments.segment').findOne({ documentId })
    ).toMatchObject({
      name: 'Buyers 2',
      state: 'active',
      key: 'buyers',
    });

    // The write guard's rule problems, by path; nothing is written.
    const bad = await send('put', `/segments/segments/${documentId}`, {
      rule: { $and: [{ $geo: { near: { lat: 52, lng: 13 }, radiusKm: -5 } }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.errors.map((e: { path: string }) => e.path)).toEqual([
      expect.stringMatching(/^rule\.\$and\[0\]\.\$geo\.radiusKm/),
    ]);
    const duplicate = await send('post', '/segments/segments', {
      name: 'Again',
      key: 'buyers',
      rule: {},
    });
    expect(duplicate.status).toBe(400);
    expect(duplicate.body.error.details.errors.map((e: { path: string }) => e.path)).toContain(
      'key'
    );
    const wrong = await send('post', '/segments/segments', {
      name: '',
      key: 'k',
      state: 'draft',
      rule: {},
      x: 1,
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details.errors).toEqual([{ path: 'x', message: 'unknown field x' }]);
    const wrongStatus = await send('post', '/segments/segments', {
      name: '',
      key: 'k',
      state: 'draft',
      rule: {},
    });
    expect(wrongStatus.body.error.details.errors.map((e: { path: string }) => e.path)).toEqual([
      'name',
      'state',
    ]);
    expect(await send('put', '/segments/segments/nope', { name: 'x' }).then((r) => r.status)).toBe(
      404
    );
    expect(
      await app()
        .strapi.documents('plugin::segments.segment')
        .count({ filters: { key: 'k' } })
    ).toBe(0);

    // Reading is not managing.
    const reader = await adminToken(app(), { actions: ['plugin::segments.read'] });
    const refused = await request(app().server)
      .post('/segments/segments')
      .set('Authorization', `Bearer ${reader}`)
      .send({ name: 'No', key: 'no', rule: {} });
    expect(refused.status).toBe(403);
  });

  it('lets the Content Manager create, edit and list segments (state does not collide with draft/publish status)', async () => {
    const token = await adminToken(app(), { superAdmin: true });
    const cm = '/content-manager/collection-types/plugin::segments.segment';
    const created = await request(app().server)
      .post(cm)
      .set('Authorization', `Bearer ${token}`)
      .send({ name: 'CM', key: 'cm-made', rule: { plan: 'cm' }, state: 'active' });
    expect(created.status).toBe(201);
    const { documentId } = created.body.data as { documentId: string };
    const edited = await request(app().server)
      .put(`${cm}/${documentId}`)
      .set('Authorization', `Bearer ${token}`)
      .send({ name: 'CM 2', state: 'archived', rule: { plan: 'cm' } });
    expect(edited.status).toBe(200);
    expect(edited.body.data).toMatchObject({ name: 'CM 2', state: 'archived' });
    const listed = await request(app().server).get(cm).set('Authorization', `Bearer ${token}`).expect(200);
    expect(listed.body.results.find((r: { key: string }) => r.key === 'cm-made')).toMatchObject({ state: 'archived' });
    // The write guard covers the Content Manager too.
    const bad = await request(app().server)
      .put(`${cm}/${documentId}`)
      .set('Authorization', `Bearer ${token}`)
      .send({ rule: { age: { $gt: [] } } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error)).toContain('rule.age.$gt');
  });
});
