import request from 'supertest';
import { useStrapi } from './helpers/strapi';
import { adminToken } from './helpers/admin';
import { TABLES } from '../../server/src/store/tables';

/**
 * Issue 22 (back-pressure): past `segments.realtime.maxBacklog` due profiles the loop recomputes
 * the segments once instead of re-evaluating each profile, settles what the recompute covered,
 * says so in the log and shows it in the admin overview.
 */
const SEGMENT_UID = 'plugin::segments.segment';

describe('real-time memberships: a backlog past maxBacklog falls back to a recompute', () => {
  const app = useStrapi('segments_backlog', {
    SEGMENTS_SCHEDULER_ENABLED: 'false',
    SEGMENTS_REALTIME_MAX_BACKLOG: '5',
  });
  const memberships = () => app().strapi.plugin('segments').service('memberships');
  let segmentId = '';

  const track = (anonymousId: string, count: number) =>
    request(app().server)
      .post('/api/segments/events')
      .set('X-Segments-Anonymous-Id', anonymousId)
      .send({ events: Array.from({ length: count }, () => ({ name: 'purchase' })) })
      .expect(202);

  beforeAll(async () => {
    const segment = await app()
      .strapi.documents(SEGMENT_UID)
      .create({
        data: {
          name: 'Buyers',
          key: 'buyers',
          rule: { $event: { name: 'purchase', count: { $gte: 2 } } },
        } as never,
      });
    segmentId = String(segment.documentId);
    await app().strapi.plugin('segments').service('segments').recomputeAll();
  });

  it('below the bound, profiles are re-evaluated one by one (no fall-back)', async () => {
    for (let i = 0; i < 3; i += 1) await track(`anon-backlog-small-${i}`, 2);
    expect(await memberships().fallBackIfOverloaded()).toBeNull();
    expect((await memberships().drain()).map((t: { kind: string }) => t.kind)).toEqual([
      'enter',
      'enter',
      'enter',
    ]);
    expect((await memberships().status()).lastFallback).toBeNull();
  });

  it('past it, one recompute writes every answer, the queue settles, the log and the admin say so', async () => {
    const warnings: string[] = [];
    const log = app().strapi.log;
    const warn = log.warn;
    log.warn = ((message: string) => {
      warnings.push(String(message));
      return (warn as (m: string) => unknown).call(log, message);
    }) as typeof warn;
    try {
      for (let i = 0; i < 12; i += 1) await track(`anon-backlog-burst-${i}`, i % 2 === 0 ? 2 : 1);
      expect((await memberships().backlog()).due).toBe(12);

      // The drain falls back: the transitions come from the recompute, not from passes.
      expect(await memberships().drain()).toEqual([]);
      expect((await memberships().backlog()).total).toBe(0);
      const members = await app()
        .knex(TABLES.memberships)
        .where('segment_id', segmentId)
        .count({ n: '*' })
        .first();
      expect(Number(members?.n)).toBe(3 + 6);
      const enters = await app()
        .knex(TABLES.membershipTransitions)
        .where({ segment_id: segmentId, kind: 'enter' })
        .count({ n: '*' })
        .first();
      expect(Number(enters?.n)).toBe(9); // each entry recorded once
      expect(warnings.some((w) => /real-time backlog of 12 due profiles/.test(w))).toBe(true);

      const token = await adminToken(app(), { superAdmin: true });
      const overview = await request(app().server)
        .get('/segments/overview')
        .set('Authorization', `Bearer ${token}`)
        .expect(200);
      expect(overview.body.data.realtime).toMatchObject({
        enabled: true,
        backlog: { total: 0, due: 0 },
        maxBacklog: 5,
        lastFallback: { backlog: 12, segments: 1, settled: 12 },
      });
      // A full recompute afterwards agrees with what the fall-back wrote.
      const [check] = await app().strapi.plugin('segments').service('segments').recomputeAll();
      expect(check).toMatchObject({ entered: 0, exited: 0, deferred: 0, size: 9 });
    } finally {
      log.warn = warn;
    }
  });

  it('the fall-back recomputes only the segments the queued changes can move', async () => {
    const gold = await app()
      .strapi.documents(SEGMENT_UID)
      .create({ data: { name: 'Gold', key: 'gold', rule: { plan: 'gold' } } as never });
    const segments = app().strapi.plugin('segments').service('segments');
    await segments.recompute(String(gold.documentId)); // its baseline
    // Six profiles the loop has seen before buy a second time: purchases move buyers, not gold.
    for (let i = 1; i < 12; i += 2) await track(`anon-backlog-burst-${i}`, 1);
    expect((await memberships().backlog()).due).toBe(6);
    expect(await memberships().drain()).toEqual([]);
    expect((await memberships().status()).lastFallback).toMatchObject({
      backlog: 6,
      segments: 1,
      settled: 6,
    });
    const results = (await segments.recomputeAll()) as Array<Record<string, unknown>>;
    expect(results.map((r) => [r.key, r.entered, r.exited, r.deferred, r.size])).toEqual([
      ['buyers', 0, 0, 0, 15],
      ['gold', 0, 0, 0, 0],
    ]);
  });
});
