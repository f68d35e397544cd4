import request from 'supertest';
import { useStrapi } from '../helpers/strapi';
import { apiToken, tableCounts, userWithJwt } from '../helpers/identity';
import { TABLES } from '../../../server/src/store/tables';

const ANON = 'X-Segments-Anonymous-Id';
const DAY = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe('POST /api/segments/events', () => {
  const app = useStrapi('events');
  const post = (body: unknown, anonymousId = 'anon-events-1') =>
    request(app().server).post('/api/segments/events').set(ANON, anonymousId).send(body as object);

  it('stores a batch for an anonymous visitor: profile, events, rollups, activity, last seen', async () => {
    const { knex } = app();
    const t1 = Date.now() - 2 * DAY;
    const t2 = Date.now() - 60_000;
    const res = await post(
      {
        events: [
          { name: 'purchase', timestamp: new Date(t1).toISOString(), properties: { value: 10.5, sku: 'a' } },
          { name: 'purchase', timestamp: t1 + 1000, properties: { value: 2 } },
          { name: 'page_view', timestamp: t2 },
        ],
      },
      'anon-store-1'
    ).expect(202);
    expect(res.body).toEqual({ accepted: 3, duplicates: 0, rejected: [] });

    const profile = await knex(TABLES.profiles).where('anonymous_id', 'anon-store-1').first();
    expect(profile).toBeDefined();
    expect(Number(profile.last_seen_at)).toBe(t2);
    expect(Number(profile.first_seen_at)).toBe(t1);
    const events = await knex(TABLES.events).where('profile_id', profile.id).orderBy('occurred_at');
    expect(events.map((e: { name: string }) => e.name)).toEqual(['purchase', 'purchase', 'page_view']);
    expect(Number(events[0].value)).toBe(10.5);

    const rollups = await knex(TABLES.rollups).where('profile_id', profile.id).orderBy(['day', 'event']);
    expect(
      rollups.map((r: { event: string; day: string; count: number; value_sum: number }) => ({
        event: r.event,
        day: r.day,
        count: Number(r.count),
        valueSum: Number(r.value_sum),
      }))
    ).toEqual(
      [
        { event: 'purchase', day: dayOf(t1), count: 2, valueSum: 12.5 },
        { event: 'page_view', day: dayOf(t2), count: 1, valueSum: 0 },
      ].sort((a, b) => (a.day + a.event).localeCompare(b.day + b.event))
    );
    const days = await knex(TABLES.activityDays).where('profile_id', profile.id).pluck('day');
    expect(days.sort()).toEqual([...new Set([dayOf(t1), dayOf(t2)])].sort());
    const identity = await knex(TABLES.identities).where({ kind: 'anonymous', value: 'anon-store-1' }).first();
    expect(Number(identity.profile_id)).toBe(Number(profile.id));
  });

  it('ignores a repeated messageId, within a batch and across batches, without re-counting', async () => {
    const { knex } = app();
    const body = {
      events: [
        { name: 'signup', messageId: 'm-1', properties: { value: 5 } },
        { name: 'signup', messageId: 'm-1', properties: { value: 5 } },
      ],
    };
    const first = await post(body, 'anon-idem-1').expect(202);
    expect(first.body).toMatchObject({ accepted: 2, duplicates: 1 });
    const second = await post(body, 'anon-idem-1').expect(202);
    expect(second.body).toMatchObject({ accepted: 2, duplicates: 2 });
    const profile = await knex(TABLES.profiles).where('anonymous_id', 'anon-idem-1').first();
    expect(await knex(TABLES.events).where('profile_id', profile.id).count({ n: '*' }).first()).toMatchObject({});
    const count = await knex(TABLES.events).where('profile_id', profile.id);
    expect(count).toHaveLength(1);
    const rollup = await knex(TABLES.rollups).where({ profile_id: profile.id, event: 'signup' }).first();
    expect(Number(rollup.count)).toBe(1);
    expect(Number(rollup.value_sum)).toBe(5);
    // The same messageId from another visitor is another event.
    await post(body, 'anon-idem-2').expect(202);
    expect(await knex(TABLES.events).where('message_id', 'm-1')).toHaveLength(2);
  });

  it('rejects bad events by index and field, accepts the rest, and writes nothing for the rejected', async () => {
    const { knex } = app();
    const before = await tableCounts(app());
    const res = await post(
      {
        events: [
          { name: 'ok_event' },
          { name: '1bad name' },
          { name: 'future', timestamp: new Date(Date.now() + 10 * 60_000).toISOString() },
          { name: 'ancient', timestamp: Date.now() - 400 * DAY },
          { name: 'deep', properties: { a: { b: { c: { d: { e: { f: 1 } } } } } } },
          { name: 'big', properties: { blob: 'x'.repeat(9000) } },
          { name: 'val', properties: { value: 'ten' } },
          { name: 'extra', surprise: true },
          { name: 'who', userId: 7 },
          { name: 'props', properties: [1, 2] },
          { name: 'when', timestamp: '2026-01-01' },
        ],
      },
      'anon-bad-1'
    ).expect(202);
    expect(res.body.accepted).toBe(1);
    const byIndex = Object.fromEntries(
      res.body.rejected.map((r: { index: number; errors: { path: string }[] }) => [r.index, r.errors.map((e) => e.path)])
    );
    expect(byIndex).toEqual({
      1: ['events[1].name'],
      2: ['events[2].timestamp'],
      3: ['events[3].timestamp'],
      4: ['events[4].properties'],
      5: ['events[5].properties'],
      6: ['events[6].properties.value'],
      7: ['events[7]'],
      8: ['events[8].userId'],
      9: ['events[9].properties'],
      10: ['events[10].timestamp'],
    });
    for (const r of res.body.rejected) for (const e of r.errors) expect(e.message).toEqual(expect.any(String));
    const after = await tableCounts(app());
    expect(after.events).toBe(before.events + 1);
    const names = await knex(TABLES.events).pluck('name');
    expect(names).toContain('ok_event');
    expect(names).not.toContain('deep');
  });

  it.each([
    ['not an object', [1, 2], '(body)'],
    ['no events array', { events: 'nope' }, 'events'],
    ['an empty batch', { events: [] }, 'events'],
    ['an unknown top-level field', { events: [{ name: 'a' }], extra: 1 }, 'extra'],
    ['too many events', { events: Array.from({ length: 501 }, () => ({ name: 'x' })) }, 'events'],
    ['a bad time zone', { events: [{ name: 'a' }], context: { timezone: 'Mars/Olympus' } }, 'context.timezone'],
  ])('answers 400 for %s and writes nothing', async (_label, body, path) => {
    const before = await tableCounts(app());
    const res = await post(body, 'anon-400-1').expect(400);
    expect(res.body.error.details.errors[0].path).toBe(path);
    expect(await tableCounts(app())).toEqual(before);
  });

  it('rejects NUL characters (Postgres stores them in neither text nor jsonb) by field, writing only the clean event', async () => {
    const before = await tableCounts(app());
    const res = await post(
      {
        events: [
          { name: 'clean', properties: { note: 'fine' } },
          { name: 'nul_value', properties: { note: 'a\u0000b' } },
          { name: 'nul_key', properties: { nested: { ['k\u0000']: 1 } } },
          { name: 'nul_array', properties: { list: ['x', 'y\u0000'] } },
          { name: 'nul_id', messageId: 'id\u0000' },
        ],
      },
      'anon-nul-visitor'
    ).expect(202);
    expect(res.body.accepted).toBe(1);
    expect(Object.fromEntries(res.body.rejected.map((r: { index: number; errors: { path: string }[] }) => [r.index, r.errors.map((e) => e.path)]))).toEqual({
      1: ['events[1].properties.note'],
      2: ['events[2].properties.nested.k\u0000'],
      3: ['events[3].properties.list[1]'],
      4: ['events[4].messageId'],
    });
    const after = await tableCounts(app());
    expect(after.events).toBe(before.events + 1);
    const context = await post({ events: [{ name: 'a' }], context: { referrer: 'https://x.test/\u0000' } }, 'anon-nul-visitor').expect(400);
    expect(context.body.error.details.errors[0].path).toBe('context.referrer');
    expect(await tableCounts(app())).toEqual(after);
  });

  it('answers 413 for a body over 1 MB and writes nothing', async () => {
    const before = await tableCounts(app());
    const events = Array.from({ length: 200 }, (_, i) => ({ name: 'big', properties: { pad: 'y'.repeat(5500), i } }));
    const res = await post({ events }, 'anon-413-1');
    expect(res.status).toBe(413);
    expect(await tableCounts(app())).toEqual(before);
  });

  it('needs a visitor: no JWT and no anonymous id is a 400 naming the header', async () => {
    const before = await tableCounts(app());
    const res = await request(app().server)
      .post('/api/segments/events')
      .send({ events: [{ name: 'a' }] })
      .expect(400);
    expect(res.body.error.details.errors[0].path).toBe('x-segments-anonymous-id');
    expect(await tableCounts(app())).toEqual(before);
  });

  it('puts a logged-in user’s events on the user’s profile', async () => {
    const { knex } = app();
    const user = await userWithJwt(app());
    await request(app().server)
      .post('/api/segments/events')
      .set('Authorization', `Bearer ${user.jwt}`)
      .send({ events: [{ name: 'login' }] })
      .expect(202);
    const profile = await knex(TABLES.profiles).where('user_id', user.id).first();
    expect(profile).toBeDefined();
    expect(await knex(TABLES.events).where('profile_id', profile.id).pluck('name')).toEqual(['login']);
  });

  it('lets an API-token caller name the visitor per event, and requires it', async () => {
    const { knex } = app();
    const token = await apiToken(app());
    const user = await userWithJwt(app());
    const res = await request(app().server)
      .post('/api/segments/events')
      .set('Authorization', `Bearer ${token}`)
      .send({
        events: [
          { name: 'server_purchase', userId: user.id, properties: { value: 99 } },
          { name: 'server_visit', anonymousId: 'anon-server-1' },
          { name: 'nobody' },
          { name: 'both', userId: user.id, anonymousId: 'anon-server-1' },
        ],
      });
    expect(res.status).toBe(202);
    expect(res.body.accepted).toBe(2);
    expect(res.body.rejected.map((r: { index: number; errors: { path: string }[] }) => [r.index, r.errors[0].path])).toEqual([
      [2, 'events[2].userId'],
      [3, 'events[3].userId'],
    ]);
    const userProfile = await knex(TABLES.profiles).where('user_id', user.id).first();
    expect(await knex(TABLES.events).where('profile_id', userProfile.id).pluck('name')).toEqual(['server_purchase']);
    const anon = await knex(TABLES.profiles).where('anonymous_id', 'anon-server-1').first();
    expect(anon).toBeDefined();
    // The server's own headers say nothing about the visitor.
    expect(anon.context).toBeNull();
  });

  it('enriches the visitor’s profile from CDN geo headers, the User-Agent and the client time zone', async () => {
    const { knex } = app();
    await request(app().server)
      .post('/api/segments/events')
      .set(ANON, 'anon-enrich-1')
      .set('X-Vercel-IP-Country', 'de')
      .set('X-Vercel-IP-City', 'M%C3%BCnchen')
      .set('X-Vercel-IP-Latitude', '48.137')
      .set('X-Vercel-IP-Longitude', '11.575')
      .set(
        'User-Agent',
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1'
      )
      .set('Accept-Language', 'de-DE,de;q=0.9')
      .send({
        events: [{ name: 'page_view' }],
        context: { timezone: 'Europe/Berlin', utm: { source: 'newsletter' } },
      })
      .expect(202);
    const profile = await knex(TABLES.profiles).where('anonymous_id', 'anon-enrich-1').first();
    expect(profile).toMatchObject({ country: 'DE', city: 'München', timezone: 'Europe/Berlin', locale: 'de-DE' });
    expect(Number(profile.latitude)).toBeCloseTo(48.137);
    const context = typeof profile.context === 'string' ? JSON.parse(profile.context) : profile.context;
    expect(context).toMatchObject({ device: 'mobile', os: 'iOS', browser: 'Mobile Safari', utm: { source: 'newsletter' } });

    await request(app().server)
      .post('/api/segments/events')
      .set(ANON, 'anon-enrich-2')
      .set('CF-IPCountry', 'FR')
      .set('User-Agent', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36')
      .send({ events: [{ name: 'page_view' }] })
      .expect(202);
    const second = await knex(TABLES.profiles).where('anonymous_id', 'anon-enrich-2').first();
    expect(second.country).toBe('FR');
    const ctx2 = typeof second.context === 'string' ? JSON.parse(second.context) : second.context;
    expect(ctx2).toMatchObject({ device: 'desktop', os: 'Windows', browser: 'Chrome' });
  });

  it('is refused (403) once the Public role loses the permission', async () => {
    const { strapi } = app();
    const role = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'public' } });
    const permission = await strapi.db
      .query('plugin::users-permissions.permission')
      .findOne({ where: { action: 'plugin::segments.events.ingest', role: role.id } });
    expect(permission).toBeTruthy();
    await strapi.db.query('plugin::users-permissions.permission').delete({ where: { id: permission.id } });
    try {
      await post({ events: [{ name: 'a' }] }, 'anon-403-1').expect(403);
    } finally {
      await strapi.db
        .query('plugin::users-permissions.permission')
        .create({ data: { action: 'plugin::segments.events.ingest', role: role.id } });
    }
  });
});
