import request from 'supertest';
import { useStrapi } from '../helpers/strapi';
import { ARTICLE, createSegment, grantPublic, visitorWithTraits } from '../helpers/personalization';
import { hiddenRowIds, MAX_HIDDEN_IDS } from '../../../server/src/personalization/hidden-entries';

/**
 * List reads of a targeting-enabled type filter by the ids of the rows the visitor may not see
 * (one query on the link table) while there are few of them, and by the relation filter beyond
 * MAX_HIDDEN_IDS. Both regimes must return exactly the visible entries, with the right totals.
 */
describe('targeting: hidden-row ids and the relation-filter fallback', () => {
  const app = useStrapi('targeting-hidden-rows');
  let vip: Record<string, string>;
  const nobody = { 'X-Segments-Anonymous-Id': 'anon-hidden-nobody' };
  let vipId: string;
  let othersId: string;

  const list = async (headers: Record<string, string>) => {
    const res = await request(app().server)
      .get('/api/articles?pagination[pageSize]=100&sort=title')
      .set(headers)
      .expect(200);
    return {
      titles: res.body.data.map((a: { title: string }) => a.title),
      total: res.body.meta.pagination.total,
    };
  };

  beforeAll(async () => {
    const { strapi } = app();
    await grantPublic(app(), [`${ARTICLE}.find`]);
    vipId = await createSegment(app(), 'vip', { plan: 'vip' });
    othersId = await createSegment(app(), 'others', { plan: 'none-such' });
    const create = (title: string, targets: string[]) =>
      strapi.documents(ARTICLE).create({ data: { title, segmentsTargets: targets } as never });
    await create('a-public', []);
    await create('b-vip', [vipId]);
    await create('c-vip-or-others', [vipId, othersId]);
    await create('d-others', [othersId]);
    vip = await visitorWithTraits(app(), 'anon-hidden-vip', { plan: 'vip' });
  });

  it('hides rows by id while they are few', async () => {
    const { strapi } = app();
    const hiddenForNobody = await hiddenRowIds(strapi, ARTICLE, []);
    expect(hiddenForNobody).toHaveLength(3);
    expect(await hiddenRowIds(strapi, ARTICLE, ['vip'])).toHaveLength(1);
    expect(await list(nobody)).toEqual({ titles: ['a-public'], total: 1 });
    expect(await list(vip)).toEqual({ titles: ['a-public', 'b-vip', 'c-vip-or-others'], total: 3 });
  });

  it(`falls back to the relation filter beyond ${MAX_HIDDEN_IDS} hidden rows, with the same answers`, async () => {
    const { strapi } = app();
    // Bulk rows straight into the tables (the document service would take minutes for this many).
    const meta = strapi.db.metadata.get(ARTICLE as never);
    const join = (
      meta.attributes as Record<
        string,
        {
          joinTable?: {
            name: string;
            joinColumn: { name: string };
            inverseJoinColumn: { name: string };
          };
        }
      >
    ).segmentsTargets.joinTable!;
    const others = await strapi.db
      .query('plugin::segments.segment')
      .findOne({ where: { documentId: othersId } });
    const now = new Date();
    const rows = Array.from({ length: MAX_HIDDEN_IDS }, (_, i) => ({
      document_id: `bulkhidden${String(i).padStart(14, '0')}`,
      title: `z-others-${i}`,
      created_at: now,
      updated_at: now,
      published_at: now,
    }));
    const knex = strapi.db.connection;
    for (let i = 0; i < rows.length; i += 200)
      await knex(meta.tableName).insert(rows.slice(i, i + 200));
    const ids = (await knex(meta.tableName)
      .where('title', 'like', 'z-others-%')
      .select('id')) as Array<{ id: number }>;
    expect(ids).toHaveLength(MAX_HIDDEN_IDS);
    const links = ids.map(({ id }) => ({
      [join.joinColumn.name]: id,
      [join.inverseJoinColumn.name]: others.id,
    }));
    for (let i = 0; i < links.length; i += 200)
      await knex(join.name).insert(links.slice(i, i + 200));

    expect(await hiddenRowIds(strapi, ARTICLE, [])).toBeNull();
    expect(await list(nobody)).toEqual({ titles: ['a-public'], total: 1 });
    expect(await list(vip)).toEqual({ titles: ['a-public', 'b-vip', 'c-vip-or-others'], total: 3 });
  });
});
