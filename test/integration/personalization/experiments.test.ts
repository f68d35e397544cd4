import type { AddressInfo } from 'net';
import request from 'supertest';
import { useStrapi } from '../helpers/strapi';
import { adminToken } from '../helpers/admin';
import { userWithJwt } from '../helpers/identity';
import { ARTICLE, BANNER, createSegment, grantPublic } from '../helpers/personalization';
import { TABLES } from '../../../server/src/store/tables';
import { assign, toDefinition } from '../../../server/src/personalization/experiment';

/**
 * @strapi/client publishes its types only through package `exports`, which this tsconfig's
 * `moduleResolution: node` cannot see; the few calls used here are typed locally.
 */
interface StrapiClient {
  fetch(url: string, init?: RequestInit): Promise<Response>;
  collection(name: string): { find(query?: Record<string, unknown>): Promise<{ data: Array<{ title?: string }> }> };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { strapi: strapiClient } = require('@strapi/client') as {
  strapi(config: { baseURL: string; auth?: string; headers?: Record<string, string> }): StrapiClient;
};

const EXPERIMENT = 'plugin::segments.experiment';
const ANON = 'X-Segments-Anonymous-Id';

describe('experiments on a placement', () => {
  const app = useStrapi('experiments');
  const server = () => app().server;
  const banners: Record<string, string> = {};
  let experimentId: string;
  const definition = () =>
    toDefinition({
      documentId: experimentId,
      key: 'promo-test',
      placement: 'promo',
      state: 'running',
      variants: [
        { banner: banners.control, weight: 0.5 },
        { banner: banners.challenger, weight: 0.5 },
      ],
      conversionEvent: 'signup',
      conversionWindowHours: 1,
    });
  /** What the pure bucketing says an anonymous visitor must see. */
  const expectedVariation = (anonymousId: string) => assign(definition(), { kind: 'anonymous', value: anonymousId }).variationIndex;
  const show = (headers: Record<string, string>) =>
    request(server()).get('/api/segments/placements/promo').set(headers).expect(200);
  const exposures = async (where: Record<string, unknown> = {}) =>
    Number((await app().knex(TABLES.exposures).where({ experiment_id: experimentId, ...where }).count({ n: '*' }).first())?.n);

  beforeAll(async () => {
    const { strapi } = app();
    for (const [name, priority] of [
      ['control', 5],
      ['challenger', 1],
    ] as const) {
      banners[name] = (
        await strapi.documents(BANNER as never).create({
          data: { placement: 'promo', title: name, segmentsPriority: priority } as never,
          status: 'published',
        } as never)
      ).documentId;
    }
    experimentId = (
      await strapi.documents(EXPERIMENT as never).create({
        data: {
          name: 'Promo test',
          key: 'promo-test',
          placement: 'promo',
          state: 'running',
          variants: [
            { banner: banners.control, weight: 0.5 },
            { banner: banners.challenger, weight: 0.5 },
          ],
          hashVersion: 2,
          conversionEvent: 'signup',
          conversionWindowHours: 1,
        } as never,
      } as never)
    ).documentId;
  });

  it('refuses invalid experiments with the offending field named', async () => {
    const { strapi } = app();
    const base = {
      name: 'x',
      key: 'other-test',
      placement: 'promo',
      state: 'draft',
      variants: [
        { banner: banners.control, weight: 0.5 },
        { banner: banners.challenger, weight: 0.5 },
      ],
    };
    const pathsOf = async (patch: Record<string, unknown>) => {
      try {
        await strapi.documents(EXPERIMENT as never).create({ data: { ...base, ...patch } as never } as never);
        return [];
      } catch (error) {
        return ((error as { details?: { errors?: Array<{ path: string }> } }).details?.errors ?? []).map((e) => e.path);
      }
    };
    expect(await pathsOf({ variants: [{ banner: banners.control, weight: 0.5 }, { banner: banners.challenger, weight: 0.2 }] })).toContain('variants');
    expect(await pathsOf({ variants: [{ banner: banners.control, weight: 0.5 }, { banner: 'no-such-banner', weight: 0.5 }] })).toEqual(['variants.1.banner']);
    expect(await pathsOf({ hashVersion: 3 })).toContain('hashVersion');
    expect(await pathsOf({ state: 'running' })).toEqual(['state']); // promo-test already runs there
    expect(await pathsOf({ placement: 'elsewhere' })).toEqual(['variants.0.banner', 'variants.1.banner']);
    const jwt = await adminToken(app(), { superAdmin: true });
    const res = await request(server())
      .post(`/content-manager/collection-types/${EXPERIMENT}`)
      .set('Authorization', `Bearer ${jwt}`)
      .send({ ...base, coverage: 1.5 })
      .expect(400);
    expect(JSON.stringify(res.body.error)).toContain('coverage');
    expect(await strapi.db.query(EXPERIMENT as never).count({ where: { key: 'other-test' } })).toBe(0);
  });

  it('serves each visitor the variation bucketing gives, and splits by the weights over HTTP', async () => {
    const n = 300;
    const served = [0, 0];
    for (let i = 0; i < n; i++) {
      const id = `anon-split-${String(i).padStart(4, '0')}`;
      const res = await show({ [ANON]: id });
      const expected = expectedVariation(id);
      expect([id, res.body.data.experiment.variationIndex]).toEqual([id, expected]);
      expect(res.body.data.banner.title).toBe(expected === 0 ? 'control' : 'challenger');
      served[expected] += 1;
    }
    // 300 visitors at 50/50: 4 standard deviations is ±11.5%.
    expect(Math.abs(served[0] / n - 0.5)).toBeLessThan(0.115);
    expect(await exposures()).toBe(n);
  });

  it('logs one exposure per visitor however often they see it', async () => {
    const id = 'anon-repeat-0001';
    for (let i = 0; i < 4; i++) await show({ [ANON]: id });
    expect(await exposures({ unit_value: id })).toBe(1);
    const me = await request(server()).get('/api/segments/me').set({ [ANON]: id }).expect(200);
    expect(me.body.data.experiments).toEqual([
      { key: 'promo-test', placement: 'promo', variationIndex: expectedVariation(id), variant: expect.any(String), exposed: true },
    ]);
  });

  it('/me shows the assignment a visitor will get before any exposure', async () => {
    const id = 'anon-preview-0001';
    const me = await request(server()).get('/api/segments/me').set({ [ANON]: id }).expect(200);
    expect(me.body.data.experiments).toMatchObject([{ key: 'promo-test', variationIndex: expectedVariation(id), exposed: false }]);
    expect(await exposures({ unit_value: id })).toBe(0);
  });

  it('keeps the assignment across login into an existing account (merge), without a second exposure', async () => {
    // A user whose own unit would hash to the other variation, so a non-sticky answer would differ.
    const user = await userWithJwt(app());
    const auth = { Authorization: `Bearer ${user.jwt}` };
    await request(server()).post('/api/segments/identify').set(auth).send({ traits: { plan: 'x' } }).expect(200);
    const userVariation = assign(definition(), { kind: 'user', value: String(user.id) }).variationIndex;
    let anonymousId = '';
    for (let i = 0; i < 50 && !anonymousId; i++) {
      const candidate = `anon-sticky-${String(i).padStart(4, '0')}`;
      if (expectedVariation(candidate) !== userVariation) anonymousId = candidate;
    }
    expect(anonymousId).not.toBe('');
    await request(server()).post('/api/segments/events').set({ [ANON]: anonymousId }).send({ events: [{ name: 'view' }] }).expect(202);
    const before = await show({ [ANON]: anonymousId });
    expect(before.body.data.experiment.variationIndex).toBe(expectedVariation(anonymousId));

    const merged = await request(server()).post('/api/segments/identify').set({ ...auth, [ANON]: anonymousId }).send({}).expect(200);
    expect(merged.body.data.mergedProfileId).not.toBeNull();
    // Logged in, with and without the old anonymous id: same variation, still one exposure.
    const after = await show(auth);
    expect(after.body.data.experiment.variationIndex).toBe(expectedVariation(anonymousId));
    const afterBoth = await show({ ...auth, [ANON]: anonymousId });
    expect(afterBoth.body.data.experiment.variationIndex).toBe(expectedVariation(anonymousId));
    const me = await request(server()).get('/api/segments/me').set(auth).expect(200);
    expect(me.body.data.experiments[0]).toMatchObject({ variationIndex: expectedVariation(anonymousId), exposed: true });
    const all = await app().knex(TABLES.exposures).where({ experiment_id: experimentId }).whereIn('unit_value', [anonymousId, String(user.id)]);
    expect(all).toHaveLength(1);
  });

  it('keeps the assignment when the first login adopts the anonymous profile', async () => {
    const user = await userWithJwt(app());
    const anonymousId = 'anon-adopt-00001';
    await request(server()).post('/api/segments/events').set({ [ANON]: anonymousId }).send({ events: [{ name: 'view' }] }).expect(202);
    const before = await show({ [ANON]: anonymousId });
    await request(server()).post('/api/segments/identify').set({ Authorization: `Bearer ${user.jwt}`, [ANON]: anonymousId }).send({}).expect(200);
    const after = await show({ Authorization: `Bearer ${user.jwt}` });
    expect(after.body.data.experiment.variationIndex).toBe(before.body.data.experiment.variationIndex);
    expect(await exposures({ unit_value: anonymousId })).toBe(1);
    expect(await exposures({ unit_value: String(user.id) })).toBe(0);
  });

  it('counts a conversion only for the named event inside the window after exposure', async () => {
    const { knex } = app();
    const visit = async (id: string) => {
      await request(server()).post('/api/segments/events').set({ [ANON]: id }).send({ events: [{ name: 'view' }] }).expect(202);
      await show({ [ANON]: id });
      const profile = await knex(TABLES.profiles).where('anonymous_id', id).first();
      const exposure = await knex(TABLES.exposures).where({ experiment_id: experimentId, unit_value: id }).first();
      return { profileId: Number(profile.id), exposedAt: Number(exposure.exposed_at), variation: Number(exposure.variation) };
    };
    const jwt = await adminToken(app(), { superAdmin: true });
    const results = async () =>
      (await request(server()).get('/segments/experiments/promo-test/results').set('Authorization', `Bearer ${jwt}`).expect(200)).body.data;
    const baseline = await results();

    const converts = await visit('anon-conv-in-001');
    await request(server()).post('/api/segments/events').set({ [ANON]: 'anon-conv-in-001' }).send({ events: [{ name: 'signup' }] }).expect(202);
    const late = await visit('anon-conv-late-1');
    const early = await visit('anon-conv-early1');
    const other = await visit('anon-conv-other1');
    const event = (profileId: number, name: string, at: number) => ({
      profile_id: profileId,
      name,
      occurred_at: at,
      received_at: at,
    });
    await knex(TABLES.events).insert([
      event(late.profileId, 'signup', late.exposedAt + 2 * 3_600_000), // after the 1 h window
      event(early.profileId, 'signup', early.exposedAt - 60_000), // before exposure
      event(other.profileId, 'purchase', other.exposedAt + 60_000), // not the conversion event
    ]);
    const now = await results();
    const gained = now.variations.map(
      (v: { conversions: number }, i: number) => v.conversions - baseline.variations[i].conversions
    );
    const expected = [0, 0];
    expected[converts.variation] = 1;
    expect(gained).toEqual(expected);
    // The same counts go through the statistics module (issue 9), with a plain-language verdict.
    expect(now.statistics.variations.map((v: { visitors: number; conversions: number }) => [v.visitors, v.conversions])).toEqual(
      now.variations.map((v: { exposures: number; conversions: number }) => [v.exposures, v.conversions])
    );
    expect(now.verdict.text).toEqual(expect.any(String));
    expect(now.variations.reduce((s: number, v: { exposures: number }) => s + v.exposures, 0)).toBe(await exposures());
    await request(server()).get('/segments/experiments/nope/results').set('Authorization', `Bearer ${jwt}`).expect(404);
    const reader = await adminToken(app(), { actions: [] });
    await request(server()).get('/segments/experiments/promo-test/results').set('Authorization', `Bearer ${reader}`).expect(403);
  });

  it('works unchanged with @strapi/client as the storefront client', async () => {
    await grantPublic(app(), [`${ARTICLE}.find`]);
    const vipId = await createSegment(app(), 'client-vip', { plan: 'client-vip' });
    await app().strapi.documents(ARTICLE).create({ data: { title: 'client-open' } as never });
    await app().strapi.documents(ARTICLE).create({ data: { title: 'client-vip-only', segmentsTargets: [vipId] } as never });
    const listener = server().listen(0);
    try {
      const { port } = listener.address() as AddressInfo;
      const baseURL = `http://127.0.0.1:${port}/api`;
      const anonymous = strapiClient({ baseURL, headers: { [ANON]: 'anon-client-0001' } });
      const member = strapiClient({ baseURL, headers: { [ANON]: 'anon-client-vip1' } });
      await member.fetch('/segments/identify', {
        method: 'POST',
        body: JSON.stringify({ traits: { plan: 'client-vip' } }),
        headers: { 'Content-Type': 'application/json' },
      });
      const open = await anonymous.collection('articles').find();
      expect(open.data.map((a) => a.title)).toEqual(['client-open']);
      const mine = await member.collection('articles').find({ sort: 'title' });
      expect(mine.data.map((a) => a.title)).toEqual(['client-open', 'client-vip-only']);
      const placement = await anonymous.fetch('/segments/placements/promo');
      expect(placement.headers.get('cache-control')).toMatch(/private/);
      const body = (await placement.json()) as { data: { experiment: { variationIndex: number } } };
      expect(body.data.experiment.variationIndex).toBe(expectedVariation('anon-client-0001'));
    } finally {
      await new Promise((resolve) => listener.close(resolve));
    }
  });
});

describe('experiment exposures and privacy', () => {
  const app = useStrapi('experiments-privacy');
  it('are erased with the visitor profile (DELETE /me)', async () => {
    const { strapi, knex } = app();
    const ids: string[] = [];
    for (const title of ['a', 'b']) {
      ids.push(
        (
          await strapi.documents(BANNER as never).create({ data: { placement: 'p', title } as never, status: 'published' } as never)
        ).documentId
      );
    }
    await strapi.documents(EXPERIMENT as never).create({
      data: {
        name: 'p',
        key: 'p-test',
        placement: 'p',
        state: 'running',
        variants: [
          { banner: ids[0], weight: 0.5 },
          { banner: ids[1], weight: 0.5 },
        ],
      } as never,
    } as never);
    const h = { [ANON]: 'anon-forget-0001' };
    await request(app().server).post('/api/segments/events').set(h).send({ events: [{ name: 'view' }] }).expect(202);
    await request(app().server).get('/api/segments/placements/p').set(h).expect(200);
    await request(app().server).get('/api/segments/placements/p').set({ [ANON]: 'anon-keep-00001' }).expect(200);
    expect(await knex(TABLES.exposures).where('unit_value', 'anon-forget-0001')).toHaveLength(1);
    await request(app().server).delete('/api/segments/me').set(h).expect(200);
    expect(await knex(TABLES.exposures).where('unit_value', 'anon-forget-0001')).toHaveLength(0);
    expect(await knex(TABLES.exposures).where('unit_value', 'anon-keep-00001')).toHaveLength(1);
  });
});
