import request from 'supertest';
import { useStrapi } from './helpers/strapi';
import { TABLES } from '../../server/src/store/tables';
import { seedDemo, DEMO_SEGMENTS } from '../../playground/src/demo';
import { generateAppUsers, DAY_MS } from '../../playground/src/demo-data';

/**
 * `npm run demo` seeds through playground/src/demo.ts; here a smaller shop (150 app users, the
 * first 400 CDNOW customers) is seeded twice, and once more after a simulated interruption,
 * into a real Strapi: the counts never change.
 */
// A first boot on a fresh PostgreSQL database (schema sync of every content type) has taken over
// two minutes on the loaded 2-core development machine.
jest.setTimeout(300_000);

describe('demo seeding', () => {
  const app = useStrapi('demo-seed');
  const now = Date.now();
  const options = { appUsers: 150, cdnowCustomers: 400, now };

  const counts = async () => {
    const { knex, strapi } = app();
    const rows = async (table: string) => Number((await knex(table).count({ n: '*' }).first())?.n);
    const docs = async (uid: string) => strapi.db.query(uid as never).count({});
    return {
      profiles: await rows(TABLES.profiles),
      identities: await rows(TABLES.identities),
      events: await rows(TABLES.events),
      rollups: await rows(TABLES.rollups),
      rollupSum: Number((await knex(TABLES.rollups).sum({ s: 'count' }).first())?.s),
      activityDays: await rows(TABLES.activityDays),
      memberships: await rows(TABLES.memberships),
      segments: await docs('plugin::segments.segment'),
      banners: await docs('plugin::segments.banner'),
      experiments: await docs('plugin::segments.experiment'),
      campaigns: await docs('plugin::segments.campaign'),
    };
  };
  const members = async (key: string) => {
    const segment = await app().strapi.documents('plugin::segments.segment').findFirst({ filters: { key } });
    return Number((await app().knex(TABLES.memberships).where('segment_id', segment?.documentId).count({ n: '*' }).first())?.n);
  };

  it('seeds a shop whose segments have members, and running it again changes nothing', async () => {
    const first = await seedDemo(app().strapi, options);
    expect(first.seededData).toBe(true);
    expect(first.rejected).toBe(0);
    const after = await counts();
    const appEvents = generateAppUsers({ count: 150, asOfDay: Math.floor(now / DAY_MS) * DAY_MS, now }).reduce(
      (n, u) => n + u.events.length,
      0
    );
    expect(after.profiles).toBe(150 + 400);
    // Every imported event is in the daily rollups (raw events only within raw retention).
    expect(after.rollupSum).toBe(first.events);
    expect(first.events).toBeGreaterThan(appEvents);
    expect(after.segments).toBe(DEMO_SEGMENTS.length);
    expect(after.banners).toBeGreaterThanOrEqual(8);
    expect(after.experiments).toBe(1);
    expect(after.campaigns).toBeGreaterThanOrEqual(1);
    const user = await app().knex(TABLES.profiles).where('anonymous_id', 'demo-user-0001').first();
    expect(user.email).toBe('demo-user-0001@shop.test');
    expect(typeof user.timezone).toBe('string');
    const traits = typeof user.traits === 'string' ? JSON.parse(user.traits) : user.traits;
    expect(traits).toEqual(expect.objectContaining({ age: expect.any(Number), plan: expect.any(String), first_name: expect.any(String) }));
    expect(traits.email).toBeUndefined(); // promoted to its column, as identify does
    for (const key of ['daily-task-completers', 'big-spenders', 'lapsed', 'near-berlin', 'new-this-week']) {
      expect([key, await members(key)]).toEqual([key, expect.any(Number)]);
      expect(await members(key)).toBeGreaterThan(0);
    }

    const second = await seedDemo(app().strapi, options);
    expect(second.seededData).toBe(false);
    expect(second.created).toEqual([]);
    expect(await counts()).toEqual(after);
  }, 300_000);

  it('re-seeds cleanly after an interrupted run (marker left at "seeding")', async () => {
    const before = await counts();
    const store = app().strapi.store({ type: 'plugin', name: 'segments-demo' });
    const marker = (await store.get({ key: 'seed' })) as Record<string, unknown>;
    await store.set({ key: 'seed', value: { ...marker, state: 'seeding' } });
    const again = await seedDemo(app().strapi, options);
    expect(again.seededData).toBe(true);
    expect(await counts()).toEqual(before);
  }, 300_000);

  it('serves the personalised home banner: a big spender gets the VIP banner, a stranger the fallback', async () => {
    const { knex, server } = app();
    const spenderSegment = await app().strapi.documents('plugin::segments.segment').findFirst({ filters: { key: 'big-spenders' } });
    const member = await knex(TABLES.memberships)
      .join(TABLES.profiles, `${TABLES.profiles}.id`, `${TABLES.memberships}.profile_id`)
      .where('segment_id', spenderSegment?.documentId)
      .whereLike('anonymous_id', 'demo-user-%')
      .select('anonymous_id')
      .first();
    expect(member).toBeDefined();
    const vip = await request(server)
      .get('/api/segments/placements/home-hero')
      .set('X-Segments-Anonymous-Id', member.anonymous_id)
      .expect(200);
    expect(vip.body.data.banner.title).toMatch(/^VIP early access/);
    const stranger = await request(server).get('/api/segments/placements/home-hero').set('X-Segments-Anonymous-Id', 'demo-stranger-1').expect(200);
    expect(stranger.body.data.banner.title).toBe('Welcome to the demo shop');
    const promo = await request(server).get('/api/segments/placements/home-promo').set('X-Segments-Anonymous-Id', member.anonymous_id).expect(200);
    expect(promo.body.data.experiment.key).toBe('home-promo-test');
  });
});
