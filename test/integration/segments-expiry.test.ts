import request from 'supertest';
import { useStrapi } from './helpers/strapi';
import { TABLES } from '../../server/src/store/tables';

/**
 * Issue 22 (time-based exits): a profile leaves a windowed segment when its qualifying event
 * ages out, with no new event — queued by the expiry sweep due at that moment and re-evaluated
 * then. Hour windows are tested in real time; calendar days by sweeping and evaluating at a
 * chosen instant (the next UTC midnight).
 */
const SEGMENT_UID = 'plugin::segments.segment';
const DAY_MS = 86_400_000;

describe('real-time memberships: windows that expire', () => {
  const app = useStrapi('segments_expiry', { SEGMENTS_SCHEDULER_ENABLED: 'false' });
  const memberships = () => app().strapi.plugin('segments').service('memberships');
  const ids: Record<string, string> = {};
  const track = (anonymousId: string, name: string, at: number) =>
    request(app().server)
      .post('/api/segments/events')
      .set('X-Segments-Anonymous-Id', anonymousId)
      .send({ events: [{ name, timestamp: new Date(at).toISOString() }] })
      .expect(202);
  const profileOf = async (anonymousId: string) =>
    Number((await app().knex(TABLES.profiles).where('anonymous_id', anonymousId).first()).id);
  const kinds = (transitions: Array<{ kind: string; segmentKey: string }>) =>
    transitions.map((t) => `${t.kind}:${t.segmentKey}`);

  beforeAll(async () => {
    for (const [key, rule] of [
      ['viewed-last-hour', { $event: { name: 'view', within: { hours: 1 } } }],
      ['bought-this-week', { $event: { name: 'purchase', within: { days: 7 } } }],
      ['recent-order', { $event: { name: 'order', last: { $within: { days: 30 } } } }],
    ] as const) {
      const doc = await app()
        .strapi.documents(SEGMENT_UID)
        .create({ data: { name: key, key, rule } as never });
      ids[key] = doc.documentId;
    }
    await app().strapi.plugin('segments').service('segments').recomputeAll();
  });

  it('leaves an hour window within a second or two of the moment its event turns one hour old', async () => {
    const viewedAt = Date.now() - 3_600_000 + 3_000;
    await track('anon-expiry-hour', 'view', viewedAt);
    expect(kinds(await memberships().drain())).toEqual(['enter:viewed-last-hour']);
    const profileId = await profileOf('anon-expiry-hour');

    expect(await memberships().sweepExpiries()).toBeGreaterThanOrEqual(1);
    const queued = await app().knex(TABLES.reevaluations).where('profile_id', profileId).first();
    expect(Number(queued.due_at)).toBe(viewedAt + 3_600_000);
    expect(await memberships().drain()).toEqual([]); // not due yet: nothing changes early

    const expiresAt = viewedAt + 3_600_000;
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAt - Date.now()) + 50));
    const transitions = await memberships().drain();
    expect(kinds(transitions)).toEqual(['exit:viewed-last-hour']);
    expect(transitions[0].at - expiresAt).toBeGreaterThanOrEqual(0);
    expect(transitions[0].at - expiresAt).toBeLessThan(60_000);
    // A recompute agrees.
    const corrections = (
      (await app().strapi.plugin('segments').service('segments').recomputeAll()) as Array<{
        entered: number;
        exited: number;
        deferred: number;
      }>
    ).filter((r) => r.entered || r.exited || r.deferred);
    expect(corrections).toEqual([]);
  });

  it('leaves a 7-day window at the UTC midnight that ends the 7th day', async () => {
    const nextMidnight = Math.ceil(Date.now() / DAY_MS) * DAY_MS;
    const sixDaysAgoNoon = nextMidnight - 7 * DAY_MS + 12 * 3_600_000;
    await track('anon-expiry-week', 'purchase', sixDaysAgoNoon);
    expect(kinds(await memberships().drain())).toEqual(['enter:bought-this-week']);
    const profileId = await profileOf('anon-expiry-week');

    await memberships().sweepExpiries(nextMidnight - 30_000);
    const queued = await app().knex(TABLES.reevaluations).where('profile_id', profileId).first();
    expect(Number(queued.due_at)).toBe(nextMidnight);
    expect(kinds(await memberships().drain(nextMidnight - 1))).toEqual([]);
    expect(kinds(await memberships().drain(nextMidnight))).toEqual(['exit:bought-this-week']);
  });

  it('leaves "last order within 30 days" by the second candidate midnight at the latest', async () => {
    const nextMidnight = Math.ceil(Date.now() / DAY_MS) * DAY_MS;
    const orderedAt = nextMidnight - 30 * DAY_MS + 12 * 3_600_000;
    await track('anon-expiry-order', 'order', orderedAt);
    expect(kinds(await memberships().drain())).toEqual(['enter:recent-order']);
    const profileId = await profileOf('anon-expiry-order');
    const exits: string[] = [];
    for (const midnight of [nextMidnight, nextMidnight + DAY_MS]) {
      await memberships().sweepExpiries(midnight - 30_000);
      exits.push(...kinds(await memberships().drain(midnight)));
    }
    expect(exits).toEqual(['exit:recent-order']);
    expect(
      await app()
        .knex(TABLES.memberships)
        .where({ segment_id: ids['recent-order'], profile_id: profileId })
        .first()
    ).toBeUndefined();
  });
});
