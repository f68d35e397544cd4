import request from 'supertest';
import { useStrapi } from '../helpers/strapi';
import { ARTICLE, PAGE, createSegment, grantPublic, visitorWithTraits } from '../helpers/personalization';

/** The same leak checks through @strapi/plugin-graphql (a playground devDependency). */
describe('targeting through GraphQL', () => {
  const app = useStrapi('targeting-graphql', { PLAYGROUND_GRAPHQL: 'true' });
  const docs: Record<string, string> = {};
  let vip: Record<string, string>;
  const beta = { 'X-Segments-Anonymous-Id': 'anon-gql-beta-01' };

  const gql = (query: string, headers: Record<string, string> = {}) =>
    request(app().server).post('/graphql').set(headers).send({ query }).expect(200);
  const titles = (rows: Array<{ title: string }>) => rows.map((r) => r.title).sort();

  beforeAll(async () => {
    const { strapi } = app();
    await grantPublic(app(), [`${ARTICLE}.find`, `${ARTICLE}.findOne`, `${PAGE}.find`, `${PAGE}.findOne`]);
    const vipId = await createSegment(app(), 'vip', { plan: 'vip' });
    for (const [title, targets] of [
      ['open', []],
      ['vip-only', [vipId]],
    ] as Array<[string, string[]]>) {
      docs[title] = (await strapi.documents(ARTICLE).create({ data: { title, segmentsTargets: targets } as never })).documentId;
    }
    await strapi.documents(ARTICLE).update({ documentId: docs.open, data: { related: [docs['vip-only']] } as never });
    const all = Object.values(docs);
    await strapi.documents(PAGE).create({
      data: { title: 'home', articles: all, teaser: { heading: 't', articles: all } } as never,
    });
    vip = await visitorWithTraits(app(), 'anon-gql-vip-001', { plan: 'vip' });
  });

  it('filters top-level collection and single queries', async () => {
    const anon = await gql('{ articles { title } }', beta);
    expect(anon.body.errors).toBeUndefined();
    expect(titles(anon.body.data.articles)).toEqual(['open']);
    const member = await gql('{ articles { title } }', vip);
    expect(titles(member.body.data.articles)).toEqual(['open', 'vip-only']);
    const single = await gql(`{ article(documentId: "${docs['vip-only']}") { title } }`, beta);
    expect(single.body.data.article).toBeNull();
    const count = await gql('{ articles_connection { pageInfo { total } } }', beta);
    expect(count.body.data.articles_connection.pageInfo.total).toBe(1);
  });

  it('filters relations resolved from other types, components and self relations', async () => {
    const query = `{ pages { articles { title } articles_connection { nodes { title } } teaser { articles { title } } }
      articles { title related { title } } }`;
    const anon = await gql(query, beta);
    expect(anon.body.errors).toBeUndefined();
    const page = anon.body.data.pages[0];
    expect(titles(page.articles)).toEqual(['open']);
    expect(titles(page.articles_connection.nodes)).toEqual(['open']);
    expect(titles(page.teaser.articles)).toEqual(['open']);
    expect(anon.body.data.articles[0].related).toEqual([]);
    const member = await gql(query, vip);
    expect(titles(member.body.data.pages[0].articles)).toEqual(['open', 'vip-only']);
    expect(titles(member.body.data.pages[0].teaser.articles)).toEqual(['open', 'vip-only']);
    // A relation's connection has no page info, so no count of hidden entries can leak from it.
    const counted = await request(app().server)
      .post('/graphql')
      .set(beta)
      .send({ query: '{ pages { articles_connection { pageInfo { total } } } }' })
      .expect(400);
    expect(counted.body.errors?.[0]?.message).toMatch(/Cannot query field "pageInfo"/);
  });

  it('refuses filters on the targets', async () => {
    const res = await request(app().server)
      .post('/graphql')
      .set(beta)
      .send({ query: '{ articles(filters: { segmentsTargets: { key: { eq: "vip" } } }) { title } }' });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.body.data?.articles ?? []).toEqual([]);
  });
});
