import request from 'supertest';
import { adminToken } from './helpers/admin';
import { useStrapiWithSmtpSink } from './helpers/smtp-sink';
import { TABLES } from '../../server/src/store/tables';

/**
 * Issue 22: a stored entry written by the real-time loop feeds `segmentEntry` campaigns within
 * seconds. The planner's own schedule is set to once a year here, so the only way the mail can
 * go out is the entry starting a planner pass; it must go out once.
 */
const SEGMENT_UID = 'plugin::segments.segment';

describe('segmentEntry campaigns from real-time entries (real SMTP, running loop)', () => {
  const { app, sink } = useStrapiWithSmtpSink('campaign-entry-realtime', {
    SEGMENTS_SCHEDULER_ENABLED: 'true',
    SEGMENTS_PLANNER_CRON: '0 0 1 1 *',
    SEGMENTS_DISPATCH_INTERVAL_MS: '200',
  });
  let token = '';
  const admin = (method: 'post' | 'get', path: string) =>
    request(app().server)[method](`/segments${path}`).set('Authorization', `Bearer ${token}`);
  const purchase = (anonymousId: string) =>
    request(app().server)
      .post('/api/segments/events')
      .set('X-Segments-Anonymous-Id', anonymousId)
      .send({ events: [{ name: 'purchase' }] })
      .expect(202);

  beforeAll(async () => {
    token = await adminToken(app(), { superAdmin: true });
    await app()
      .strapi.documents(SEGMENT_UID)
      .create({
        data: {
          name: 'Repeat buyers',
          key: 'repeat-buyers',
          rule: { $event: { name: 'purchase', count: { $gte: 2 } } },
        } as never,
      });
    await app().strapi.plugin('segments').service('segments').recomputeAll(); // the baseline
    const created = await admin('post', '/campaigns').send({
      data: {
        name: 'Thanks for coming back',
        segmentKey: 'repeat-buyers',
        scheduleType: 'triggered',
        trigger: { segmentEntry: 'repeat-buyers' },
        variants: [{ name: 'A', subject: 'Thank you', html: '<p>Thank you for your orders</p>' }],
      },
    });
    expect(created.status).toBe(200);
    const id = created.body.data.documentId as string;
    expect((await admin('post', `/campaigns/${id}/schedule`)).status).toBe(200);
    // A triggered campaign goes live on the planner's first pass (by hand: the cron is yearly).
    await app().strapi.plugin('segments').service('campaigns').plan();
  });

  it('mails a profile once, seconds after its second purchase enters it', async () => {
    const now = Date.now();
    await app().knex(TABLES.profiles).insert({
      anonymous_id: 'anon-entry-mail',
      email: 'returning@example.test',
      first_seen_at: now,
      last_seen_at: now,
      created_at: now,
      updated_at: now,
    });
    await purchase('anon-entry-mail');
    await new Promise((r) => setTimeout(r, 1500));
    expect(sink.received).toHaveLength(0); // one purchase: not a member

    await purchase('anon-entry-mail');
    await sink.waitFor(1, 15_000);
    expect(sink.received[0].to).toEqual(['returning@example.test']);
    expect(sink.received[0].mail.subject).toBe('Thank you');

    // More purchases keep it a member: no new entry, no second mail.
    await purchase('anon-entry-mail');
    await new Promise((r) => setTimeout(r, 2000));
    expect(sink.received).toHaveLength(1);
    const enters = await app()
      .knex(TABLES.membershipTransitions)
      .where({ kind: 'enter' })
      .count({ n: '*' })
      .first();
    expect(Number(enters?.n)).toBe(1);
  });
});
