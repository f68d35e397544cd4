import request from 'supertest';
import { useStrapi } from '../helpers/strapi';
import { apiToken } from '../helpers/identity';
import { ARTICLE, PAGE, createSegment, grantPublic, visitorWithTraits } from '../helpers/personalization';

const pv = (def: unknown, variants: Array<[string, unknown]>) => ({
  default: def,
  variants: variants.map(([segment, value]) => ({ segment, value })),
});

/** Field variants through @strapi/plugin-graphql: top level, relations, components, dynamic zones. */
describe('per-segment field variants through GraphQL', () => {
  const app = useStrapi('field-variants-graphql', { PLAYGROUND_GRAPHQL: 'true' });
  let vip: Record<string, string>;
  const nobody = { 'X-Segments-Anonymous-Id': 'anon-fvg-nobody' };
  let fileId: number;
  let otherFileId: number;

  const gql = (query: string, headers: Record<string, string> = {}, url = '/graphql') =>
    request(app().server).post(url).set(headers).send({ query }).expect(200);

  beforeAll(async () => {
    const { strapi } = app();
    await grantPublic(app(), [`${ARTICLE}.find`, `${ARTICLE}.findOne`, `${PAGE}.find`, `${PAGE}.findOne`]);
    await createSegment(app(), 'vip', { plan: 'vip' });
    const file = (name: string) =>
      strapi.db.query('plugin::upload.file').create({
        data: { name, hash: name.replace('.', '_'), ext: '.png', mime: 'image/png', size: 1, url: `/uploads/${name}`, provider: 'local' },
      });
    fileId = Number((await file('default.png')).id);
    otherFileId = Number((await file('vip.png')).id);
    const article = await strapi.documents(ARTICLE).create({
      data: { title: 'linked', tagline: pv('tag default', [['vip', 'tag vip']]) } as never,
    });
    await strapi.documents(PAGE).create({
      data: {
        title: 'home',
        headline: pv('Welcome', [['vip', 'Welcome back, VIP']]),
        cta: { label: pv('Buy', [['vip', 'Buy, VIP']]), image: pv(fileId, [['vip', otherFileId]]) },
        kinds: { amount: pv(1, [['vip', 2]]), flag: pv(false, [['vip', true]]), data: pv({ a: 1 }, [['vip', { a: 2 }]]) },
        sections: [{ __component: 'demo.personalised-cta', label: pv('dz default', [['vip', 'dz vip']]) }],
        articles: [article.documentId],
      } as never,
    });
    vip = await visitorWithTraits(app(), 'anon-fvg-vip-001', { plan: 'vip' });
  });

  const query = `{ pages { headline cta { label image } kinds { amount flag data }
    sections { ... on ComponentDemoPersonalisedCta { label } }
    articles { title tagline } }
    articles { tagline } }`;

  it('resolves top-level fields, components, dynamic zones and relations for the visitor', async () => {
    const anon = await gql(query, nobody);
    expect(anon.body.errors).toBeUndefined();
    const page = anon.body.data.pages[0];
    expect(page.headline).toBe('Welcome');
    expect(page.cta.label).toBe('Buy');
    expect(page.cta.image).toMatchObject({ id: fileId, url: '/uploads/default.png' });
    expect(page.kinds).toEqual({ amount: 1, flag: false, data: { a: 1 } });
    expect(page.sections[0].label).toBe('dz default');
    expect(page.articles[0].tagline).toBe('tag default');
    expect(anon.body.data.articles[0].tagline).toBe('tag default');

    const member = await gql(query, vip);
    expect(member.body.errors).toBeUndefined();
    const p = member.body.data.pages[0];
    expect(p.headline).toBe('Welcome back, VIP');
    expect(p.cta).toMatchObject({ label: 'Buy, VIP', image: { id: otherFileId } });
    expect(p.kinds).toEqual({ amount: 2, flag: true, data: { a: 2 } });
    expect(p.sections[0].label).toBe('dz vip');
    expect(p.articles[0].tagline).toBe('tag vip');
    expect(member.body.data.articles[0].tagline).toBe('tag vip');
    // Apollo answers with no-store, which is stricter than the REST private, no-cache.
    expect(member.headers['cache-control']).toMatch(/no-store|private/);
  });

  it('never leaks variants, and refuses filters on personalised fields', async () => {
    const anon = await gql(query, nobody);
    const body = JSON.stringify(anon.body);
    for (const secret of ['VIP', 'tag vip', 'dz vip', 'vip.png', 'variants']) expect(body).not.toContain(secret);
    const probe = await request(app().server)
      .post('/graphql')
      .set(nobody)
      .send({ query: '{ pages(filters: { headline: { contains: "VIP" } }) { title } }' });
    expect(JSON.stringify(probe.body)).not.toContain('home');
    expect(probe.body.errors?.length ?? 0).toBeGreaterThan(0);
  });

  // Relation arguments are resolved by GraphQL's association resolver, which reads the database
  // directly (not through the document service): a filter there could test a variant's text.
  it.each([
    ['a filter on a relation', '{ pages { title articles(filters: { tagline: { contains: "vip" } }) { title } } }'],
    ['an or-group on a relation', '{ pages { title articles(filters: { or: [{ tagline: { contains: "vip" } }] }) { title } } }'],
    ['a not-group on a relation', '{ pages { title articles(filters: { not: { tagline: { contains: "vip" } } }) { title } } }'],
    ['a sort on a relation', '{ pages { title articles(sort: ["tagline:asc"]) { title } } }'],
    ['a filter on a relation connection', '{ pages { title articles_connection(filters: { tagline: { contains: "vip" } }) { nodes { title } } } }'],
  ])('refuses %s on a personalised field', async (_label, probeQuery) => {
    const probe = await request(app().server).post('/graphql').set(nobody).send({ query: probeQuery });
    expect(probe.body.errors?.[0]?.message).toMatch(/personalised fields cannot be used to filter or sort/);
    expect(JSON.stringify(probe.body)).not.toContain('linked');
  });

  it('still answers relation filters on plain fields', async () => {
    const res = await gql('{ pages { articles(filters: { title: { eq: "linked" } }) { title tagline } } }', nobody);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.pages[0].articles).toEqual([{ title: 'linked', tagline: 'tag default' }]);
  });

  it('lets an API-token caller preview as a segment', async () => {
    const token = await apiToken(app());
    const res = await gql('{ pages { headline } }', { Authorization: `Bearer ${token}` }, '/graphql?segmentsPreview=vip');
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.pages[0].headline).toBe('Welcome back, VIP');
    const plain = await gql('{ pages { headline } }', { Authorization: `Bearer ${token}` });
    expect(plain.body.data.pages[0].headline).toBe('Welcome');
  });
});
