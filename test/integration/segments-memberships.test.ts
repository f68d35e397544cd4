import request from 'supertest';
import { adminToken } from './helpers/admin';
import { insertProfiles } from './helpers/profiles-fixture';
import { useStrapi } from './helpers/strapi';
import { knexLeaseStore } from '../../server/src/scheduler/lease';
import { TABLES } from '../../server/src/store/tables';

const UID = 'plugin::segments.segment';

describe('batch memberships', () => {
  const app = useStrapi('memberships');
  /** Rows of a plugin table, optionally only those where `column` equals `value`. */
  const rowCount = async (table: string, column?: string, value?: string): Promise<number> => {
    const query = app().knex(table);
    if (column !== undefined) query.where(column, value as string);
    return Number((await query.count({ n: '*' }).first())?.n);
  };
  const service = () => app().strapi.plugin('segments').service('segments');
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    await insertProfiles(app().knex, [
      { id: 1, traits: { plan: 'gold' }, columns: { country: 'DE' } },
      { id: 2, traits: { plan: 'gold' }, columns: { country: 'FR' } },
      { id: 3, traits: { plan: 'free' }, columns: { country: 'DE' } },
      { id: 4, traits: { plan: 'gold' }, columns: { country: 'DE' } },
      { id: 5, traits: {} },
    ]);
    const docs = app().strapi.documents(UID);
    // Created referencing-first on purpose: the recompute must order them itself.
    await docs
      .create({ data: { name: 'Gold', key: 'gold', rule: { plan: 'gold' } } as never })
      .then((d) => (ids.gold = d.documentId));
    await docs
      .create({
        data: {
          name: 'Gold in DE',
          key: 'gold-de',
          rule: { $and: [{ $segment: 'gold' }, { country: 'DE' }] },
        } as never,
      })
      .then((d) => (ids.goldDe = d.documentId));
    await docs
      .create({
        data: { name: 'Old', key: 'old', state: 'archived', rule: { plan: 'free' } } as never,
      })
      .then((d) => (ids.old = d.documentId));
  });

  const members = async (documentId: string) =>
    (
      await app()
        .knex(TABLES.memberships)
        .where('segment_id', documentId)
        .orderBy('profile_id')
        .pluck('profile_id')
    ).map(Number);

  it('computes active segments in dependency order, skipping archived ones, without transitions the first time', async () => {
    const results = await service().recomputeAll();
    expect(results.map((r: { key: string }) => r.key)).toEqual(['gold', 'gold-de']);
    expect(await members(ids.gold)).toEqual([1, 2, 4]);
    expect(await members(ids.goldDe)).toEqual([1, 4]);
    expect(await members(ids.old)).toEqual([]);
    expect(results[0]).toMatchObject({ size: 3, entered: 3, exited: 0, initial: true });
    expect(await rowCount(TABLES.membershipTransitions)).toBe(0);
  });

  it('applies a diff on recompute and records who entered and who left', async () => {
    await app()
      .knex(TABLES.profiles)
      .where('id', 2)
      .update({ traits: JSON.stringify({ plan: 'free' }) });
    await app()
      .knex(TABLES.profiles)
      .where('id', 3)
      .update({ traits: JSON.stringify({ plan: 'gold' }) });
    const enteredBefore = (
      await app().knex(TABLES.memberships).where({ segment_id: ids.gold, profile_id: 1 }).first()
    ).entered_at;

    const [gold, goldDe] = await service().recomputeAll();
    expect(gold).toMatchObject({ size: 3, entered: 1, exited: 1, initial: false });
    expect(goldDe).toMatchObject({ size: 3, entered: 1, exited: 0 });
    expect(await members(ids.gold)).toEqual([1, 3, 4]);
    expect(await members(ids.goldDe)).toEqual([1, 3, 4]);
    // Members who stayed keep their original entry time.
    expect(
      (await app().knex(TABLES.memberships).where({ segment_id: ids.gold, profile_id: 1 }).first())
        .entered_at
    ).toEqual(enteredBefore);

    const transitions = await app()
      .knex(TABLES.membershipTransitions)
      .select('segment_id', 'profile_id', 'kind')
      .orderBy(['segment_id', 'kind', 'profile_id']);
    expect(
      transitions.map((t: { segment_id: string; profile_id: number | string; kind: string }) => [
        t.segment_id,
        Number(t.profile_id),
        t.kind,
      ])
    ).toEqual(
      [
        [ids.gold, 3, 'enter'],
        [ids.gold, 2, 'exit'],
        [ids.goldDe, 3, 'enter'],
      ].sort(
        (a, b) =>
          String(a[0]).localeCompare(String(b[0])) || String(a[2]).localeCompare(String(b[2]))
      )
    );
    expect(await rowCount(TABLES.membershipStaging)).toBe(0);
  });

  it('announces a recompute’s transitions as segment.entry / segment.exit events, after they commit', async () => {
    const seen: Array<{ kind: string; key: string; profileId: number; stored: boolean }> = [];
    const listen =
      (kind: string) =>
      async (payload: { segment: { documentId: string; key: string }; profileId: number }) => {
        const row = await app()
          .knex(TABLES.membershipTransitions)
          .where({ segment_id: payload.segment.documentId, profile_id: payload.profileId, kind })
          .first();
        seen.push({ kind, key: payload.segment.key, profileId: payload.profileId, stored: !!row });
      };
    app().strapi.eventHub.on('segment.entry', listen('enter'));
    app().strapi.eventHub.on('segment.exit', listen('exit'));
    await app()
      .knex(TABLES.profiles)
      .where('id', 4)
      .update({ traits: JSON.stringify({ plan: 'free' }) });
    await service().recomputeAll();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen.sort((a, b) => a.key.localeCompare(b.key))).toEqual([
      { kind: 'exit', key: 'gold', profileId: 4, stored: true },
      { kind: 'exit', key: 'gold-de', profileId: 4, stored: true },
    ]);
    // A recompute that changes nothing announces nothing.
    seen.length = 0;
    await service().recomputeAll();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toEqual([]);
    await app()
      .knex(TABLES.profiles)
      .where('id', 4)
      .update({ traits: JSON.stringify({ plan: 'gold' }) });
    await service().recomputeAll(); // back as the tests below expect
  });

  it('does nothing while another instance holds the recompute lease', async () => {
    const store = knexLeaseStore(app().knex);
    expect(await store.acquire('job:recompute-segments', 'other-instance', 60_000)).toBe(true);
    try {
      expect(await service().recomputeAll()).toBeNull();
    } finally {
      await store.release('job:recompute-segments', 'other-instance');
    }
  });

  describe('admin API', () => {
    let token: string;
    beforeAll(async () => {
      token = await adminToken(app(), { superAdmin: true });
    });
    const api = () => request(app().server);

    it('pages members and reports the size history', async () => {
      const page = await api()
        .get(`/segments/segments/${ids.gold}/members?page=2&pageSize=2`)
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      expect(page.body.data.map((m: { profileId: number }) => m.profileId)).toEqual([4]);
      expect(page.body.meta.pagination).toEqual({ page: 2, pageSize: 2, total: 3, pageCount: 2 });

      const sizes = await api()
        .get(`/segments/segments/${ids.gold}/sizes`)
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      expect(sizes.body.data).toEqual([
        { day: new Date().toISOString().slice(0, 10), size: 3, computedAt: expect.any(String) },
      ]);
    });

    it('rejects bad paging and unknown segments with the field named', async () => {
      const bad = await api()
        .get(`/segments/segments/${ids.gold}/members?pageSize=1000`)
        .set('Authorization', `Bearer ${token}`)
        .expect(400);
      expect(bad.body.error.details.errors[0].path).toBe('pageSize');
      await api()
        .get('/segments/segments/nope/members')
        .set('Authorization', `Bearer ${token}`)
        .expect(404);
      await api()
        .post('/segments/segments/nope/recompute')
        .set('Authorization', `Bearer ${token}`)
        .expect(404);
    });

    it('recomputes one segment on demand, only with the recompute permission', async () => {
      const res = await api()
        .post(`/segments/segments/${ids.gold}/recompute`)
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      expect(res.body.data).toMatchObject({ key: 'gold', size: 3, entered: 0, exited: 0 });
      const reader = await adminToken(app(), { actions: ['plugin::segments.read'] });
      await api()
        .post(`/segments/segments/${ids.gold}/recompute`)
        .set('Authorization', `Bearer ${reader}`)
        .expect(403);
    });

    it('previews an unsaved rule: exact size and a sample of members', async () => {
      const res = await api()
        .post('/segments/preview')
        .set('Authorization', `Bearer ${token}`)
        .send({ rule: { $and: [{ $segment: 'gold' }, { country: { $ne: 'FR' } }] }, sampleSize: 2 })
        .expect(200);
      expect(res.body.data).toMatchObject({ size: 3, estimated: false });
      expect(res.body.data.sample.map((s: { profileId: number }) => s.profileId)).toEqual([1, 3]);
      expect(res.body.data.sample[0].traits).toEqual({ plan: 'gold' });

      const bad = await api()
        .post('/segments/preview')
        .set('Authorization', `Bearer ${token}`)
        .send({ rule: { age: { $gt: [] } }, sampleSize: 0 })
        .expect(400);
      const paths = bad.body.error.details.errors.map((e: { path: string }) => e.path);
      expect(paths).toEqual(expect.arrayContaining(['sampleSize', 'rule.age.$gt']));
    });
  });
});
