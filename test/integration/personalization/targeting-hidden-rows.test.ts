import request from 'supertest';
import { useStrapi } from '../helpers/strapi';
import { ARTICLE, createSegment, grantPublic, visitorWithTraits } from '../helpers/personalization';
import { hiddenRowsSubquery, MAX_HIDDEN_IDS } from '../../../server/src/personalization/hidden-entries';
import { bumpContentVersion, readContentVersion } from '../../../server/src/personalization/content-version';

const BULK_HIDDEN = MAX_HIDDEN_IDS + 500;

/**
 * List reads of a targeting-enabled type leave out the rows the visitor may not see by
 * `id NOT IN (…)` on the page query and its count: a literal id list cached per instance under
 * the `targeting` content version (read each request), a subquery beyond MAX_HIDDEN_IDS. The
 * lists must hold exactly the visible entries with the right totals, and a write — here, on
 * another instance, or straight to the query engine — must show on the very next request.
 */
describe('targeting: hidden rows', () => {
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

  const hiddenTitles = async (keys: string[]) => {
    const { strapi } = app();
    const table = strapi.db.metadata.get(ARTICLE as never).tableName;
    const rows = (await strapi.db
      .connection(table)
      .whereRaw('?? in (?)', ['id', hiddenRowsSubquery(strapi, ARTICLE, keys)!])
      .distinct('title')
      .orderBy('title')) as Array<{ title: string }>;
    return rows.map((r) => r.title);
  };

  it('hides the rows with targets, none of them the visitor\'s', async () => {
    expect(await hiddenTitles([])).toEqual(['b-vip', 'c-vip-or-others', 'd-others']);
    expect(await hiddenTitles(['vip'])).toEqual(['d-others']);
    expect(await hiddenTitles(['vip', 'others'])).toEqual([]);
    expect(await list(nobody)).toEqual({ titles: ['a-public'], total: 1 });
    expect(await list(vip)).toEqual({ titles: ['a-public', 'b-vip', 'c-vip-or-others'], total: 3 });
  });

  const articleQueries = async (run: () => Promise<unknown>) => {
    const { strapi } = app();
    const queries: string[] = [];
    const log = (q: { sql: string }) => queries.push(q.sql);
    strapi.db.connection.on('query', log);
    try {
      await run();
    } finally {
      strapi.db.connection.off('query', log);
    }
    return {
      pageAndCount: queries.filter((sql) => /[`"]articles[`"] as [`"]t0[`"]/.test(sql)),
      linkTable: queries.filter((sql) => sql.includes('articles_segments_targets_lnk')),
    };
  };

  it('filters the page and its count by a literal id list, read once and then from the cache', async () => {
    await list(vip);
    const warm = await articleQueries(() => list(vip));
    expect(warm.pageAndCount).toHaveLength(2);
    for (const sql of warm.pageAndCount) expect(sql).toMatch(/not in \(\d+\)/);
    expect(warm.linkTable).toEqual([]);
  });

  it('shows a new target on the next request: document service, query engine, another instance', async () => {
    const { strapi } = app();
    await list(vip); // warm the cache
    await strapi.documents(ARTICLE).create({ data: { title: 'e-others-new', segmentsTargets: [othersId] } as never });
    expect(await list(vip)).toEqual({ titles: ['a-public', 'b-vip', 'c-vip-or-others'], total: 3 });

    // The query engine, no document service: the lifecycle still bumps.
    const others = await strapi.db.query('plugin::segments.segment').findOne({ where: { documentId: othersId } });
    const publicOne = await strapi.db.query(ARTICLE as never).findOne({ where: { title: 'a-public' } });
    await strapi.db.query(ARTICLE as never).update({ where: { id: publicOne.id }, data: { segmentsTargets: [others.id] } });
    expect(await list(vip)).toEqual({ titles: ['b-vip', 'c-vip-or-others'], total: 2 });

    // Another instance: its write reaches only the database (link row + version bump).
    const meta = strapi.db.metadata.get(ARTICLE as never);
    const join = (meta.attributes as Record<string, { joinTable?: { name: string; joinColumn: { name: string }; inverseJoinColumn: { name: string } } }>)
      .segmentsTargets.joinTable!;
    const bVip = await strapi.db.query(ARTICLE as never).findOne({ where: { title: 'b-vip' } });
    await strapi.db.connection(join.name).where(join.joinColumn.name, bVip.id).delete();
    await strapi.db.connection(join.name).insert({ [join.joinColumn.name]: bVip.id, [join.inverseJoinColumn.name]: others.id });
    expect(await list(vip)).toEqual({ titles: ['b-vip', 'c-vip-or-others'], total: 2 }); // not bumped yet: cached
    await bumpContentVersion(strapi.db.connection, 'targeting');
    expect(await list(vip)).toEqual({ titles: ['c-vip-or-others'], total: 1 });

    // Put the fixtures back for the next test.
    await strapi.db.query(ARTICLE as never).update({ where: { id: publicOne.id }, data: { segmentsTargets: [] } });
    await strapi.db.query(ARTICLE as never).update({ where: { id: bVip.id }, data: { segmentsTargets: [(await strapi.db.query('plugin::segments.segment').findOne({ where: { documentId: vipId } })).id] } });
    await strapi.db.query(ARTICLE as never).delete({ where: { title: 'e-others-new' } });
    expect(await list(vip)).toEqual({ titles: ['a-public', 'b-vip', 'c-vip-or-others'], total: 3 });
  });

  it('bumps the targeting version on segment writes, not on a recompute\'s bookkeeping', async () => {
    const { strapi } = app();
    const version = async () => readContentVersion(strapi.db.connection, 'targeting');
    const segments = () => strapi.db.query('plugin::segments.segment');
    const before = await version();
    await segments().update({ where: { documentId: othersId }, data: { computedSize: 7, computedAt: new Date() } });
    expect(await version()).toBe(before);
    await segments().update({ where: { documentId: othersId }, data: { name: 'Others, renamed' } });
    expect(await version()).toBe(before + 1);
  });

  it(`gives the same answers with ${BULK_HIDDEN} hidden rows`, async () => {
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
    const rows = Array.from({ length: BULK_HIDDEN }, (_, i) => ({
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
    expect(ids).toHaveLength(BULK_HIDDEN);
    const links = ids.map(({ id }) => ({
      [join.joinColumn.name]: id,
      [join.inverseJoinColumn.name]: others.id,
    }));
    for (let i = 0; i < links.length; i += 200)
      await knex(join.name).insert(links.slice(i, i + 200));

    expect(await hiddenTitles(['vip'])).toHaveLength(BULK_HIDDEN + 1);
    // Straight to the tables: tell the instances, as a write through Strapi would.
    await bumpContentVersion(knex, 'targeting');
    const { pageAndCount } = await articleQueries(async () => {
      expect(await list(nobody)).toEqual({ titles: ['a-public'], total: 1 });
    });
    for (const sql of pageAndCount) expect(sql).toMatch(/not in \(select/);
    expect(await list(vip)).toEqual({ titles: ['a-public', 'b-vip', 'c-vip-or-others'], total: 3 });
  });
});
