import type { AddressInfo } from 'net';
import request from 'supertest';
import { createClient } from '../../client/src/index';
import type { ClientOptions, FetchLike, SegmentsError } from '../../client/src/types';
import { TABLES } from '../../server/src/store/tables';
import { fakeBrowser } from '../unit/client/fakes';
import { apiToken, userWithJwt } from './helpers/identity';
import { BANNER, createSegment } from './helpers/personalization';
import { useStrapi } from './helpers/strapi';

/** The storefront client (client/src) against a real Strapi over real HTTP. */
describe('storefront client against Strapi', () => {
  const app = useStrapi('client');
  let url = '';
  const realFetch: FetchLike = (u, init) => fetch(u, init);

  beforeAll(async () => {
    const { server, strapi } = app();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const vip = await createSegment(app(), 'vip', { plan: 'vip' });
    for (const [title, extra] of [
      ['Welcome', { segmentsPriority: 1 }],
      ['VIP lounge', { segmentsTargets: [vip], segmentsPriority: 1 }],
    ] as const) {
      await strapi.documents(BANNER as never).create({
        data: { placement: 'home-hero', title, ctaLabel: 'Go', ctaUrl: '/go', ...extra } as never,
        status: 'published',
      } as never);
    }
  });

  const browserClient = (options: Partial<ClientOptions> = {}) => {
    const page = fakeBrowser('?utm_source=newsletter');
    const errors: SegmentsError[] = [];
    const client = createClient({ url, fetch: realFetch, globals: page.globals, onError: (e) => errors.push(e), ...options });
    return { client, page, errors };
  };

  // Postgres returns bigint ids as strings.
  const profileOf = async (where: Record<string, unknown>) => {
    const row = await app().knex(TABLES.profiles).where(where).first();
    return row && { ...row, id: Number(row.id) };
  };
  const eventNames = async (profileId: number) =>
    (await app().knex(TABLES.events).where('profile_id', profileId).orderBy('id')).map((e: { name: string }) => e.name);

  it('tracks a browser visitor: automatic session_start and page_view, batched events, UTM context', async () => {
    const { client, errors } = browserClient();
    client.track('view_item', { sku: 'sku-1' });
    client.track('add_to_cart', { sku: 'sku-1', value: 25 });
    await client.flush();
    expect(errors).toEqual([]);
    const profile = await profileOf({ anonymous_id: client.anonymousId() });
    expect(profile).toBeDefined();
    expect(await eventNames(profile.id)).toEqual(['session_start', 'page_view', 'view_item', 'add_to_cart']);
    const context = typeof profile.context === 'string' ? JSON.parse(profile.context) : profile.context;
    expect(context).toMatchObject({ utm: { source: 'newsletter' }, timezone: 'Europe/Berlin' });
  });

  it('identify() puts the visitor in a segment; me() and placement() see it, another visitor gets the fallback', async () => {
    const { client } = browserClient({ autoTrack: false });
    const other = browserClient({ autoTrack: false }).client;
    expect((await client.identify({ plan: 'vip' })).traits).toMatchObject({ plan: 'vip' });
    const me = await client.me();
    expect(me.visitor).toEqual({ kind: 'anonymous', anonymousId: client.anonymousId() });
    expect(me.segments).toContain('vip');
    expect((await client.placement('home-hero'))?.banner.title).toBe('VIP lounge');
    expect((await other.placement('home-hero'))?.banner.title).toBe('Welcome');
    expect(await client.placement('nowhere')).toBeNull();
  });

  it('retries a batch whose answer was lost without storing its events twice (messageId)', async () => {
    let lose = 1;
    const lossy: FetchLike = async (u, init) => {
      const res = await realFetch(u, init);
      // The server stored the batch; the storefront never hears back.
      if (u.endsWith('/events') && lose-- > 0) throw new TypeError('network connection lost');
      return res;
    };
    const { client, errors } = browserClient({ fetch: lossy, autoTrack: false, retryBaseMs: 20 });
    client.track('purchase', { value: 99 });
    client.track('purchase', { value: 1 });
    await client.flush();
    expect(errors.map((e) => e.kind)).toEqual(['network']);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await client.flush();
    const profile = await profileOf({ anonymous_id: client.anonymousId() });
    expect(await eventNames(profile.id)).toEqual(['purchase', 'purchase']);
  });

  it('sends a 1,200-event backlog in requests the server accepts (≤ 500 events each)', async () => {
    const { client, errors } = browserClient({ autoTrack: false, flushAt: 5000, maxQueueSize: 5000 });
    for (let i = 0; i < 1200; i++) client.track('scroll', { i });
    await client.flush();
    expect(errors).toEqual([]);
    const profile = await profileOf({ anonymous_id: client.anonymousId() });
    const row = await app().knex(TABLES.events).where('profile_id', profile.id).count({ n: '*' }).first();
    expect(Number(row?.n)).toBe(1200);
  });

  it('a track the server rejects reaches onError (the batch answers 400 when nothing was accepted)', async () => {
    const { client, errors } = browserClient({ autoTrack: false });
    client.track('1-not-an-event-name');
    await client.flush();
    expect(errors).toEqual([
      expect.objectContaining({
        kind: 'rejected',
        status: 400,
        details: [expect.objectContaining({ index: 0, errors: [expect.objectContaining({ path: 'events[0].name' })] })],
      }),
    ]);
    // Dropped, not retried: the next flush sends nothing.
    await client.flush();
    expect(errors).toHaveLength(1);
    expect(await profileOf({ anonymous_id: client.anonymousId() })).toBeUndefined();
  });

  it('a logged-in visitor (users-permissions JWT) keeps the anonymous history through identify', async () => {
    const { client } = browserClient({ autoTrack: false });
    client.track('view_item');
    await client.flush();
    const anonymous = await profileOf({ anonymous_id: client.anonymousId() });
    const user = await userWithJwt(app());
    client.setUserToken(user.jwt);
    const identified = await client.identify({ plan: 'vip' });
    client.track('purchase');
    await client.flush();
    const profile = await profileOf({ user_id: user.id });
    expect(identified.profileId).toBe(profile.id);
    expect([identified.mergedProfileId, profile.id]).toContain(anonymous.id);
    expect(await eventNames(profile.id)).toEqual(['view_item', 'purchase']);
    expect((await client.me()).visitor).toMatchObject({ kind: 'user', userId: user.id });
  });

  it('server side with an API token acts for a user id or an anonymous id', async () => {
    const token = await apiToken(app());
    const user = await userWithJwt(app());
    const forUser = createClient({ url, apiToken: token, userId: user.id, fetch: realFetch, globals: {} });
    forUser.track('ssr_render', { path: '/account' });
    await forUser.identify({ plan: 'vip' });
    const profile = await profileOf({ user_id: user.id });
    expect(await eventNames(profile.id)).toEqual(['ssr_render']);
    // me() and placement() for that user too (X-Segments-User-Id, API tokens only).
    const meUser = await forUser.me();
    expect(meUser.visitor).toMatchObject({ kind: 'user', userId: user.id });
    expect(meUser.segments).toContain('vip');
    expect((await forUser.placement('home-hero'))?.banner.title).toBe('VIP lounge');
    const browser = await request(app().server).get('/api/segments/me').set('X-Segments-User-Id', String(user.id));
    expect(browser.status).toBe(400);
    expect(browser.body.error.details.errors[0].path).toBe('x-segments-user-id');

    const forAnon = createClient({ url, apiToken: token, anonymousId: 'ssr-visitor-001', fetch: realFetch, globals: {} });
    await forAnon.identify({ plan: 'vip' });
    forAnon.track('ssr_render');
    await forAnon.close();
    const me = await forAnon.me();
    expect(me.visitor).toEqual({ kind: 'anonymous', anonymousId: 'ssr-visitor-001' });
    expect(me.segments).toContain('vip');
    expect((await forAnon.placement('home-hero'))?.banner.title).toBe('VIP lounge');
    expect(await eventNames(me.profileId!)).toEqual(['ssr_render']);
  });

  it('lets a storefront on another origin send the client headers (CORS preflight)', async () => {
    const res = await request(app().server)
      .options('/api/segments/events')
      .set('Origin', 'http://shop.example')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type,x-segments-anonymous-id,x-segments-timezone');
    expect(res.status).toBeLessThan(300);
    expect(res.headers['access-control-allow-origin']).toBe('http://shop.example');
    expect(res.headers['access-control-allow-headers'].toLowerCase()).toContain('x-segments-anonymous-id');
    expect(res.headers['access-control-allow-headers'].toLowerCase()).toContain('x-segments-timezone');
  });
});
