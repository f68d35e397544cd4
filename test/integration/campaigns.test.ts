import request from 'supertest';
import { adminToken } from './helpers/admin';
import type { ParsedMail } from 'mailparser';
import { useStrapiWithSmtpSink } from './helpers/smtp-sink';
import { TABLES } from '../../server/src/store/tables';
import { assignVariation } from '../../server/src/experiments/bucketing';
import { claimBatch, createRun, materialiseAudience, runsWithStatus } from '../../server/src/campaigns/outbox';

const SEGMENT_UID = 'plugin::segments.segment';
const T0 = Date.parse('2026-01-01T00:00:00Z');

interface P {
  id: number;
  group: string;
  email?: string | null;
  timezone?: string | null;
  consent?: boolean | null;
  unsubscribed?: boolean;
  traits?: Record<string, unknown>;
}

describe('campaigns: planner, outbox, dispatcher, tracking (real SMTP)', () => {
  const { app, sink } = useStrapiWithSmtpSink('campaigns', {
    SEGMENTS_SCHEDULER_ENABLED: 'false',
    SEGMENTS_EMAIL_RATE: '1000',
  });
  const service = () => app().strapi.plugin('segments').service('campaigns');
  let token = '';

  const insert = async (profiles: P[]) => {
    const rows = profiles.map((p) => ({
      id: p.id,
      anonymous_id: `anon-${p.id}`,
      email: p.email === undefined ? `p${p.id}@example.test` : p.email,
      timezone: p.timezone ?? null,
      email_consent: p.consent ?? null,
      unsubscribed_at: p.unsubscribed ? T0 : null,
      traits: JSON.stringify({ group: p.group, ...p.traits }),
      first_seen_at: T0,
      last_seen_at: T0,
      created_at: T0,
      updated_at: T0,
    }));
    for (let i = 0; i < rows.length; i += 100) await app().knex(TABLES.profiles).insert(rows.slice(i, i + 100));
  };
  const segment = (key: string) =>
    app().strapi.documents(SEGMENT_UID).create({ data: { name: key, key, rule: { group: key } } as never });

  const admin = (method: 'get' | 'post' | 'put' | 'delete', path: string, auth = token) =>
    request(app().server)[method](`/segments${path}`).set('Authorization', `Bearer ${auth}`);

  const createCampaign = async (fields: Record<string, unknown>): Promise<string> => {
    const res = await admin('post', '/campaigns').send({ data: fields });
    expect(res.status).toBe(200);
    return res.body.data.documentId as string;
  };
  const variant = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    subject: `${name}: hello {{ traits.first_name }}`,
    html: `<html><body><p>Hi {{ traits.first_name }}, {{ traits.missing_one }}</p><a href="https://shop.example/sale?x=1&amp;y=2">Sale</a></body></html>`,
    ...extra,
  });
  const schedule = async (id: string) => {
    const res = await admin('post', `/campaigns/${id}/schedule`);
    expect(res.status).toBe(200);
    expect(res.body.data.state).toBe('scheduled');
  };
  const deliveries = async (campaignId: string) =>
    (await app().knex(TABLES.deliveries).where('campaign_id', campaignId).orderBy('profile_id')).map((r) => ({
      profileId: Number(r.profile_id),
      status: String(r.status),
      variant: r.variant === null ? null : Number(r.variant),
      holdout: Boolean(r.holdout),
      scheduledAt: r.scheduled_at === null ? null : new Date(Number(r.scheduled_at)).toISOString(),
      attempts: Number(r.attempts),
      error: r.error as string | null,
      messageId: r.message_id as string | null,
    }));
  const state = async (id: string) =>
    (await app().strapi.db.query('plugin::segments.campaign').findOne({ where: { documentId: id } })).state;
  /** A header's raw value (mailparser folds List-* headers into one structured `list` entry). */
  const header = (mail: ParsedMail, name: string) => {
    const line = mail.headerLines.find((h) => h.key === name);
    return line ? line.line.slice(line.line.indexOf(':') + 1).replace(/\r?\n\s+/g, ' ').trim() : '';
  };
  const mailTo = (address: string) => sink.received.filter((m) => m.to.includes(address));
  const eventsOf = async (profileId: number, name: string) =>
    app().knex(TABLES.events).where({ profile_id: profileId, name });

  beforeAll(async () => {
    token = await adminToken(app(), { superAdmin: true });
  });

  describe('one send: audience, content, headers, tracking, unsubscribe', () => {
    let id = '';
    beforeAll(async () => {
      await insert([
        { id: 1, group: 'news', traits: { first_name: '<Ann>' } },
        { id: 2, group: 'news', traits: { first_name: 'Bob' }, consent: true },
        { id: 3, group: 'news', traits: { first_name: 'Cy' } },
        { id: 4, group: 'news', email: null },
        { id: 5, group: 'news', consent: false },
        { id: 6, group: 'news', unsubscribed: true },
      ]);
      await segment('news');
      id = await createCampaign({ name: 'Newsletter', segmentKey: 'news', variants: [variant('A')] });
    });

    it('materialises only e-mailable, consenting, subscribed members and sends each one message', async () => {
      await schedule(id);
      const planned = await service().plan(Date.now() + 1000);
      expect(planned).toMatchObject({ created: 1, materialised: 1 });
      expect(await state(id)).toBe('sending');
      expect((await deliveries(id)).map((d) => [d.profileId, d.status])).toEqual([
        [1, 'queued'],
        [2, 'queued'],
        [3, 'queued'],
      ]);
      // A second planner pass (or a second instance) creates no second run and no extra rows.
      expect(await service().plan(Date.now() + 2000)).toMatchObject({ created: 0, materialised: 0 });
      const report = await service().dispatch(Date.now() + 2000);
      expect(report).toMatchObject({ claimed: 3, sent: 3 });
      await sink.waitFor(3);
      expect(sink.received.map((m) => m.to[0]).sort()).toEqual(['p1@example.test', 'p2@example.test', 'p3@example.test']);
      expect((await deliveries(id)).every((d) => d.status === 'sent' && d.attempts === 1 && d.messageId)).toBe(true);
      await service().plan(Date.now() + 3000);
      expect(await state(id)).toBe('sent');
    });

    it('renders escaped traits, tracked links, the pixel, a visible unsubscribe link and RFC 8058 headers', async () => {
      const [{ mail }] = mailTo('p1@example.test');
      expect(mail.subject).toBe('A: hello <Ann>');
      expect(mail.from?.text).toContain('news@playground.test');
      const html = String(mail.html);
      expect(html).toContain('Hi &lt;Ann&gt;, </p>');
      expect(html).not.toContain('href="https://shop.example/sale');
      expect(html).toMatch(/href="http:\/\/[^"]+\/api\/segments\/t\/c\/[^"]+"/);
      expect(html).toMatch(/<img src="http:\/\/[^"]+\/api\/segments\/t\/o\/[^"]+\.gif"/);
      expect(html).toMatch(/<a href="http:\/\/[^"]+\/api\/segments\/t\/u\/[^"]+">Unsubscribe<\/a>/);
      expect(mail.text).toMatch(/Unsubscribe: http/);
      expect(header(mail, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
      expect(header(mail, 'list-unsubscribe')).toMatch(/^<http:\/\/[^>]+\/api\/segments\/t\/u\/[^>]+>$/);
      expect(mail.messageId).toMatch(/^<segments\.\d+@playground\.test>$/);
    });

    const pathOf = (url: string) => new URL(url).pathname;
    const linkIn = (html: string, pattern: RegExp) => {
      const m = pattern.exec(html);
      if (!m) throw new Error(`no link ${pattern} in ${html}`);
      return pathOf(m[1].replace(/&amp;/g, '&'));
    };

    it('records opens and clicks, redirects only to the signed URL, refuses forged tokens', async () => {
      const html = String(mailTo('p1@example.test')[0].mail.html);
      const pixel = linkIn(html, /<img src="([^"]+)"/);
      const open = await request(app().server).get(pixel);
      expect(open.status).toBe(200);
      expect(open.headers['content-type']).toBe('image/gif');
      expect(await eventsOf(1, 'email_opened')).toHaveLength(1);
      await request(app().server).get(pixel); // a second open of the same message is one event
      expect(await eventsOf(1, 'email_opened')).toHaveLength(1);

      const click = linkIn(html, /href="([^"]+\/t\/c\/[^"]+)"/);
      const res = await request(app().server).get(click).redirects(0);
      expect(res.status).toBe(302);
      expect(res.headers.location).toBe('https://shop.example/sale?x=1&y=2');
      const [clicked] = await eventsOf(1, 'email_clicked');
      expect(JSON.parse(typeof clicked.properties === 'string' ? clicked.properties : JSON.stringify(clicked.properties)).url).toBe(
        'https://shop.example/sale?x=1&y=2'
      );

      // Altered destination with the original signature; a token of another kind; garbage.
      const tokenPart = click.split('/').pop() as string;
      const [, sig] = tokenPart.split('.');
      const evil = Buffer.from(JSON.stringify(['c', '1', 'https://evil.example/'])).toString('base64url');
      for (const bad of [`${evil}.${sig}`, pixel.split('/').pop()!.replace('.gif', ''), 'garbage', `${tokenPart}x`]) {
        const r = await request(app().server).get(`/api/segments/t/c/${bad}`).redirects(0);
        expect(r.status).toBe(400);
        expect(r.body.error.details.errors[0].path).toBe('token');
      }
      expect((await request(app().server).get('/api/segments/t/o/forged.gif')).status).toBe(400);
      expect((await request(app().server).post('/api/segments/t/u/forged')).status).toBe(400);
    });

    it('unsubscribes in one click (GET only asks), records it, and excludes the profile from the next campaign', async () => {
      const url = pathOf(header(mailTo('p2@example.test')[0].mail, 'list-unsubscribe').replace(/^<|>$/g, ''));
      const page = await request(app().server).get(url);
      expect(page.status).toBe(200);
      expect(page.text).toContain('<form method="post">');
      expect((await app().knex(TABLES.profiles).where('id', 2).first()).unsubscribed_at).toBeNull();

      const done = await request(app().server).post(url).type('form').send('List-Unsubscribe=One-Click');
      expect(done.status).toBe(200);
      expect((await app().knex(TABLES.profiles).where('id', 2).first()).unsubscribed_at).not.toBeNull();
      expect(await eventsOf(2, 'unsubscribed')).toHaveLength(1);

      const next = await createCampaign({ name: 'Follow-up', segmentKey: 'news', variants: [variant('B')] });
      await schedule(next);
      await service().plan(Date.now() + 1000);
      expect((await deliveries(next)).map((d) => d.profileId)).toEqual([1, 3]);
      expect((await admin('post', `/campaigns/${next}/cancel`)).status).toBe(200);
    });
  });

  describe('variants and holdout', () => {
    const ids = Array.from({ length: 300 }, (_, i) => 1000 + i);
    let id = '';
    beforeAll(async () => {
      await insert(ids.map((i) => ({ id: i, group: 'ab' })));
      await segment('ab');
      id = await createCampaign({
        name: 'AB',
        segmentKey: 'ab',
        holdoutPercent: 10,
        variants: [variant('A', { weight: 1 }), variant('B', { weight: 3 })],
      });
    });

    it('splits by the deterministic hash and never mails the holdout', async () => {
      await sink.clear();
      await schedule(id);
      await service().plan(Date.now() + 1000);
      const rows = await deliveries(id);
      expect(rows).toHaveLength(300);
      for (const row of rows) {
        const a = assignVariation({ experimentKey: id, unitId: row.profileId, weights: [0.25, 0.75], holdoutPercent: 10, hashVersion: 2 });
        expect([row.holdout, row.variant, row.status]).toEqual(
          a.inHoldout ? [true, null, 'holdout'] : [false, a.variationIndex, 'queued']
        );
      }
      const holdout = rows.filter((r) => r.holdout).length;
      const b = rows.filter((r) => r.variant === 1).length;
      expect(holdout).toBeGreaterThan(10);
      expect(holdout).toBeLessThan(55);
      expect(b / (300 - holdout)).toBeGreaterThan(0.6);

      await service().dispatch(Date.now() + 2000);
      await sink.waitFor(300 - holdout);
      expect(sink.received).toHaveLength(300 - holdout);
      for (const row of rows) {
        const mail = mailTo(`p${row.profileId}@example.test`);
        if (row.holdout) expect(mail).toHaveLength(0);
        else expect(mail.map((m) => m.mail.subject?.slice(0, 1))).toEqual([row.variant === 0 ? 'A' : 'B']);
      }
    });
  });

  describe('recipient-local time and quiet hours', () => {
    it('sends at 09:00 in each recipient zone, across the Berlin DST change', async () => {
      await insert([
        { id: 2001, group: 'local', timezone: 'America/New_York' },
        { id: 2002, group: 'local', timezone: 'Europe/Berlin' },
        { id: 2003, group: 'local', timezone: 'Asia/Tokyo' },
        { id: 2004, group: 'local', timezone: null },
      ]);
      await segment('local');
      const sendAt = '2026-03-28T12:00:00.000Z';
      const id = await createCampaign({
        name: 'Local',
        segmentKey: 'local',
        scheduleType: 'at',
        sendAt,
        localTime: '09:00',
        timezone: 'Europe/London',
        variants: [variant('L')],
      });
      await schedule(id);
      await service().plan(Date.parse(sendAt) + 60_000);
      expect((await deliveries(id)).map((d) => [d.profileId, d.scheduledAt])).toEqual([
        [2001, '2026-03-28T13:00:00.000Z'], // 08:00 EDT at send time: 09:00 the same day
        [2002, '2026-03-29T07:00:00.000Z'], // CEST from 29 March (CET the day before)
        [2003, '2026-03-29T00:00:00.000Z'],
        [2004, '2026-03-29T08:00:00.000Z'], // campaign zone London: BST from 29 March
      ]);
      await sink.clear();
      const step = async (at: string) => {
        await service().dispatch(Date.parse(at));
        await new Promise((r) => setTimeout(r, 100));
        await sink.waitFor(sink.received.length);
        return sink.received.map((m) => m.to[0]).sort();
      };
      expect(await step('2026-03-28T12:59:00Z')).toEqual([]);
      expect(await step('2026-03-28T13:00:30Z')).toEqual(['p2001@example.test']);
      expect(await step('2026-03-29T00:00:30Z')).toEqual(['p2001@example.test', 'p2003@example.test']);
      expect(await step('2026-03-29T07:00:30Z')).toEqual(['p2001@example.test', 'p2002@example.test', 'p2003@example.test']);
      expect(await state(id)).toBe('sending');
      expect(await step('2026-03-29T08:00:00Z')).toEqual(['p2001@example.test', 'p2002@example.test', 'p2003@example.test', 'p2004@example.test']);
      await service().plan(Date.parse('2026-03-29T08:01:00Z'));
      expect(await state(id)).toBe('sent');
    });

    it('moves sends out of each recipient’s quiet hours', async () => {
      await insert([
        { id: 2101, group: 'quiet', timezone: 'UTC' },
        { id: 2102, group: 'quiet', timezone: 'Asia/Tokyo' },
        { id: 2103, group: 'quiet', timezone: 'America/New_York' },
      ]);
      await segment('quiet');
      const sendAt = '2026-06-01T21:00:00.000Z';
      const id = await createCampaign({
        name: 'Quiet',
        segmentKey: 'quiet',
        scheduleType: 'at',
        sendAt,
        quietHours: { start: '20:00', end: '08:00' },
        variants: [variant('Q')],
      });
      await schedule(id);
      await service().plan(Date.parse(sendAt) + 60_000);
      expect((await deliveries(id)).map((d) => [d.profileId, d.scheduledAt])).toEqual([
        [2101, '2026-06-02T08:00:00.000Z'], // 21:00 UTC is quiet
        [2102, '2026-06-01T23:00:00.000Z'], // 06:00 in Tokyo is quiet → 08:00 Tokyo
        [2103, '2026-06-01T21:00:00.000Z'], // 17:00 in New York: fine
      ]);
      expect((await admin('post', `/campaigns/${id}/cancel`)).status).toBe(200); // leave nothing due for later tests
    });
  });

  describe('frequency cap, retries, permanent failures, pause and cancel', () => {
    it('skips a recipient over the campaign frequency cap at send time', async () => {
      await insert([
        { id: 3001, group: 'cap' },
        { id: 3002, group: 'cap' },
      ]);
      await segment('cap');
      const first = await createCampaign({ name: 'First', segmentKey: 'cap', variants: [variant('F')] });
      await schedule(first);
      await service().plan(Date.now() + 1000);
      // Only 3001 gets the first message.
      await app().knex(TABLES.deliveries).where({ campaign_id: first, profile_id: 3002 }).update({ status: 'cancelled' });
      await service().dispatch(Date.now() + 1000);
      const second = await createCampaign({
        name: 'Second',
        segmentKey: 'cap',
        frequencyCap: { max: 1, periodHours: 24 },
        variants: [variant('S')],
      });
      await schedule(second);
      await sink.clear();
      await service().plan(Date.now() + 2000);
      await service().dispatch(Date.now() + 2000);
      await sink.waitFor(1);
      expect(sink.received.map((m) => m.to[0])).toEqual(['p3002@example.test']);
      expect((await deliveries(second)).map((d) => [d.profileId, d.status, d.error])).toEqual([
        [3001, 'skipped', 'frequency cap'],
        [3002, 'sent', null],
      ]);
    });

    it('retries a 421 with backoff and then delivers; records a 550 as failed', async () => {
      await insert([
        { id: 4001, group: 'retry' },
        { id: 4002, group: 'retry' },
        { id: 4003, group: 'retry' },
      ]);
      await segment('retry');
      sink.failRecipient('p4001@example.test', 421);
      sink.failRecipient('p4002@example.test', 550);
      const id = await createCampaign({ name: 'Retry', segmentKey: 'retry', variants: [variant('R')] });
      await schedule(id);
      const now = Date.now() + 1000;
      await service().plan(now);
      await sink.clear();
      expect(await service().dispatch(now)).toMatchObject({ claimed: 3, sent: 1, retried: 1, failed: 1 });
      let rows = await deliveries(id);
      expect(rows.map((d) => [d.profileId, d.status, d.attempts])).toEqual([
        [4001, 'queued', 1],
        [4002, 'failed', 1],
        [4003, 'sent', 1],
      ]);
      // smtp-server closes the connection after a 421, which nodemailer reports as ECONNECTION.
      expect(rows[0].error).toMatch(/421|ECONNECTION/);
      expect(rows[1].error).toMatch(/550/);
      expect(await service().dispatch(now + 1000)).toMatchObject({ claimed: 0 }); // backoff: 60 s
      expect(await service().dispatch(now + 61_000)).toMatchObject({ claimed: 1, sent: 1 });
      rows = await deliveries(id);
      expect(rows[0]).toMatchObject({ status: 'sent', attempts: 2 });
      await sink.waitFor(2);
      expect(sink.received.map((m) => m.to[0]).sort()).toEqual(['p4001@example.test', 'p4003@example.test']);
    });

    it('stops sending within one tick when paused, resumes, and cancels what is left', async () => {
      await insert(Array.from({ length: 6 }, (_, i) => ({ id: 5001 + i, group: 'pause' })));
      await segment('pause');
      const id = await createCampaign({ name: 'Pause', segmentKey: 'pause', variants: [variant('P')] });
      await schedule(id);
      await service().plan(Date.now() + 1000);
      expect((await admin('post', `/campaigns/${id}/pause`)).body.data.state).toBe('paused');
      expect(await service().dispatch(Date.now() + 1000)).toMatchObject({ claimed: 0 });
      const resumed = await admin('post', `/campaigns/${id}/resume`);
      expect(resumed.body.data.state).toBe('sending');
      expect(await service().dispatch(Date.now() + 1000, { maxBatches: 1 })).toMatchObject({ claimed: 6, sent: 6 });

      const other = await createCampaign({ name: 'Cancel', segmentKey: 'pause', variants: [variant('C')] });
      await schedule(other);
      await service().plan(Date.now() + 1000);
      expect((await admin('post', `/campaigns/${other}/cancel`)).body.data.state).toBe('cancelled');
      expect(await service().dispatch(Date.now() + 1000)).toMatchObject({ claimed: 0 });
      expect(new Set((await deliveries(other)).map((d) => d.status))).toEqual(new Set(['cancelled']));
      const again = await admin('post', `/campaigns/${other}/resume`);
      expect(again.status).toBe(400);
      expect(again.body.error.details.errors[0].path).toBe('state');
    });
  });

  describe('recurring campaigns', () => {
    it('creates one run per cron fire, never two for the same fire, and returns to scheduled between runs', async () => {
      await insert([{ id: 7001, group: 'weekly' }]);
      await segment('weekly');
      const id = await createCampaign({
        name: 'Every minute',
        segmentKey: 'weekly',
        scheduleType: 'recurring',
        cron: '* * * * *',
        timezone: 'Europe/Berlin',
        variants: [variant('W')],
      });
      await schedule(id);
      const t1 = Date.now() + 60_000;
      expect(await service().plan(t1)).toMatchObject({ created: 1, materialised: 1 });
      expect(await service().plan(t1)).toMatchObject({ created: 0 }); // same fire: no second run
      await service().dispatch(t1);
      await service().plan(t1 + 1000);
      expect(await state(id)).toBe('scheduled');
      expect(await service().plan(t1 + 61_000)).toMatchObject({ created: 1, materialised: 1 });
      await service().dispatch(t1 + 61_000);
      const runs = await app().knex(TABLES.campaignRuns).where('campaign_id', id).orderBy('due_at');
      expect(runs).toHaveLength(2);
      expect(Number(runs[1].due_at) - Number(runs[0].due_at)).toBe(60_000);
      expect((await deliveries(id)).map((d) => [d.profileId, d.status])).toEqual([
        [7001, 'sent'],
        [7001, 'sent'],
      ]);
      expect((await admin('post', `/campaigns/${id}/cancel`)).status).toBe(200);
    });
  });

  describe('exactly-once constraints', () => {
    it('lets only one of two racing planners create a run, and materialises each profile once', async () => {
      const knex = app().knex;
      const now = Date.now();
      const created = await Promise.all([1, 2, 3].map(() => createRun(knex, 'race', 'once', now, now)));
      expect(created.filter(Boolean)).toHaveLength(1);
      const [run] = await runsWithStatus(knex, ['planned']).then((runs) => runs.filter((r) => r.campaignId === 'race'));
      const segmentId = (await app().strapi.db.query(SEGMENT_UID).findOne({ where: { key: 'news' } })).documentId;
      await Promise.all([1, 2].map(() => materialiseAudience(knex, run, { segmentId, requireConsent: false, channel: 'email' }, now)));
      await materialiseAudience(knex, run, { segmentId, requireConsent: false, channel: 'email' }, now);
      const rows = await knex(TABLES.deliveries).where('run_id', run.id).pluck('profile_id');
      expect(rows.map(Number).sort()).toEqual([1, 3]);
      // Concurrent claimers get disjoint batches.
      await knex(TABLES.deliveries).where('run_id', run.id).update({ status: 'queued', next_attempt_at: now });
      const claims = await Promise.all(
        ['a', 'b', 'c'].map((token) => claimBatch(knex, { token, campaignIds: ['race'], limit: 1, now, claimExpires: now + 60_000 }))
      );
      expect(claims.flat().map((d) => d.profileId).sort()).toEqual([1, 3]);
      await knex(TABLES.deliveries).where('run_id', run.id).delete();
    });
  });

  describe('admin API', () => {
    let id = '';
    beforeAll(async () => {
      await insert([{ id: 6001, group: 'adm', traits: { first_name: 'Dee' } }]);
      await segment('adm');
      await app()
        .strapi.documents(SEGMENT_UID)
        .create({ data: { name: 'Web only', key: 'adm-web', rule: {}, uses: ['personalisation'] } as never });
      id = await createCampaign({ name: 'Admin', segmentKey: 'adm', variants: [variant('A'), variant('B')] });
    });

    it('previews the e-mail for a profile with the missing variables listed', async () => {
      const res = await admin('post', `/campaigns/${id}/preview`).send({ profileId: 6001, variant: 'B' });
      expect(res.status).toBe(200);
      expect(res.body.data.subject).toBe('B: hello Dee');
      expect(res.body.data.missing).toEqual(['traits.missing_one']);
      expect(res.body.data.html).toContain('Hi Dee, </p>');
    });

    it('sends a test message to an address', async () => {
      await sink.clear();
      const res = await admin('post', `/campaigns/${id}/test`).send({ to: 'editor@example.test', profileId: 6001 });
      expect(res.status).toBe(200);
      await sink.waitFor(1);
      expect(sink.received[0].to).toEqual(['editor@example.test']);
      expect(sink.received[0].mail.subject).toBe('[Test] A: hello Dee');
    });

    it('lists deliveries with pagination and a status filter', async () => {
      await schedule(id);
      await service().plan(Date.now() + 1000);
      const res = await admin('get', `/campaigns/${id}/deliveries?page=1&pageSize=10&status=queued`);
      expect(res.status).toBe(200);
      expect(res.body.data).toHaveLength(1);
      expect(res.body.data[0]).toMatchObject({ profileId: 6001, status: 'queued', attempts: 0 });
      expect(res.body.meta.pagination).toMatchObject({ page: 1, pageSize: 10, total: 1 });
      expect((await admin('get', `/campaigns/${id}`)).body.data.state).toBe('sending');
      expect((await admin('get', '/campaigns')).body.data.length).toBeGreaterThan(5);
    });

    const badInputs: Array<[string, 'get' | 'post' | 'put', string | (() => string), unknown, string]> = [
      ['create without fields', 'post', '/campaigns', { data: {} }, 'name'],
      ['create with an unknown field', 'post', '/campaigns', { data: { nam: 'x' } }, 'nam'],
      ['create with a state', 'post', '/campaigns', { data: { state: 'sent' } }, 'state'],
      ['create with the old status field', 'post', '/campaigns', { data: { status: 'sent' } }, 'status'],
      ['create with a non-object', 'post', '/campaigns', { data: [1] }, 'data'],
      ['broken Liquid', 'post', '/campaigns', { data: { name: 'x', segmentKey: 'adm', variants: [{ name: 'A', subject: 's', html: '{% if %}' }] } }, 'variants.0.html'],
      ['no variants', 'post', '/campaigns', { data: { name: 'x', segmentKey: 'adm', variants: [] } }, 'variants'],
      ['unknown segment', 'post', '/campaigns', { data: { name: 'x', segmentKey: 'nope', variants: [variant('A')] } }, 'segmentKey'],
      ['segment not used for campaigns', 'post', '/campaigns', { data: { name: 'x', segmentKey: 'adm-web', variants: [variant('A')] } }, 'segmentKey'],
      ['bad cron', 'post', '/campaigns', { data: { name: 'x', segmentKey: 'adm', variants: [variant('A')], scheduleType: 'recurring', cron: '61 * * * *' } }, 'cron'],
      ['recurring without cron', 'post', '/campaigns', { data: { name: 'x', segmentKey: 'adm', variants: [variant('A')], scheduleType: 'recurring' } }, 'cron'],
      ['at without sendAt', 'post', '/campaigns', { data: { name: 'x', segmentKey: 'adm', variants: [variant('A')], scheduleType: 'at' } }, 'sendAt'],
      ['bad time zone', 'post', '/campaigns', { data: { name: 'x', segmentKey: 'adm', variants: [variant('A')], timezone: 'Mars/Base' } }, 'timezone'],
      ['bad local time', 'post', '/campaigns', { data: { name: 'x', segmentKey: 'adm', variants: [variant('A')], localTime: '25:00' } }, 'localTime'],
      ['bad quiet hours', 'post', '/campaigns', { data: { name: 'x', segmentKey: 'adm', variants: [variant('A')], quietHours: { start: '22:00' } } }, 'quietHours.end'],
      ['bad holdout', 'post', '/campaigns', { data: { name: 'x', segmentKey: 'adm', variants: [variant('A')], holdoutPercent: 100 } }, 'holdoutPercent'],
      ['bad frequency cap', 'post', '/campaigns', { data: { name: 'x', segmentKey: 'adm', variants: [variant('A')], frequencyCap: { max: 0, periodHours: 24 } } }, 'frequencyCap.max'],
      ['editing a sending campaign', 'put', () => `/campaigns/${id}`, { data: { name: 'renamed' } }, 'name'],
      ['state through PUT', 'put', () => `/campaigns/${id}`, { data: { state: 'sent' } }, 'state'],
      ['scheduling a sending campaign', 'post', () => `/campaigns/${id}/schedule`, {}, 'state'],
      ['preview of an unknown profile', 'post', () => `/campaigns/${id}/preview`, { profileId: 999999 }, 'profileId'],
      ['preview of an unknown variant', 'post', () => `/campaigns/${id}/preview`, { variant: 'Z' }, 'variant'],
      ['preview with an unknown field', 'post', () => `/campaigns/${id}/preview`, { profile: 1 }, 'profile'],
      ['test without an address', 'post', () => `/campaigns/${id}/test`, { to: 'not an address' }, 'to'],
      ['delivery log page 0', 'get', () => `/campaigns/${id}/deliveries?page=0`, undefined, 'page'],
      ['delivery log bad status', 'get', () => `/campaigns/${id}/deliveries?status=bogus`, undefined, 'status'],
      ['list pageSize too large', 'get', '/campaigns?pageSize=1000', undefined, 'pageSize'],
    ];
    it.each(badInputs)('%s → 400 naming the field', async (_label, method, path, body, field) => {
      const before = await app().knex('segments_campaigns').count({ n: '*' }).first();
      const req = admin(method, typeof path === 'function' ? path() : path);
      const res = body === undefined ? await req : await req.send(body as object);
      expect(res.status).toBe(400);
      expect(res.body.error.details.errors.map((e: { path: string }) => e.path)).toContain(field);
      expect(await app().knex('segments_campaigns').count({ n: '*' }).first()).toEqual(before); // no partial write
    });

    it('answers 404 for an unknown campaign and enforces RBAC', async () => {
      expect((await admin('post', '/campaigns/nope/schedule')).status).toBe(404);
      const reader = await adminToken(app(), { actions: ['plugin::segments.read'] });
      expect((await admin('get', '/campaigns', reader)).status).toBe(200);
      expect((await admin('post', '/campaigns', reader).send({ data: { name: 'x' } })).status).toBe(403);
      const manager = await adminToken(app(), { actions: ['plugin::segments.campaigns.manage'] });
      expect((await admin('post', `/campaigns/${id}/pause`, manager)).status).toBe(200);
      expect((await admin('post', `/campaigns/${id}/resume`, manager)).status).toBe(403);
      expect((await admin('post', `/campaigns/${id}/test`, manager).send({ to: 'a@b.test' })).status).toBe(403);
    });

    it('guards the state machine on every write path, including the document service', async () => {
      await expect(
        app().strapi.documents('plugin::segments.campaign').update({ documentId: id, data: { state: 'sent' } as never })
      ).rejects.toThrow(/state: cannot go from paused to sent/);
      await expect(
        app().strapi.documents('plugin::segments.campaign').create({ data: { name: 'x', segmentKey: 'adm', variants: [variant('A')], state: 'sending' } as never })
      ).rejects.toThrow(/state: a new campaign starts as draft/);
    });
  });
});
