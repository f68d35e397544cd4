import request from 'supertest';
import { useStrapi } from '../helpers/strapi';
import { adminToken } from '../helpers/admin';
import { apiToken } from '../helpers/identity';
import {
  ARTICLE,
  PAGE,
  createSegment,
  grantPublic,
  visitorWithTraits,
} from '../helpers/personalization';

describe('targeting on opted-in content types (REST)', () => {
  const app = useStrapi('targeting');
  const server = () => app().server;
  const docs: Record<string, string> = {};
  let vip: Record<string, string>;
  let beta: Record<string, string>;
  const nobody = { 'X-Segments-Anonymous-Id': 'anon-nobody-1' };
  let token: string;

  /** Titles of the articles a request returns, sorted (order is tested separately). */
  const titles = (rows: Array<{ title: string }>) => rows.map((r) => r.title).sort();

  beforeAll(async () => {
    const { strapi } = app();
    await grantPublic(app(), [
      `${ARTICLE}.find`,
      `${ARTICLE}.findOne`,
      `${ARTICLE}.update`,
      `${PAGE}.find`,
      `${PAGE}.findOne`,
    ]);
    const vipId = await createSegment(app(), 'vip', { plan: 'vip' });
    const betaId = await createSegment(app(), 'beta', { plan: 'beta' });
    await createSegment(app(), 'nobody-matches', { plan: 'none-such' });
    const create = async (title: string, targets: string[], priority = 0) => {
      const doc = await strapi.documents(ARTICLE).create({
        data: { title, segmentsTargets: targets, segmentsPriority: priority } as never,
      });
      docs[title] = doc.documentId;
    };
    await create('public-a', [], 1);
    await create('public-b', [], 5);
    await create('vip-only', [vipId], 10);
    await create('beta-only', [betaId], 3);
    await create('vip-or-beta', [vipId, betaId], 7);
    const all = Object.values(docs);
    await strapi.documents(PAGE).create({
      data: {
        title: 'home',
        articles: all,
        teaser: { heading: 'teaser', articles: all },
        sections: [{ __component: 'demo.article-teaser', heading: 'dz', articles: all }],
      } as never,
    });
    vip = await visitorWithTraits(app(), 'anon-vip-0001', { plan: 'vip' });
    beta = await visitorWithTraits(app(), 'anon-beta-0001', { plan: 'beta' });
    token = await apiToken(app());
  });

  it('injects a private targets relation and a priority into enabled types only', () => {
    const { strapi } = app();
    const article = strapi.getModel(ARTICLE);
    expect(article.attributes.segmentsTargets).toMatchObject({
      type: 'relation',
      relation: 'manyToMany',
      target: 'plugin::segments.segment',
      private: true,
    });
    expect(article.attributes.segmentsPriority).toMatchObject({ type: 'integer' });
    expect(strapi.getModel(PAGE).attributes).not.toHaveProperty('segmentsTargets');
    // Not in the file schema the Content-Type Builder edits: nothing is written back to disk.
    expect((article as unknown as { __schema__: { attributes: object } }).__schema__.attributes).not.toHaveProperty(
      'segmentsTargets'
    );
  });

  it('lists only untargeted entries and those targeted at one of the visitor segments', async () => {
    const anon = await request(server()).get('/api/articles').set(nobody).expect(200);
    expect(titles(anon.body.data)).toEqual(['public-a', 'public-b']);
    expect(anon.body.meta.pagination.total).toBe(2);
    const none = await request(server()).get('/api/articles').expect(200);
    expect(titles(none.body.data)).toEqual(['public-a', 'public-b']);
    const v = await request(server()).get('/api/articles').set(vip).expect(200);
    expect(titles(v.body.data)).toEqual(['public-a', 'public-b', 'vip-only', 'vip-or-beta']);
    expect(v.body.meta.pagination.total).toBe(4);
    const b = await request(server()).get('/api/articles').set(beta).expect(200);
    expect(titles(b.body.data)).toEqual(['beta-only', 'public-a', 'public-b', 'vip-or-beta']);
  });

  it('never returns the targets, and refuses filters and populate on them', async () => {
    const v = await request(server()).get('/api/articles').set(vip).expect(200);
    for (const row of v.body.data) expect(row).not.toHaveProperty('segmentsTargets');
    await request(server()).get('/api/articles?filters[segmentsTargets][key][$eq]=vip').set(vip).expect(400);
    await request(server()).get('/api/articles?filters[segmentsTargets][id][$null]=false').expect(400);
    await request(server()).get('/api/articles?populate=segmentsTargets').set(vip).expect(400);
    // Filters on other fields still combine with (never replace) the targeting filter.
    const f = await request(server()).get('/api/articles?filters[title][$contains]=vip').set(beta).expect(200);
    expect(titles(f.body.data)).toEqual(['vip-or-beta']);
    const or = await request(server())
      .get('/api/articles?filters[$or][0][title][$eq]=vip-only&filters[$or][1][title][$eq]=public-a')
      .expect(200);
    expect(titles(or.body.data)).toEqual(['public-a']);
  });

  it('orders by priority when asked', async () => {
    const res = await request(server()).get('/api/articles?sort=segmentsPriority:desc').set(vip).expect(200);
    expect(res.body.data.map((r: { title: string }) => r.title)).toEqual([
      'vip-only',
      'vip-or-beta',
      'public-b',
      'public-a',
    ]);
  });

  it('hides a targeted entry from single reads and writes of non-members', async () => {
    await request(server()).get(`/api/articles/${docs['vip-only']}`).set(beta).expect(404);
    await request(server()).get(`/api/articles/${docs['vip-only']}`).expect(404);
    const ok = await request(server()).get(`/api/articles/${docs['vip-only']}`).set(vip).expect(200);
    expect(ok.body.data.title).toBe('vip-only');
    await request(server())
      .put(`/api/articles/${docs['vip-only']}`)
      .set(beta)
      .send({ data: { title: 'defaced' } })
      .expect(404);
    const stored = await app().strapi.documents(ARTICLE).findOne({ documentId: docs['vip-only'] });
    expect(stored?.title).toBe('vip-only');
  });

  it('filters relations populated from another type, through components and dynamic zones', async () => {
    const queries = [
      'populate=articles',
      'populate=*',
      'populate[articles][populate]=related',
      'populate[teaser][populate]=articles',
      'populate[sections][on][demo.article-teaser][populate]=articles',
    ];
    for (const q of queries) {
      const res = await request(server()).get(`/api/pages?${q}`).set(beta).expect(200);
      const page = res.body.data[0];
      const reached = [
        ...(page.articles ?? []),
        ...(page.teaser?.articles ?? []),
        ...(page.sections ?? []).flatMap((s: { articles?: unknown[] }) => s.articles ?? []),
      ] as Array<{ title: string }>;
      expect([q, reached.length > 0]).toEqual([q, true]);
      expect([q, reached.filter((a) => a.title.startsWith('vip-only'))]).toEqual([q, []]);
    }
    const anon = await request(server()).get('/api/pages?populate=articles').expect(200);
    expect(titles(anon.body.data[0].articles)).toEqual(['public-a', 'public-b']);
  });

  it('filters relations between targeted entries (populate of a self relation)', async () => {
    const { strapi } = app();
    await strapi.documents(ARTICLE).update({
      documentId: docs['public-a'],
      data: { related: [docs['vip-only'], docs['public-b']] } as never,
    });
    const res = await request(server()).get(`/api/articles/${docs['public-a']}?populate=related`).set(beta).expect(200);
    expect(titles(res.body.data.related)).toEqual(['public-b']);
    const v = await request(server()).get(`/api/articles/${docs['public-a']}?populate=related`).set(vip).expect(200);
    expect(titles(v.body.data.related)).toEqual(['public-b', 'vip-only']);
  });

  it('marks personalised responses private and varying by identity', async () => {
    const res = await request(server()).get('/api/articles').set(vip).expect(200);
    expect(res.headers['cache-control']).toMatch(/private/);
    expect(res.headers.vary.toLowerCase()).toContain('authorization');
    expect(res.headers.vary.toLowerCase()).toContain('x-segments-anonymous-id');
  });

  it('lets an API-token caller preview as a segment, and nobody else', async () => {
    const auth = { Authorization: `Bearer ${token}` };
    const asVip = await request(server()).get('/api/articles?segmentsPreview=vip').set(auth).expect(200);
    expect(titles(asVip.body.data)).toEqual(['public-a', 'public-b', 'vip-only', 'vip-or-beta']);
    const asToken = await request(server()).get('/api/articles').set(auth).expect(200);
    expect(titles(asToken.body.data)).toEqual(['public-a', 'public-b']);
    const forbidden = await request(server()).get('/api/articles?segmentsPreview=vip').set(beta).expect(403);
    expect(JSON.stringify(forbidden.body.error)).toContain('segmentsPreview');
    const unknown = await request(server()).get('/api/articles?segmentsPreview=ghost').set(auth).expect(400);
    expect(JSON.stringify(unknown.body.error)).toContain('segmentsPreview');
    const malformed = await request(server()).get('/api/articles?segmentsPreview=Not%20A%20Key').set(auth).expect(400);
    expect(JSON.stringify(malformed.body.error)).toContain('segmentsPreview');
  });

  it('rejects a malformed anonymous id with a 400 naming the header', async () => {
    const res = await request(server()).get('/api/articles').set('X-Segments-Anonymous-Id', 'bad id!').expect(400);
    expect(JSON.stringify(res.body.error)).toContain('x-segments-anonymous-id');
  });

  it('leaves the admin Content Manager unaffected', async () => {
    const jwt = await adminToken(app(), { superAdmin: true });
    const res = await request(server())
      .get(`/content-manager/collection-types/${ARTICLE}?pageSize=100`)
      .set('Authorization', `Bearer ${jwt}`)
      .expect(200);
    expect(res.body.results.length).toBe(5);
  });

  it('refuses to delete a segment that targets content (its entries would become public)', async () => {
    const { strapi } = app();
    const vipSegment = await strapi.db.query('plugin::segments.segment').findOne({ where: { key: 'vip' } });
    await expect(strapi.documents('plugin::segments.segment').delete({ documentId: vipSegment.documentId })).rejects.toMatchObject({
      details: { errors: [{ path: 'documentId' }] },
    });
    const anon = await request(server()).get('/api/articles').expect(200);
    expect(titles(anon.body.data)).toEqual(['public-a', 'public-b']);
    // A segment nothing targets can go.
    const unused = await strapi.db.query('plugin::segments.segment').findOne({ where: { key: 'nobody-matches' } });
    await strapi.documents('plugin::segments.segment').delete({ documentId: unused.documentId });
  });

  it('sees segment changes of a visitor at once (real-time evaluation)', async () => {
    const h = { 'X-Segments-Anonymous-Id': 'anon-upgrade-01' };
    await visitorWithTraits(app(), 'anon-upgrade-01', { plan: 'free' });
    const before = await request(server()).get('/api/articles').set(h).expect(200);
    expect(titles(before.body.data)).toEqual(['public-a', 'public-b']);
    await visitorWithTraits(app(), 'anon-upgrade-01', { plan: 'vip' });
    const after = await request(server()).get('/api/articles').set(h).expect(200);
    expect(titles(after.body.data)).toContain('vip-only');
  });
});
