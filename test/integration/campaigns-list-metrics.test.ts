import request from 'supertest';
import { adminToken } from './helpers/admin';
import { useStrapiWithSmtpSink } from './helpers/smtp-sink';
import { TABLES } from '../../server/src/store/tables';

const T0 = Date.parse('2026-01-01T00:00:00Z');

/**
 * GET /campaigns returns key metrics per row for the admin list: delivery counts by status and
 * unique opens / clicks, counted from a real send (planner, dispatcher, SMTP sink, tracking URLs).
 */
describe('campaign list metrics', () => {
  const { app, sink } = useStrapiWithSmtpSink('campaigns-list-metrics', {
    SEGMENTS_SCHEDULER_ENABLED: 'false',
    SEGMENTS_EMAIL_RATE: '1000',
  });
  const service = () => app().strapi.plugin('segments').service('campaigns');
  let token = '';
  const admin = (method: 'get' | 'post', path: string) =>
    request(app().server)[method](`/segments${path}`).set('Authorization', `Bearer ${token}`);
  const pathIn = (html: string, pattern: RegExp) => {
    const m = pattern.exec(html);
    if (!m) throw new Error(`no link ${pattern} in ${html}`);
    return new URL(m[1].replace(/&amp;/g, '&')).pathname;
  };

  beforeAll(async () => {
    token = await adminToken(app(), { superAdmin: true });
    await app()
      .knex(TABLES.profiles)
      .insert(
        [1, 2, 3, 4, 5].map((id) => ({
          id,
          anonymous_id: `anon-${id}`,
          email: `m${id}@example.test`,
          traits: JSON.stringify({ group: 'metrics' }),
          first_seen_at: T0,
          last_seen_at: T0,
          created_at: T0,
          updated_at: T0,
        }))
      );
    await app()
      .strapi.documents('plugin::segments.segment')
      .create({ data: { name: 'metrics', key: 'metrics', rule: { group: 'metrics' } } as never });
  });

  it('counts recipients, sent, failed, unique opens and unique clicks per campaign', async () => {
    const variant = {
      name: 'A',
      subject: 'Hello',
      html: '<p>Hi</p><a href="https://shop.example/a">A</a> <a href="https://shop.example/b">B</a>',
    };
    const create = async (name: string) => {
      const res = await admin('post', '/campaigns').send({ data: { name, segmentKey: 'metrics', variants: [variant] } });
      expect(res.status).toBe(200);
      return res.body.data.documentId as string;
    };
    const sentId = await create('Sent one');
    const draftId = await create('Draft one');
    sink.failRecipient('m5@example.test', 550);
    expect((await admin('post', `/campaigns/${sentId}/schedule`)).status).toBe(200);
    const now = Date.now() + 1000;
    await service().plan(now);
    expect(await service().dispatch(now)).toMatchObject({ claimed: 5, sent: 4, failed: 1 });
    await sink.waitFor(4);

    const html = (to: string) => String(sink.received.find((m) => m.to.includes(to))!.mail.html);
    const get = (path: string) => request(app().server).get(path).redirects(0);
    // m1 opens twice (one unique open) and clicks both links (one unique click); m2 opens;
    // m3 only clicks (a click without the pixel loading); m4 does nothing.
    const pixel1 = pathIn(html('m1@example.test'), /<img src="([^"]+)"/);
    await get(pixel1);
    await get(pixel1);
    await get(pathIn(html('m1@example.test'), /href="([^"]+\/t\/c\/[^"]+)">A</));
    await get(pathIn(html('m1@example.test'), /href="([^"]+\/t\/c\/[^"]+)">B</));
    await get(pathIn(html('m2@example.test'), /<img src="([^"]+)"/));
    await get(pathIn(html('m3@example.test'), /href="([^"]+\/t\/c\/[^"]+)">A</));
    // Sanity: the tracking events exist, so the counts below are not zeros by accident.
    const [{ n: clickEvents }] = await app().knex(TABLES.events).where('name', 'email_clicked').count({ n: '*' });
    expect(Number(clickEvents)).toBe(3);

    const res = await admin('get', '/campaigns');
    expect(res.status).toBe(200);
    const byId = new Map((res.body.data as Array<{ documentId: string; metrics: unknown }>).map((r) => [r.documentId, r.metrics]));
    expect(byId.get(sentId)).toEqual({ recipients: 5, sent: 4, failed: 1, holdout: 0, opened: 2, clicked: 2 });
    expect(byId.get(draftId)).toEqual({ recipients: 0, sent: 0, failed: 0, holdout: 0, opened: 0, clicked: 0 });
  });
});
