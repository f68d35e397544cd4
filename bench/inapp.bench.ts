import type { AddressInfo } from 'net';
import type { BenchResult } from './types';
import { APP_DIR, DIST_DIR, createTestDatabase } from '../test/integration/helpers/strapi';

/**
 * In-app messages (issue 24), one Strapi, one run, autocannon over loopback:
 * `GET /api/segments/messages` for a visitor in 20 of 25 active segments, with 10 live in-app
 * campaigns (5 on the visitor's segments, each rendered with Liquid and Markdown and given a
 * fresh signed id per answer; 5 on segments it is not in), vs a plain `GET /api/pages/:id` in the
 * same run: p99 latency ratio (target ≤ 1.5). Fetching is not a show, so every answer carries
 * all five messages — the heaviest steady state.
 *
 * Needs `npm run build` and a compiled playground. BENCH_SECONDS (default 10), BENCH_CONNECTIONS (50),
 * BENCH_ROUNDS (2) alternations of the pair; each side's p99 is the mean of its rounds.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

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
  const db = await createTestDatabase('bench_inapp');
  Object.assign(process.env, {
    LOG_LEVEL: 'error',
    SEGMENTS_SCHEDULER_ENABLED: 'false',
    ...db.env,
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createStrapi } = require('@strapi/strapi') as typeof import('@strapi/strapi');
  const strapi = await createStrapi({ appDir: APP_DIR, distDir: DIST_DIR }).load();
  await strapi.server.mount();
  const server = strapi.server.httpServer.listen(0);
  try {
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    const base = `http://127.0.0.1:${port}`;

    const role = await strapi.db
      .query('plugin::users-permissions.role')
      .findOne({ where: { type: 'public' } });
    await strapi.db
      .query('plugin::users-permissions.permission')
      .create({ data: { action: 'api::page.page.findOne', role: role.id } });
    const rules: unknown[] = [
      ...Array.from({ length: 12 }, (_, i) => ({ [`t${i}`]: { $exists: true } })),
      ...Array.from({ length: 4 }, (_, i) => ({
        $event: { name: 'view', within: { days: 30 }, count: { $gte: i + 1 } },
      })),
      ...Array.from({ length: 4 }, (_, i) => ({ score: { $gte: i * 10 } })),
      ...Array.from({ length: 5 }, (_, i) => ({ plan: `other-${i}` })),
    ];
    for (const [i, rule] of rules.entries())
      await strapi
        .documents('plugin::segments.segment')
        .create({ data: { name: `s${i}`, key: `s${i}`, rule } as never });
    const campaigns = strapi.documents('plugin::segments.campaign' as never);
    for (let i = 0; i < 10; i++) {
      const doc = await campaigns.create({
        data: {
          name: `in-app ${i}`,
          channel: 'inapp',
          // 0–4 on the visitor's segments, 5–9 on segments it is not in.
          segmentKey: i < 5 ? `s${i * 3}` : `s${15 + i}`,
          variants: [
            {
              name: 'A',
              weight: 1,
              layout: i % 2 ? 'slideup' : 'modal',
              title: 'Hello {{ traits.first_name | default: "there" }}',
              body: 'Take **10% off** with code `SAVE10`, {{ traits.first_name }}.\n\n[Terms](/terms)',
              buttons: [{ label: 'Shop', url: '/shop', event: 'offer' }],
            },
          ],
          inapp: { priority: i * 10, maxShows: 100, periodHours: 1 },
          scheduleType: 'now',
        } as never,
      } as never);
      await campaigns.update({
        documentId: (doc as { documentId: string }).documentId,
        data: { state: 'scheduled' } as never,
      } as never);
    }
    await strapi.plugin('segments').service('campaigns').plan();

    const visitor = 'bench-visitor-0001';
    const headers = { 'x-segments-anonymous-id': visitor, 'content-type': 'application/json' };
    const traits = Object.fromEntries([
      ...Array.from({ length: 12 }, (_, i) => [`t${i}`, i]),
      ['score', 50],
      ['first_name', 'Ann'],
    ]);
    await fetch(`${base}/api/segments/identify`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ traits }),
    });
    await fetch(`${base}/api/segments/events`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ events: Array.from({ length: 5 }, () => ({ name: 'view' })) }),
    });
    const due = (await (await fetch(`${base}/api/segments/messages`, { headers })).json()) as {
      data: unknown[];
    };
    if (due.data.length !== 5)
      throw new Error(`visitor has ${due.data.length} messages due, not 5`);
    const page = await strapi
      .documents('api::page.page')
      .create({ data: { title: 'plain', slug: 'plain', body: 'x'.repeat(400) } as never });

    const load = async (path: string) => {
      await autocannon({ url: `${base}${path}`, connections: CONNECTIONS, duration: 2, headers }); // warm-up
      const result = await autocannon({
        url: `${base}${path}`,
        connections: CONNECTIONS,
        duration: SECONDS,
        headers,
      });
      if (result.non2xx) throw new Error(`${path}: ${result.non2xx} non-2xx answers`);
      process.stdout.write(
        `  ${path}: ${result.requests.average} req/s, p99 ${result.latency.p99} ms, ${result.errors} errors (timeouts)\n`
      );
      return result;
    };
    // Alternating rounds: a burst of outside load (or a JIT warm-up) lands on both sides alike.
    const p99 = { findOne: [] as number[], messages: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      p99.findOne.push((await load(`/api/pages/${page.documentId}`)).latency.p99);
      p99.messages.push((await load('/api/segments/messages')).latency.p99);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const findOne = { latency: { p99: mean(p99.findOne) } };
    const messages = { latency: { p99: mean(p99.messages) } };

    const dialect = process.env.DATABASE_CLIENT ?? 'sqlite';
    return [
      {
        name: `GET /api/segments/messages (5 of 10 live in-app campaigns due) p99 vs GET /api/pages/:id p99 (${dialect})`,
        value: messages.latency.p99,
        unit: 'ms',
        baseline: findOne.latency.p99,
        ratio: messages.latency.p99 / findOne.latency.p99,
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
