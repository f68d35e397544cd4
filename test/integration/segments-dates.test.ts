import request from 'supertest';
import { useStrapi } from './helpers/strapi';
import { apiToken } from './helpers/identity';
import { TABLES } from '../../server/src/store/tables';

/**
 * Issue 22 (a relative date passing): `$date` olderThan/newerThan answers flip with no new event
 * at `value + duration`. Last seen is swept from its column; a trait's date from the moments a
 * pass stored, or — for traits written before the segment existed — the backfill. The tests
 * sweep and evaluate at chosen instants (the rules' clock), then check a recompute agrees.
 */
const SEGMENT_UID = 'plugin::segments.segment';
const HOUR = 3_600_000;

describe('real-time memberships: relative dates that pass', () => {
  const app = useStrapi('segments_dates', { SEGMENTS_SCHEDULER_ENABLED: 'false' });
  const memberships = () => app().strapi.plugin('segments').service('memberships');
  const segments = () => app().strapi.plugin('segments').service('segments');
  let token = '';
  const identify = (anonymousId: string, traits: object) =>
    request(app().server)
      .post('/api/segments/identify')
      .set('Authorization', `Bearer ${token}`)
      .send({ anonymousId, traits })
      .expect(200);
  const profileOf = async (anonymousId: string) =>
    Number((await app().knex(TABLES.profiles).where('anonymous_id', anonymousId).first()).id);
  const only = (key: string, transitions: Array<{ kind: string; segmentKey: string }>) =>
    transitions.filter((t) => t.segmentKey === key).map((t) => `${t.kind}:${t.segmentKey}`);
  const dueAt = async (profileId: number) =>
    Number((await app().knex(TABLES.reevaluations).where('profile_id', profileId).first()).due_at);
  /** A recompute at `now` corrects nothing (of `key` only, when given: others were not swept). */
  const agree = async (now: number, key?: string) => {
    for (const r of ((await segments().recomputeAll(new Date(now))) ?? []).filter(
      (r: { key: string }) => key === undefined || r.key === key
    ))
      expect({ key: r.key, entered: r.entered, exited: r.exited }).toEqual({
        key: r.key,
        entered: 0,
        exited: 0,
      });
  };

  const start = Date.now();
  /** A birthday 8 local days from today in `zone`, and the instant its 7-day window opens. */
  const birthdayIn = (zone: string, offsetHours: number) => {
    const [y, m, d] = new Intl.DateTimeFormat('en-CA', { timeZone: zone })
      .format(new Date(start))
      .split('-')
      .map(Number);
    const date = new Date(Date.UTC(y, m - 1, d + 8));
    return {
      birthday: `2000-${date.toISOString().slice(5, 10)}`,
      opensAt: Date.UTC(y, m - 1, d + 1) - offsetHours * HOUR,
    };
  };
  const tokyo = birthdayIn('Asia/Tokyo', 9);
  const kolkata = birthdayIn('Asia/Kolkata', 5.5);
  const earlyTrial = start - HOUR + 60_000; // written before the segment exists: the backfill
  const lateTrial = start - HOUR + 90_000; // written after: the pass stores its moment

  beforeAll(async () => {
    token = await apiToken(app());
    await identify('anon-dates-early', { trialStartedAt: new Date(earlyTrial).toISOString() });
    await identify('anon-dates-tokyo', { birthday: tokyo.birthday, timezone: 'Asia/Tokyo' });
    for (const [key, rule] of [
      ['trial-over', { $date: { attribute: 'trialStartedAt', olderThan: { hours: 1 } } }],
      ['seen-last-hour', { $date: { attribute: 'lastSeenAt', newerThan: { hours: 1 } } }],
      ['birthday-week', { $date: { attribute: 'birthday', anniversaryWithin: { days: 7 } } }],
    ] as const) {
      await app()
        .strapi.documents(SEGMENT_UID)
        .create({ data: { name: key, key, rule } as never });
    }
    await segments().recomputeAll();
    await memberships().drain();
  });

  it('a trait date enters the segment at value + duration, whether written before or after the segment', async () => {
    await identify('anon-dates-late', { trialStartedAt: lateTrial });
    expect(only('trial-over', await memberships().drain())).toEqual([]);
    const early = await profileOf('anon-dates-early');
    const late = await profileOf('anon-dates-late');

    expect(await memberships().sweepExpiries(start)).toBeGreaterThanOrEqual(2);
    expect(await dueAt(early)).toBe(earlyTrial + HOUR + 1);
    expect(await dueAt(late)).toBe(lateTrial + HOUR + 1);

    expect(only('trial-over', await memberships().drain(earlyTrial + HOUR))).toEqual([]);
    const entered = await memberships().drain(earlyTrial + HOUR + 1);
    expect(only('trial-over', entered)).toEqual(['enter:trial-over']);
    expect(
      entered.find((t: { segmentKey: string }) => t.segmentKey === 'trial-over').profileId
    ).toBe(early);
    expect(only('trial-over', await memberships().drain(lateTrial + HOUR + 1))).toEqual([
      'enter:trial-over',
    ]);
    await agree(lateTrial + HOUR + 1);
  });

  it('a segment archived and re-activated has its trait dates backfilled again', async () => {
    const segment = await app()
      .strapi.db.query(SEGMENT_UID)
      .findOne({ where: { key: 'trial-over' } });
    const setState = (state: string) =>
      app()
        .strapi.documents(SEGMENT_UID)
        .update({ documentId: segment.documentId, data: { state } as never });
    await setState('archived');
    const trial = start - HOUR + 110_000;
    await identify('anon-dates-archived', { trialStartedAt: trial });
    await memberships().drain();
    await memberships().sweepExpiries(start); // forgets the clause: no segment reads it now
    const id = await profileOf('anon-dates-archived');
    expect(await app().knex(TABLES.dateMoments).where('profile_id', id).first()).toBeUndefined();
    await setState('active');
    await memberships().sweepExpiries(start);
    expect(await dueAt(id)).toBe(trial + HOUR + 1);
  });

  it('a changed trait date replaces the stored moment', async () => {
    const moved = start - HOUR + 100_000;
    await identify('anon-dates-moved', { trialStartedAt: start });
    await identify('anon-dates-moved', { trialStartedAt: moved });
    await memberships().drain();
    const id = await profileOf('anon-dates-moved');
    const stored = await app().knex(TABLES.dateMoments).where('profile_id', id).select('at');
    expect(stored.map((r: { at: number | string }) => Number(r.at))).toEqual([moved + HOUR + 1]);
  });

  it('last seen leaves a newerThan segment an hour after the last event, with no new event', async () => {
    const seenAt = start - HOUR + 30_000;
    await request(app().server)
      .post('/api/segments/events')
      .set('X-Segments-Anonymous-Id', 'anon-dates-seen')
      .send({ events: [{ name: 'view', timestamp: new Date(seenAt).toISOString() }] })
      .expect(202);
    expect(only('seen-last-hour', await memberships().drain())).toEqual(['enter:seen-last-hour']);
    const id = await profileOf('anon-dates-seen');
    expect(await memberships().sweepExpiries(start)).toBeGreaterThanOrEqual(1);
    expect(await dueAt(id)).toBe(seenAt + HOUR + 1);
    const exits = await memberships().drain(seenAt + HOUR + 1);
    expect(
      exits
        .filter((t: { profileId: number }) => t.profileId === id)
        .map((t: { kind: string; segmentKey: string }) => `${t.kind}:${t.segmentKey}`)
    ).toEqual(['exit:seen-last-hour']);
  });

  it('an anniversary window opens at the local midnight that starts it, in the profile’s zone', async () => {
    await identify('anon-dates-kolkata', { birthday: kolkata.birthday, timezone: 'Asia/Kolkata' });
    expect(only('birthday-week', await memberships().drain())).toEqual([]);
    const ids = {
      tokyo: await profileOf('anon-dates-tokyo'), // written before the segment: the backfill
      kolkata: await profileOf('anon-dates-kolkata'), // after: the pass
    };
    // Earliest window first: when Tokyo's date is already a day ahead of Kolkata's (after 15:00
    // UTC), Kolkata's window opens first, and a recompute at Tokyo's moment must find it done.
    const windows = (
      [
        ['tokyo', tokyo],
        ['kolkata', kolkata],
      ] as const
    )
      .slice()
      .sort((a, b) => a[1].opensAt - b[1].opensAt);
    for (const [who, { opensAt }] of windows) {
      await memberships().sweepExpiries(opensAt - 60_000);
      expect(await dueAt(ids[who])).toBe(opensAt);
      expect(only('birthday-week', await memberships().drain(opensAt - 1))).toEqual([]);
      const entered = await memberships().drain(opensAt);
      expect(only('birthday-week', entered)).toEqual(['enter:birthday-week']);
      await agree(opensAt, 'birthday-week');
    }
  });
});
