import type { Knex } from 'knex';
import request from 'supertest';
import { useStrapi, type TestApp } from './helpers/strapi';
import { apiToken } from './helpers/identity';
import { TABLES } from '../../server/src/store/tables';
import { recomputeSegment } from '../../server/src/segments/recompute';

/**
 * Issue 22: a recompute and the real-time loop write the same stored memberships. A recompute
 * reads for a while before it writes its diff; a profile whose data changed meanwhile — and
 * which the loop has already moved — must keep the loop's (newer) answer, and no transition may
 * be recorded twice. CI once met the unguarded version as a Postgres deadlock.
 */
const SEGMENT_UID = 'plugin::segments.segment';
// A regular expression is decided in memory: the recompute streams candidates and stages them
// in batches, which lets the test hold it between its read and its write.
const RULE = { plan: { $regex: '^gold$' } };

const memberships = (app: TestApp) => app.strapi.plugin('segments').service('memberships');

/** The app's knex, except that the first staging insert waits for `release`. */
function pausedBeforeStaging(knex: Knex) {
  let reached!: () => void;
  let release!: () => void;
  const atStaging = new Promise<void>((r) => (reached = r));
  const released = new Promise<void>((r) => (release = r));
  let paused = false;
  const gated = new Proxy(knex, {
    get(target, prop, receiver) {
      if (prop !== 'raw') return Reflect.get(target, prop, receiver);
      return (sql: string, bindings?: Knex.RawBinding[]) => {
        if (paused || !/^insert into segments_membership_staging/i.test(sql)) {
          return bindings === undefined ? target.raw(sql) : target.raw(sql, bindings);
        }
        paused = true;
        reached();
        return released.then(() => target.raw(sql, bindings ?? []));
      };
    },
  });
  return { knex: gated, atStaging, release };
}

describe('real-time memberships: a recompute racing the loop', () => {
  const app = useStrapi('segments_recompute_race', { SEGMENTS_SCHEDULER_ENABLED: 'false' });
  let token = '';
  let segmentId = '';

  const identify = (anonymousId: string, plan: string) =>
    request(app().server)
      .post('/api/segments/identify')
      .set('Authorization', `Bearer ${token}`)
      .send({ anonymousId, traits: { plan } })
      .expect(200);
  const track = (anonymousId: string) =>
    request(app().server)
      .post('/api/segments/events')
      .set('X-Segments-Anonymous-Id', anonymousId)
      .send({ events: [{ name: 'view' }] })
      .expect(202);
  const profileIdOf = async (anonymousId: string) =>
    Number((await app().knex(TABLES.profiles).where('anonymous_id', anonymousId).first()).id);
  const recompute = (knex: Knex) =>
    recomputeSegment(
      knex,
      { id: segmentId, key: 'gold-plan', rule: RULE },
      { now: new Date(), retentionDays: 90, keyToId: new Map([['gold-plan', segmentId]]) }
    );

  beforeAll(async () => {
    token = await apiToken(app());
    const segment = await app()
      .strapi.documents(SEGMENT_UID)
      .create({ data: { name: 'Gold plan', key: 'gold-plan', rule: RULE } as never });
    segmentId = String(segment.documentId);
  });

  it('keeps the loop’s newer answer for a profile that changed while the recompute read', async () => {
    await track('anon-race-1');
    await identify('anon-race-1', 'gold');
    await app().strapi.plugin('segments').service('segments').recomputeAll(); // the baseline
    await memberships(app()).drain();
    const profileId = await profileIdOf('anon-race-1');
    const member = () =>
      app()
        .knex(TABLES.memberships)
        .where({ segment_id: segmentId, profile_id: profileId })
        .first();
    expect(await member()).toBeTruthy();

    // The recompute reads the profile as gold, then waits before writing…
    const paused = pausedBeforeStaging(app().knex);
    const running = recompute(paused.knex);
    await paused.atStaging;
    // …while the plan changes and the loop moves the profile out.
    await identify('anon-race-1', 'free');
    const moved = await memberships(app()).drain();
    expect(moved.map((t: { kind: string }) => t.kind)).toEqual(['exit']);
    paused.release();
    const result = await running;

    expect(result).toMatchObject({ entered: 0, exited: 0, deferred: 1, size: 0 });
    expect(await member()).toBeUndefined();
    const transitions = await app()
      .knex(TABLES.membershipTransitions)
      .where({ segment_id: segmentId, profile_id: profileId })
      .orderBy('id')
      .pluck('kind');
    expect(transitions).toEqual(['exit']);
    // Once the change is older than a recompute, the recompute applies and agrees.
    expect(await recompute(app().knex)).toMatchObject({ entered: 0, exited: 0, deferred: 0 });
  });

  it('keeps the loop’s exit for a window that expired while the recompute ran (no re-entry)', async () => {
    const rule = { $event: { name: 'ping', within: { hours: 1 } } };
    const segment = await app()
      .strapi.documents(SEGMENT_UID)
      .create({ data: { name: 'Pinged', key: 'pinged', rule } as never });
    const pinged = String(segment.documentId);
    const pingedAt = Date.now() - 3_600_000 + 3_000; // leaves the window in 3 s
    await request(app().server)
      .post('/api/segments/events')
      .set('X-Segments-Anonymous-Id', 'anon-race-window')
      .send({ events: [{ name: 'ping', timestamp: new Date(pingedAt).toISOString() }] })
      .expect(202);
    const keyToId = new Map([['pinged', pinged]]);
    const recomputeAt = (knex: Knex, now: Date) =>
      recomputeSegment(
        knex,
        { id: pinged, key: 'pinged', rule },
        { now, retentionDays: 90, keyToId }
      );
    await recomputeAt(app().knex, new Date()); // the baseline: a member
    await memberships(app()).drain();
    await memberships(app()).sweepExpiries(); // queued, due when the ping turns one hour old
    const profileId = await profileIdOf('anon-race-window');

    // The recompute evaluates now (still a member) but is held before it writes…
    const paused = pausedBeforeStaging(app().knex);
    const running = recomputeAt(paused.knex, new Date());
    await paused.atStaging;
    // …while the window expires and the loop moves the profile out.
    await new Promise((r) => setTimeout(r, Math.max(0, pingedAt + 3_600_000 - Date.now()) + 50));
    expect((await memberships(app()).drain()).map((t: { kind: string }) => t.kind)).toEqual([
      'exit',
    ]);
    paused.release();
    expect(await running).toMatchObject({ entered: 0, exited: 0, deferred: 1, size: 0 });
    expect(
      await app()
        .knex(TABLES.membershipTransitions)
        .where({ segment_id: pinged, profile_id: profileId })
        .orderBy('id')
        .pluck('kind')
    ).toEqual(['exit']);
    expect(await recomputeAt(app().knex, new Date())).toMatchObject({
      entered: 0,
      exited: 0,
      deferred: 0,
    });
  });

  it('applies its answer to a profile that is queued but changed before it read', async () => {
    await track('anon-race-2');
    await identify('anon-race-2', 'gold'); // queued, not yet re-evaluated by the loop
    const result = await recompute(app().knex);
    expect(result).toMatchObject({ entered: 1, exited: 0, deferred: 0 });
    // The loop then finds nothing left to do for it: no second enter.
    expect(await memberships(app()).drain()).toEqual([]);
    const profileId = await profileIdOf('anon-race-2');
    expect(
      await app()
        .knex(TABLES.membershipTransitions)
        .where({ segment_id: segmentId, profile_id: profileId })
        .pluck('kind')
    ).toEqual(['enter']);
  });

  it('runs recomputes and real-time passes side by side without a deadlock or a double transition', async () => {
    const visitors = Array.from({ length: 40 }, (_, i) => `anon-race-crowd-${i}`);
    for (const v of visitors) await track(v);
    const plans = ['gold', 'free'];
    const churn = (async () => {
      for (let round = 0; round < 6; round += 1) {
        await Promise.all(visitors.map((v, i) => identify(v, plans[(i + round) % 2])));
        await memberships(app()).drain();
      }
    })();
    const recomputes = (async () => {
      for (let i = 0; i < 6; i += 1) await recompute(app().knex);
    })();
    await Promise.all([churn, recomputes]);
    await memberships(app()).drain();
    expect(await recompute(app().knex)).toMatchObject({ entered: 0, exited: 0, deferred: 0 });

    // Every profile's transitions alternate enter/exit: none was recorded twice.
    const rows = (await app()
      .knex(TABLES.membershipTransitions)
      .where({ segment_id: segmentId })
      .orderBy('id')
      .select('profile_id', 'kind')) as Array<{ profile_id: number | string; kind: string }>;
    const last = new Map<number, string>();
    for (const row of rows) {
      const id = Number(row.profile_id);
      expect(last.get(id)).not.toBe(row.kind);
      last.set(id, row.kind);
    }
  });
});
