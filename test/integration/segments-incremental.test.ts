import http from 'http';
import type { AddressInfo } from 'net';
import fc from 'fast-check';
import request from 'supertest';
import { useStrapi, type TestApp } from './helpers/strapi';
import { apiToken, userWithJwt } from './helpers/identity';
import { adminToken } from './helpers/admin';
import { TABLES } from '../../server/src/store/tables';

/**
 * Issue 22 (incremental maintenance): after a batch commits, the profiles it touched are
 * re-evaluated and their stored memberships and transitions written as a recompute would. The
 * property: after any stream of events, trait changes, merges and clock advances, a full
 * recompute finds nothing to correct (entered = exited = deferred = 0 for every segment).
 */
const SEGMENT_UID = 'plugin::segments.segment';
const SEGMENTS: Array<[string, unknown]> = [
  ['gold', { plan: 'gold' }],
  ['buyers', { $event: { name: 'purchase', count: { $gte: 2 } } }],
  ['big-spenders', { $event: { name: 'purchase', sum: { $gte: 100 } } }],
  ['gold-buyers', { $and: [{ $segment: 'gold' }, { $segment: 'buyers' }] }],
  ['never-bought', { $event: { name: 'purchase', count: 0 } }],
  ['recent-viewers', { $event: { name: 'view', within: { days: 7 } } }],
];
/** Relative dates, added for the property test (computed there first). */
const DATE_SEGMENTS: Array<[string, unknown]> = [
  ['seen-recently', { $date: { attribute: 'lastSeenAt', newerThan: { days: 2 } } }],
  ['trial-over', { $date: { attribute: 'trialStartedAt', olderThan: { days: 1 } } }],
];

async function createSegments(app: TestApp, segments = SEGMENTS) {
  for (const [key, rule] of segments) {
    await app.strapi.documents(SEGMENT_UID).create({ data: { name: key, key, rule } as never });
  }
}

const memberships = (app: TestApp) => app.strapi.plugin('segments').service('memberships');
const segmentsService = (app: TestApp) => app.strapi.plugin('segments').service('segments');

describe('real-time memberships: incremental maintenance', () => {
  const app = useStrapi('segments_incremental', { SEGMENTS_SCHEDULER_ENABLED: 'false' });
  let token = '';

  const track = (anonymousId: string, events: object[]) =>
    request(app().server)
      .post('/api/segments/events')
      .set('X-Segments-Anonymous-Id', anonymousId)
      .send({ events })
      .expect(202);
  const identify = (anonymousId: string, traits: object) =>
    request(app().server)
      .post('/api/segments/identify')
      .set('Authorization', `Bearer ${token}`)
      .send({ anonymousId, traits })
      .expect(200);
  const login = (jwt: string, anonymousId: string) =>
    request(app().server)
      .post('/api/segments/identify')
      .set('Authorization', `Bearer ${jwt}`)
      .set('X-Segments-Anonymous-Id', anonymousId)
      .send({ traits: {} })
      .expect(200);
  const trackAsUser = (jwt: string) =>
    request(app().server)
      .post('/api/segments/events')
      .set('Authorization', `Bearer ${jwt}`)
      .send({ events: [{ name: 'purchase', properties: { value: 30 } }] })
      .expect(202);
  const profileIdOf = async (anonymousId: string) =>
    Number((await app().knex(TABLES.profiles).where('anonymous_id', anonymousId).first()).id);
  const segmentId = async (key: string) =>
    String((await app().strapi.db.query(SEGMENT_UID).findOne({ where: { key } })).documentId);

  beforeAll(async () => {
    token = await apiToken(app());
    await createSegments(app());
    // The baseline: every segment computed once (records no transitions).
    await segmentsService(app()).recomputeAll();
  });

  it('a second purchase enters buyers at once: membership row, enter transition, webhook event', async () => {
    const entries: unknown[] = [];
    app().strapi.eventHub.on('segment.entry', async (payload: unknown) => {
      entries.push(payload);
    });
    await track('anon-incremental-1', [{ name: 'purchase', properties: { value: 10 } }]);
    expect(
      (await memberships(app()).drain()).map(
        (t: { segmentKey: string; kind: string }) => `${t.kind}:${t.segmentKey}`
      )
    ).toEqual([]);
    await track('anon-incremental-1', [{ name: 'purchase', properties: { value: 10 } }]);
    const transitions = await memberships(app()).drain();
    const id = await profileIdOf('anon-incremental-1');
    // A new profile: it never bought at the baseline but did now — no never-bought exit, since it
    // was never stored as a member; and it enters buyers.
    expect(
      transitions.map((t: { segmentKey: string; kind: string }) => `${t.kind}:${t.segmentKey}`)
    ).toEqual(['enter:buyers']);
    const buyers = await segmentId('buyers');
    expect(
      await app().knex(TABLES.memberships).where({ segment_id: buyers, profile_id: id }).first()
    ).toBeTruthy();
    const entered = await app()
      .knex(TABLES.membershipTransitions)
      .where({ segment_id: buyers, profile_id: id, kind: 'enter' })
      .count({ n: '*' })
      .first();
    expect(Number(entered?.n)).toBe(1);
    expect(entries).toEqual([
      expect.objectContaining({ segment: { documentId: buyers, key: 'buyers' }, profileId: id }),
    ]);
    // Nothing left queued, and a second pass writes nothing twice.
    expect(await memberships(app()).drain()).toEqual([]);
    expect((await memberships(app()).backlog()).total).toBe(0);
  });

  it('a trait change through identify moves the profile between segments that reference each other', async () => {
    await identify('anon-incremental-1', { plan: 'gold' });
    const kinds = (await memberships(app()).drain()).map(
      (t: { segmentKey: string; kind: string }) => `${t.kind}:${t.segmentKey}`
    );
    expect(kinds).toEqual(['enter:gold', 'enter:gold-buyers']);
    await identify('anon-incremental-1', { plan: 'free' });
    expect(
      (await memberships(app()).drain()).map(
        (t: { segmentKey: string; kind: string }) => `${t.kind}:${t.segmentKey}`
      )
    ).toEqual(['exit:gold', 'exit:gold-buyers']);
  });

  it('a pass re-evaluates a profile only against the segments its changes can move', async () => {
    const pass = async () => {
      const report = await memberships(app()).processDue();
      return { claimed: report.claimed, evaluations: report.evaluations };
    };
    // A profile's first mark: anything may have changed (it is new), so every segment looks.
    await track('anon-narrowing-1', [{ name: 'view' }]);
    expect(await pass()).toEqual({ claimed: 1, evaluations: SEGMENTS.length });
    // A view moves only recent-viewers (the others read purchases or the plan).
    await track('anon-narrowing-1', [{ name: 'view' }]);
    expect(await pass()).toEqual({ claimed: 1, evaluations: 1 });
    // A purchase: buyers, big-spenders, never-bought and gold-buyers (through buyers).
    await track('anon-narrowing-1', [{ name: 'purchase', properties: { value: 5 } }]);
    expect(await pass()).toEqual({ claimed: 1, evaluations: 4 });
    // The plan: gold and gold-buyers; changes marked before a pass add up.
    await identify('anon-narrowing-1', { plan: 'gold' });
    await track('anon-narrowing-1', [{ name: 'view' }]);
    expect(await pass()).toEqual({ claimed: 1, evaluations: 3 });
    // A trait no segment reads: claimed, nothing evaluated.
    await identify('anon-narrowing-1', { favouriteColour: 'green' });
    expect(await pass()).toEqual({ claimed: 1, evaluations: 0 });
    // The answers are still those of a full recompute.
    for (const result of (await segmentsService(app()).recomputeAll()) ?? []) {
      expect({ key: result.key, entered: result.entered, exited: result.exited }).toEqual({
        key: result.key,
        entered: 0,
        exited: 0,
      });
    }
  });

  it('after any stream of events, trait changes, merges and clock advances, a full recompute has nothing to correct', async () => {
    const visitor = fc.integer({ min: 1, max: 6 }).map((i) => `anon-property-${i}`);
    const user = fc.integer({ min: 0, max: 1 });
    const users = [await userWithJwt(app()), await userWithJwt(app())];
    await createSegments(app(), DATE_SEGMENTS);
    await segmentsService(app()).recomputeAll(); // their baseline
    const step = fc.oneof(
      fc.record({
        kind: fc.constant('track' as const),
        visitor,
        name: fc.constantFrom('purchase', 'view', 'signup'),
        value: fc.integer({ min: 0, max: 80 }),
      }),
      fc.record({
        kind: fc.constant('identify' as const),
        visitor,
        plan: fc.constantFrom('gold', 'free', 'pro'),
        // A trial that started up to 2 days before the rules' clock (or no change).
        trialHoursAgo: fc.option(fc.integer({ min: 0, max: 48 }), { nil: undefined }),
      }),
      // A user logs in on a visitor's device: the anonymous profile merges into the user's.
      fc.record({ kind: fc.constant('merge' as const), visitor, user }),
      fc.record({ kind: fc.constant('trackUser' as const), user }),
      // Time passes with no event: "viewed within 7 days", "seen within 2 days" can expire, a
      // trial can pass its first day.
      fc.record({ kind: fc.constant('advance' as const), hours: fc.integer({ min: 1, max: 72 }) })
    );
    // The rules' clock: real time plus the advances (capped at 30 days, within raw retention).
    let advanced = 0;
    const clock = () => Date.now() + advanced;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        for (const s of steps) {
          const before = clock();
          if (s.kind === 'track')
            await track(s.visitor, [{ name: s.name, properties: { value: s.value } }]);
          else if (s.kind === 'identify')
            await identify(s.visitor, {
              plan: s.plan,
              ...(s.trialHoursAgo === undefined
                ? {}
                : {
                    trialStartedAt: new Date(clock() - s.trialHoursAgo * 3_600_000).toISOString(),
                  }),
            });
          else if (s.kind === 'merge') await login(users[s.user].jwt, s.visitor);
          else if (s.kind === 'trackUser') await trackAsUser(users[s.user].jwt);
          else if (advanced + s.hours * 3_600_000 <= 30 * 86_400_000) {
            advanced += s.hours * 3_600_000;
          }
          const now = clock();
          await memberships(app()).sweepExpiries(now, before - 60_000);
          await memberships(app()).drain(now);
          const corrections = (
            (await segmentsService(app()).recomputeAll(new Date(now))) as Array<{
              key: string;
              entered: number;
              exited: number;
              deferred: number;
            }>
          ).filter((r) => r.entered || r.exited || r.deferred);
          expect(corrections).toEqual([]);
        }
      }),
      { numRuns: 12 }
    );
  });
});

describe('real-time memberships: the loop on a running instance', () => {
  const app = useStrapi('segments_incremental_loop', { SEGMENTS_SCHEDULER_ENABLED: 'true' });

  it('writes the transition within seconds of the event, without a recompute', async () => {
    await createSegments(app());
    await segmentsService(app()).recomputeAll();
    const buyers = String(
      (
        await app()
          .strapi.db.query(SEGMENT_UID)
          .findOne({ where: { key: 'buyers' } })
      ).documentId
    );
    const accepted = Date.now();
    await request(app().server)
      .post('/api/segments/events')
      .set('X-Segments-Anonymous-Id', 'anon-loop-visitor')
      .send({ events: [{ name: 'purchase' }, { name: 'purchase' }] })
      .expect(202);
    let row: { at: number | string } | undefined;
    while (!row && Date.now() - accepted < 10_000) {
      row = await app()
        .knex(TABLES.membershipTransitions)
        .where({ segment_id: buyers, kind: 'enter' })
        .first();
      if (!row) await new Promise((r) => setTimeout(r, 50));
    }
    expect(row).toBeDefined();
    // Marked in the batch's transaction and picked up by this instance's loop at once.
    expect(Number(row!.at) - accepted).toBeLessThan(5_000);
  });

  it('delivers segment.entry through a Strapi webhook subscribed to it', async () => {
    const received: Array<{ event: string; body: Record<string, unknown> }> = [];
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push({ event: String(req.headers['x-strapi-event']), body: JSON.parse(body) });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const admin = await adminToken(app(), { superAdmin: true });
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      const created = await request(app().server)
        .post('/admin/webhooks')
        .set('Authorization', `Bearer ${admin}`)
        .send({ name: 'segments', url, headers: {}, events: ['segment.entry', 'segment.exit'] });
      expect(created.status).toBe(201);
      await request(app().server)
        .post('/api/segments/events')
        .set('X-Segments-Anonymous-Id', 'anon-webhook-visitor')
        .send({ events: [{ name: 'purchase' }, { name: 'purchase' }] })
        .expect(202);
      const started = Date.now();
      while (!received.length && Date.now() - started < 10_000)
        await new Promise((r) => setTimeout(r, 50));
      const profile = await app()
        .knex(TABLES.profiles)
        .where('anonymous_id', 'anon-webhook-visitor')
        .first();
      expect(received).toEqual([
        {
          event: 'segment.entry',
          body: expect.objectContaining({
            event: 'segment.entry',
            segment: expect.objectContaining({ key: 'buyers' }),
            profileId: Number(profile.id),
          }),
        },
      ]);
    } finally {
      receiver.close();
    }
  });
});
