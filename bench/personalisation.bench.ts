import type { AddressInfo } from 'net';
import type { BenchResult } from './types';
import { APP_DIR, DIST_DIR, createTestDatabase } from '../test/integration/helpers/strapi';

/**
 * Personalised content (issue 6), one Strapi, one run, autocannon over loopback:
 *
 * 1. `GET /api/articles` (targeting on) for a visitor in 20 active segments vs `GET /api/pages`
 *    (no targeting) holding the same rows, same visitor header: throughput ratio (target ≥ 0.85).
 * 2. `GET /api/segments/placements/home-hero` vs a plain `GET /api/pages/:documentId`: p99
 *    latency ratio (target ≤ 1.5).
 * 3. `GET /api/segments/me` (issue 5) vs the same plain `findOne`: p99 ratio (target ≤ 1.5).
 *
 * Needs `npm run build` and a compiled playground. BENCH_SECONDS (default 10) per measurement,
 * BENCH_CONNECTIONS (default 50), BENCH_ROUNDS (default 3) alternations of the list pair.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ROWS = 100;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

interface AutocannonResult {
  requests: { average: number };
  latency: { p99: number };
  non2xx: number;
  errors: number;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (options: {
  url: string;
  connections: number;
  duration: number;
  headers?: Record<string, string>;
}) => Promise<AutocannonResult>;

export async function run(): Promise<BenchResult[]> {
  const db = await createTestDatabase('bench_personalisation');
  Object.assign(process.env, { LOG_LEVEL: 'error', ...db.env });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createStrapi } = require('@strapi/strapi') as typeof import('@strapi/strapi');
  const strapi = await createStrapi({ appDir: APP_DIR, distDir: DIST_DIR }).load();
  await strapi.server.mount();
  const server = strapi.server.httpServer.listen(0);
  try {
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    const base = `http://127.0.0.1:${port}`;

    const role = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'public' } });
    for (const action of ['api::article.article.find', 'api::page.page.find', 'api::page.page.findOne']) {
      await strapi.db.query('plugin::users-permissions.permission').create({ data: { action, role: role.id } });
    }
    // 20 active segments the visitor is in (traits, behaviour, context), 5 it is not in.
    const segmentIds: string[] = [];
    const rules: unknown[] = [
      ...Array.from({ length: 12 }, (_, i) => ({ [`t${i}`]: { $exists: true } })),
      ...Array.from({ length: 4 }, (_, i) => ({ $event: { name: 'view', within: { days: 30 }, count: { $gte: i + 1 } } })),
      ...Array.from({ length: 4 }, (_, i) => ({ score: { $gte: i * 10 } })),
      ...Array.from({ length: 5 }, (_, i) => ({ plan: `other-${i}` })),
    ];
    for (const [i, rule] of rules.entries()) {
      const doc = await strapi.documents('plugin::segments.segment').create({
        data: { name: `s${i}`, key: `s${i}`, rule } as never,
      });
      segmentIds.push(doc.documentId);
    }
    for (let i = 0; i < ROWS; i++) {
      const fields = { title: `entry ${i}`, slug: `entry-${i}`, body: 'x'.repeat(400) };
      // Half untargeted; the rest targeted at a segment the visitor is in (i odd) or not.
      const targets = i % 2 === 0 ? [] : [segmentIds[i % 4 === 1 ? i % 20 : 20 + (i % 5)]];
      await strapi.documents('api::article.article').create({ data: { ...fields, segmentsTargets: targets } as never });
      await strapi.documents('api::page.page').create({ data: fields as never });
    }
    for (const [title, priority, target] of [
      ['fallback', 1, null],
      ['for-visitor', 5, segmentIds[3]],
      ['for-others', 9, segmentIds[22]],
    ] as const) {
      await strapi.documents('plugin::segments.banner' as never).create({
        data: { placement: 'home-hero', title, segmentsPriority: priority, segmentsTargets: target ? [target] : [] } as never,
        status: 'published',
      } as never);
    }
    const visitor = 'bench-visitor-0001';
    const headers = { 'x-segments-anonymous-id': visitor, 'content-type': 'application/json' };
    const traits = Object.fromEntries([...Array.from({ length: 12 }, (_, i) => [`t${i}`, i]), ['score', 50]]);
    await fetch(`${base}/api/segments/identify`, { method: 'POST', headers, body: JSON.stringify({ traits }) });
    await fetch(`${base}/api/segments/events`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ events: Array.from({ length: 5 }, () => ({ name: 'view' })) }),
    });
    const me = (await (await fetch(`${base}/api/segments/me`, { headers })).json()) as { data: { segments: string[] } };
    if (me.data.segments.length !== 20) throw new Error(`visitor is in ${me.data.segments.length} segments, not 20`);
    const page = (await (await fetch(`${base}/api/pages?pagination[pageSize]=1`, { headers })).json()) as {
      data: Array<{ documentId: string }>;
    };

    const load = async (path: string) => {
      await autocannon({ url: `${base}${path}`, connections: CONNECTIONS, duration: 2, headers }); // warm-up
      const result = await autocannon({ url: `${base}${path}`, connections: CONNECTIONS, duration: SECONDS, headers });
      if (result.non2xx) throw new Error(`${path}: ${result.non2xx} non-2xx answers`);
      process.stdout.write(`  ${path}: ${result.requests.average} req/s, p99 ${result.latency.p99} ms, ${result.errors} errors (timeouts)\n`);
      return result;
    };
    // The list pair alternates in ROUNDS (a burst of outside load lands on both sides alike);
    // each side's rate is the mean of its rounds.
    const plainRates: number[] = [];
    const targetedRates: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      plainRates.push((await load('/api/pages')).requests.average);
      targetedRates.push((await load('/api/articles')).requests.average);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const plain = { requests: { average: mean(plainRates) } };
    const targeted = { requests: { average: mean(targetedRates) } };
    const findOne = await load(`/api/pages/${page.data[0].documentId}`);
    const placement = await load('/api/segments/placements/home-hero');
    const segmentsMe = await load('/api/segments/me');

    const dialect = process.env.DATABASE_CLIENT ?? 'sqlite';
    return [
      {
        name: `GET /api/articles (targeting, visitor in 20 segments) vs /api/pages, ${CONNECTIONS} connections (${dialect})`,
        value: targeted.requests.average,
        unit: 'req/s',
        baseline: plain.requests.average,
        ratio: targeted.requests.average / plain.requests.average,
        better: 'higher',
        target: 0.85,
      },
      {
        name: `GET /api/segments/placements/home-hero p99 vs GET /api/pages/:id p99 (${dialect})`,
        value: placement.latency.p99,
        unit: 'ms',
        baseline: findOne.latency.p99,
        ratio: placement.latency.p99 / findOne.latency.p99,
        better: 'lower',
        target: 1.5,
      },
      {
        // Issue 5: the visitor's 20 segments (of 25 active) evaluated in memory per request.
        name: `GET /api/segments/me (visitor in 20 of 25 active segments) p99 vs GET /api/pages/:id p99 (${dialect})`,
        value: segmentsMe.latency.p99,
        unit: 'ms',
        baseline: findOne.latency.p99,
        ratio: segmentsMe.latency.p99 / findOne.latency.p99,
        better: 'lower',
        target: 1.5,
      },
    ];
  } finally {
    server.close();
    await strapi.destroy();
    await db.drop();
  }
}
