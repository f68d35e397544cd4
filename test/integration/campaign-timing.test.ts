import request from 'supertest';
import { adminToken } from './helpers/admin';
import { useStrapiWithSmtpSink } from './helpers/smtp-sink';
import { TABLES } from '../../server/src/store/tables';
import { ingestEvents } from '../../server/src/events/repository';
import { localParts, localTimeAfter } from '../../server/src/campaigns/timing';

const SEGMENT_UID = 'plugin::segments.segment';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse('2026-01-01T00:00:00Z');

interface P {
  id: number;
  group: string;
  timezone?: string | null;
  traits?: Record<string, unknown>;
}

describe('intelligent timing and triggered campaigns (real SMTP)', () => {
  const { app, sink } = useStrapiWithSmtpSink('campaign-timing', {
    SEGMENTS_SCHEDULER_ENABLED: 'false',
    SEGMENTS_EMAIL_RATE: '1000',
  });
  const service = () => app().strapi.plugin('segments').service('campaigns');
  const segments = () => app().strapi.plugin('segments').service('segments');
  let token = '';
  beforeAll(async () => {
    token = await adminToken(app(), { superAdmin: true });
  });

  const insert = async (profiles: P[]) => {
    await app()
      .knex(TABLES.profiles)
      .insert(
        profiles.map((p) => ({
          id: p.id,
          anonymous_id: `anon-${p.id}`,
          email: `p${p.id}@example.test`,
          timezone: p.timezone ?? null,
          traits: JSON.stringify({ group: p.group, ...p.traits }),
          first_seen_at: T0,
          last_seen_at: T0,
          created_at: T0,
          updated_at: T0,
        }))
      );
  };
  const segment = async (key: string, rule: Record<string, unknown> = { group: key }) =>
    String((await app().strapi.documents(SEGMENT_UID).create({ data: { name: key, key, rule } as never })).documentId);
  const admin = (method: 'get' | 'post' | 'put', path: string) =>
    request(app().server)[method](`/segments${path}`).set('Authorization', `Bearer ${token}`);
  const createCampaign = async (fields: Record<string, unknown>): Promise<string> => {
    const res = await admin('post', '/campaigns').send({ data: fields });
    expect(res.status).toBe(200);
    return res.body.data.documentId as string;
  };
  const schedule = async (id: string) => {
    const res = await admin('post', `/campaigns/${id}/schedule`);
    expect(res.status).toBe(200);
  };
  const variant = { name: 'A', subject: 'Hello {{ traits.group }}', html: '<p>Hi</p>' };
  /** Events through the real ingestion path, received at `at` (the planner's clock in these tests). */
  const event = (profileId: number, name: string, at: number, properties: Record<string, unknown> = {}) =>
    ingestEvents(app().knex, {
      events: [{ index: 0, name, occurredAt: at, properties, value: null, messageId: null, subject: { anonymousId: `anon-${profileId}` } }],
      defaultTarget: null,
      context: null,
      now: at,
    });
  const deliveries = async (campaignId: string) =>
    (await app().knex(TABLES.deliveries).where('campaign_id', campaignId).orderBy('id')).map((r) => ({
      profileId: Number(r.profile_id),
      status: String(r.status),
      scheduledAt: r.scheduled_at === null ? null : Number(r.scheduled_at),
    }));
  const mailed = () => sink.received.map((m) => m.to[0]).sort();
  const dispatchAt = async (at: number) => {
    await service().dispatch(at);
    await new Promise((r) => setTimeout(r, 100));
    await sink.waitFor(sink.received.length);
    return mailed();
  };

  describe('validation (400 naming the field)', () => {
    beforeAll(async () => {
      await segment('valid');
    });
    const refuse = async (fields: Record<string, unknown>, path: string) => {
      const res = await admin('post', '/campaigns').send({ data: { name: 'x', segmentKey: 'valid', variants: [variant], ...fields } });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain(`"path":"${path}"`);
    };
    it('refuses bad timing and trigger fields on create and update', async () => {
      await refuse({ intelligentTiming: true, localTime: '09:00' }, 'intelligentTiming');
      await refuse({ scheduleType: 'triggered' }, 'trigger');
      await refuse({ scheduleType: 'triggered', trigger: { event: 'a', segmentEntry: 'valid' } }, 'trigger');
      await refuse({ scheduleType: 'triggered', trigger: {} }, 'trigger');
      await refuse({ scheduleType: 'triggered', trigger: { event: 'a', where: { total: { $bogus: 1 } } } }, 'trigger.where.total.$bogus');
      await refuse({ scheduleType: 'triggered', trigger: { segmentEntry: 'nope' } }, 'trigger.segmentEntry');
      await refuse({ scheduleType: 'triggered', trigger: { event: 'a' }, reentry: { policy: 'cooldown', days: 0 } }, 'reentry.days');
      await refuse({ scheduleType: 'triggered', trigger: { event: 'a' }, reentry: { policy: 'sometimes' } }, 'reentry.policy');
      await refuse({ scheduleType: 'triggered', trigger: { event: 'a' }, triggerDelayMinutes: -5 }, 'triggerDelayMinutes');
      await refuse({ scheduleType: 'triggered', trigger: { event: 'a' }, exitEvent: { where: {} } }, 'exitEvent.event');
      const id = await createCampaign({ name: 'ok', segmentKey: 'valid', variants: [variant], intelligentTiming: true });
      const res = await admin('put', `/campaigns/${id}`).send({ data: { localTime: '08:00' } });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain('"path":"intelligentTiming"');
      const stored = await app().strapi.db.query('plugin::segments.campaign').findOne({ where: { documentId: id } });
      expect(stored.localTime ?? null).toBeNull();
    });
  });

  describe('intelligent timing', () => {
    // 12:00 UTC the day after tomorrow: the run starts there, every send within 24 h after it.
    const start = Math.floor(Date.now() / DAY) * DAY + 2 * DAY + 12 * HOUR;
    const local = (zone: string, hour: number, daysBefore: number) => {
      // An instant `daysBefore` days before the start whose local hour in `zone` is `hour`.
      let t = start - daysBefore * DAY;
      while (localParts(t, zone).hour !== hour) t += HOUR;
      return t - 3 * DAY; // always in the past, whatever the hour now
    };
    let id = '';
    beforeAll(async () => {
      await insert([
        { id: 101, group: 'it', timezone: 'America/New_York' },
        { id: 102, group: 'it', timezone: 'Asia/Tokyo' },
        { id: 103, group: 'it', timezone: 'Europe/Berlin' },
        { id: 104, group: 'it', timezone: null },
        { id: 105, group: 'it', timezone: 'Asia/Kolkata' },
      ]);
      for (let d = 1; d <= 16; d++) await event(101, 'session_start', local('America/New_York', 19, d));
      for (let d = 1; d <= 5; d++) await event(102, 'email_clicked', local('Asia/Tokyo', 7, d));
      for (let d = 1; d <= 10; d++) await event(103, 'session_start', local('Europe/Berlin', 23, d));
      // 105: machine opens (2 s after each send) at 03:00 local, and too few sessions of its own.
      for (let d = 1; d <= 10; d++) {
        const sentAt = local('Asia/Kolkata', 3, d) - 2000;
        const [delivery] = await app()
          .knex(TABLES.deliveries)
          .insert({ run_id: -d, campaign_id: 'old', profile_id: 105, status: 'sent', sent_at: sentAt, attempts: 1, created_at: sentAt, updated_at: sentAt })
          .returning('id');
        const deliveryId = Number(typeof delivery === 'object' ? delivery.id : delivery);
        await event(105, 'email_opened', sentAt + 2000, { deliveryId });
      }
      await event(105, 'session_start', local('Asia/Kolkata', 15, 1));
      await event(105, 'session_start', local('Asia/Kolkata', 15, 2));
      const segmentId = await segment('it');
      await segments().recompute(segmentId);
      id = await createCampaign({
        name: 'Best hour',
        segmentKey: 'it',
        scheduleType: 'at',
        sendAt: new Date(start).toISOString(),
        timezone: 'Europe/London',
        intelligentTiming: true,
        quietHours: { start: '22:00', end: '07:00' },
        variants: [variant],
      });
    });

    const expected = () => ({
      101: { zone: 'America/New_York', hour: 19 },
      102: { zone: 'Asia/Tokyo', hour: 7 },
      103: { zone: 'Europe/Berlin', hour: 21 }, // 23:00 is quiet: the nearest allowed edge
      104: { zone: 'Europe/London', hour: 19 }, // no data, no zone: the audience's hour in the campaign's zone
      105: { zone: 'Asia/Kolkata', hour: 19 }, // machine opens ignored, two sessions are below the threshold
    });

    it('previews recipients per send hour and the personalised share', async () => {
      const res = await admin('get', `/campaigns/${id}/send-hours`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ recipients: 5, personalised: 3, personalisedShare: 0.6, fallbackHour: 19, timeZone: 'Europe/London' });
      const hours = new Array<number>(24).fill(0);
      for (const { zone, hour } of Object.values(expected())) {
        const t = localTimeAfter(start, `${String(hour).padStart(2, '0')}:00`, zone);
        hours[localParts(t, 'Europe/London').hour] += 1;
      }
      expect(res.body.hours).toEqual(hours);
      expect((res.body.hours as number[]).reduce((a, b) => a + b, 0)).toBe(5);
      expect((await admin('get', '/campaigns/nope/send-hours')).status).toBe(404);
    });

    it('times each recipient at their own hour within 24 h and mails them then', async () => {
      await schedule(id);
      await service().plan(start + 60_000);
      const rows = await deliveries(id);
      expect(rows.map((r) => r.profileId).sort()).toEqual([101, 102, 103, 104, 105]);
      for (const r of rows) {
        const want = expected()[r.profileId as 101];
        expect(r.status).toBe('queued');
        expect(localParts(r.scheduledAt as number, want.zone)).toMatchObject({ hour: want.hour, minute: 0 });
        expect(r.scheduledAt as number).toBeGreaterThanOrEqual(start);
        expect(r.scheduledAt as number).toBeLessThan(start + DAY);
      }
      // Distinct instants (zones chosen so), so each step mails exactly one more recipient.
      expect(new Set(rows.map((r) => r.scheduledAt)).size).toBe(5);
      await sink.clear();
      const order = [...rows].sort((a, b) => (a.scheduledAt as number) - (b.scheduledAt as number));
      const sent: string[] = [];
      for (const r of order) {
        const already = await dispatchAt((r.scheduledAt as number) - 60_000);
        expect(already).not.toContain(`p${r.profileId}@example.test`);
        sent.push(`p${r.profileId}@example.test`);
        expect(await dispatchAt(r.scheduledAt as number)).toEqual([...new Set(sent)].sort());
      }
    });
  });

  describe('triggered by an event', () => {
    // The planner's clock in this block: after the campaigns are scheduled (real time).
    let V0 = 0;
    let cart = '';
    let cooldown = '';
    beforeAll(async () => {
      await insert([
        { id: 201, group: 'shop' },
        { id: 202, group: 'shop' },
        { id: 203, group: 'shop' },
        { id: 204, group: 'elsewhere' },
        { id: 205, group: 'shop' },
      ]);
      const shop = await segment('shop');
      await segments().recompute(shop);
      cart = await createCampaign({
        name: 'Cart abandoned',
        segmentKey: 'shop',
        scheduleType: 'triggered',
        trigger: { event: 'cart_abandoned', where: { total: { $gte: 50 } } },
        triggerDelayMinutes: 120,
        reentry: { policy: 'once' },
        exitEvent: { event: 'purchase' },
        variants: [variant],
      });
      cooldown = await createCampaign({
        name: 'Pricing',
        segmentKey: 'shop',
        scheduleType: 'triggered',
        trigger: { event: 'pricing_viewed' },
        reentry: { policy: 'cooldown', days: 7 },
        variants: [variant],
      });
      await schedule(cart);
      await schedule(cooldown);
      V0 = Date.now() + 60_000;
      await sink.clear();
    });

    it('sends after the delay, cancels on the exit event, honours the condition, the segment and "once"', async () => {
      await event(201, 'cart_abandoned', V0, { total: 80 });
      await event(202, 'cart_abandoned', V0, { total: 120 });
      await event(203, 'cart_abandoned', V0, { total: 10 }); // condition not met
      await event(204, 'cart_abandoned', V0, { total: 80 }); // not in the campaign's segment
      expect(await service().plan(V0 + 60_000)).toMatchObject({ triggered: 3, triggerQueued: 0 });
      expect((await app().strapi.db.query('plugin::segments.campaign').findOne({ where: { documentId: cart } })).state).toBe('sending');
      expect(await dispatchAt(V0 + 60_000)).toEqual([]);

      await event(202, 'purchase', V0 + 30 * 60_000); // exit: 202's pending send is cancelled
      await event(201, 'cart_abandoned', V0 + HOUR, { total: 90 }); // re-entry "once": ignored
      expect(await service().plan(V0 + HOUR + 60_000)).toMatchObject({ triggered: 0, triggerQueued: 0 });
      expect(await dispatchAt(V0 + HOUR + 60_000)).toEqual([]);

      // Two planners (or two ticks) at the due time queue 201 once.
      const due = await service().plan(V0 + 2 * HOUR + 60_000);
      expect(due).toMatchObject({ triggerQueued: 1, triggerCancelled: 2 });
      expect(await service().plan(V0 + 2 * HOUR + 61_000)).toMatchObject({ triggered: 0, triggerQueued: 0, triggerCancelled: 0 });
      expect(await deliveries(cart)).toEqual([{ profileId: 201, status: 'queued', scheduledAt: V0 + 2 * HOUR }]);
      expect(await dispatchAt(V0 + 2 * HOUR + 60_000)).toEqual(['p201@example.test']);
      const reasons = await app().knex(TABLES.campaignTriggers).where('campaign_id', cart).orderBy('profile_id');
      expect(reasons.map((r) => [Number(r.profile_id), r.status, r.reason])).toEqual([
        [201, 'queued', null],
        [202, 'cancelled', 'exit event purchase'],
        [204, 'cancelled', 'not in segment shop'],
      ]);
    });

    it('re-enters after the cooldown only', async () => {
      await sink.clear();
      const base = V0 + 3 * HOUR;
      await event(205, 'pricing_viewed', base);
      await service().plan(base + 60_000);
      expect(await dispatchAt(base + 60_000)).toEqual(['p205@example.test']);
      await event(205, 'pricing_viewed', base + 2 * DAY); // within 7 days: no second message
      expect(await service().plan(base + 2 * DAY + 60_000)).toMatchObject({ triggered: 0 });
      await event(205, 'pricing_viewed', base + 8 * DAY);
      expect(await service().plan(base + 8 * DAY + 60_000)).toMatchObject({ triggered: 1, triggerQueued: 1 });
      expect((await dispatchAt(base + 8 * DAY + 60_000)).filter((a) => a.startsWith('p2'))).toEqual(['p205@example.test', 'p205@example.test']);
      expect((await deliveries(cooldown)).map((d) => [d.profileId, d.status, d.scheduledAt])).toEqual([
        [205, 'sent', base],
        [205, 'sent', base + 8 * DAY],
      ]);
    });
  });

  describe('cancelling a triggered campaign', () => {
    it('cancels its waiting triggers: nothing is sent after the delay', async () => {
      await insert([{ id: 401, group: 'shop' }]);
      await segments().recompute(String((await app().strapi.db.query(SEGMENT_UID).findOne({ where: { key: 'shop' } })).documentId));
      const id = await createCampaign({
        name: 'Browse',
        segmentKey: 'shop',
        scheduleType: 'triggered',
        trigger: { event: 'browsed' },
        triggerDelayMinutes: 60,
        variants: [variant],
      });
      await schedule(id);
      const now = Date.now() + 1000;
      await event(401, 'browsed', now);
      expect(await service().plan(now + 1000)).toMatchObject({ triggered: 1 });
      expect((await admin('post', `/campaigns/${id}/cancel`)).status).toBe(200);
      const [row] = await app().knex(TABLES.campaignTriggers).where('campaign_id', id);
      expect([row.status, row.reason]).toEqual(['cancelled', 'campaign cancelled']);
      await service().plan(now + 2 * HOUR);
      expect(await deliveries(id)).toEqual([]);
    });
  });

  describe('triggered by entering a segment', () => {
    it('sends once after the delay when a profile enters the segment', async () => {
      await insert([{ id: 301, group: 'members', traits: { tier: 'silver' } }]);
      const vip = await segment('vip', { tier: 'gold' });
      await segments().recompute(vip);
      const id = await createCampaign({
        name: 'Welcome to VIP',
        segmentKey: 'vip',
        scheduleType: 'triggered',
        trigger: { segmentEntry: 'vip' },
        triggerDelayMinutes: 60,
        variants: [variant],
      });
      await schedule(id);
      await service().plan(Date.now());
      await app()
        .knex(TABLES.profiles)
        .where('id', 301)
        .update({ traits: JSON.stringify({ group: 'members', tier: 'gold' }) });
      await segments().recompute(vip);
      const entered = Number((await app().knex(TABLES.membershipTransitions).where({ profile_id: 301, kind: 'enter' }).first()).at);
      expect(await service().plan(Date.now() + 1000)).toMatchObject({ triggered: 1, triggerQueued: 0 });
      expect(await service().plan(entered + HOUR + 1000)).toMatchObject({ triggerQueued: 1 });
      await sink.clear();
      expect(await dispatchAt(entered + HOUR + 1000)).toEqual(['p301@example.test']);
      expect((await deliveries(id)).map((d) => [d.profileId, d.scheduledAt])).toEqual([[301, entered + HOUR]]);
    });
  });
});
