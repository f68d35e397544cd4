import request from 'supertest';
import { useStrapi } from '../helpers/strapi';
import { adminToken } from '../helpers/admin';
import { apiToken } from '../helpers/identity';
import { BANNER, createSegment, visitorWithTraits } from '../helpers/personalization';

const HOUR = 3_600_000;

describe('GET /api/segments/placements/:placement', () => {
  const app = useStrapi('placements');
  const server = () => app().server;
  const ids: Record<string, string> = {};
  let vip: Record<string, string>;
  let beta: Record<string, string>;
  const nobody = { 'X-Segments-Anonymous-Id': 'anon-nobody-pl' };
  const get = (placement: string, headers: Record<string, string> = {}, query = '') =>
    request(server()).get(`/api/segments/placements/${placement}${query}`).set(headers);
  const titleOf = async (placement: string, headers: Record<string, string>, query = '') => {
    const res = await get(placement, headers, query).expect(200);
    return res.body.data.banner.title as string;
  };

  beforeAll(async () => {
    const { strapi } = app();
    const vipId = await createSegment(app(), 'vip', { plan: 'vip' });
    const betaId = await createSegment(app(), 'beta', { plan: 'beta' });
    const now = Date.now();
    const banner = async (
      title: string,
      fields: Record<string, unknown>,
      status: 'published' | 'draft' = 'published'
    ) => {
      const doc = await strapi.documents(BANNER as never).create({
        data: { placement: 'home-hero', title, ctaLabel: 'Go', ctaUrl: '/go', ...fields } as never,
        status,
      } as never);
      ids[title] = doc.documentId;
    };
    await banner('fallback-low', { segmentsPriority: 1 });
    await banner('fallback-high', { segmentsPriority: 5 });
    await banner('vip-hero', { segmentsTargets: [vipId], segmentsPriority: 2 });
    await banner('vip-draft', { segmentsTargets: [vipId], segmentsPriority: 100 }, 'draft');
    await banner('vip-expired', {
      segmentsTargets: [vipId],
      segmentsPriority: 50,
      startsAt: new Date(now - 48 * HOUR).toISOString(),
      endsAt: new Date(now - HOUR).toISOString(),
    });
    await banner('vip-future', {
      segmentsTargets: [vipId],
      segmentsPriority: 60,
      startsAt: new Date(now + 24 * HOUR).toISOString(),
    });
    await banner('beta-hero', { segmentsTargets: [betaId], segmentsPriority: 3 });
    await banner('other-placement', { placement: 'sidebar', segmentsPriority: 99 });
    // A French version of vip-hero.
    await strapi.plugin('i18n').service('locales').create({ code: 'fr', name: 'French (fr)' });
    await strapi.documents(BANNER as never).update({
      documentId: ids['vip-hero'],
      locale: 'fr',
      data: { placement: 'home-hero', title: 'vip-hero-fr', segmentsTargets: [vipId], segmentsPriority: 2 } as never,
      status: 'published',
    } as never);
    vip = await visitorWithTraits(app(), 'anon-vip-pl-01', { plan: 'vip' });
    beta = await visitorWithTraits(app(), 'anon-beta-pl-01', { plan: 'beta' });
  });

  it('falls back to the highest-priority untargeted banner for a visitor in no segment', async () => {
    expect(await titleOf('home-hero', nobody)).toBe('fallback-high');
    expect(await titleOf('home-hero', {})).toBe('fallback-high');
  });

  it("serves a matching targeted banner over untargeted ones; drafts and banners outside their window never", async () => {
    expect(await titleOf('home-hero', vip)).toBe('vip-hero');
    expect(await titleOf('home-hero', beta)).toBe('beta-hero');
  });

  it('follows the schedule window and priority when it opens', async () => {
    const { strapi } = app();
    await strapi.documents(BANNER as never).update({
      documentId: ids['vip-future'],
      data: { startsAt: new Date(Date.now() - HOUR).toISOString() } as never,
      status: 'published',
    } as never);
    expect(await titleOf('home-hero', vip)).toBe('vip-future');
    await strapi.documents(BANNER as never).update({
      documentId: ids['vip-future'],
      data: { endsAt: new Date(Date.now() - 1000).toISOString() } as never,
      status: 'published',
    } as never);
    expect(await titleOf('home-hero', vip)).toBe('vip-hero');
  });

  it('answers in the requested locale', async () => {
    expect(await titleOf('home-hero', vip, '?locale=fr')).toBe('vip-hero-fr');
    // No French fallback banner exists: a visitor in no segment gets none in French.
    await get('home-hero', nobody, '?locale=fr').expect(404);
  });

  it('returns the banner fields without the targets, personalised headers on every answer', async () => {
    const res = await get('home-hero', vip).expect(200);
    expect(res.body.data.banner).toMatchObject({ title: 'vip-hero', ctaLabel: 'Go', ctaUrl: '/go', placement: 'home-hero' });
    expect(res.body.data.banner).not.toHaveProperty('segmentsTargets');
    expect(res.body.data.experiment).toBeNull();
    expect(res.headers['cache-control']).toMatch(/private/);
    expect(res.headers.vary.toLowerCase()).toContain('x-segments-anonymous-id');
    const missing = await get('nothing-here', vip).expect(404);
    expect(missing.headers['cache-control']).toMatch(/private/);
    expect(missing.body.error.message).toContain('nothing-here');
    expect(missing.body.error.details.errors[0].path).toBe('placement');
  });

  it('rejects a malformed placement or locale with a 400 naming it', async () => {
    const bad = await get('Not%20Valid', vip).expect(400);
    expect(bad.body.error.details.errors[0].path).toBe('placement');
    const locale = await get('home-hero', vip, '?locale=%3Cscript%3E').expect(400);
    expect(locale.body.error.details.errors[0].path).toBe('locale');
  });

  it('lets an API token preview the placement as a segment', async () => {
    const token = await apiToken(app());
    expect(await titleOf('home-hero', { Authorization: `Bearer ${token}` }, '?segmentsPreview=beta')).toBe('beta-hero');
    await get('home-hero', beta, '?segmentsPreview=vip').expect(403);
  });

  it('refuses invalid banners on every write path with the field named', async () => {
    const { strapi } = app();
    await expect(
      strapi.documents(BANNER as never).create({
        data: { placement: 'home-hero', title: 'x', ctaLabel: 'Go', ctaUrl: 'javascript:alert(1)' } as never,
      } as never)
    ).rejects.toMatchObject({ details: { errors: [{ path: 'ctaUrl' }] } });
    const jwt = await adminToken(app(), { superAdmin: true });
    const res = await request(server())
      .post(`/content-manager/collection-types/${BANNER}`)
      .set('Authorization', `Bearer ${jwt}`)
      .send({
        placement: 'home-hero',
        title: 'bad window',
        startsAt: new Date().toISOString(),
        endsAt: new Date(Date.now() - HOUR).toISOString(),
      })
      .expect(400);
    expect(JSON.stringify(res.body.error)).toContain('endsAt');
    const count = await strapi.db.query(BANNER as never).count({ where: { title: 'bad window' } });
    expect(count).toBe(0);
  });
  // The Content Manager publishes inside a transaction of its own; the version bump must wait
  // for its commit (on SQLite it used to wait for the transaction's connection: a 500 after the
  // pool timeout).
  it('publishes a banner through the Content Manager and serves it at once', async () => {
    const { strapi, knex } = app();
    const versionBefore = Number((await knex('segments_content_versions').where({ key: 'placements' }).first())?.version ?? 0);
    const draft = await strapi.documents(BANNER as never).create({
      data: { placement: 'cm-slot', title: 'cm-published', ctaLabel: 'Go', ctaUrl: '/go' } as never,
    } as never);
    await get('cm-slot', nobody).expect(404);
    const jwt = await adminToken(app(), { superAdmin: true });
    await request(server())
      .post(`/content-manager/collection-types/${BANNER}/${(draft as { documentId: string }).documentId}/actions/publish`)
      .set('Authorization', `Bearer ${jwt}`)
      .send({})
      .expect(200);
    expect(await titleOf('cm-slot', nobody)).toBe('cm-published');
    // The bump runs after the commit, without holding up the answer: wait for it briefly.
    let versionAfter = versionBefore;
    for (let i = 0; i < 50 && versionAfter === versionBefore; i++) {
      await new Promise((r) => setTimeout(r, 20));
      versionAfter = Number((await knex('segments_content_versions').where({ key: 'placements' }).first())?.version ?? 0);
    }
    expect(versionAfter).toBeGreaterThan(versionBefore);
  });

  it("sees another instance's banner change at its next request (the shared content version)", async () => {
    const { knex, strapi } = app();
    await strapi.documents(BANNER as never).create({
      data: { placement: 'side-slot', title: 'side-v1', ctaLabel: 'Go', ctaUrl: '/go' } as never,
      status: 'published',
    } as never);
    expect(await titleOf('side-slot', nobody)).toBe('side-v1');
    // Another instance's write, as this instance sees it: rows change in the database, and this
    // instance's own write hook never runs.
    await knex('segments_banners').where({ placement: 'side-slot' }).update({ title: 'side-v2' });
    expect(await titleOf('side-slot', nobody)).toBe('side-v1'); // served from this instance's cache
    await knex('segments_content_versions').where({ key: 'placements' }).increment('version', 1);
    expect(await titleOf('side-slot', nobody)).toBe('side-v2');
  });
});
