import request from 'supertest';
import { adminToken } from './helpers/admin';
import { useStrapiWithSmtpSink } from './helpers/smtp-sink';
import { TABLES } from '../../server/src/store/tables';

const SEGMENT_UID = 'plugin::segments.segment';
const T0 = Date.parse('2026-01-01T00:00:00Z');

/**
 * The composer's live preview (POST /segments/campaigns/render): unsaved content rendered for a
 * real profile by the send path's renderer, the same bytes as the saved preview and (tracking
 * aside) as the message a real send delivers to a real SMTP server; strict input, RBAC, no writes.
 */
describe('campaigns: live preview of unsaved content', () => {
  const { app, sink } = useStrapiWithSmtpSink('campaigns-render', {
    SEGMENTS_SCHEDULER_ENABLED: 'false',
    SEGMENTS_EMAIL_RATE: '1000',
  });
  let token = '';

  const admin = (method: 'get' | 'post', path: string, auth = token) =>
    request(app().server)[method](`/segments${path}`).set('Authorization', `Bearer ${auth}`);
  const render = (body: unknown, auth = token) => admin('post', '/campaigns/render', auth).send(body as object);

  // Content with every personalised part a send has: subject, preheader, escaped body, plain text.
  const content = {
    name: 'A',
    subject: 'Hallo {{ traits.first_name }} ({{ campaign.name }})',
    preheader: 'For {{ profile.email }}',
    html: '<html><body><p>Hi {{ traits.first_name }}, your plan is {{ traits.plan }}.</p><p>{{ traits.nickname }}</p></body></html>',
    text: 'Hi {{ traits.first_name }}, plan {{ traits.plan }}.',
  };

  beforeAll(async () => {
    token = await adminToken(app(), { superAdmin: true });
    await app()
      .knex(TABLES.profiles)
      .insert([
        {
          id: 7001,
          anonymous_id: 'anon-7001',
          email: 'greta@example.test',
          traits: JSON.stringify({ group: 'live', first_name: 'Gre<t>a', plan: 'pro' }),
          first_seen_at: T0,
          last_seen_at: T0,
          created_at: T0,
          updated_at: T0,
        },
      ]);
    await app()
      .strapi.documents(SEGMENT_UID)
      .create({ data: { name: 'live', key: 'live', rule: { group: 'live' } } as never });
  });

  it('renders the merge tags of unsaved content for a real profile', async () => {
    const res = await render({ variant: content, name: 'Spring sale', profileId: 7001 });
    expect(res.status).toBe(200);
    const data = res.body.data as { subject: string; html: string; text: string; missing: string[] };
    expect(data.subject).toBe('Hallo Gre<t>a (Spring sale)');
    expect(data.html).toContain('<p>Hi Gre&lt;t&gt;a, your plan is pro.</p>');
    expect(data.html).toContain('>For greta@example.test</div>');
    // The unsubscribe footer a send adds, with the preview URL (no delivery, no token).
    expect(data.html).toMatch(/<a href="http:\/\/[^"]+\/api\/segments\/t\/u\/preview">Unsubscribe<\/a><\/p><\/body>/);
    expect(data.html).not.toContain('/t/o/');
    expect(data.text).toBe('Hi Gre<t>a, plan pro.\n\nUnsubscribe: ' + /href="([^"]+)"/.exec(data.html)![1]);
    expect(data.missing).toEqual(['traits.nickname']);
  });

  it('renders without a profile and before the campaign exists (variables empty and listed)', async () => {
    const res = await render({ variant: { subject: 'Hi {{ traits.first_name }}!', html: '' } });
    expect(res.status).toBe(200);
    expect(res.body.data.subject).toBe('Hi !');
    expect(res.body.data.missing).toEqual(['traits.first_name']);
  });

  it('is byte-identical to the saved preview and, tracking aside, to what a real send delivers', async () => {
    const created = await admin('post', '/campaigns').send({
      data: { name: 'Spring sale', segmentKey: 'live', variants: [{ ...content, weight: 1 }] },
    });
    expect(created.status).toBe(200);
    const documentId = created.body.data.documentId as string;

    const live = await render({ variant: content, documentId, profileId: 7001 });
    expect(live.status).toBe(200);
    const saved = await admin('post', `/campaigns/${documentId}/preview`).send({ profileId: 7001 });
    expect(saved.status).toBe(200);
    expect(live.body.data).toEqual(saved.body.data);

    // {{ campaign.id }} is the document id once the draft names its campaign.
    const id = await render({ variant: { subject: '{{ campaign.id }}', html: '' }, documentId });
    expect(id.body.data.subject).toBe(documentId);

    // The real send path: schedule, plan, dispatch to the SMTP server.
    expect((await admin('post', `/campaigns/${documentId}/schedule`)).status).toBe(200);
    const service = app().strapi.plugin('segments').service('campaigns');
    expect(await service.plan(Date.now() + 1000)).toMatchObject({ created: 1, materialised: 1 });
    expect(await service.dispatch(Date.now() + 1000)).toMatchObject({ sent: 1 });
    await sink.waitFor(1);
    const mail = sink.received.find((m) => m.to.includes('greta@example.test'))!.mail;
    expect(mail.subject).toBe(live.body.data.subject);
    // What differs is per delivery: the signed unsubscribe URL and the open pixel.
    const sentHtml = String(mail.html);
    const unsubscribe = /<a href="([^"]+\/t\/u\/[^"]+)">Unsubscribe<\/a>/.exec(sentHtml)![1];
    const previewUnsubscribe = /<a href="([^"]+\/t\/u\/preview)">/.exec(live.body.data.html)![1];
    const normalised = sentHtml
      .replace(unsubscribe, previewUnsubscribe)
      .replace(/<img src="[^"]+\/t\/o\/[^"]+\.gif"[^>]*>/, '');
    expect(normalised).toBe(live.body.data.html);
    expect(String(mail.text).replace(unsubscribe, previewUnsubscribe).trim()).toBe(live.body.data.text);
  });

  it('answers 400 with the field path for a Liquid failure at render time', async () => {
    const res = await render({ variant: { subject: 'ok', html: '{% for i in (1..100000000) %}x{% endfor %}' } });
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors).toEqual([{ path: 'variant.html', message: expect.stringMatching(/^Liquid: .*memory/) }]);
    // Templates cannot include server files.
    const include = await render({ variant: { subject: '{% include "package.json" %}', html: '' } });
    expect(include.status).toBe(400);
    expect(include.body.error.details.errors[0].path).toBe('variant.subject');
    expect(JSON.stringify(include.body)).not.toContain('strapi-plugin-segments');
  });

  it('the saved preview also answers 400 naming the variant field for a render-time failure', async () => {
    // A template that parses (so the save accepts it) but exceeds the render memory limit.
    const created = await admin('post', '/campaigns').send({
      data: {
        name: 'Heavy',
        segmentKey: 'live',
        variants: [{ name: 'A', subject: 's', html: '<p>{% for i in (1..100000000) %}x{% endfor %}</p>' }],
      },
    });
    expect(created.status).toBe(200);
    const res = await admin('post', `/campaigns/${created.body.data.documentId}/preview`).send({});
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors.map((e: { path: string }) => e.path)).toEqual(['variants.0.html']);
  });

  it('refuses to save a template that loads other templates, naming the variant field', async () => {
    const res = await admin('post', '/campaigns').send({
      data: { name: 'Include', segmentKey: 'live', variants: [{ name: 'A', subject: 's', html: '<p>{% include "package.json" %}</p>' }] },
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.error.details.errors)).toMatch(/variants\.0\.html.*include %\} is not supported/);
    expect(JSON.stringify(res.body)).not.toContain('strapi-plugin-segments');
  });

  const badInputs: Array<[string, number, string, unknown]> = [
    ['no variant', 400, 'variant', {}],
    ['subject missing', 400, 'variant.subject', { variant: { html: '<p>x</p>' } }],
    ['subject over 500 characters', 400, 'variant.subject', { variant: { subject: 'x'.repeat(501), html: '' } }],
    ['body over 500 000 characters', 400, 'variant.html', { variant: { subject: 's', html: 'x'.repeat(500_001) } }],
    ['broken Liquid in the body', 400, 'variant.html', { variant: { subject: 's', html: '<p>{% if %}</p>' } }],
    ['broken Liquid in the subject', 400, 'variant.subject', { variant: { subject: '{{ traits.x', html: '' } }],
    ['an unknown variant field', 400, 'variant.body', { variant: { subject: 's', html: '', body: 'x' } }],
    ['an unknown field', 400, 'segment', { variant: { subject: 's', html: '' }, segment: 'x' }],
    ['a profile id that is not a number', 400, 'profileId', { variant: { subject: 's', html: '' }, profileId: 'x' }],
    ['an unknown profile', 404, 'profileId', { variant: { subject: 's', html: '' }, profileId: 999_999 }],
    ['an unknown campaign', 404, 'documentId', { variant: { subject: 's', html: '' }, documentId: 'nope' }],
  ];
  it.each(badInputs)('%s → %i naming %s', async (_label, status, field, body) => {
    const res = await render(body);
    expect(res.status).toBe(status);
    expect(res.body.error.details.errors.map((e: { path: string }) => e.path)).toContain(field);
  });

  it('needs the campaign-manage permission', async () => {
    const body = { variant: { subject: 'Hi {{ traits.first_name }}', html: '' }, profileId: 7001 };
    const reader = await adminToken(app(), { actions: ['plugin::segments.read'] });
    const sender = await adminToken(app(), { actions: ['plugin::segments.read', 'plugin::segments.campaigns.send'] });
    const manager = await adminToken(app(), { actions: ['plugin::segments.campaigns.manage'] });
    expect((await render(body, reader)).status).toBe(403);
    expect((await render(body, sender)).status).toBe(403);
    const ok = await render(body, manager);
    expect(ok.status).toBe(200);
    expect(ok.body.data.subject).toBe('Hi Gre<t>a');
    expect((await request(app().server).post('/segments/campaigns/render').send(body)).status).toBe(401);
  });

  it('writes nothing', async () => {
    const tables = [TABLES.profiles, TABLES.events, TABLES.deliveries, TABLES.campaignRuns, 'segments_campaigns'];
    const counts = async () =>
      Promise.all(tables.map(async (t) => Number(((await app().knex(t).count({ n: '*' }).first()) as { n: number | string }).n)));
    const profile = async () => app().knex(TABLES.profiles).where('id', 7001).first();
    const before = { counts: await counts(), profile: await profile() };
    for (const body of [
      { variant: content, profileId: 7001 },
      { variant: { subject: '{{ x', html: '' }, profileId: 7001 },
      { variant: content, profileId: 999_999 },
    ]) {
      await render(body);
    }
    expect({ counts: await counts(), profile: await profile() }).toEqual(before);
  });
});
