import request from 'supertest';
import { useStrapi } from '../helpers/strapi';
import { adminToken } from '../helpers/admin';
import { apiToken } from '../helpers/identity';
import { ARTICLE, PAGE, createSegment, grantPublic, visitorWithTraits } from '../helpers/personalization';
import { assignVariation } from '../../../server/src/experiments';
import { TABLES } from '../../../server/src/store/tables';

/** A stored value: default + one variant per segment, in order. */
const pv = (def: unknown, variants: Array<[string, unknown]>) => ({
  default: def,
  variants: variants.map(([segment, value]) => ({ segment, value })),
});

describe('per-segment field variants on the content API (REST)', () => {
  const app = useStrapi('field-variants');
  const server = () => app().server;
  let vip: Record<string, string>;
  let beta: Record<string, string>;
  let both: Record<string, string>;
  const nobody = { 'X-Segments-Anonymous-Id': 'anon-fv-nobody' };
  let pageId: string;
  let token: string;
  const files: Record<string, number> = {};

  const kinds = (img: 'a' | 'b' | 'c') => ({
    shortText: pv('short default', [['vip', 'short vip'], ['beta', 'short beta']]),
    longText: pv('long\ndefault', [['vip', 'long\nvip']]),
    richText: pv('# default', [['vip', '# **vip**']]),
    amount: pv(10, [['vip', 7.5], ['beta', 0]]),
    flag: pv(false, [['vip', true]]),
    image: pv(files[img], [['vip', files.b], ['beta', files.c]]),
    data: pv({ plan: 'free' }, [['vip', { plan: 'vip', perks: ['a', 'b'] }]]),
  });

  beforeAll(async () => {
    const { strapi } = app();
    await grantPublic(app(), [`${PAGE}.find`, `${PAGE}.findOne`, `${ARTICLE}.find`, `${ARTICLE}.findOne`, `${PAGE}.create`]);
    await createSegment(app(), 'vip', { plan: 'vip' });
    await createSegment(app(), 'beta', { beta: true });
    for (const name of ['a', 'b', 'c']) {
      const file = await strapi.db.query('plugin::upload.file').create({
        data: { name: `${name}.png`, hash: `hash_${name}`, ext: '.png', mime: 'image/png', size: 1.5, url: `/uploads/${name}.png`, provider: 'local' },
      });
      files[name] = Number(file.id);
    }
    const article = await strapi.documents(ARTICLE).create({
      data: { title: 'linked', tagline: pv('tag default', [['vip', 'tag vip']]) } as never,
    });
    const page = await strapi.documents(PAGE).create({
      data: {
        title: 'home',
        headline: pv('Welcome', [['vip', 'Welcome back, VIP'], ['beta', 'Welcome, beta tester']]),
        cta: { label: pv('Buy', [['beta', 'Try the beta']]), image: pv(files.a, [['vip', files.b]]) },
        kinds: kinds('a'),
        sections: [
          { __component: 'demo.personalised-cta', label: pv('dz default', [['vip', 'dz vip']]) },
          { __component: 'demo.article-teaser', heading: 'plain heading' },
        ],
        articles: [article.documentId],
      } as never,
    });
    pageId = page.documentId;
    vip = await visitorWithTraits(app(), 'anon-fv-vip-001', { plan: 'vip' });
    beta = await visitorWithTraits(app(), 'anon-fv-beta-01', { beta: true });
    both = await visitorWithTraits(app(), 'anon-fv-both-01', { plan: 'vip', beta: true });
    token = await apiToken(app());
  });

  const getPage = (headers: Record<string, string>, query = 'populate=*') =>
    request(server()).get(`/api/pages/${pageId}?${query}`).set(headers).expect(200);

  it('replaces a top-level field by the first matching variant, else the default', async () => {
    expect((await getPage(nobody)).body.data.headline).toBe('Welcome');
    expect((await getPage({})).body.data.headline).toBe('Welcome');
    expect((await getPage(vip)).body.data.headline).toBe('Welcome back, VIP');
    expect((await getPage(beta)).body.data.headline).toBe('Welcome, beta tester');
    // In both segments: the first variant in order wins.
    expect((await getPage(both)).body.data.headline).toBe('Welcome back, VIP');
    // Lists too.
    const list = await request(server()).get('/api/pages').set(beta).expect(200);
    expect(list.body.data[0].headline).toBe('Welcome, beta tester');
  });

  it('resolves every kind, media populated like a media field', async () => {
    const populate = 'populate[kinds]=true';
    const anon = (await getPage(nobody, populate)).body.data.kinds;
    expect(anon).toMatchObject({
      shortText: 'short default',
      longText: 'long\ndefault',
      richText: '# default',
      amount: 10,
      flag: false,
      data: { plan: 'free' },
    });
    expect(anon.image).toMatchObject({ id: files.a, name: 'a.png', url: '/uploads/a.png', mime: 'image/png' });
    const v = (await getPage(vip, populate)).body.data.kinds;
    expect(v).toMatchObject({
      shortText: 'short vip',
      longText: 'long\nvip',
      richText: '# **vip**',
      amount: 7.5,
      flag: true,
      data: { plan: 'vip', perks: ['a', 'b'] },
    });
    expect(v.image).toMatchObject({ id: files.b, url: '/uploads/b.png' });
    const b = (await getPage(beta, populate)).body.data.kinds;
    // Falsy variant values are values, not "no variant".
    expect(b).toMatchObject({ shortText: 'short beta', amount: 0, flag: false });
    expect(b.image).toMatchObject({ id: files.c });
  });

  it('resolves inside components, dynamic zones and populated relations', async () => {
    const query = 'populate[cta]=true&populate[sections]=true&populate[articles]=true';
    const anon = (await getPage(nobody, query)).body.data;
    expect(anon.cta.label).toBe('Buy');
    expect(anon.cta.image).toMatchObject({ id: files.a });
    expect(anon.sections[0].label).toBe('dz default');
    expect(anon.sections[1]).toMatchObject({ __component: 'demo.article-teaser', heading: 'plain heading' });
    expect(anon.articles[0].tagline).toBe('tag default');
    const v = (await getPage(vip, query)).body.data;
    expect(v.cta.label).toBe('Buy');
    expect(v.cta.image).toMatchObject({ id: files.b });
    expect(v.sections[0].label).toBe('dz vip');
    expect(v.articles[0].tagline).toBe('tag vip');
    const b = (await getPage(beta, query)).body.data;
    expect(b.cta.label).toBe('Try the beta');
    // From the other side of the relation as well.
    const articles = await request(server()).get('/api/articles').set(vip).expect(200);
    expect(articles.body.data[0].tagline).toBe('tag vip');
  });

  it('never leaks other variants or the stored structure to a visitor', async () => {
    for (const headers of [nobody, vip, beta, both, {}]) {
      const res = await getPage(headers, 'populate[kinds]=true&populate[cta]=true&populate[sections]=true&populate[articles]=true');
      const body = JSON.stringify(res.body);
      expect(body).not.toContain('"variants"');
      expect(body).not.toContain('"segment"');
      const own = headers === nobody || headers === beta || Object.keys(headers).length === 0;
      if (own) {
        expect(body).not.toContain('VIP');
        expect(body).not.toContain('short vip');
        expect(body).not.toContain('/uploads/b.png');
      }
      if (headers !== beta && headers !== both) expect(body).not.toContain('beta tester');
    }
    // Filtering or sorting on the field would probe variants: refused with the parameter named.
    const probes: Array<[string, string]> = [
      ['/api/pages?filters[headline][$containsi]=VIP', 'filters.headline'],
      ['/api/pages?filters[$or][0][cta][label][$contains]=beta', 'filters.$or.0.cta.label'],
      ['/api/pages?filters[articles][tagline][$contains]=vip', 'filters.articles.tagline'],
      ['/api/pages?sort=headline:desc', 'sort'],
      ['/api/pages?populate[articles][filters][tagline][$eq]=tag%20vip', 'populate.articles.filters.tagline'],
      ['/api/articles?filters[tagline][$contains]=vip', 'filters.tagline'],
    ];
    for (const [url, path] of probes) {
      const probe = await request(server()).get(url).set(nobody);
      expect([url, probe.status]).toEqual([url, 400]);
      expect(JSON.stringify(probe.body)).not.toContain('VIP');
      expect(probe.body.error.details.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
  });

  it('marks personalised responses private and varying by visitor', async () => {
    const res = await getPage(nobody, 'fields[0]=headline');
    expect(res.headers['cache-control']).toBe('private, no-cache');
    expect(res.headers.vary).toMatch(/X-Segments-Anonymous-Id/i);
  });

  it('lets an API-token caller preview as a segment, and nobody else', async () => {
    const auth = { Authorization: `Bearer ${token}` };
    const asVip = await request(server()).get(`/api/pages/${pageId}?segmentsPreview=vip`).set(auth).expect(200);
    expect(asVip.body.data.headline).toBe('Welcome back, VIP');
    const asBeta = await request(server()).get(`/api/pages/${pageId}?segmentsPreview=beta&populate[cta]=true`).set(auth).expect(200);
    expect(asBeta.body.data.headline).toBe('Welcome, beta tester');
    expect(asBeta.body.data.cta.label).toBe('Try the beta');
    const plain = await request(server()).get(`/api/pages/${pageId}`).set(auth).expect(200);
    expect(plain.body.data.headline).toBe('Welcome');
    const denied = await request(server()).get(`/api/pages/${pageId}?segmentsPreview=vip`).set(nobody).expect(403);
    expect(JSON.stringify(denied.body.error)).toContain('segmentsPreview');
    const unknown = await request(server()).get(`/api/pages/${pageId}?segmentsPreview=nope`).set(auth).expect(400);
    expect(JSON.stringify(unknown.body.error)).toContain('segmentsPreview');
  });

  it('shows the admin Content Manager the full structure', async () => {
    const jwt = await adminToken(app(), { superAdmin: true });
    const res = await request(server())
      .get(`/content-manager/collection-types/${PAGE}/${pageId}`)
      .set('Authorization', `Bearer ${jwt}`)
      .expect(200);
    expect(res.body.data.headline).toEqual(pv('Welcome', [['vip', 'Welcome back, VIP'], ['beta', 'Welcome, beta tester']]));
  });

  it('refuses invalid values on every write path with the path of the row, writing nothing', async () => {
    const { strapi } = app();
    const before = await strapi.db.query(PAGE).count();
    const pathsOf = async (data: Record<string, unknown>) => {
      try {
        await strapi.documents(PAGE).create({ data: { title: 'bad', ...data } as never });
        return [];
      } catch (error) {
        return ((error as { details?: { errors?: Array<{ path: string }> } }).details?.errors ?? []).map((e) => e.path);
      }
    };
    expect(await pathsOf({ headline: pv('x', [['vip', 'ok'], ['no-such-segment', 'y']]) })).toEqual(['headline.variants.1.segment']);
    expect(await pathsOf({ headline: pv(42, [['vip', 'two\nlines']]) })).toEqual(['headline.default', 'headline.variants.0.value']);
    expect(await pathsOf({ kinds: { amount: pv(1, [['vip', '2']]) } })).toEqual(['kinds.amount.variants.0.value']);
    expect(await pathsOf({ kinds: { image: pv(files.a, [['vip', 999999]]) } })).toEqual(['kinds.image.variants.0.value']);
    expect(await pathsOf({ cta: { label: 'plain string' } })).toEqual(['cta.label']);
    expect(await pathsOf({ sections: [{ __component: 'demo.personalised-cta', label: pv('x', [['beta', 3]]) }] })).toEqual([
      'sections.0.label.variants.0.value',
    ]);
    // Experiments are off for the page headline: a split is refused.
    expect(
      await pathsOf({ headline: { default: 'x', variants: [{ segment: 'vip', experiment: 'e', split: [{ value: 'a', weight: 0.5 }, { value: 'b', weight: 0.5 }] }] } })
    ).toEqual(['headline.variants.0.split']);
    // REST (a storefront allowed to create) and the Content Manager get a 400 naming the row.
    const rest = await request(server())
      .post('/api/pages')
      .send({ data: { title: 'bad', headline: pv('x', [['ghost', 'y']]) } })
      .expect(400);
    expect(rest.body.error.details.errors).toEqual([{ path: 'headline.variants.0.segment', message: 'no segment with key "ghost"' }]);
    const jwt = await adminToken(app(), { superAdmin: true });
    const cm = await request(server())
      .put(`/content-manager/collection-types/${PAGE}/${pageId}`)
      .set('Authorization', `Bearer ${jwt}`)
      .send({ title: 'home', headline: pv('x', [['vip', true]]) })
      .expect(400);
    expect(JSON.stringify(cm.body.error)).toContain('headline.variants.0.value');
    expect(await strapi.db.query(PAGE).count()).toBe(before);
    expect((await getPage(vip)).body.data.headline).toBe('Welcome back, VIP');
  });

  it('resolves the response of a content-API write for its caller', async () => {
    const res = await request(server())
      .post('/api/pages')
      .set(vip)
      .send({ data: { title: 'written', headline: pv('w default', [['vip', 'w vip']]) } })
      .expect(201);
    expect(res.body.data.headline).toBe('w vip');
    expect(JSON.stringify(res.body)).not.toContain('variants');
  });

  it('splits a variant by weight among its segment, with placement bucketing and one exposure each', async () => {
    const { strapi, knex } = app();
    const split = { experiment: 'vip-tagline', split: [{ value: 'tag A', weight: 0.5 }, { value: 'tag B', weight: 0.5 }] };
    const doc = await strapi.documents(ARTICLE).create({
      data: { title: 'experiment', tagline: { default: 'tag default', variants: [{ segment: 'vip', ...split }] } } as never,
    });
    const seen = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const id = `anon-fv-split-${String(i).padStart(3, '0')}`;
      const headers = await visitorWithTraits(app(), id, { plan: 'vip' });
      const expected = assignVariation({ experimentKey: 'vip-tagline', unitId: id, weights: [0.5, 0.5], hashVersion: 2 });
      for (let repeat = 0; repeat < 2; repeat++) {
        const res = await request(server()).get(`/api/articles/${doc.documentId}`).set(headers).expect(200);
        expect([id, res.body.data.tagline]).toEqual([id, split.split[expected.variationIndex].value]);
      }
      seen.add(split.split[expected.variationIndex].value);
    }
    expect(seen.size).toBe(2);
    const rows = await knex(TABLES.exposures).where('experiment_id', 'field:vip-tagline');
    expect(rows.length).toBe(12);
    // Non-members get the default and are not exposed.
    const res = await request(server()).get(`/api/articles/${doc.documentId}`).set(nobody).expect(200);
    expect(res.body.data.tagline).toBe('tag default');
    expect((await knex(TABLES.exposures).where('experiment_id', 'field:vip-tagline')).length).toBe(12);
  });
});
