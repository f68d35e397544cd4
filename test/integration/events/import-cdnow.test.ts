import fs from 'fs';
import path from 'path';
import request from 'supertest';
import { useStrapi, ROOT } from '../helpers/strapi';
import { adminToken } from '../helpers/admin';
import { TABLES } from '../../../server/src/store/tables';

const DAY = 86_400_000;
const CDNOW = path.join(ROOT, 'playground', 'data', 'cdnow', 'CDNOW_master.txt');

interface Purchase {
  customer: string;
  day: number; // epoch ms of the original UTC day
  cds: number;
  dollars: number;
}

function readCdnow(): Purchase[] {
  return fs
    .readFileSync(CDNOW, 'utf8')
    .split('\n')
    .slice(1)
    .filter((line) => line.trim())
    .map((line) => {
      const [customer, date, cds, dollars] = line.trim().split(/\s+/);
      return {
        customer,
        day: Date.UTC(Number(date.slice(0, 4)), Number(date.slice(4, 6)) - 1, Number(date.slice(6, 8))),
        cds: Number(cds),
        dollars: Number(dollars),
      };
    });
}

describe('bulk import', () => {
  const app = useStrapi('import');

  it('imports the CDNOW log as purchase events: every purchase, every customer, monthly totals equal to the file', async () => {
    const purchases = readCdnow();
    expect(purchases).toHaveLength(69_659);
    const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
    const lastDay = Math.max(...purchases.map((p) => p.day));
    const shift = today - DAY - lastDay; // the log's last day becomes yesterday
    const at = (p: Purchase) => p.day + shift + 12 * 3_600_000; // noon UTC of the shifted day
    const csv = [
      'anonymousId,name,timestamp,value,cds',
      ...purchases.map((p) => `cdnow-${p.customer},purchase,${new Date(at(p)).toISOString()},${p.dollars},${p.cds}`),
    ].join('\n');

    const token = await adminToken(app(), { actions: ['plugin::segments.events.import'] });
    const started = Date.now();
    const res = await request(app().server)
      .post('/segments/import')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/csv')
      .send(csv)
      .expect(200);
    const seconds = (Date.now() - started) / 1000;
    console.log(`CDNOW import: ${purchases.length} events in ${seconds.toFixed(1)} s (${Math.round(purchases.length / seconds)} events/s)`);
    expect(res.body.data).toEqual({ lines: 69_659, accepted: 69_659, duplicates: 0, rejectedCount: 0, rejected: [] });

    const { knex } = app();
    const profiles = await knex(TABLES.profiles).where('anonymous_id', 'like', 'cdnow-%').count({ n: '*' }).first();
    expect(Number(profiles?.n)).toBe(23_570);

    // Per month: the file's purchase count and dollar total equal the rollups'.
    const month = (ms: number) => new Date(ms).toISOString().slice(0, 7);
    const expected = new Map<string, { count: number; cents: number }>();
    for (const p of purchases) {
      const m = month(at(p));
      const e = expected.get(m) ?? { count: 0, cents: 0 };
      e.count += 1;
      e.cents += Math.round(p.dollars * 100);
      expected.set(m, e);
    }
    const rows: { month: string; count: number | string; value: number | string }[] = await knex(TABLES.rollups)
      .where('event', 'purchase')
      .select(knex.raw('substr(day, 1, 7) as month'))
      .sum({ count: 'count', value: 'value_sum' })
      .groupByRaw('substr(day, 1, 7)')
      .orderBy('month') as never;
    const actual = new Map<string, { count: number; cents: number }>(
      rows.map((r) => [
        r.month,
        { count: Number(r.count), cents: Math.round(Number(r.value) * 100) },
      ])
    );
    expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expected));

    // Raw events only inside the raw retention (90 days); older history lives in the rollups.
    const rawCutoff = Date.now() - 90 * DAY;
    const raw = await knex(TABLES.events).where('name', 'purchase').count({ n: '*' }).first();
    const recent = purchases.filter((p) => at(p) >= rawCutoff).length;
    expect(Math.abs(Number(raw?.n) - recent)).toBeLessThanOrEqual(
      purchases.filter((p) => Math.abs(at(p) - rawCutoff) < 10 * 60_000).length
    );
    expect(Number(raw?.n)).toBeGreaterThan(0);

    const customer = await knex(TABLES.profiles).where('anonymous_id', 'cdnow-00001').first();
    expect(new Date(Number(customer.first_seen_at)).toISOString().slice(0, 10)).toBe(
      new Date(at(purchases.find((p) => p.customer === '00001') as Purchase)).toISOString().slice(0, 10)
    );
    // Every profile's first/last seen are its first and last purchase (bulk touches per batch).
    const span = new Map<string, [number, number]>();
    for (const p of purchases) {
      const [first, last] = span.get(p.customer) ?? [Infinity, -Infinity];
      span.set(p.customer, [Math.min(first, at(p)), Math.max(last, at(p))]);
    }
    const seen: { anonymous_id: string; first_seen_at: number | string; last_seen_at: number | string }[] = await knex(
      TABLES.profiles
    )
      .select('anonymous_id', 'first_seen_at', 'last_seen_at')
      .where('anonymous_id', 'like', 'cdnow-%');
    expect(seen).toHaveLength(span.size);
    const wrong = seen.filter((row) => {
      const [first, last] = span.get(row.anonymous_id.slice('cdnow-'.length)) as [number, number];
      return Number(row.first_seen_at) !== first || Number(row.last_seen_at) !== last;
    });
    expect(wrong).toEqual([]);
  }, 600_000);

  it('analytics over the imported log equal the numbers computed from the file (activity, new users, top events, retention)', async () => {
    // The same shift as the import above: the log's last day is yesterday, purchases at noon UTC.
    const purchases = readCdnow();
    const today = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate());
    const shift = today - DAY - Math.max(...purchases.map((p) => p.day));
    const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const ms = (day: string) => Date.parse(`${day}T00:00:00Z`);
    const plus = (day: string, n: number) => dayOf(ms(day) + n * DAY);
    const monday = (day: string) => plus(day, -((new Date(ms(day)).getUTCDay() + 6) % 7));
    const buyers = new Map<string, Set<string>>();
    const first = new Map<string, string>();
    for (const p of purchases) {
      const day = dayOf(p.day + shift);
      buyers.set(day, (buyers.get(day) ?? new Set()).add(p.customer));
      if (!first.has(p.customer) || day < (first.get(p.customer) as string)) first.set(p.customer, day);
    }
    const within = (day: string, span: number) => {
      const users = new Set<string>();
      for (let k = 0; k < span; k++) buyers.get(plus(day, -k))?.forEach((u) => users.add(u));
      return users.size;
    };
    const newOn = new Map<string, number>();
    for (const day of first.values()) newOn.set(day, (newOn.get(day) ?? 0) + 1);

    const token = await adminToken(app(), { actions: ['plugin::segments.analytics.read'] });
    const get = (path: string, query: Record<string, string | number>) =>
      request(app().server).get(`/segments${path}`).query(query).set('Authorization', `Bearer ${token}`).expect(200);
    const to = dayOf(today - DAY);
    const from = plus(to, -365);
    const activity = (await get('/analytics/activity', { from, to })).body.data.days;
    const expected = [];
    for (let d = from; d <= to; d = plus(d, 1)) {
      const dau = buyers.get(d)?.size ?? 0;
      const mau = within(d, 30);
      const newUsers = newOn.get(d) ?? 0;
      expected.push({ day: d, dau, wau: within(d, 7), mau, stickiness: mau ? dau / mau : 0, newUsers, returningUsers: dau - newUsers });
    }
    expect(activity).toEqual(expected);
    // The first 12 weeks of the log hold every first purchase (CDNOW's cohort design).
    const logStart = dayOf(Math.min(...purchases.map((p) => p.day)) + shift);
    const early = (await get('/analytics/activity', { from: logStart, to: plus(logStart, 120) })).body.data.days;
    expect(early.reduce((s: number, d: { newUsers: number }) => s + d.newUsers, 0)).toBe(23_570);

    const top = (await get('/analytics/top-events', { from, to, limit: 10 })).body.data;
    const inRange = purchases.filter((p) => dayOf(p.day + shift) >= from);
    expect(top.events.map((e: { event: string; count: number }) => [e.event, e.count])).toEqual([['purchase', inRange.length]]);
    expect(Math.round(top.events[0].valueSum * 100)).toBe(inRange.reduce((s, p) => s + Math.round(p.dollars * 100), 0));

    const weeks = 104;
    const retention = (await get('/analytics/retention', { weeks })).body.data.cohorts;
    const current = monday(dayOf(Date.now()));
    const activeWeeks = new Map<string, Set<string>>();
    for (const p of purchases) {
      activeWeeks.set(p.customer, (activeWeeks.get(p.customer) ?? new Set()).add(monday(dayOf(p.day + shift))));
    }
    const expectedCohorts = [];
    for (let c = plus(current, -7 * (weeks - 1)); c <= current; c = plus(c, 7)) {
      const members = [...first].filter(([, f]) => monday(f) === c).map(([u]) => u);
      const act = [];
      for (let w = c; w <= current; w = plus(w, 7)) act.push(members.filter((u) => activeWeeks.get(u)?.has(w)).length);
      expectedCohorts.push({ cohort: c, users: members.length, active: act, rates: act.map((n) => (members.length ? n / members.length : 0)) });
    }
    expect(retention).toEqual(expectedCohorts);
    expect(retention.reduce((s: number, c: { users: number }) => s + c.users, 0)).toBe(23_570);
  }, 300_000);

  it('imports NDJSON, reports bad lines by number and field, and refuses unknown formats', async () => {
    const token = await adminToken(app(), { actions: ['plugin::segments.events.import'] });
    const ndjson = [
      JSON.stringify({ name: 'signup', anonymousId: 'ndjson-visitor-1', messageId: 'n-1' }),
      '',
      '{not json',
      JSON.stringify({ name: 'signup', userId: 'seven' }),
      JSON.stringify({ name: 'signup', anonymousId: 'ndjson-visitor-1', messageId: 'n-1' }),
    ].join('\n');
    const res = await request(app().server)
      .post('/segments/import')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/x-ndjson')
      .send(ndjson)
      .expect(200);
    expect(res.body.data).toMatchObject({ lines: 4, accepted: 2, duplicates: 1, rejectedCount: 2 });
    expect(res.body.data.rejected.map((r: { line: number; errors: { path: string }[] }) => [r.line, r.errors[0].path])).toEqual([
      [3, '(line)'],
      [4, 'userId'],
    ]);
    const bad = await request(app().server)
      .post('/segments/import')
      .set('Authorization', `Bearer ${token}`)
      .set('Content-Type', 'application/xml')
      .send('<x/>')
      .expect(400);
    expect(bad.body.error.details.errors[0].path).toBe('content-type');
    const reader = await adminToken(app(), { actions: ['plugin::segments.read'] });
    await request(app().server)
      .post('/segments/import')
      .set('Authorization', `Bearer ${reader}`)
      .set('Content-Type', 'application/x-ndjson')
      .send(ndjson)
      .expect(403);
  });
});
