import request from 'supertest';
import { adminToken } from './helpers/admin';
import { useStrapi } from './helpers/strapi';
import { TABLES } from '../../server/src/store/tables';
import { MIGRATIONS } from '../../server/src/migrations';

describe('the plugin inside a real Strapi', () => {
  const app = useStrapi('foundation');

  it('is loaded, with its content type and services', () => {
    const { strapi } = app();
    expect(strapi.plugin('segments')).toBeDefined();
    expect(strapi.contentType('plugin::segments.segment')).toBeDefined();
    expect(strapi.plugin('segments').service('store')).toBeDefined();
  });

  it('created its own tables through the versioned migration', async () => {
    const { knex } = app();
    for (const table of Object.values(TABLES)) {
      if (table === TABLES.migrationLock && process.env.DATABASE_CLIENT === 'postgres') continue; // PG uses an advisory lock
      expect(await knex.schema.hasTable(table)).toBe(true);
    }
    const versions = await knex(TABLES.migrations).select('version');
    expect(versions.map((v: { version: number | string }) => Number(v.version))).toEqual(
      MIGRATIONS.map((m) => m.version),
    );
  });

  it('stores segments through the document service', async () => {
    const { strapi } = app();
    const created = await strapi.documents('plugin::segments.segment').create({
      data: { name: 'Germany', key: 'germany', rule: { country: 'DE' } } as never,
    });
    const found = await strapi
      .documents('plugin::segments.segment')
      .findFirst({ filters: { key: 'germany' } });
    expect(found?.documentId).toBe(created.documentId);
    expect(found?.rule).toEqual({ country: 'DE' });
  });

  describe('content API: GET /api/segments/me', () => {
    it('answers a visitor with no identity', async () => {
      const res = await request(app().server).get('/api/segments/me').expect(200);
      expect(res.body.data).toEqual({
        visitor: { kind: 'none' },
        profileId: null,
        segments: [],
        experiments: [],
        firstSeenAt: null,
        lastSeenAt: null,
      });
    });

    it('finds the profile of an anonymous id', async () => {
      const { knex, server } = app();
      const now = Date.UTC(2026, 10, 1);
      const [row] = await knex(TABLES.profiles)
        .insert({
          anonymous_id: 'anon-visitor-1',
          first_seen_at: now,
          last_seen_at: now,
          created_at: now,
          updated_at: now,
        })
        .returning('id');
      const id = Number(typeof row === 'object' ? row.id : row);
      const res = await request(server)
        .get('/api/segments/me')
        .set('X-Segments-Anonymous-Id', 'anon-visitor-1')
        .expect(200);
      expect(res.body.data).toMatchObject({
        visitor: { kind: 'anonymous', anonymousId: 'anon-visitor-1' },
        profileId: id,
        firstSeenAt: '2026-11-01T00:00:00.000Z',
      });
    });

    it('rejects a malformed anonymous id with a 400 naming the header', async () => {
      const res = await request(app().server)
        .get('/api/segments/me')
        .set('X-Segments-Anonymous-Id', 'bad id!')
        .expect(400);
      expect(res.body.error.details.errors[0].path).toBe('x-segments-anonymous-id');
    });

    it('is refused once the Public role loses the permission', async () => {
      const { strapi, server } = app();
      const publicRole = await strapi.db
        .query('plugin::users-permissions.role')
        .findOne({ where: { type: 'public' } });
      const permission = await strapi.db
        .query('plugin::users-permissions.permission')
        .findOne({ where: { action: 'plugin::segments.visitor.me', role: publicRole.id } });
      expect(permission).toBeTruthy();
      await strapi.db.query('plugin::users-permissions.permission').delete({ where: { id: permission.id } });
      try {
        await request(server).get('/api/segments/me').expect(403);
      } finally {
        await strapi.db
          .query('plugin::users-permissions.permission')
          .create({ data: { action: 'plugin::segments.visitor.me', role: publicRole.id } });
      }
    });
  });

  describe('admin API: GET /segments/overview', () => {
    it('requires an admin', async () => {
      await request(app().server).get('/segments/overview').expect(401);
    });

    it('answers a super admin with the counts', async () => {
      const token = await adminToken(app(), { superAdmin: true });
      const res = await request(app().server)
        .get('/segments/overview')
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      expect(res.body.data.segments).toBeGreaterThanOrEqual(1);
      expect(res.body.data.profiles).toBeGreaterThanOrEqual(1);
    });

    it('is forbidden to a role without plugin::segments.read', async () => {
      const token = await adminToken(app(), { actions: [] });
      await request(app().server)
        .get('/segments/overview')
        .set('Authorization', `Bearer ${token}`)
        .expect(403);
    });

    it('is allowed to a role granted plugin::segments.read', async () => {
      const token = await adminToken(app(), { actions: ['plugin::segments.read'] });
      await request(app().server)
        .get('/segments/overview')
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
    });
  });
});
