import request from 'supertest';
import { useStrapi } from '../helpers/strapi';
import { adminToken } from '../helpers/admin';
import { TABLES } from '../../../server/src/store/tables';

/**
 * Activity metrics in a configured reporting time zone (issue 4 item 7): a visitor active at
 * 02:00 UTC on 10 March is active on 9 March in New York, and counts there. Rollups (which the
 * rule language reads) stay on UTC days.
 */
describe('activity metrics in the reporting time zone', () => {
  const app = useStrapi('activity_tz', { SEGMENTS_REPORTING_TIME_ZONE: 'America/New_York' });

  it('records activity days on the reporting zone calendar and reports DAU in it', async () => {
    const march10at0200Utc = Date.UTC(2026, 2, 10, 2, 0, 0);
    const march10at1500Utc = Date.UTC(2026, 2, 10, 15, 0, 0);
    // History older than the raw-event retention goes through the import service.
    const csv = [
      'anonymousId,name,timestamp',
      `tz-visitor-one,page_view,${march10at0200Utc}`,
      `tz-visitor-two,page_view,${march10at1500Utc}`,
    ].join('\n');
    const { Readable } = await import('stream');
    const report = await app().strapi.plugin('segments').service('importer').importStream(Readable.from([csv]), 'csv');
    expect(report.accepted).toBe(2);

    const { knex } = app();
    const days = await knex(TABLES.activityDays)
      .join(TABLES.profiles, `${TABLES.profiles}.id`, `${TABLES.activityDays}.profile_id`)
      .select('anonymous_id', 'day')
      .orderBy('anonymous_id');
    expect(days).toEqual([
      { anonymous_id: 'tz-visitor-one', day: '2026-03-09' },
      { anonymous_id: 'tz-visitor-two', day: '2026-03-10' },
    ]);
    // The rule language's rollups keep UTC days: both events fall on 10 March there.
    expect((await knex(TABLES.rollups).distinct('day')).map((r: { day: string }) => r.day)).toEqual(['2026-03-10']);

    const token = await adminToken(app(), { actions: ['plugin::segments.read'] });
    const res = await request(app().server)
      .get('/segments/activity')
      .query({ from: '2026-03-09', to: '2026-03-10' })
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    expect(res.body.data.timeZone).toBe('America/New_York');
    expect(res.body.data.days.map((d: { day: string; dau: number; wau: number }) => [d.day, d.dau, d.wau])).toEqual([
      ['2026-03-09', 1, 1],
      ['2026-03-10', 1, 2],
    ]);
  });
});
