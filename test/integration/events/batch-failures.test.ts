import request from 'supertest';
import { isPostgres, useStrapi } from '../helpers/strapi';
import { tableCounts } from '../helpers/identity';
import { TABLES } from '../../../server/src/store/tables';

/**
 * Issue 21.3 and 21.5: an ingestion batch is all or nothing (a batch that fails in the database
 * leaves no profile, event, rollup or activity day behind), and a batch in which every event is
 * rejected is a 400 that still carries the per-event report.
 */
describe('events: failed and fully rejected batches', () => {
  const app = useStrapi('events_batch_failures', { SEGMENTS_SCHEDULER_ENABLED: 'false' });
  const post = (body: object, anonymousId: string) =>
    request(app().server)
      .post('/api/segments/events')
      .set('X-Segments-Anonymous-Id', anonymousId)
      .send(body);

  describe('a batch the database refuses half-way', () => {
    // A real constraint on the events table refuses one row of the batch ("poison"): the insert
    // fails after the first-time visitor's profile was created.
    beforeAll(async () => {
      const { knex } = app();
      if (isPostgres()) {
        await knex.raw(
          `alter table ${TABLES.events} add constraint test_no_poison check (name <> 'poison')`
        );
      } else {
        await knex.raw(
          `create trigger test_no_poison before insert on ${TABLES.events} when new.name = 'poison'
           begin select raise(abort, 'poison refused'); end`
        );
      }
    });
    afterAll(async () => {
      const { knex } = app();
      if (isPostgres())
        await knex.raw(`alter table ${TABLES.events} drop constraint test_no_poison`);
      else await knex.raw('drop trigger test_no_poison');
    });

    it('leaves no trace of a first-time visitor: no profile, events, rollups or activity', async () => {
      const before = await tableCounts(app());
      const res = await post(
        {
          events: [
            { name: 'page_view' },
            { name: 'purchase', properties: { value: 30 } },
            { name: 'poison' },
          ],
        },
        'anon-poisoned-batch'
      );
      expect(res.status).toBe(500);
      expect(
        await app().knex(TABLES.profiles).where('anonymous_id', 'anon-poisoned-batch').first()
      ).toBeUndefined();
      expect(await tableCounts(app())).toEqual(before);
    });

    it('leaves a known visitor as it was', async () => {
      await post({ events: [{ name: 'page_view' }] }, 'anon-known-visitor').expect(202);
      const profile = await app()
        .knex(TABLES.profiles)
        .where('anonymous_id', 'anon-known-visitor')
        .first();
      const before = await tableCounts(app());
      await post({ events: [{ name: 'signup' }, { name: 'poison' }] }, 'anon-known-visitor').expect(
        500
      );
      expect(await tableCounts(app())).toEqual(before);
      expect(await app().knex(TABLES.profiles).where('id', profile.id).first()).toEqual(profile);
      // The next good batch goes through.
      await post({ events: [{ name: 'signup' }] }, 'anon-known-visitor').expect(202);
      expect(await app().knex(TABLES.events).where('profile_id', profile.id).pluck('name')).toEqual(
        expect.arrayContaining(['page_view', 'signup'])
      );
    });
  });

  describe('a batch with nothing accepted', () => {
    it('answers 400 with the per-event report and Strapi’s error, and writes nothing', async () => {
      const before = await tableCounts(app());
      const res = await post(
        { events: [{ name: '1-not-a-name' }, { name: 'ok', timestamp: '2999-01-01T00:00:00Z' }] },
        'anon-all-rejected'
      );
      expect(res.status).toBe(400);
      expect(res.body.accepted).toBe(0);
      expect(res.body.duplicates).toBe(0);
      expect(
        res.body.rejected.map((r: { index: number; errors: { path: string }[] }) => [
          r.index,
          r.errors[0].path,
        ])
      ).toEqual([
        [0, 'events[0].name'],
        [1, 'events[1].timestamp'],
      ]);
      expect(res.body.error).toMatchObject({ status: 400, name: 'ValidationError' });
      expect(res.body.error.message).toContain('events[0].name');
      expect(res.body.error.details.errors.map((e: { path: string }) => e.path)).toEqual([
        'events[0].name',
        'events[1].timestamp',
      ]);
      expect(await tableCounts(app())).toEqual(before);
      expect(
        await app().knex(TABLES.profiles).where('anonymous_id', 'anon-all-rejected').first()
      ).toBeUndefined();
    });

    it('still answers 202 when one event of the batch is accepted', async () => {
      const res = await post(
        { events: [{ name: '1-not-a-name' }, { name: 'fine' }] },
        'anon-some-rejected'
      );
      expect(res.status).toBe(202);
      expect(res.body).toMatchObject({ accepted: 1, duplicates: 0 });
      expect(res.body.rejected).toHaveLength(1);
    });

    it('answers 202 for a batch of duplicates only (accepted, nothing new to store)', async () => {
      const batch = { events: [{ name: 'once', messageId: 'msg-dup-only-1' }] };
      await post(batch, 'anon-duplicates-only').expect(202);
      const again = await post(batch, 'anon-duplicates-only').expect(202);
      expect(again.body).toMatchObject({ accepted: 1, duplicates: 1, rejected: [] });
    });
  });
});
