import request from 'supertest';
import { useStrapi } from '../helpers/strapi';
import { adminToken } from '../helpers/admin';
import { apiToken, tableCounts, userWithJwt } from '../helpers/identity';
import { TABLES } from '../../../server/src/store/tables';

const ANON = 'X-Segments-Anonymous-Id';
const DAY = 86_400_000;
const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);

describe('identify, merge, export and deletion', () => {
  const app = useStrapi('identify');
  const server = () => app().server;
  const track = (events: object[], headers: Record<string, string>) => {
    const req = request(server()).post('/api/segments/events');
    for (const [k, v] of Object.entries(headers)) req.set(k, v);
    return req.send({ events }).expect(202);
  };
  const identify = (body: object, headers: Record<string, string>) => {
    const req = request(server()).post('/api/segments/identify');
    for (const [k, v] of Object.entries(headers)) req.set(k, v);
    return req.send(body);
  };

  it('sets traits for an anonymous visitor; promoted traits fill their columns; null removes', async () => {
    const { knex } = app();
    const h = { [ANON]: 'anon-traits-1' };
    const res = await identify(
      { traits: { plan: 'pro', age: 31, country: 'de', email: 'Ann@Example.com', emailConsent: true } },
      h
    ).expect(200);
    expect(res.body.data.traits).toEqual({ plan: 'pro', age: 31 });
    const row = await knex(TABLES.profiles).where('anonymous_id', 'anon-traits-1').first();
    expect(row).toMatchObject({ country: 'DE', email: 'Ann@Example.com' });
    expect(Boolean(row.email_consent)).toBe(true);
    await identify({ traits: { age: null, city: 'Berlin' } }, h).expect(200);
    const after = await knex(TABLES.profiles).where('anonymous_id', 'anon-traits-1').first();
    expect(parse(after.traits)).toEqual({ plan: 'pro' });
    expect(after.city).toBe('Berlin');
  });

  it.each([
    ['traits not an object', { traits: [1] }, 'traits'],
    ['a bad e-mail', { traits: { email: 'nope' } }, 'traits.email'],
    ['a bad country', { traits: { country: 'Germany' } }, 'traits.country'],
    ['a body user id from a storefront', { userId: 1, traits: {} }, 'userId'],
    ['an unknown field', { trait: {} }, '(body)'],
    ['traits too deep', { traits: { a: { b: { c: { d: { e: { f: 1 } } } } } } }, 'traits'],
  ])('rejects %s with a 400 naming the field and writes nothing', async (_label, body, path) => {
    const before = await tableCounts(app());
    const res = await identify(body, { [ANON]: 'anon-bad-identify' }).expect(400);
    expect(res.body.error.details.errors.map((e: { path: string }) => e.path)).toContain(path);
    expect(await tableCounts(app())).toEqual(before);
  });

  it('copies allow-listed users-permissions fields into traits, never the password', async () => {
    const { knex } = app();
    const user = await userWithJwt(app());
    const res = await identify({}, { Authorization: `Bearer ${user.jwt}` }).expect(200);
    expect(Object.keys(res.body.data.traits)).toEqual(['username']);
    const row = await knex(TABLES.profiles).where('user_id', user.id).first();
    expect(row.email).toMatch(/@segments\.test$/);
    expect(JSON.stringify(row)).not.toMatch(/password|Test-password/i);
  });

  it('turns the anonymous profile into the user’s on first login', async () => {
    const { knex } = app();
    await track([{ name: 'view' }], { [ANON]: 'anon-first-login' });
    const anon = await knex(TABLES.profiles).where('anonymous_id', 'anon-first-login').first();
    const user = await userWithJwt(app());
    const res = await identify({}, { Authorization: `Bearer ${user.jwt}`, [ANON]: 'anon-first-login' }).expect(200);
    expect(res.body.data).toMatchObject({ profileId: Number(anon.id), mergedProfileId: null });
    const row = await knex(TABLES.profiles).where('id', anon.id).first();
    expect(Number(row.user_id)).toBe(user.id);
  });

  it('merges anonymous history into an existing user profile: events, rollups, activity, identities — idempotently', async () => {
    const { knex } = app();
    const user = await userWithJwt(app());
    const auth = { Authorization: `Bearer ${user.jwt}` };
    const day1 = Date.now() - 3 * DAY;
    await track(
      [
        { name: 'purchase', timestamp: day1, properties: { value: 10 }, messageId: 'shared-1' },
        { name: 'purchase', timestamp: day1 + 1, properties: { value: 5 } },
      ],
      auth
    );
    await identify({ traits: { plan: 'pro' } }, auth).expect(200);
    await track(
      [
        { name: 'purchase', timestamp: day1, properties: { value: 10 }, messageId: 'shared-1' }, // same event twice
        { name: 'purchase', timestamp: day1 + 2, properties: { value: 1 } },
        { name: 'view', timestamp: day1 - DAY },
      ],
      { [ANON]: 'anon-merge-1' }
    );
    await identify({ traits: { plan: 'free', color: 'red' } }, { [ANON]: 'anon-merge-1' }).expect(200);
    const anon = await knex(TABLES.profiles).where('anonymous_id', 'anon-merge-1').first();
    const userProfile = await knex(TABLES.profiles).where('user_id', user.id).first();

    const merged = await identify({}, { ...auth, [ANON]: 'anon-merge-1' }).expect(200);
    expect(merged.body.data).toMatchObject({ profileId: Number(userProfile.id), mergedProfileId: Number(anon.id) });
    expect(await knex(TABLES.profiles).where('id', anon.id).first()).toBeUndefined();

    const check = async () => {
      const events = await knex(TABLES.events).where('profile_id', userProfile.id);
      expect(events).toHaveLength(4); // the shared messageId kept once
      const purchase = await knex(TABLES.rollups)
        .where({ profile_id: userProfile.id, event: 'purchase' })
        .first();
      expect(Number(purchase.count)).toBe(3);
      expect(Number(purchase.value_sum)).toBe(16);
      const days = await knex(TABLES.activityDays).where('profile_id', userProfile.id);
      expect(days).toHaveLength(2);
      for (const table of [TABLES.events, TABLES.rollups, TABLES.activityDays, TABLES.identities]) {
        expect(await knex(table).where('profile_id', anon.id)).toHaveLength(0);
      }
      const identities = await knex(TABLES.identities).where('profile_id', userProfile.id).orderBy('kind');
      expect(identities.map((i: { kind: string; value: string }) => `${i.kind}:${i.value}`)).toEqual([
        'anonymous:anon-merge-1',
        `user:${user.id}`,
      ]);
      const profile = await knex(TABLES.profiles).where('id', userProfile.id).first();
      expect(parse(profile.traits)).toMatchObject({ plan: 'pro', color: 'red' }); // the user's traits win
      expect(Number(profile.first_seen_at)).toBe(day1 - DAY);
    };
    await check();
    // Logging in again with the same anonymous id changes nothing.
    const again = await identify({}, { ...auth, [ANON]: 'anon-merge-1' }).expect(200);
    expect(again.body.data.mergedProfileId).toBeNull();
    await check();
    // The old anonymous id now resolves to the user's profile.
    const me = await request(server()).get('/api/segments/me').set(ANON, 'anon-merge-1').expect(200);
    expect(me.body.data.profileId).toBe(Number(userProfile.id));
  });

  it('lets an API-token caller identify any visitor, and only names from the body with a token', async () => {
    const { knex } = app();
    const token = await apiToken(app());
    const user = await userWithJwt(app());
    await identify({ userId: user.id, traits: { tier: 'gold' } }, { Authorization: `Bearer ${token}` }).expect(200);
    const row = await knex(TABLES.profiles).where('user_id', user.id).first();
    expect(parse(row.traits)).toMatchObject({ tier: 'gold' });
    const res = await identify({ traits: {} }, { Authorization: `Bearer ${token}` }).expect(400);
    expect(res.body.error.details.errors[0].path).toBe('userId');
  });

  it('exports and deletes the visitor’s own profile (DELETE /me)', async () => {
    const { knex } = app();
    const h = { [ANON]: 'anon-forget-1' };
    await track([{ name: 'view', properties: { page: '/' }, messageId: 'f-1' }], h);
    await identify({ traits: { plan: 'pro' } }, h).expect(200);
    const exported = await request(server()).get('/api/segments/me/export').set(h).expect(200);
    expect(exported.body.data).toMatchObject({
      profile: { anonymousId: 'anon-forget-1', traits: { plan: 'pro' } },
      identities: [{ kind: 'anonymous', value: 'anon-forget-1' }],
      events: [{ name: 'view', properties: { page: '/' }, messageId: 'f-1' }],
      rollups: [{ event: 'view', count: 1 }],
    });
    const id = exported.body.data.profile.id;
    await request(server()).delete('/api/segments/me').set(h).expect(200);
    for (const table of [TABLES.events, TABLES.rollups, TABLES.activityDays, TABLES.identities]) {
      expect(await knex(table).where('profile_id', id)).toHaveLength(0);
    }
    expect(await knex(TABLES.profiles).where('id', id)).toHaveLength(0);
    await request(server()).delete('/api/segments/me').set(h).expect(404);
    await request(server()).get('/api/segments/me/export').set(h).expect(404);
  });

  it('lets a logged-in user delete themself', async () => {
    const { knex } = app();
    const user = await userWithJwt(app());
    const auth = { Authorization: `Bearer ${user.jwt}` };
    await track([{ name: 'view' }], auth);
    await request(server()).delete('/api/segments/me').set(auth).expect(200);
    expect(await knex(TABLES.profiles).where('user_id', user.id)).toHaveLength(0);
  });

  describe('admin: export and delete a profile', () => {
    it('requires the matching RBAC action', async () => {
      const { knex } = app();
      await track([{ name: 'view' }], { [ANON]: 'anon-admin-1' });
      const profile = await knex(TABLES.profiles).where('anonymous_id', 'anon-admin-1').first();
      const readOnly = await adminToken(app(), { actions: ['plugin::segments.read'] });
      await request(server())
        .get(`/segments/profiles/${profile.id}/export`)
        .set('Authorization', `Bearer ${readOnly}`)
        .expect(403);
      await request(server())
        .delete(`/segments/profiles/${profile.id}`)
        .set('Authorization', `Bearer ${readOnly}`)
        .expect(403);
      await request(server()).get(`/segments/profiles/${profile.id}/export`).expect(401);

      const exporter = await adminToken(app(), { actions: ['plugin::segments.profiles.export'] });
      const exported = await request(server())
        .get(`/segments/profiles/${profile.id}/export`)
        .set('Authorization', `Bearer ${exporter}`)
        .expect(200);
      expect(exported.body.data.events).toHaveLength(1);
      await request(server())
        .get('/segments/profiles/999999/export')
        .set('Authorization', `Bearer ${exporter}`)
        .expect(404);
      const bad = await request(server())
        .get('/segments/profiles/abc/export')
        .set('Authorization', `Bearer ${exporter}`)
        .expect(400);
      expect(bad.body.error.details.errors[0].path).toBe('id');

      const eraser = await adminToken(app(), { actions: ['plugin::segments.profiles.delete'] });
      await request(server())
        .delete(`/segments/profiles/${profile.id}`)
        .set('Authorization', `Bearer ${eraser}`)
        .expect(200);
      expect(await knex(TABLES.events).where('profile_id', profile.id)).toHaveLength(0);
      await request(server())
        .delete(`/segments/profiles/${profile.id}`)
        .set('Authorization', `Bearer ${eraser}`)
        .expect(404);
    });
  });
});
