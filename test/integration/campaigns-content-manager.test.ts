import request from 'supertest';
import type { Knex } from 'knex';
import { adminToken } from './helpers/admin';
import { bootStrapi, createTestDatabase, type TestApp, type TestDatabase } from './helpers/strapi';
import { campaignStateMigration } from '../../server/src/campaigns/state-migration';

/**
 * Issue 21.1: a campaign's lifecycle is `state` (Strapi 5 reserves `status`), campaigns show in
 * the Content Manager with the plugin's validation, a database written by 0.1 (a `status`
 * column) keeps every campaign's value across the upgrade, and the admin API still answers the
 * old `status` alongside `state`.
 */
const CAMPAIGN_UID = 'plugin::segments.campaign';
const CM = `/content-manager/collection-types/${CAMPAIGN_UID}`;
const variant = { name: 'A', subject: 'Hello {{ traits.first_name }}', html: '<p>Hi</p>' };

/**
 * Turns a database written by this version back into what 0.1 left: the column is `status`,
 * Strapi's persisted schema says it created `status`, and the rename migration has not run.
 */
async function downgradeToStatusColumn(knex: Knex): Promise<void> {
  await knex.schema.alterTable('segments_campaigns', (t) => t.renameColumn('state', 'status'));
  const row = await knex('strapi_database_schema').orderBy('id', 'desc').first();
  const schema = typeof row.schema === 'string' ? JSON.parse(row.schema) : row.schema;
  const table = schema.tables.find((t: { name: string }) => t.name === 'segments_campaigns');
  const column = table.columns.find((c: { name: string }) => c.name === 'state');
  column.name = 'status';
  await knex('strapi_database_schema')
    .where('id', row.id)
    .update({ schema: JSON.stringify(schema) });
  await knex('strapi_migrations_internal').where('name', campaignStateMigration.name).delete();
}

describe('campaigns: state instead of status, in the Content Manager', () => {
  let db: TestDatabase;
  let app: TestApp | undefined;
  let token = '';
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    db = await createTestDatabase('campaigns_cm');
    app = await bootStrapi(db, { SEGMENTS_SCHEDULER_ENABLED: 'false' });
    await app.strapi
      .documents('plugin::segments.segment')
      .create({ data: { name: 'Buyers', key: 'buyers', rule: { plan: 'gold' } } as never });
    token = await adminToken(app, { superAdmin: true });
  });
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });
  const current = () => {
    if (!app) throw new Error('Strapi did not boot');
    return app;
  };
  const cm = (method: 'get' | 'post' | 'put', path: string) =>
    request(current().server)[method](path).set('Authorization', `Bearer ${token}`);

  it('lists the campaign type in the Content Manager', async () => {
    const res = await cm('get', '/content-manager/content-types').expect(200);
    const type = res.body.data.find((t: { uid: string }) => t.uid === CAMPAIGN_UID);
    expect(type).toMatchObject({ isDisplayed: true });
    expect(Object.keys(type.attributes)).toContain('state');
    expect(Object.keys(type.attributes)).not.toContain('status');
  });

  it('creates, edits and lists campaigns through the Content Manager', async () => {
    const created = await cm('post', CM).send({
      name: 'CM made',
      segmentKey: 'buyers',
      variants: [variant],
    });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ name: 'CM made', state: 'draft' });
    ids.cm = created.body.data.documentId;
    const scheduled = await cm('put', `${CM}/${ids.cm}`).send({ state: 'scheduled' });
    expect(scheduled.status).toBe(200);
    expect(scheduled.body.data).toMatchObject({ state: 'scheduled' });
    expect(scheduled.body.data.scheduledAt).toEqual(expect.any(String));
    const listed = await cm('get', CM).expect(200);
    expect(
      listed.body.results.find((r: { documentId: string }) => r.documentId === ids.cm)
    ).toMatchObject({
      state: 'scheduled',
    });
  });

  it.each([
    [
      'broken Liquid',
      { name: 'x', segmentKey: 'buyers', variants: [{ ...variant, html: '{% if %}' }] },
      'variants.0.html',
    ],
    ['an unknown segment', { name: 'x', segmentKey: 'nope', variants: [variant] }, 'segmentKey'],
    [
      'a new campaign that is not a draft',
      { name: 'x', segmentKey: 'buyers', variants: [variant], state: 'sent' },
      'state',
    ],
    [
      'a bad cron',
      {
        name: 'x',
        segmentKey: 'buyers',
        variants: [variant],
        scheduleType: 'recurring',
        cron: '61 * * * *',
      },
      'cron',
    ],
  ])(
    'refuses %s from the Content Manager with a 400 naming the field',
    async (_label, body, field) => {
      const before = await current().knex('segments_campaigns').count({ n: '*' }).first();
      const res = await cm('post', CM).send(body);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.error)).toContain(field);
      expect(await current().knex('segments_campaigns').count({ n: '*' }).first()).toEqual(before);
    }
  );

  it('holds the state machine in the Content Manager: a scheduled campaign cannot jump to sent', async () => {
    const res = await cm('put', `${CM}/${ids.cm}`).send({ state: 'sent' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.error)).toContain('cannot go from scheduled to sent');
  });

  it('answers state and the deprecated status alias on every admin API reply', async () => {
    const admin = (method: 'get' | 'post', path: string) =>
      request(current().server)[method](`/segments${path}`).set('Authorization', `Bearer ${token}`);
    const one = await admin('get', `/campaigns/${ids.cm}`).expect(200);
    expect(one.body.data).toMatchObject({ state: 'scheduled', status: 'scheduled' });
    const list = await admin('get', '/campaigns').expect(200);
    expect(
      list.body.data.find((r: { documentId: string }) => r.documentId === ids.cm)
    ).toMatchObject({
      state: 'scheduled',
      status: 'scheduled',
    });
    const paused = await admin('post', `/campaigns/${ids.cm}/pause`).expect(200);
    expect(paused.body.data).toMatchObject({ state: 'paused', status: 'paused' });
  });

  it('carries every campaign state over from a 0.1 database (status column) on upgrade', async () => {
    const docs = current().strapi.documents(CAMPAIGN_UID as never);
    const make = async (name: string) =>
      (
        (await docs.create({
          data: { name, segmentKey: 'buyers', variants: [variant] } as never,
        })) as { documentId: string }
      ).documentId;
    ids.draft = await make('stays draft');
    ids.cancelled = await make('cancelled');
    await docs.update({ documentId: ids.cancelled, data: { state: 'cancelled' } as never });
    ids.sent = await make('sent');
    await current()
      .knex('segments_campaigns')
      .where('document_id', ids.sent)
      .update({ state: 'sent' });
    const expected = Object.fromEntries(
      (await current().knex('segments_campaigns').select('document_id', 'state')).map((r) => [
        r.document_id,
        r.state,
      ])
    );
    expect(new Set(Object.values(expected))).toEqual(
      new Set(['draft', 'paused', 'cancelled', 'sent'])
    );

    await downgradeToStatusColumn(current().knex);
    await current().stop();
    app = undefined;
    app = await bootStrapi(db, { SEGMENTS_SCHEDULER_ENABLED: 'false' });

    const knex = current().knex;
    expect(await knex.schema.hasColumn('segments_campaigns', 'status')).toBe(false);
    const after = Object.fromEntries(
      (await knex('segments_campaigns').select('document_id', 'state')).map((r) => [
        r.document_id,
        r.state,
      ])
    );
    expect(after).toEqual(expected);
    expect(
      await knex('strapi_migrations_internal').where('name', campaignStateMigration.name).first()
    ).toBeTruthy();
    // The carried-over states drive the lifecycle as before.
    token = await adminToken(current(), { superAdmin: true });
    // Strapi emits entry.update after the reply; wait for it so that stopping Strapi does not
    // cut its read off mid-way.
    const emitted = new Promise<void>((resolve) => {
      current().strapi.eventHub.on('entry.update', async (event: unknown) => {
        if ((event as { uid?: string }).uid === CAMPAIGN_UID) resolve();
      });
    });
    const resumed = await request(current().server)
      .post(`/segments/campaigns/${ids.cm}/resume`)
      .set('Authorization', `Bearer ${token}`);
    expect(resumed.status).toBe(200);
    expect(resumed.body.data.state).toBe('scheduled');
    await emitted;
  });
});
