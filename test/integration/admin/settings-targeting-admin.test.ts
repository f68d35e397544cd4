import net from 'net';
import request from 'supertest';
import { adminToken } from '../helpers/admin';
import { BANNER, createSegment } from '../helpers/personalization';
import { insertProfiles } from '../helpers/profiles-fixture';
import { useStrapiWithSmtpSink } from '../helpers/smtp-sink';
import { knexLeaseStore, leaseRunCoordinator } from '../../../server/src/scheduler/lease';
import { TABLES } from '../../../server/src/store/tables';
import type { PlacementOverview } from '../../../admin/src/api/contracts';

const EXPERIMENT = 'plugin::segments.experiment';
const READ = 'plugin::segments.read';
const SETTINGS_READ = 'plugin::segments.settings.read';
const SETTINGS_MANAGE = 'plugin::segments.settings.manage';

/** A TCP port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The admin routes behind the Settings page (configuration with secrets masked, SMTP check,
 * scheduler status), the Content Manager targeting panel ("who will see this") and the
 * Placements page (what each segment gets, experiment variants) — with their RBAC.
 */
describe('admin: settings, targeting estimate, placements', () => {
  const { app, sink } = useStrapiWithSmtpSink('settings-admin', {
    SEGMENTS_OUTBOUND_ALLOWED_HOSTS: 'hooks.internal.test,10.20.0.0/16',
  });
  const server = () => app().server;
  let superToken: string;
  let readerToken: string;
  const seg: Record<string, string> = {};
  const banners: Record<string, string> = {};

  beforeAll(async () => {
    const { strapi } = app();
    superToken = await adminToken(app(), { superAdmin: true });
    readerToken = await adminToken(app(), { actions: [READ] });
    await insertProfiles(app().knex, [
      { id: 1, traits: { plan: 'vip', beta: true } },
      { id: 2, traits: { plan: 'vip' } },
      { id: 3, traits: { beta: true } },
      { id: 4, traits: { plan: 'free' } },
      { id: 5, traits: {} },
    ]);
    seg.vip = await createSegment(app(), 'vip', { plan: 'vip' });
    seg.beta = await createSegment(app(), 'beta', { beta: true });
    seg.nobody = await createSegment(app(), 'nobody', { plan: 'none-such' });
    for (const id of Object.values(seg)) await strapi.plugin('segments').service('segments').recompute(id);

    const banner = async (title: string, fields: Record<string, unknown>, status: 'published' | 'draft' = 'published') => {
      const doc = await strapi.documents(BANNER as never).create({
        data: { placement: 'home-hero', title, ...fields } as never,
        status,
      } as never);
      banners[title] = doc.documentId;
    };
    await banner('fallback', { segmentsPriority: 1 });
    await banner('vip-low', { segmentsTargets: [seg.vip], segmentsPriority: 1 });
    await banner('vip-high', { segmentsTargets: [seg.vip], segmentsPriority: 9 });
    await banner('beta-draft', { segmentsTargets: [seg.beta], segmentsPriority: 5 }, 'draft');
    await banner('side', { placement: 'sidebar' });
  });

  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  describe('GET /segments/settings', () => {
    it('is refused without plugin::segments.settings.read (403), even with read', async () => {
      await request(server()).get('/segments/settings').set(as(readerToken)).expect(403);
      await request(server()).get('/segments/settings').expect(401);
    });

    it('returns the effective configuration with secrets masked', async () => {
      const { strapi } = app();
      const token = await adminToken(app(), { actions: [SETTINGS_READ] });
      const tracking = strapi.config.get('plugin::segments.tracking') as Record<string, unknown>;
      const transport = strapi.config.get('plugin::segments.email.transport') as Record<string, unknown>;
      strapi.config.set('plugin::segments.tracking', { ...tracking, secret: 's'.repeat(40) });
      strapi.config.set('plugin::segments.email.transport', {
        ...transport,
        auth: { user: 'mailer', pass: 'hunter2-password' },
        url: 'smtp://mailer:hunter2-password@mail.example',
      });
      try {
        const res = await request(server()).get('/segments/settings').set(as(token)).expect(200);
        const body = JSON.stringify(res.body);
        expect(body).not.toContain('hunter2');
        expect(body).not.toContain('s'.repeat(40));
        const config = res.body.data.config;
        expect(config.tracking.secret).toBe('********');
        expect(config.email.transport.auth).toEqual({ user: 'mailer', pass: '********' });
        expect(config.email.transport.url).toBe('smtp://mailer:********@mail.example');
        expect(config.email.transport.port).toBe(sink.port);
        expect(config.scheduler.leaseTtlSeconds).toBe(60);
        expect(res.body.data.derived.trackingSecret).toBe('configured');
      } finally {
        strapi.config.set('plugin::segments.tracking', tracking);
        strapi.config.set('plugin::segments.email.transport', transport);
      }
      const after = await request(server()).get('/segments/settings').set(as(token)).expect(200);
      expect(after.body.data.derived.trackingSecret).toBe('derived from the app keys');
    });

    it('shows the VAPID public key storefronts subscribe with, the devices and the outbound policy', async () => {
      const { strapi, knex } = app();
      const token = await adminToken(app(), { actions: [SETTINGS_READ] });
      // Generated at boot (no segments.push.vapid in the playground) and the one the content API serves.
      const served = await request(server()).get('/api/segments/push/key').expect(200);
      const stored = (await strapi.store({ type: 'plugin', name: 'segments' }).get({ key: 'push-vapid-keys' })) as {
        publicKey: string;
        privateKey: string;
      };
      expect(stored.publicKey).toBe(served.body.data.publicKey);
      const now = Date.now();
      await knex(TABLES.pushSubscriptions).insert(
        [1, 1, 2].map((profile, i) => ({
          profile_id: profile,
          endpoint: `https://push.example/${i}`,
          endpoint_hash: `h${i}`.padEnd(64, '0'),
          p256dh: 'p',
          auth: 'a',
          created_at: now,
          updated_at: now,
        }))
      );
      try {
        const res = await request(server()).get('/segments/settings').set(as(token)).expect(200);
        expect(res.body.data.channels).toEqual({
          push: {
            publicKey: stored.publicKey,
            keySource: 'generated',
            subject: expect.stringMatching(/^mailto:/),
            devices: { subscriptions: 3, profiles: 2 },
          },
          outbound: { allowedHosts: ['hooks.internal.test', '10.20.0.0/16'], timeoutSeconds: 10, concurrency: 20 },
        });
        // The private half never leaves the server.
        expect(JSON.stringify(res.body)).not.toContain(stored.privateKey);
      } finally {
        await knex(TABLES.pushSubscriptions).whereLike('endpoint', 'https://push.example/%').delete();
      }
    });

    it('shows which instance holds each lease, the last tick and the outbox queue depth', async () => {
      const { strapi, knex } = app();
      const token = await adminToken(app(), { actions: [SETTINGS_READ] });
      const scheduler = strapi.plugin('segments').service('scheduler') as {
        owner: string;
        runExclusive<T>(name: string, work: () => Promise<T>): Promise<unknown>;
      };
      // A cron fire taken by another instance through the real run coordinator.
      const slot = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
      expect(await leaseRunCoordinator(knexLeaseStore(knex), 'other-host:42').shouldRun(`segments:admin-probe:${slot}`, 60_000)).toBe(true);
      const now = Date.now();
      const delivery = (profile: number, status: string, nextAttemptAt: number | null) => ({
        run_id: 1,
        campaign_id: 'c1',
        profile_id: profile,
        status,
        next_attempt_at: nextAttemptAt,
        created_at: now,
        updated_at: now,
      });
      await knex(TABLES.deliveries).insert([
        delivery(1, 'queued', now - 1000),
        delivery(2, 'queued', now + 3_600_000),
        delivery(3, 'sending', now),
        delivery(4, 'pending', null),
        delivery(5, 'sent', now),
      ]);
      let during: request.Response | undefined;
      // An on-demand job holding its lease on this instance while the page is read.
      await scheduler.runExclusive('admin-test-job', async () => {
        during = await request(server()).get('/segments/settings').set(as(token)).expect(200);
      });
      const status = during!.body.data.scheduler;
      expect(status.thisInstance.owner).toBe(scheduler.owner);
      const planner = status.jobs.find((j: { job: string }) => j.job === 'admin-probe');
      expect(planner).toMatchObject({ kind: 'cron', owner: 'other-host:42', active: true, lastTickAt: expect.any(Number) });
      expect(Math.abs(planner.lastTickAt - now)).toBeLessThan(60_000);
      const job = status.jobs.find((j: { job: string }) => j.job === 'admin-test-job');
      expect(job).toMatchObject({ kind: 'job', owner: scheduler.owner, active: true });
      expect(status.queue).toEqual({ pending: 1, queued: 2, sending: 1, due: 1, total: 4 });
      await knex(TABLES.deliveries).where('campaign_id', 'c1').delete();
    });
  });

  describe('POST /segments/settings/smtp-check', () => {
    it('needs plugin::segments.settings.manage (403 with read only)', async () => {
      const token = await adminToken(app(), { actions: [SETTINGS_READ] });
      await request(server()).post('/segments/settings/smtp-check').set(as(token)).expect(403);
    });

    it('connects to the configured SMTP server (a real one) and reports ok', async () => {
      const token = await adminToken(app(), { actions: [SETTINGS_READ, SETTINGS_MANAGE] });
      const res = await request(server()).post('/segments/settings/smtp-check').set(as(token)).expect(200);
      expect(res.body.data).toEqual({ ok: true, host: '127.0.0.1', port: sink.port });
    });

    it('reports the error when nothing answers, and when no transport is configured', async () => {
      const { strapi } = app();
      const token = await adminToken(app(), { actions: [SETTINGS_READ, SETTINGS_MANAGE] });
      const transport = strapi.config.get('plugin::segments.email.transport') as Record<string, unknown>;
      const port = await closedPort();
      strapi.config.set('plugin::segments.email.transport', { ...transport, port });
      try {
        const res = await request(server()).post('/segments/settings/smtp-check').set(as(token)).expect(200);
        expect(res.body.data.ok).toBe(false);
        expect(res.body.data.error).toMatch(/ECONNREFUSED|connect/i);
        expect(res.body.data.port).toBe(port);
        strapi.config.set('plugin::segments.email.transport', null);
        const none = await request(server()).post('/segments/settings/smtp-check').set(as(token)).expect(200);
        expect(none.body.data).toEqual({ ok: false, error: expect.stringContaining('No e-mail transport') });
      } finally {
        strapi.config.set('plugin::segments.email.transport', transport);
      }
    });
  });

  describe('POST /segments/targeting/estimate', () => {
    const estimate = (body: unknown, token = readerToken) =>
      request(server()).post('/segments/targeting/estimate').set(as(token)).send(body as object);

    it('counts the union of the segments members (a profile in both counts once)', async () => {
      const both = await estimate({ segments: [seg.vip, seg.beta] }).expect(200);
      expect(both.body.data).toMatchObject({ everyone: false, size: 3, totalProfiles: 5 });
      expect(both.body.data.segments.map((s: { key: string }) => s.key).sort()).toEqual(['beta', 'vip']);
      const vip = await estimate({ segments: [seg.vip, seg.nobody] }).expect(200);
      expect(vip.body.data.size).toBe(2);
    });

    it('no segment means everyone', async () => {
      const res = await estimate({ segments: [] }).expect(200);
      expect(res.body.data).toEqual({ everyone: true, size: 5, totalProfiles: 5, segments: [] });
    });

    it('rejects bad input naming the field, and unknown segments', async () => {
      const notList = await estimate({ segments: 'vip' }).expect(400);
      expect(notList.body.error.details.errors[0].path).toBe('segments');
      const extra = await estimate({ segments: [], rule: {} }).expect(400);
      expect(extra.body.error.details.errors[0].path).toBe('rule');
      const unknown = await estimate({ segments: [seg.vip, 'no-such-doc'] }).expect(400);
      expect(unknown.body.error.details.errors).toEqual([{ path: 'segments.1', message: 'no segment no-such-doc' }]);
    });

    it('needs plugin::segments.read', async () => {
      const token = await adminToken(app(), { actions: [SETTINGS_READ] });
      await estimate({ segments: [] }, token).expect(403);
    });
  });

  describe('GET /segments/placements and PUT /segments/experiments/:documentId', () => {
    let experimentId: string;
    beforeAll(async () => {
      const doc = await app().strapi.documents(EXPERIMENT as never).create({
        data: {
          name: 'Hero test',
          key: 'hero-test',
          placement: 'home-hero',
          state: 'running',
          variants: [
            { banner: banners.fallback, weight: 0.5 },
            { banner: banners['vip-high'], weight: 0.5 },
          ],
        } as never,
      } as never);
      experimentId = doc.documentId;
    });

    it('lists each placement with what each segment gets (published, by priority) and its experiments', async () => {
      const res = await request(server()).get('/segments/placements').set(as(readerToken)).expect(200);
      const placements = res.body.data as PlacementOverview[];
      expect(placements.map((p) => p.placement)).toEqual(['home-hero', 'sidebar']);
      const hero = placements[0];
      expect(hero.banners).toHaveLength(4);
      const draft = hero.banners.find((b: { title: string }) => b.title === 'beta-draft');
      expect(draft).toMatchObject({ published: false, priority: 5, targets: [{ key: 'beta', name: 'beta', documentId: seg.beta }] });
      const rows = hero.outcomes[0].rows as Array<{ segment: { key: string } | null; banner: string | null; ranked: string[] }>;
      const byKey = Object.fromEntries(rows.map((r) => [r.segment?.key ?? '(everyone else)', r]));
      expect(Object.keys(byKey).sort()).toEqual(['(everyone else)', 'beta', 'vip']);
      expect(byKey.vip.banner).toBe(banners['vip-high']);
      expect(byKey.vip.ranked).toEqual([banners['vip-high'], banners['vip-low'], banners.fallback]);
      // The beta banner is a draft: beta members get the fallback, like everyone else.
      expect(byKey.beta.banner).toBe(banners.fallback);
      expect(byKey['(everyone else)'].banner).toBe(banners.fallback);
      expect(hero.experiments).toEqual([
        expect.objectContaining({ key: 'hero-test', state: 'running', documentId: experimentId, coverage: 1 }),
      ]);
    });

    it('updates variant weights through the write guard; invalid weights are a 400 naming the field and change nothing', async () => {
      const put = (body: unknown, token = superToken) =>
        request(server()).put(`/segments/experiments/${experimentId}`).set(as(token)).send(body as object);
      const ok = await put({
        variants: [
          { banner: banners.fallback, weight: 0.2 },
          { banner: banners['vip-high'], weight: 0.8 },
        ],
      }).expect(200);
      expect(ok.body.data.variants[1].weight).toBe(0.8);

      const bad = await put({
        variants: [
          { banner: banners.fallback, weight: 0.7 },
          { banner: banners['vip-high'], weight: 0.7 },
        ],
      }).expect(400);
      expect(JSON.stringify(bad.body.error.details.errors)).toContain('weights must sum to 1');
      const field = await put({ key: 'renamed' }).expect(400);
      expect(field.body.error.details.errors[0].path).toBe('key');
      const stored = await app().strapi.db.query(EXPERIMENT).findOne({ where: { documentId: experimentId } });
      expect((stored as { variants: Array<{ weight: number }>; key: string }).variants.map((v) => v.weight)).toEqual([0.2, 0.8]);
      expect((stored as { key: string }).key).toBe('hero-test');
      await put({ state: 'stopped' }, superToken).expect(200);
      await request(server()).put('/segments/experiments/nope').set(as(superToken)).send({ state: 'running' }).expect(404);
    });

    it('editing an experiment needs Content Manager update on experiments (403 with read only)', async () => {
      await request(server())
        .put(`/segments/experiments/${experimentId}`)
        .set(as(readerToken))
        .send({ state: 'running' })
        .expect(403);
    });
  });
});
