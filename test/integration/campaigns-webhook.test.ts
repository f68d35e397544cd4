import http from 'http';
import request from 'supertest';
import { adminToken } from './helpers/admin';
import { useStrapi } from './helpers/strapi';
import { startWebhookReceiver, type WebhookReceiver } from './helpers/webhook-receiver';
import { TABLES } from '../../server/src/store/tables';

const SEGMENT_UID = 'plugin::segments.segment';
const T0 = Date.parse('2026-01-01T00:00:00Z');

/** Sends a captured request again, byte for byte (a replay). */
function replay(url: string, headers: http.IncomingHttpHeaders, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', headers: headers as http.OutgoingHttpHeaders },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      }
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('campaigns: signed webhooks to a local receiver (Standard Webhooks verified)', () => {
  const app = useStrapi('campaigns-webhook', {
    SEGMENTS_SCHEDULER_ENABLED: 'false',
    SEGMENTS_OUTBOUND_ALLOWED_HOSTS: '127.0.0.1',
    SEGMENTS_RETRY_BASE_SECONDS: '1',
    SEGMENTS_CHANNEL_CAPS: JSON.stringify({ webhook: { max: 1, periodHours: 24 } }),
  });
  const service = () => app().strapi.plugin('segments').service('campaigns');
  let receiver: WebhookReceiver;
  let token = '';
  let campaignId = '';
  const admin = (method: 'get' | 'post', path: string) =>
    request(app().server)[method](`/segments${path}`).set('Authorization', `Bearer ${token}`);
  const deliveryOf = async (profileId: number, id = campaignId) =>
    app().knex(TABLES.deliveries).where({ campaign_id: id, profile_id: profileId }).first();
  const NAMES = ['Ann "the admin", \\ <b>', 'Bob', 'Cy', 'Di'];
  const BODY = `{"event":"campaign","campaign":"{{ campaign.name }}","variant":"{{ campaign.variant }}",
    "profile":{{ profile.id }},"name":"{{ traits.first_name }}","plan":{{ traits.plan | json | raw }}}`;
  const fields = (extra: Record<string, unknown> = {}) => ({
    name: 'CRM sync',
    channel: 'webhook',
    segmentKey: 'crm',
    webhook: { url: receiver.url, timeoutSeconds: 1 },
    variants: [{ name: 'A', body: BODY }],
    ...extra,
  });

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    token = await adminToken(app(), { superAdmin: true });
    await app()
      .knex(TABLES.profiles)
      .insert(
        [1, 2, 3, 4].map((id) => ({
          id,
          anonymous_id: `webhook-visitor-${id}`,
          traits: JSON.stringify({
            group: 'crm',
            first_name: NAMES[id - 1],
            plan: id === 1 ? { tier: 'gold', seats: 3 } : null,
          }),
          first_seen_at: T0,
          last_seen_at: T0,
          created_at: T0,
          updated_at: T0,
        }))
      );
    await app()
      .strapi.documents(SEGMENT_UID)
      .create({ data: { name: 'crm', key: 'crm', rule: { group: 'crm' } } as never });
  });
  afterAll(async () => receiver.close());

  it('refuses at save URLs to private, loopback, link-local or plain-http hosts that are not allowed', async () => {
    const refused = [
      'https://10.0.0.5/hook',
      'https://10.255.1.1:8443/hook',
      'https://169.254.169.254/latest/meta-data/',
      'https://127.0.0.2/hook',
      'https://[::1]/hook',
      'https://[::ffff:10.0.0.1]/hook',
      'https://localhost/hook',
      'https://192.168.1.10/hook',
      'http://crm.example/hook',
      'ftp://crm.example/hook',
      'https://user:pass@crm.example/hook',
    ];
    for (const url of refused) {
      const res = await admin('post', '/campaigns').send({ data: fields({ webhook: { url } }) });
      expect([url, res.status]).toEqual([url, 400]);
      expect(res.body.error.details.errors.map((e: { path: string }) => e.path)).toContain(
        'webhook.url'
      );
    }
    // Allowed in config (the receiver on 127.0.0.1), and any public https host.
    expect(
      (
        await admin('post', '/campaigns').send({
          data: fields({ name: 'public', webhook: { url: 'https://crm.example/hook' } }),
        })
      ).status
    ).toBe(200);
    const missing = await admin('post', '/campaigns').send({ data: fields({ webhook: null }) });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.errors[0].path).toBe('webhook');
  });

  it('shows the signing secret once, in the create answer, and never again', async () => {
    const created = await admin('post', '/campaigns').send({ data: fields() });
    expect(created.status).toBe(200);
    campaignId = created.body.data.documentId;
    receiver.secret = created.body.meta.webhookSecret;
    expect(receiver.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.body.data.webhookSecret).toBeUndefined();
    const shown = await admin('get', `/campaigns/${campaignId}`);
    expect(shown.body.data).toMatchObject({ hasWebhookSecret: true });
    expect(JSON.stringify(shown.body)).not.toContain(receiver.secret.slice(6, 30));
    const list = await admin('get', '/campaigns');
    expect(JSON.stringify(list.body)).not.toContain(receiver.secret.slice(6, 30));
  });

  it('previews the signed request as it will be sent', async () => {
    const res = await admin('post', `/campaigns/${campaignId}/preview`).send({ profileId: 1 });
    expect(res.status).toBe(200);
    const { request: req, signed } = res.body.data;
    expect(signed).toBe(true);
    expect(req.url).toBe(receiver.url);
    expect(JSON.parse(req.body)).toEqual({
      event: 'campaign',
      campaign: 'CRM sync',
      variant: 'A',
      profile: 1,
      name: NAMES[0],
      plan: { tier: 'gold', seats: 3 },
    });
    expect(req.headers['webhook-signature']).toMatch(/^v1,/);
  });

  it('delivers one verified request per recipient; retries and a timeout land once each under one webhook-id', async () => {
    // Bob's message: 503 twice, then too slow (1 s timeout), then 200; the others at once.
    receiver.answerFor(2, { status: 503 }, { status: 503 }, { status: 200, delayMs: 1500 });
    expect((await admin('post', `/campaigns/${campaignId}/schedule`)).status).toBe(200);
    const now = Date.now();
    await service().plan(now + 1000);
    expect(await service().dispatch(now + 2000)).toMatchObject({ claimed: 4, sent: 3, retried: 1 });
    const bob = async () => deliveryOf(2);
    expect((await bob()).error).toMatch(/^HTTP 503: failure 503/);
    expect(await service().dispatch(Number((await bob()).next_attempt_at) + 10)).toMatchObject({
      claimed: 1,
      retried: 1,
    });
    expect(await service().dispatch(Number((await bob()).next_attempt_at) + 10)).toMatchObject({
      claimed: 1,
      retried: 1,
    });
    expect((await bob()).error).toMatch(/timeout/);
    await new Promise((r) => setTimeout(r, 1600)); // the slow answer arrives after the sender gave up
    expect(await service().dispatch(Number((await bob()).next_attempt_at) + 10)).toMatchObject({
      claimed: 1,
      sent: 1,
    });
    expect(await service().dispatch(Date.now() + 3_600_000)).toMatchObject({ claimed: 0 });
    const retried = await bob();

    expect(receiver.refused).toEqual([]);
    const id = `msg_${retried.id}`;
    // 2 × 503, the timed-out attempt, the final one: each attempt arrived once, all with one id.
    expect(receiver.attempts.filter((a) => a === id)).toHaveLength(4);
    expect(receiver.attempts.filter((a) => a !== id).sort()).toEqual(
      receiver.received
        .filter((r) => r.id !== id)
        .map((r) => r.id)
        .sort()
    );
    // The receiver saw the timed-out attempt too (it answered late): de-duplicating on the id
    // leaves exactly one message per recipient.
    const unique = new Map(receiver.received.map((r) => [r.id, r]));
    expect(unique.size).toBe(4);
    const bodies = [...unique.values()]
      .map((r) => r.body as { profile: number; name: string })
      .sort((a, b) => a.profile - b.profile);
    expect(bodies.map((b) => b.name)).toEqual(NAMES);
    for (const d of await app().knex(TABLES.deliveries).where('campaign_id', campaignId))
      expect(d.status).toBe('sent');
  });

  it('has the receiver refuse a replay more than 5 minutes later', async () => {
    const captured = receiver.received[0];
    receiver.clockOffsetMs = 6 * 60_000;
    const before = receiver.refused.length;
    expect(await replay(receiver.url, captured.headers, captured.raw)).toBe(401);
    expect(receiver.refused.slice(before)).toEqual([
      { id: captured.id, reason: 'timestamp outside tolerance' },
    ]);
    receiver.clockOffsetMs = 0;
    // A tampered body fails the signature.
    expect(await replay(receiver.url, captured.headers, captured.raw.replace('"A"', '"B"'))).toBe(
      401
    );
    expect(receiver.refused.at(-1)?.reason).toBe('no signature matches');
  });

  it('skips recipients over the per-channel cap', async () => {
    const created = await admin('post', '/campaigns').send({
      data: fields({ name: 'Second', segmentKey: 'crm' }),
    });
    const second = created.body.data.documentId as string;
    receiver.secret = created.body.meta.webhookSecret;
    expect((await admin('post', `/campaigns/${second}/schedule`)).status).toBe(200);
    const now = Date.now();
    await service().plan(now + 1000);
    // The webhook cap (1 per 24 h) already holds for everyone: nothing goes out.
    expect(await service().dispatch(now + 2000)).toMatchObject({ claimed: 4, skipped: 4 });
    expect((await deliveryOf(1, second)).error).toBe('frequency cap');
  });

  it('records a permanent failure with the status and the first bytes of the answer', async () => {
    await app()
      .knex(TABLES.profiles)
      .insert({
        id: 5,
        anonymous_id: 'webhook-visitor-5',
        traits: JSON.stringify({ group: 'crm', first_name: 'Eve', plan: null }),
        first_seen_at: T0,
        last_seen_at: T0,
        created_at: T0,
        updated_at: T0,
      });
    const created = await admin('post', '/campaigns').send({ data: fields({ name: 'Third' }) });
    const third = created.body.data.documentId as string;
    receiver.secret = created.body.meta.webhookSecret;
    receiver.answerFor(5, { status: 422, body: `unknown field "plan" in ${'x'.repeat(2000)}` });
    expect((await admin('post', `/campaigns/${third}/schedule`)).status).toBe(200);
    const now = Date.now();
    await service().plan(now + 1000);
    expect(await service().dispatch(now + 2000)).toMatchObject({
      claimed: 5,
      skipped: 4,
      failed: 1,
    });
    const failed = await deliveryOf(5, third);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/^HTTP 422: unknown field "plan" in x+$/);
    expect(failed.error.length).toBeLessThan(400);
    expect(Number(failed.attempts)).toBe(1);
  });

  it('rotates the secret on demand, and the report counts the channel', async () => {
    const rotated = await admin('post', `/campaigns/${campaignId}/webhook-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.data.webhookSecret).toMatch(/^whsec_/);
    expect(rotated.body.data.webhookSecret).not.toBe(receiver.secret);
    const report = await admin('get', `/campaigns/${campaignId}/report`);
    expect(report.body.data.campaign.channel).toBe('webhook');
    expect(report.body.data.funnel[0]).toMatchObject({ sent: 4, opened: 0, clicked: 0 });
  });
});
