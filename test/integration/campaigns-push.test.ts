import request from 'supertest';
import { adminToken } from './helpers/admin';
import { useStrapi } from './helpers/strapi';
import { startPushService, type PushServiceSink } from './helpers/push-service';
import { TABLES } from '../../server/src/store/tables';

const SEGMENT_UID = 'plugin::segments.segment';
const T0 = Date.parse('2026-01-01T00:00:00Z');

describe('campaigns: Web Push through a local push service (VAPID + aes128gcm checked)', () => {
  const app = useStrapi('campaigns-push', {
    SEGMENTS_SCHEDULER_ENABLED: 'false',
    SEGMENTS_OUTBOUND_ALLOWED_HOSTS: '127.0.0.1',
    SEGMENTS_RETRY_BASE_SECONDS: '1',
  });
  const service = () => app().strapi.plugin('segments').service('campaigns');
  let push: PushServiceSink;
  let token = '';
  let publicKey = '';
  let campaignId = '';
  const admin = (method: 'get' | 'post', path: string) =>
    request(app().server)[method](`/segments${path}`).set('Authorization', `Bearer ${token}`);
  const anon = (id: number) => `push-visitor-${id}`;
  const subscribe = (visitor: number, device: string) =>
    request(app().server)
      .post('/api/segments/push/subscriptions')
      .set('x-segments-anonymous-id', anon(visitor))
      .set('user-agent', `test-browser-${device}`)
      .send(push.device(device).subscription);
  const deliveryOf = async (profileId: number) =>
    app().knex(TABLES.deliveries).where({ campaign_id: campaignId, profile_id: profileId }).first();
  const variant = (name: string) => ({
    name,
    title: `${name}: hi {{ traits.first_name }}`,
    body: 'Your cart is waiting, {{ traits.first_name }}',
    icon: 'https://shop.example/icon.png',
    url: 'https://shop.example/cart?from={{ campaign.variant }}',
    actions: [{ action: 'open-cart', title: 'Open cart', url: 'https://shop.example/cart' }],
  });

  beforeAll(async () => {
    push = await startPushService();
    token = await adminToken(app(), { superAdmin: true });
    const rows = [1, 2, 3, 4].map((id) => ({
      id,
      anonymous_id: anon(id),
      traits: JSON.stringify({ group: 'push', first_name: ['Ann', 'Bob', 'Cy', 'Di'][id - 1] }),
      first_seen_at: T0,
      last_seen_at: T0,
      created_at: T0,
      updated_at: T0,
    }));
    await app().knex(TABLES.profiles).insert(rows);
    await app()
      .strapi.documents(SEGMENT_UID)
      .create({ data: { name: 'push', key: 'push', rule: { group: 'push' } } as never });
  });
  afterAll(async () => push.close());

  it('serves one VAPID public key, generated once and kept in the store', async () => {
    const first = await request(app().server).get('/api/segments/push/key');
    expect(first.status).toBe(200);
    publicKey = first.body.data.publicKey;
    expect(Buffer.from(publicKey, 'base64url')).toHaveLength(65);
    const stored = await app()
      .strapi.store({ type: 'plugin', name: 'segments' })
      .get({ key: 'push-vapid-keys' });
    expect((stored as { publicKey: string }).publicKey).toBe(publicKey);
    expect((await request(app().server).get('/api/segments/push/key')).body.data.publicKey).toBe(
      publicKey
    );
  });

  it('stores subscriptions per device, refusing bad keys and private endpoints by field', async () => {
    expect((await subscribe(1, 'ann-laptop')).status).toBe(201);
    expect((await subscribe(1, 'ann-phone')).status).toBe(201);
    expect((await subscribe(2, 'bob-phone')).status).toBe(201);
    expect((await subscribe(3, 'cy-phone')).status).toBe(201);
    // The same device again is one row, not two.
    expect((await subscribe(3, 'cy-phone')).status).toBe(201);
    const rows = await app().knex(TABLES.pushSubscriptions).orderBy('id');
    expect(rows.map((r) => Number(r.profile_id))).toEqual([1, 1, 2, 3]);

    const bad = await request(app().server)
      .post('/api/segments/push/subscriptions')
      .set('x-segments-anonymous-id', anon(4))
      .send({
        endpoint: `${push.origin}/push/x`,
        keys: { p256dh: 'AAAA', auth: push.device('x').subscription.keys.auth },
      });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.errors[0].path).toBe('keys.p256dh');
    for (const endpoint of [
      'https://10.1.2.3/push/x',
      'https://169.254.169.254/latest',
      'http://push.example/x',
    ]) {
      const refused = await request(app().server)
        .post('/api/segments/push/subscriptions')
        .set('x-segments-anonymous-id', anon(4))
        .send({ ...push.device('x').subscription, endpoint });
      expect(refused.status).toBe(400);
      expect(refused.body.error.details.errors[0].path).toBe('endpoint');
    }
    const nobody = await request(app().server)
      .post('/api/segments/push/subscriptions')
      .send(push.device('x').subscription);
    expect(nobody.status).toBe(400);
    expect(nobody.body.error.details.errors[0].path).toBe('x-segments-anonymous-id');
    expect((await app().knex(TABLES.pushSubscriptions).where('profile_id', 4)).length).toBe(0);
  });

  it('refuses at save a variant whose notification cannot fit a push message', async () => {
    const res = await admin('post', '/campaigns').send({
      data: {
        name: 'Too big',
        channel: 'push',
        segmentKey: 'push',
        variants: [
          {
            ...variant('A'),
            body: 'x'.repeat(1000),
            title: 'y'.repeat(200),
            actions: [{ action: 'a', title: 'z'.repeat(60), url: 'u'.repeat(2000) }],
          },
        ],
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors.map((e: { path: string }) => e.path)).toContain(
      'variants.0.body'
    );
    const emailShaped = await admin('post', '/campaigns').send({
      data: {
        name: 'Wrong shape',
        channel: 'push',
        segmentKey: 'push',
        variants: [{ name: 'A', subject: 's', html: '<p>x</p>' }],
      },
    });
    expect(emailShaped.status).toBe(400);
    expect(emailShaped.body.error.details.errors.map((e: { path: string }) => e.path)).toEqual(
      expect.arrayContaining(['variants.0.subject', 'variants.0.title'])
    );
  });

  it('sends each device one encrypted, VAPID-signed message equal to the rendered variant', async () => {
    push.answer('ann-phone', { status: 429, headers: { 'retry-after': '30' } });
    push.answer('bob-phone', { status: 410 });
    const created = await admin('post', '/campaigns').send({
      data: {
        name: 'Cart reminder',
        channel: 'push',
        segmentKey: 'push',
        variants: [variant('A'), variant('B')],
        push: { ttlSeconds: 3600, urgency: 'high' },
      },
    });
    expect(created.status).toBe(200);
    campaignId = created.body.data.documentId;
    expect((await admin('post', `/campaigns/${campaignId}/schedule`)).status).toBe(200);
    const now = Date.now();
    await service().plan(now + 1000);
    // Profile 4 has no device: not in the audience.
    expect(
      (await app().knex(TABLES.deliveries).where('campaign_id', campaignId))
        .map((d) => Number(d.profile_id))
        .sort()
    ).toEqual([1, 2, 3]);
    const report = await service().dispatch(now + 2000);
    expect(report).toMatchObject({ claimed: 3, sent: 1, retried: 1, skipped: 1 });
    expect(push.rejected).toEqual([]);
    expect(push.received.map((r) => r.device).sort()).toEqual(['ann-laptop', 'cy-phone']);

    for (const got of push.received) {
      const profileId = got.device.startsWith('ann') ? 1 : 3;
      const d = await deliveryOf(profileId);
      const name = d.variant === 0 ? 'A' : 'B';
      const first = profileId === 1 ? 'Ann' : 'Cy';
      expect(got.vapidKey).toBe(publicKey);
      expect(got.claims.aud).toBe(push.origin);
      expect(got.claims.sub).toBe('mailto:news@playground.test');
      expect(got.headers.ttl).toBe('3600');
      expect(got.headers.urgency).toBe('high');
      expect(got.notification).toEqual({
        title: `${name}: hi ${first}`,
        body: `Your cart is waiting, ${first}`,
        icon: 'https://shop.example/icon.png',
        url: `https://shop.example/cart?from=${name}`,
        actions: [{ action: 'open-cart', title: 'Open cart', url: 'https://shop.example/cart' }],
        tag: `segments-${d.id}`,
        displayed: expect.stringMatching(/\/api\/segments\/t\/d\/[^/]+$/),
        clicked: expect.stringMatching(/\/api\/segments\/t\/p\/[^/]+$/),
      });
    }
  });

  it('removes a subscription the push service says is gone (410)', async () => {
    expect(await app().knex(TABLES.pushSubscriptions).where('profile_id', 2)).toEqual([]);
    const d = await deliveryOf(2);
    expect(d.status).toBe('skipped');
    expect(d.error).toMatch(/HTTP 410/);
  });

  it('retries a 429 no sooner than its Retry-After, and only to the device that missed it', async () => {
    const d = await deliveryOf(1);
    expect(d.status).toBe('queued');
    const retryAt = Number(d.next_attempt_at);
    // Retry-After: 30 s, although the backoff (1 s) would retry sooner.
    expect(retryAt - Date.now()).toBeGreaterThan(25_000);
    expect(await service().dispatch(retryAt - 5000)).toMatchObject({ claimed: 0 });
    expect(await service().dispatch(retryAt + 10)).toMatchObject({ claimed: 1, sent: 1 });
    expect(push.received.map((r) => r.device).sort()).toEqual([
      'ann-laptop',
      'ann-phone',
      'cy-phone',
    ]);
    expect((await deliveryOf(1)).status).toBe('sent');
    // Nothing left: a further pass sends nothing to anyone.
    expect(await service().dispatch(retryAt + 60_000)).toMatchObject({ claimed: 0 });
    expect(push.received).toHaveLength(3);
  });

  it('records displayed and clicked once each from the service worker, and reports them per variant', async () => {
    const got = push.received.find((r) => r.device === 'cy-phone')!;
    const path = (url: unknown) => new URL(String(url)).pathname;
    for (let i = 0; i < 2; i++) {
      expect((await request(app().server).post(path(got.notification.displayed))).status).toBe(204);
    }
    expect(
      (
        await request(app().server)
          .post(path(got.notification.clicked))
          .send({ action: 'open-cart' })
      ).status
    ).toBe(204);
    const forged = `${path(got.notification.clicked)}x`;
    expect((await request(app().server).post(forged)).status).toBe(400);
    const events = await app()
      .knex(TABLES.events)
      .where('profile_id', 3)
      .whereIn('name', ['push_displayed', 'push_clicked'])
      .orderBy('name');
    expect(events.map((e) => e.name)).toEqual(['push_clicked', 'push_displayed']);

    const report = await admin('get', `/campaigns/${campaignId}/report`);
    expect(report.status).toBe(200);
    expect(report.body.data.campaign.channel).toBe('push');
    const rows = report.body.data.funnel as Array<{
      variant: number;
      sent: number;
      opened: number;
      clicked: number;
    }>;
    const cyVariant = Number((await deliveryOf(3)).variant);
    expect(rows.reduce((s, r) => s + r.sent, 0)).toBe(2);
    expect(rows.find((r) => r.variant === cyVariant)).toMatchObject({ opened: 1, clicked: 1 });
  });
});
