import { Readable } from 'stream';
import request from 'supertest';
import { useStrapi } from '../helpers/strapi';
import { adminToken } from '../helpers/admin';
import { TABLES } from '../../../server/src/store/tables';
import { analyzeConversionExperiment } from '../../../server/src/experiments/statistics';

/**
 * Analytics admin APIs (issue 9) over generated data whose answers are known by construction:
 * a retention cohort and activity series (checked against brute-force counts here), top events,
 * and a campaign funnel with last-touch conversions.
 */
const DAY = 86_400_000;
const SEGMENT_UID = 'plugin::segments.segment';
const ANALYTICS = 'plugin::segments.analytics.read';

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const ms = (day: string) => Date.parse(`${day}T00:00:00Z`);
const plus = (day: string, n: number) => dayOf(ms(day) + n * DAY);
/** Monday of the UTC week (written independently of the server's weekStart). */
const monday = (day: string) => plus(day, -((new Date(ms(day)).getUTCDay() + 6) % 7));

describe('analytics admin API', () => {
  const app = useStrapi('analytics');
  let token = '';
  const get = (path: string, query: Record<string, string | number> = {}, auth = token) =>
    request(app().server)
      .get(`/segments${path}`)
      .query(query)
      .set('Authorization', `Bearer ${auth}`);

  beforeAll(async () => {
    token = await adminToken(app(), { actions: [ANALYTICS] });
  });

  describe('activity, retention and top events', () => {
    const today = dayOf(Date.now());
    const w3 = monday(today);
    const w0 = plus(w3, -21);
    // (visitor, day, event, value): cohort A starts in week 0, cohort B in week 1.
    const log: [string, string, string, number | null][] = [];
    const active = (
      users: string[],
      day: string,
      event = 'page_view',
      value: number | null = null
    ) => users.forEach((u) => log.push([u, day, event, value]));
    const a = Array.from({ length: 10 }, (_, i) => `visitor-a${i}`);
    const b = Array.from({ length: 5 }, (_, i) => `visitor-b${i}`);
    active(a, w0);
    active(a.slice(0, 1), plus(w0, 1)); // a second day in the same week counts once in retention
    active(a.slice(0, 6), plus(w0, 7));
    active(a.slice(0, 4), plus(w0, 14));
    active(a.slice(0, 2), w3);
    active(b, plus(w0, 9));
    active(b.slice(0, 3), plus(w0, 16));
    active(a.slice(0, 1), w0, 'purchase', 10);
    active(b.slice(0, 1), plus(w0, 16), 'purchase', 25.5);
    active(b.slice(0, 1), plus(w0, 16), 'purchase', 4.5);

    const ingest = async (rows: typeof log) => {
      const csv = [
        'anonymousId,name,timestamp,value',
        ...rows.map(
          ([u, day, event, value], i) =>
            `${u},${event},${new Date(ms(day) + 1000 + i).toISOString()},${value ?? ''}`
        ),
      ].join('\n');
      const report = await app()
        .strapi.plugin('segments')
        .service('importer')
        .importStream(Readable.from([csv]), 'csv');
      expect(report.rejected).toEqual([]);
    };

    /** DAU/WAU/MAU/new users by brute force over the log. */
    const expectedActivity = (from: string, to: string) => {
      const days = new Map<string, Set<string>>();
      const first = new Map<string, string>();
      for (const [u, day] of log) {
        days.set(day, (days.get(day) ?? new Set()).add(u));
        if (!first.has(u) || day < (first.get(u) as string)) first.set(u, day);
      }
      const within = (day: string, span: number) => {
        const users = new Set<string>();
        for (let k = 0; k < span; k++) days.get(plus(day, -k))?.forEach((u) => users.add(u));
        return users.size;
      };
      const out = [];
      for (let d = from; d <= to; d = plus(d, 1)) {
        const dau = days.get(d)?.size ?? 0;
        const mau = within(d, 30);
        const newUsers = [...first.values()].filter((f) => f === d).length;
        out.push({
          day: d,
          dau,
          wau: within(d, 7),
          mau,
          stickiness: mau ? dau / mau : 0,
          newUsers,
          returningUsers: dau - newUsers,
        });
      }
      return out;
    };

    const expectedRetention = (weeks: number) => {
      const first = new Map<string, string>();
      const activeWeeks = new Map<string, Set<string>>();
      for (const [u, day] of log) {
        if (!first.has(u) || day < (first.get(u) as string)) first.set(u, day);
        activeWeeks.set(u, (activeWeeks.get(u) ?? new Set()).add(monday(day)));
      }
      const cohorts = [];
      for (let c = plus(w3, -7 * (weeks - 1)); c <= w3; c = plus(c, 7)) {
        const members = [...first].filter(([, f]) => monday(f) === c).map(([u]) => u);
        const act = [];
        for (let w = c; w <= w3; w = plus(w, 7))
          act.push(members.filter((u) => activeWeeks.get(u)?.has(w)).length);
        cohorts.push({
          cohort: c,
          users: members.length,
          active: act,
          rates: act.map((n) => (members.length ? n / members.length : 0)),
        });
      }
      return cohorts;
    };

    it('answers from the pre-aggregates, kept fresh from ingestion (incremental path)', async () => {
      // Build once on the empty database, so the ingestion below goes through the incremental refresh.
      await app().strapi.plugin('segments').service('analytics').rebuild();
      await ingest(log.slice(0, 20));
      await ingest(log.slice(20));

      const from = plus(w0, -3);
      const res = await get('/analytics/activity', { from, to: today }).expect(200);
      expect(res.body.data.timeZone).toBe('UTC');
      expect(res.body.data.days).toEqual(expectedActivity(from, today));
      // Sanity on the construction: 10 new users on week 0's Monday, 5 on week 1's Wednesday.
      expect(res.body.data.days.find((d: { day: string }) => d.day === w0).newUsers).toBe(10);

      const retention = await get('/analytics/retention', { weeks: 4 }).expect(200);
      expect(retention.body.data.cohorts).toEqual(expectedRetention(4));
      expect(retention.body.data.cohorts[0]).toMatchObject({
        cohort: w0,
        users: 10,
        active: [10, 6, 4, 2],
      });
      expect(retention.body.data.cohorts[1]).toMatchObject({
        cohort: plus(w0, 7),
        users: 5,
        active: [5, 3, 0],
      });

      const top = await get('/analytics/top-events', { from: w0, to: today, limit: 5 }).expect(200);
      const views = log.filter((l) => l[2] === 'page_view').length;
      expect(top.body.data.total).toBe(log.length);
      expect(top.body.data.events).toEqual([
        {
          event: 'page_view',
          count: views,
          valueSum: 0,
          userDays: views,
          share: views / log.length,
        },
        { event: 'purchase', count: 3, valueSum: 40, userDays: 2, share: 3 / log.length },
      ]);
      const one = await get('/analytics/top-events', { from: w0, to: today, limit: 1 }).expect(200);
      expect(one.body.data.events.map((e: { event: string }) => e.event)).toEqual(['page_view']);
    });

    it('a full rebuild gives the same answers, and late history moves a visitor to an earlier cohort', async () => {
      const before = (
        await get('/analytics/activity', { from: plus(w0, -3), to: today }).expect(200)
      ).body.data.days;
      const rebuilt = await request(app().server)
        .post('/segments/analytics/rebuild')
        .set(
          'Authorization',
          `Bearer ${await adminToken(app(), { actions: ['plugin::segments.segments.recompute'] })}`
        )
        .expect(200);
      expect(rebuilt.body.data.builtAt).toEqual(expect.any(Number));
      expect(
        (await get('/analytics/activity', { from: plus(w0, -3), to: today }).expect(200)).body.data
          .days
      ).toEqual(before);

      // visitor-b4 turns out to have been active in week 0: its cohort moves from week 1 to week 0.
      const late: typeof log = [['visitor-b4', plus(w0, 2), 'page_view', null]];
      log.push(...late);
      await ingest(late);
      expect(
        (await get('/analytics/retention', { weeks: 4 }).expect(200)).body.data.cohorts
      ).toEqual(expectedRetention(4));
      expect(
        (await get('/analytics/activity', { from: plus(w0, -3), to: today }).expect(200)).body.data
          .days
      ).toEqual(expectedActivity(plus(w0, -3), today));
    });

    it('refuses bad parameters with 400 naming them, and readers without analytics.read with 403', async () => {
      const path = async (p: string, q: Record<string, string | number>) =>
        (await get(p, q).expect(400)).body.error.details.errors.map(
          (e: { path: string }) => e.path
        );
      expect(await path('/analytics/activity', { from: '2026-13-01', to: today })).toEqual([
        'from',
      ]);
      expect(await path('/analytics/activity', { from: today, to: plus(today, -1) })).toEqual([
        'to',
      ]);
      expect(await path('/analytics/retention', { weeks: 0 })).toEqual(['weeks']);
      expect(await path('/analytics/retention', { weeks: 'ten' })).toEqual(['weeks']);
      expect(await path('/analytics/retention', { weeks: 105 })).toEqual(['weeks']);
      expect(await path('/analytics/top-events', { from: today, to: today, limit: 1000 })).toEqual([
        'limit',
      ]);
      expect(await path('/analytics/top-events', { to: today })).toEqual(['from']);
      const reader = await adminToken(app(), { actions: ['plugin::segments.read'] });
      for (const p of [
        '/analytics/activity',
        '/analytics/retention',
        '/analytics/top-events',
        '/campaigns/x/report',
      ]) {
        await get(p, { from: today, to: today }, reader).expect(403);
      }
    });
  });

  describe('campaign report', () => {
    it('funnel per variant with last-touch conversions, statistics against variant A, holdout and a verdict', async () => {
      const { knex } = app();
      const admin = await adminToken(app(), { superAdmin: true });
      await app()
        .strapi.documents(SEGMENT_UID)
        .create({ data: { name: 'report', key: 'report', rule: { group: 'report' } } as never });
      const variant = (name: string) => ({ name, subject: `${name}`, html: '<p>Hi</p>' });
      const created = await request(app().server)
        .post('/segments/campaigns')
        .set('Authorization', `Bearer ${admin}`)
        .send({
          data: {
            name: 'Report test',
            segmentKey: 'report',
            variants: [variant('A'), variant('B')],
            holdoutPercent: 10,
            conversionEvent: 'purchase',
            conversionWindowHours: 24,
          },
        });
      expect(created.status).toBe(200);
      const campaignId = created.body.data.documentId as string;

      const T = Date.now() - 10 * DAY;
      const H = 3_600_000;
      // Profiles: 200 for A, 203 for B, 40 held out.
      const profiles = Array.from({ length: 443 }, (_, i) => ({
        anonymous_id: `report-${i}`,
        email: `r${i}@example.test`,
        first_seen_at: T,
        last_seen_at: T,
        created_at: T,
        updated_at: T,
      }));
      for (let i = 0; i < profiles.length; i += 100)
        await knex(TABLES.profiles).insert(profiles.slice(i, i + 100));
      const ids = (
        await knex(TABLES.profiles)
          .where('anonymous_id', 'like', 'report-%')
          .select('id', 'anonymous_id')
      ).reduce(
        (m: Map<number, number>, r: { id: number | string; anonymous_id: string }) =>
          m.set(Number(r.anonymous_id.slice(7)), Number(r.id)),
        new Map<number, number>()
      );
      const delivery = (i: number, fields: Record<string, unknown>) => ({
        run_id: 1,
        campaign_id: campaignId,
        profile_id: ids.get(i),
        holdout: false,
        attempts: 1,
        created_at: T,
        updated_at: T,
        ...fields,
      });
      const rows = [
        ...Array.from({ length: 200 }, (_, i) =>
          delivery(
            i,
            i < 190
              ? { variant: 0, status: 'sent', sent_at: T + i * 1000 }
              : { variant: 0, status: 'failed' }
          )
        ),
        ...Array.from({ length: 203 }, (_, i) =>
          delivery(
            200 + i,
            i < 200
              ? { variant: 1, status: 'sent', sent_at: T + i * 1000 }
              : { variant: 1, status: 'skipped' }
          )
        ),
        ...Array.from({ length: 40 }, (_, i) =>
          delivery(403 + i, { variant: null, holdout: true, status: 'holdout', scheduled_at: T })
        ),
      ];
      for (let i = 0; i < rows.length; i += 100)
        await knex(TABLES.deliveries).insert(rows.slice(i, i + 100));
      const deliveries = (
        await knex(TABLES.deliveries)
          .where('campaign_id', campaignId)
          .select('id', 'profile_id', 'sent_at', 'scheduled_at')
      ).map(
        (r: {
          id: number | string;
          profile_id: number | string;
          sent_at: number | string | null;
          scheduled_at: number | string | null;
        }) => ({
          id: Number(r.id),
          profileId: Number(r.profile_id),
          at: Number(r.sent_at ?? r.scheduled_at ?? T),
        })
      );
      const byProfile = new Map(deliveries.map((d: { profileId: number }) => [d.profileId, d]));
      const d = (i: number) =>
        byProfile.get(ids.get(i) as number) as { id: number; profileId: number; at: number };
      const events: Record<string, unknown>[] = [];
      const event = (i: number, name: string, at: number, messageId: string | null = null) =>
        events.push({
          profile_id: d(i).profileId,
          name,
          occurred_at: at,
          received_at: at,
          message_id: messageId,
        });
      const A = (i: number) => i;
      const B = (i: number) => 200 + i;
      for (let i = 0; i < 100; i++)
        event(A(i), 'email_opened', d(A(i)).at + H, `email_opened:${d(A(i)).id}`);
      for (let i = 0; i < 40; i++)
        event(A(i), 'email_clicked', d(A(i)).at + H, `email_clicked:${d(A(i)).id}:link1`);
      for (let i = 0; i < 5; i++)
        event(A(i), 'email_clicked', d(A(i)).at + H, `email_clicked:${d(A(i)).id}:link2`); // 2nd link
      for (let i = 0; i < 20; i++) event(A(i), 'purchase', d(A(i)).at + 2 * H); // inside the 24 h window
      for (let i = 20; i < 23; i++) event(A(i), 'purchase', d(A(i)).at + 25 * H); // after the window
      for (let i = 23; i < 25; i++) event(A(i), 'purchase', d(A(i)).at - H); // before the send
      for (let i = 25; i < 27; i++) event(A(i), 'purchase', d(A(i)).at + 2 * H); // but another e-mail came last (below)
      for (let i = 27; i < 29; i++) event(A(i), 'signup', d(A(i)).at + 2 * H); // not the conversion event
      for (let i = 190; i < 200; i++) event(A(i), 'purchase', T + H); // failed sends convert on their own
      for (let i = 0; i < 5; i++)
        event(A(i), 'unsubscribed', d(A(i)).at + 3 * H, `unsubscribed:${d(A(i)).id}`);
      for (let i = 0; i < 120; i++)
        event(B(i), 'email_opened', d(B(i)).at + H, `email_opened:${d(B(i)).id}`);
      for (let i = 0; i < 60; i++)
        event(B(i), 'email_clicked', d(B(i)).at + H, `email_clicked:${d(B(i)).id}:link1`);
      for (let i = 0; i < 40; i++) event(B(i), 'purchase', d(B(i)).at + 3 * H);
      for (let i = 0; i < 2; i++)
        event(B(i), 'unsubscribed', d(B(i)).at + 3 * H, `unsubscribed:${d(B(i)).id}`);
      for (let i = 0; i < 2; i++) event(403 + i, 'purchase', T + H); // holdout converts without an e-mail
      for (let i = 0; i < events.length; i += 100)
        await knex(TABLES.events).insert(events.slice(i, i + 100));
      // Another campaign's e-mail reached A 25–26 an hour after ours: last touch goes to it.
      await knex(TABLES.deliveries).insert(
        [25, 26].map((i) => ({
          run_id: 2,
          campaign_id: 'another-campaign',
          profile_id: d(A(i)).profileId,
          variant: 0,
          holdout: false,
          status: 'sent',
          attempts: 1,
          sent_at: d(A(i)).at + H,
          created_at: T,
          updated_at: T,
        }))
      );

      const res = await get(`/campaigns/${campaignId}/report`).expect(200);
      const report = res.body.data;
      const row = (variant: number | null, name: string, f: Partial<Record<string, number>>) => ({
        variant,
        name,
        queued: 0,
        sent: 0,
        failed: 0,
        skipped: 0,
        opened: 0,
        clicked: 0,
        converted: 0,
        unsubscribed: 0,
        dismissed: 0, // in-app campaigns only
        ...f,
      });
      expect(report.funnel).toEqual([
        row(0, 'A', {
          queued: 200,
          sent: 190,
          failed: 10,
          opened: 100,
          clicked: 40,
          converted: 20,
          unsubscribed: 5,
        }),
        row(1, 'B', {
          queued: 203,
          sent: 200,
          skipped: 3,
          opened: 120,
          clicked: 60,
          converted: 40,
          unsubscribed: 2,
        }),
        row(null, 'Holdout', { queued: 40, converted: 2 }),
      ]);
      // Statistics: the module's report on sent/converted, SRM on assigned (sent + failed).
      expect(report.statistics).toEqual(
        JSON.parse(
          JSON.stringify(
            analyzeConversionExperiment(
              [
                { visitors: 190, conversions: 20 },
                { visitors: 200, conversions: 40 },
              ],
              { weights: [1, 1], srmCounts: [200, 200] }
            )
          )
        )
      );
      expect(report.statistics.variations[1].vsControl.pValue).toBeLessThan(0.05);
      expect(report.verdict.kind).toBe('winner');
      expect(report.verdict.variation).toBe(1);
      expect(report.verdict.text).toMatch(
        /^B beats A: purchase within 24 h 20\.0% vs 10\.5% for A/
      );
      expect(report.holdout.absoluteUplift.estimate).toBeCloseTo(60 / 390 - 2 / 40, 12);

      await get('/campaigns/nope/report').expect(404);
    });
  });
});
