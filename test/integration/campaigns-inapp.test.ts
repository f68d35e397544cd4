import request from 'supertest';
import { adminToken } from './helpers/admin';
import { userWithJwt } from './helpers/identity';
import { useStrapi } from './helpers/strapi';
import { TABLES } from '../../server/src/store/tables';
import { assignRecipient } from '../../server/src/campaigns/outbox';

/**
 * Issue 24: in-app messages, pulled by the storefront. Targeting by the real-time segment
 * evaluation of `/me`, caps per period, never again after a dismiss or click, priority,
 * start/end, A/B and holdout by the campaign's hash, and one visitor's answer never holding
 * another's message.
 */
const SEGMENT_UID = 'plugin::segments.segment';
const HEADER = 'X-Segments-Anonymous-Id';
const HOUR = 3_600_000;

interface Message {
  id: string;
  campaign: string;
  variant: string;
  layout: string;
  priority: number;
  title: string;
  bodyHtml: string;
  buttons: Array<{ label: string; url: string | null; event: string | null }>;
}

describe('in-app messages: targeting, caps, priority, schedule, A/B and privacy', () => {
  const app = useStrapi('campaigns-inapp', { SEGMENTS_SCHEDULER_ENABLED: 'false' });
  const campaigns = () => app().strapi.plugin('segments').service('campaigns');
  let token = '';
  const admin = (method: 'get' | 'post' | 'delete', path: string) =>
    request(app().server)[method](`/segments${path}`).set('Authorization', `Bearer ${token}`);
  const messagesOf = async (anonymousId: string): Promise<Message[]> => {
    const res = await request(app().server).get('/api/segments/messages').set(HEADER, anonymousId);
    expect(res.status).toBe(200);
    return res.body.data;
  };
  const report = (id: string, action: string, body: Record<string, unknown> = {}) =>
    request(app().server)
      .post(`/api/segments/messages/${encodeURIComponent(id)}/${action}`)
      .send(body);
  const profileIdOf = async (anonymousId: string) =>
    Number((await app().knex(TABLES.profiles).where('anonymous_id', anonymousId).first()).id);

  /** Creates and schedules an in-app campaign; the planner's pass makes it live. */
  const launch = async (data: Record<string, unknown>): Promise<string> => {
    const created = await admin('post', '/campaigns').send({
      data: {
        channel: 'inapp',
        segmentKey: 'gold',
        variants: [{ name: 'A', title: 'Hello', body: 'Welcome back' }],
        ...data,
      },
    });
    expect([created.status, created.body.error]).toEqual([200, undefined]);
    const id = created.body.data.documentId as string;
    expect((await admin('post', `/campaigns/${id}/schedule`)).status).toBe(200);
    await campaigns().plan();
    campaigns().refreshInapp();
    return id;
  };
  const stop = async (id: string) => {
    expect((await admin('post', `/campaigns/${id}/cancel`)).status).toBe(200);
  };

  beforeAll(async () => {
    token = await adminToken(app(), { superAdmin: true });
    const now = Date.now();
    const visitor = (anonymousId: string, traits: Record<string, unknown>) => ({
      anonymous_id: anonymousId,
      traits: JSON.stringify(traits),
      first_seen_at: now,
      last_seen_at: now,
      created_at: now,
      updated_at: now,
    });
    await app()
      .knex(TABLES.profiles)
      .insert([
        visitor('inapp-ann', { plan: 'gold', first_name: 'Ann' }),
        visitor('inapp-bob', { plan: 'gold', first_name: '<img src=x onerror=alert(1)> **Bob**' }),
        visitor('inapp-cy', { plan: 'free', first_name: 'Cy' }),
        ...Array.from({ length: 300 }, (_, i) => visitor(`inapp-many-${i}`, { plan: 'gold' })),
      ]);
    for (const [key, plan] of [
      ['gold', 'gold'],
      ['free', 'free'],
    ])
      await app()
        .strapi.documents(SEGMENT_UID)
        .create({ data: { name: key, key, rule: { plan } } as never });
  });

  it('refuses bad content, options and send-time fields at save, naming each field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ variants: [{ name: 'A', title: 'x', layout: 'popup' }] }, 'variants.0.layout'],
      [{ variants: [{ name: 'A', title: '' }] }, 'variants.0.title'],
      [
        {
          variants: [
            { name: 'A', title: 'x', buttons: [{ label: 'Go', url: 'javascript:alert(1)' }] },
          ],
        },
        'variants.0.buttons.0.url',
      ],
      [
        {
          variants: [
            { name: 'A', title: 'x', buttons: [1, 2, 3].map((i) => ({ label: `b${i}` })) },
          ],
        },
        'variants.0.buttons',
      ],
      [{ variants: [{ name: 'A', title: 'x', accent: 'red' }] }, 'variants.0.accent'],
      [{ variants: [{ name: 'A', title: '{{ traits.name' }] }, 'variants.0.title'],
      [{ inapp: { maxShows: 0 } }, 'inapp.maxShows'],
      [
        { inapp: { startsAt: '2026-02-01T00:00:00Z', endsAt: '2026-01-01T00:00:00Z' } },
        'inapp.endsAt',
      ],
      [{ quietHours: { start: '22:00', end: '07:00' } }, 'quietHours'],
      [{ scheduleType: 'recurring', cron: '0 9 * * *' }, 'scheduleType'],
      [{ frequencyCap: { max: 1, periodHours: 24 } }, 'frequencyCap'],
      [
        { scheduleType: 'triggered', trigger: { event: 'x' }, triggerDelayMinutes: 5 },
        'triggerDelayMinutes',
      ],
      [
        { scheduleType: 'triggered', trigger: { event: 'x' }, exitEvent: { event: 'y' } },
        'exitEvent',
      ],
      [
        { scheduleType: 'triggered', trigger: { event: 'x' }, reentry: { policy: 'once' } },
        'reentry',
      ],
    ];
    const before = await app().knex(TABLES.deliveries).count({ n: '*' }).first();
    for (const [fields, path] of cases) {
      const res = await admin('post', '/campaigns').send({
        data: {
          name: 'bad',
          channel: 'inapp',
          segmentKey: 'gold',
          variants: [{ name: 'A', title: 'Hello' }],
          ...fields,
        },
      });
      expect([path, res.status]).toEqual([path, 400]);
      expect(res.body.error.details.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    expect(await app().knex(TABLES.deliveries).count({ n: '*' }).first()).toEqual(before);
  });

  it('answers only visitors of the segment, privately, with personalised and escaped content', async () => {
    const id = await launch({
      name: 'Welcome',
      variants: [
        {
          name: 'A',
          layout: 'modal',
          title: 'Hi {{ traits.first_name }}',
          body: '**Hi {{ traits.first_name }}**, see [our offers](/offers) or [this](javascript:alert(1))',
          buttons: [{ label: 'Shop', url: '/shop', event: 'inapp_shop' }],
          image: { url: '/uploads/offer_1.png', alt: 'A mug' },
        },
      ],
    });
    const res = await request(app().server).get('/api/segments/messages').set(HEADER, 'inapp-ann');
    // An upload of Strapi's local provider is answered absolute: the shop's page is elsewhere.
    expect(res.body.data[0].image).toEqual({
      url: expect.stringMatching(/^https?:\/\/[^/]+\/uploads\/offer_1\.png$/),
      alt: 'A mug',
    });
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.headers.vary.toLowerCase()).toContain('x-segments-anonymous-id');
    expect(res.body.data).toHaveLength(1);
    expect(res.body.data[0]).toMatchObject({
      campaign: id,
      layout: 'modal',
      title: 'Hi Ann',
      buttons: [{ label: 'Shop', url: '/shop', event: 'inapp_shop' }],
    });
    expect(res.body.data[0].bodyHtml).toBe(
      '<p><strong>Hi Ann</strong>, see <a href="/offers" rel="noopener noreferrer">our offers</a> or [this](javascript:alert(1))</p>'
    );
    // Bob's name is text in his message: no tag, no Markdown of his own.
    const [bob] = await messagesOf('inapp-bob');
    expect(bob.title).toBe('Hi <img src=x onerror=alert(1)> **Bob**');
    expect(bob.bodyHtml).toContain('&lt;img src=x onerror=alert(1)&gt; **Bob**');
    expect(bob.bodyHtml).not.toContain('<img');
    // Outside the segment, and with no visitor id at all: nothing.
    expect(await messagesOf('inapp-cy')).toEqual([]);
    const none = await request(app().server).get('/api/segments/messages');
    expect(none.body.data).toEqual([]);
    // `/me?include=messages` gives the same selection.
    const me = await request(app().server)
      .get('/api/segments/me?include=messages')
      .set(HEADER, 'inapp-ann');
    expect(me.headers['cache-control']).toBe('private, no-store');
    expect(me.body.data.messages.map((m: Message) => m.title)).toEqual(['Hi Ann']);
    expect(
      (await request(app().server).get('/api/segments/me').set(HEADER, 'inapp-ann')).body.data
        .messages
    ).toBeUndefined();
    await stop(id);
    expect(await messagesOf('inapp-ann')).toEqual([]);
  });

  it('never puts one visitor’s message in another’s answer, fetched at the same time', async () => {
    const id = await launch({
      name: 'Named',
      variants: [{ name: 'A', title: 'For {{ traits.first_name }}' }],
    });
    const visitors = ['inapp-ann', 'inapp-bob', 'inapp-cy', 'inapp-ann', 'inapp-bob', 'inapp-cy'];
    const answers = await Promise.all(visitors.map((v) => messagesOf(v)));
    const deliveries = await app().knex(TABLES.deliveries).where('campaign_id', id);
    for (const [i, v] of visitors.entries()) {
      const profileId = await profileIdOf(v);
      const own = deliveries.filter((d) => Number(d.profile_id) === profileId);
      if (v === 'inapp-cy') {
        expect(answers[i]).toEqual([]);
        continue;
      }
      expect(answers[i].map((m) => m.title)).toEqual([
        v === 'inapp-ann' ? 'For Ann' : 'For <img src=x onerror=alert(1)> **Bob**',
      ]);
      expect(own).toHaveLength(1); // one delivery each, however many fetches raced
    }
    // A report with one visitor's id changes that visitor's state only.
    expect((await report(answers[0][0].id, 'dismissed')).status).toBe(200);
    expect(await messagesOf('inapp-ann')).toEqual([]);
    expect(await messagesOf('inapp-bob')).toHaveLength(1);
    await stop(id);
  });

  it('shows at most maxShows per period, counts a repeated report once, and never after a dismiss or click', async () => {
    const id = await launch({
      name: 'Capped',
      inapp: { maxShows: 2, periodHours: 1 },
      variants: [
        { name: 'A', title: 'Capped', buttons: [{ label: 'Yes', url: '/yes', event: 'said_yes' }] },
      ],
    });
    const ann = await profileIdOf('inapp-ann');
    const bob = await profileIdOf('inapp-bob');
    const keys = ['gold'];
    const now = Date.now();
    const show = async (profileId: number, at: number) => {
      const due = await campaigns().inappMessages(async () => profileId, keys, at);
      const own = due.filter((m: Message) => m.campaign === id);
      if (own.length)
        expect(await campaigns().reportInapp(own[0].id, 'displayed', null, at)).toBe('ok');
      return own as Message[];
    };
    // Fetched but never displayed: not a show.
    expect(await campaigns().inappMessages(async () => ann, keys, now)).toHaveLength(1);
    const [first] = await show(ann, now);
    // The same show reported twice is one show.
    expect(await campaigns().reportInapp(first.id, 'displayed', null, now)).toBe('ok');
    expect(await show(ann, now + 1000)).toHaveLength(1);
    expect(await show(ann, now + 2000)).toHaveLength(0); // 2 shows this hour
    expect(await show(ann, now + HOUR + 3000)).toHaveLength(1); // a new period
    const state = await app()
      .knex(TABLES.inappStates)
      .join(TABLES.deliveries, 'delivery_id', `${TABLES.deliveries}.id`)
      .where({ profile_id: ann, campaign_id: id })
      .first();
    expect(Number(state.total_shows)).toBe(3);
    const displayed = await app()
      .knex(TABLES.events)
      .where({ profile_id: ann, name: 'inapp_displayed' });
    expect(displayed.length).toBe(3);

    // Bob clicks the button: its event is recorded, and he never sees the message again.
    const [bobs] = await show(bob, now);
    expect((await report(bobs.id, 'clicked', { button: 3 })).status).toBe(400);
    const clicked = await report(bobs.id, 'clicked', { button: 0 });
    expect(clicked.status).toBe(200);
    expect(
      await app().knex(TABLES.events).where({ profile_id: bob, name: 'said_yes' })
    ).toHaveLength(1);
    expect(await show(bob, now + 10 * HOUR)).toHaveLength(0);
    // Ann dismisses: not again either, in this period or any later one.
    const [again] = await campaigns().inappMessages(async () => ann, keys, now + 2 * HOUR);
    expect((await report(again.id, 'dismissed')).status).toBe(200);
    expect(await show(ann, now + 30 * HOUR)).toHaveLength(0);

    // Bad reports: 4xx naming the field, nothing recorded.
    const bad = await report(again.id, 'opened');
    expect([bad.status, bad.body.error.details.errors[0].path]).toEqual([400, 'action']);
    const button = await report(again.id, 'dismissed', { button: 0 });
    expect([button.status, button.body.error.details.errors[0].path]).toEqual([400, 'button']);
    const forged = await report(`${again.id.slice(0, -2)}xx`, 'displayed');
    expect([forged.status, forged.body.error.details.errors[0].path]).toEqual([404, 'id']);
    await stop(id);
  });

  it('orders by priority when several qualify, and keeps to start and end', async () => {
    const now = Date.now();
    const low = await launch({
      name: 'Low',
      inapp: { priority: 10 },
      variants: [{ name: 'A', title: 'Low' }],
    });
    const high = await launch({
      name: 'High',
      inapp: { priority: 90 },
      variants: [{ name: 'A', title: 'High' }],
    });
    const later = await launch({
      name: 'Later',
      inapp: { priority: 100, startsAt: new Date(now + HOUR).toISOString() },
      variants: [{ name: 'A', title: 'Later' }],
    });
    const ended = await launch({
      name: 'Ending',
      inapp: { priority: 95, endsAt: new Date(now + 60_000).toISOString() },
      variants: [{ name: 'A', title: 'Ending' }],
    });
    expect((await messagesOf('inapp-bob')).map((m) => m.title)).toEqual(['Ending', 'High', 'Low']);
    const bob = await profileIdOf('inapp-bob');
    const titlesAt = async (at: number) =>
      (await campaigns().inappMessages(async () => bob, ['gold'], at)).map((m: Message) => m.title);
    expect(await titlesAt(now + 2 * HOUR)).toEqual(['Later', 'High', 'Low']);
    // The planner ends a campaign past its end: sent, and its live run done.
    await campaigns().plan(now + 2 * HOUR);
    expect((await admin('get', `/campaigns/${ended}`)).body.data.state).toBe('sent');
    expect(
      await app().knex(TABLES.campaignRuns).where({ campaign_id: ended }).first()
    ).toMatchObject({ status: 'done' });
    for (const id of [low, high, later]) await stop(id);
  });

  it('splits A/B variants and the holdout by the campaign’s hash; the report counts shown, clicked and dismissed', async () => {
    const id = await launch({
      name: 'Split',
      holdoutPercent: 20,
      conversionEvent: 'purchase',
      variants: [
        { name: 'Modal', weight: 1, layout: 'modal', title: 'M' },
        { name: 'Bar', weight: 1, layout: 'banner-top', title: 'B' },
      ],
    });
    const rows = await app()
      .knex(TABLES.profiles)
      .where('anonymous_id', 'like', 'inapp-many-%')
      .select('id');
    const counts = { Modal: 0, Bar: 0, holdout: 0, clicked: 0, dismissed: 0 };
    for (const [i, { id: profileId }] of rows.entries()) {
      const due = (await campaigns().inappMessages(
        async () => Number(profileId),
        ['gold']
      )) as Message[];
      const expected = assignRecipient(id, [0.5, 0.5], 20, Number(profileId));
      if (expected.holdout) {
        expect(due).toEqual([]);
        counts.holdout += 1;
        continue;
      }
      expect(due.map((m) => m.variant)).toEqual([expected.variant === 0 ? 'Modal' : 'Bar']);
      counts[due[0].variant as 'Modal' | 'Bar'] += 1;
      await campaigns().reportInapp(due[0].id, 'displayed', null);
      if (i % 3 === 0) {
        await campaigns().reportInapp(due[0].id, 'clicked', null);
        counts.clicked += 1;
      } else if (i % 3 === 1) {
        await campaigns().reportInapp(due[0].id, 'dismissed', null);
        counts.dismissed += 1;
      }
    }
    // 300 visitors: each share within a wide band of its expectation (a hash, not a die).
    expect(counts.holdout).toBeGreaterThan(35);
    expect(counts.holdout).toBeLessThan(85);
    expect(Math.abs(counts.Modal - counts.Bar)).toBeLessThan(60);
    const res = await admin('get', `/campaigns/${id}/report`);
    expect(res.status).toBe(200);
    const funnel = res.body.data.funnel as Array<Record<string, number | string | null>>;
    const byName = Object.fromEntries(funnel.map((f) => [f.name, f]));
    expect(byName.Modal).toMatchObject({
      queued: counts.Modal,
      sent: counts.Modal,
      opened: counts.Modal,
    });
    expect(byName.Holdout).toMatchObject({ queued: counts.holdout, sent: 0 });
    const total = (k: string) => Number(byName.Modal[k]) + Number(byName.Bar[k]);
    expect([total('clicked'), total('dismissed')]).toEqual([counts.clicked, counts.dismissed]);
    expect(res.body.data.campaign.channel).toBe('inapp');
    // Deleting the campaign removes its deliveries and their show state.
    await stop(id);
    expect((await admin('delete', `/campaigns/${id}`)).status).toBe(200);
    const left = await app()
      .knex(TABLES.inappStates)
      .whereNotIn('delivery_id', app().knex(TABLES.deliveries).select('id'));
    expect(left).toEqual([]);
  });

  it('shows a triggered message after an event of the current session, or after entering a segment', async () => {
    const track = (anonymousId: string, sku: string) =>
      request(app().server)
        .post('/api/segments/events')
        .set(HEADER, anonymousId)
        .send({ events: [{ name: 'add_to_cart', properties: { sku } }] })
        .expect(202);
    const titles = async (anonymousId: string) =>
      (await messagesOf(anonymousId)).map((m) => m.title);
    const cart = await launch({
      name: 'After the cart',
      scheduleType: 'triggered',
      trigger: { event: 'add_to_cart', where: { sku: 'mug' } },
      variants: [{ name: 'A', title: 'Your mug is waiting' }],
    });
    expect(await titles('inapp-cy')).toEqual([]);
    // Another product does not match the trigger's condition; a visitor outside the segment never qualifies.
    await track('inapp-cy', 'tee');
    await track('inapp-cy', 'mug');
    expect(await titles('inapp-cy')).toEqual([]); // Cy is not in "gold"
    const dee = `inapp-dee-${Date.now()}`;
    await request(app().server)
      .post('/api/segments/identify')
      .set(HEADER, dee)
      .send({ traits: { plan: 'gold' } })
      .expect(200);
    expect(await titles(dee)).toEqual([]);
    await track(dee, 'tee');
    expect(await titles(dee)).toEqual([]);
    await track(dee, 'mug');
    expect(await titles(dee)).toEqual(['Your mug is waiting']);
    // Only within the session: 31 minutes later the event no longer triggers it.
    const deeId = await profileIdOf(dee);
    const later = await campaigns().inappMessages(
      async () => deeId,
      ['gold'],
      Date.now() + 31 * 60_000
    );
    expect(later.map((m: Message) => m.campaign)).not.toContain(cart);
    await stop(cart);

    // Segment entry: members who enter "free" after the campaign went live, not those already in it.
    const segments = app().strapi.plugin('segments').service('segments');
    const free = await app()
      .strapi.documents(SEGMENT_UID)
      .findFirst({ filters: { key: 'free' } } as never);
    await segments.recompute(free!.documentId); // the baseline: Cy is a member already
    const entry = await launch({
      name: 'Welcome to free',
      segmentKey: 'free',
      scheduleType: 'triggered',
      trigger: { segmentEntry: 'free' },
      variants: [{ name: 'A', title: 'Welcome to the free plan' }],
    });
    const eve = `inapp-eve-${Date.now()}`;
    await request(app().server)
      .post('/api/segments/identify')
      .set(HEADER, eve)
      .send({ traits: { plan: 'free' } })
      .expect(200);
    await segments.recompute(free!.documentId);
    expect(await titles(eve)).toEqual(['Welcome to the free plan']);
    expect(await titles('inapp-cy')).toEqual([]);
    await stop(entry);
  });

  it('keeps a message dismissed as an anonymous visitor dismissed after logging in (the delivery follows the merge)', async () => {
    const id = await launch({
      name: 'Dismissed before login',
      inapp: { maxShows: 5, periodHours: 1 },
      variants: [{ name: 'A', title: 'Before login' }],
    });
    const anon = `inapp-merge-${Date.now()}`;
    const user = await userWithJwt(app());
    const auth = { Authorization: `Bearer ${user.jwt}` };
    // The user has a profile of their own (an earlier visit while logged in).
    await request(app().server)
      .post('/api/segments/identify')
      .set(auth)
      .send({ traits: { plan: 'gold' } })
      .expect(200);
    await request(app().server)
      .post('/api/segments/identify')
      .set(HEADER, anon)
      .send({ traits: { plan: 'gold' } })
      .expect(200);
    const [shown] = (await messagesOf(anon)).filter((m) => m.campaign === id);
    expect((await report(shown.id, 'displayed')).status).toBe(200);
    expect((await report(shown.id, 'dismissed')).status).toBe(200);
    // Logging in with the anonymous id merges the anonymous profile into the user's.
    const merged = await request(app().server)
      .post('/api/segments/identify')
      .set(auth)
      .set(HEADER, anon)
      .send({ traits: { plan: 'gold' } })
      .expect(200);
    expect(merged.body.data.mergedProfileId).not.toBeNull();
    const asUser = await request(app().server).get('/api/segments/messages').set(auth).expect(200);
    expect(asUser.body.data.map((m: Message) => m.campaign)).not.toContain(id);
    const deliveries = await app().knex(TABLES.deliveries).where('campaign_id', id);
    expect(deliveries.map((d) => Number(d.profile_id))).toEqual([
      Number(merged.body.data.profileId),
    ]);
    await stop(id);
  });
});
