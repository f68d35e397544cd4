import request from 'supertest';
import { useStrapi } from './helpers/strapi';
import { ARTICLE, createSegment, grantPublic, visitorWithTraits } from './helpers/personalization';

/**
 * Issue 21.2: a site's own transaction around document-service writes and reads of a targeted
 * type. Every query the plugin makes while it is open (write guards, targeting reads, content
 * versions, segment and campaign guards) must run on that transaction: on SQLite a query on the
 * pool's other connection waits for the lock the transaction holds, and the call never returns.
 */
const DEADLINE_MS = 15_000;

/** Fails instead of hanging when a plugin query waits on the caller's transaction. */
async function withinDeadline<T>(label: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${label}: no answer within ${DEADLINE_MS} ms (deadlock)`)),
      DEADLINE_MS
    );
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

describe("plugin queries inside a caller's transaction", () => {
  const app = useStrapi('caller_trx', { SEGMENTS_SCHEDULER_ENABLED: 'false' });
  let vipId = '';

  beforeAll(async () => {
    await grantPublic(app(), [`${ARTICLE}.find`, `${ARTICLE}.findInTransaction`]);
    vipId = await createSegment(app(), 'trx-vip', { plan: 'vip' });
  });

  it('creates, reads and updates a targeted entry inside strapi.db.transaction', async () => {
    const { strapi } = app();
    const result = await withinDeadline(
      'transaction',
      strapi.db.transaction(async () => {
        const open = await strapi
          .documents(ARTICLE)
          .create({ data: { title: 'trx-open' } as never });
        const hidden = await strapi.documents(ARTICLE).create({
          data: { title: 'trx-vip-only', segmentsTargets: [vipId] } as never,
        });
        await strapi
          .documents(ARTICLE)
          .update({ documentId: open.documentId, data: { body: 'edited' } as never });
        const seen = await strapi
          .documents(ARTICLE)
          .findMany({ filters: { title: { $startsWith: 'trx-' } } } as never);
        const counted = await strapi
          .documents(ARTICLE)
          .count({ filters: { title: { $startsWith: 'trx-' } } } as never);
        return {
          hidden: hidden.documentId,
          seen: seen.map((r) => (r as unknown as { title: string }).title).sort(),
          counted,
        };
      })
    );
    // Code (no visitor) sees everything, inside the transaction as outside.
    expect(result.seen).toEqual(['trx-open', 'trx-vip-only']);
    expect(result.counted).toBe(2);
    // Committed, and targeted as usual afterwards.
    const vip = await visitorWithTraits(app(), 'anon-trx-vip-1', { plan: 'vip' });
    const asVip = await request(app().server)
      .get('/api/articles')
      .query({ 'filters[title][$startsWith]': 'trx-' })
      .set(vip);
    const asNobody = await request(app().server)
      .get('/api/articles')
      .query({ 'filters[title][$startsWith]': 'trx-' })
      .set({ 'X-Segments-Anonymous-Id': 'anon-trx-nobody' });
    expect(asVip.body.data.map((r: { title: string }) => r.title).sort()).toEqual([
      'trx-open',
      'trx-vip-only',
    ]);
    expect(asNobody.body.data.map((r: { title: string }) => r.title)).toEqual(['trx-open']);
  });

  it("filters a visitor's content-API read that a site runs inside a transaction", async () => {
    const vip = await visitorWithTraits(app(), 'anon-trx-vip-2', { plan: 'vip' });
    const read = (headers: Record<string, string>) =>
      withinDeadline(
        'content-API read in a transaction',
        request(app().server)
          .get('/api/articles-in-transaction')
          .query({ 'filters[title][$startsWith]': 'trx-' })
          .set(headers)
          .then((r) => r)
      );
    const asVip = await read(vip);
    expect(asVip.status).toBe(200);
    expect(asVip.body.data.map((r: { title: string }) => r.title).sort()).toEqual([
      'trx-open',
      'trx-vip-only',
    ]);
    expect(asVip.body.meta.total).toBe(2);
    const asNobody = await read({ 'X-Segments-Anonymous-Id': 'anon-trx-nobody-2' });
    expect(asNobody.status).toBe(200);
    expect(asNobody.body.data.map((r: { title: string }) => r.title)).toEqual(['trx-open']);
    expect(asNobody.body.meta.total).toBe(1);
  });

  it('rolls the plugin-side writes back with the caller', async () => {
    const { strapi } = app();
    const before = await strapi.db.query(ARTICLE).count({});
    await expect(
      withinDeadline(
        'rolled back transaction',
        strapi.db.transaction(async () => {
          await strapi
            .documents(ARTICLE)
            .create({ data: { title: 'trx-rolled-back', segmentsTargets: [vipId] } as never });
          throw new Error('the site changes its mind');
        })
      )
    ).rejects.toThrow('the site changes its mind');
    expect(await strapi.db.query(ARTICLE).count({})).toBe(before);
  });

  it('writes segments and campaigns inside a transaction (their guards use it too)', async () => {
    const { strapi } = app();
    const made = await withinDeadline(
      'segment and campaign',
      strapi.db.transaction(async () => {
        const segment = await strapi.documents('plugin::segments.segment').create({
          data: { name: 'In trx', key: 'in-trx', rule: { plan: 'gold' } } as never,
        });
        const campaign = await strapi.documents('plugin::segments.campaign' as never).create({
          data: {
            name: 'In trx',
            segmentKey: 'in-trx',
            variants: [{ name: 'A', subject: 's', html: '<p>x</p>' }],
          } as never,
        });
        await strapi.documents('plugin::segments.campaign' as never).update({
          documentId: (campaign as { documentId: string }).documentId,
          data: { state: 'cancelled' } as never,
        });
        await strapi.documents('plugin::segments.campaign' as never).delete({
          documentId: (campaign as { documentId: string }).documentId,
        });
        return segment.documentId;
      })
    );
    expect(
      await strapi.db.query('plugin::segments.segment').findOne({ where: { documentId: made } })
    ).toBeTruthy();
  });
});
