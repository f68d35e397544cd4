import type { AddressInfo } from 'net';
import type { BenchResult } from './types';
import { APP_DIR, DIST_DIR, createTestDatabase } from '../test/integration/helpers/strapi';

/**
 * Per-segment field variants (issue 12), one Strapi, one run, autocannon over loopback:
 * `GET /api/pages/:id` populating a component of 20 personalised short texts, for a visitor in
 * 20 active segments (each field has 6 variants: 5 for segments the visitor is not in, then one
 * it is in), vs the same page populating 20 plain string fields with the same texts, same
 * visitor header. Throughput ratio, target ≥ 0.85. The baseline does no personalisation at all,
 * so the ratio includes evaluating the visitor's segments.
 *
 * Needs `npm run build` and a compiled playground. BENCH_SECONDS (default 10) per measurement,
 * BENCH_CONNECTIONS (default 50).
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);

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
  const db = await createTestDatabase('bench_field_variants');
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
    await strapi.db
      .query('plugin::users-permissions.permission')
      .create({ data: { action: 'api::page.page.findOne', role: role.id } });
    // 20 segments the visitor is in (traits, behaviour, context), 5 it is not in.
    const rules: unknown[] = [
      ...Array.from({ length: 12 }, (_, i) => ({ [`t${i}`]: { $exists: true } })),
      ...Array.from({ length: 4 }, (_, i) => ({ $event: { name: 'view', within: { days: 30 }, count: { $gte: i + 1 } } })),
      ...Array.from({ length: 4 }, (_, i) => ({ score: { $gte: i * 10 } })),
      ...Array.from({ length: 5 }, (_, i) => ({ plan: `other-${i}` })),
    ];
    for (const [i, rule] of rules.entries()) {
      await strapi.documents('plugin::segments.segment').create({ data: { name: `s${i}`, key: `s${i}`, rule } as never });
    }
    const personalised: Record<string, unknown> = {};
    const plain: Record<string, string> = {};
    for (let i = 1; i <= 20; i++) {
      const name = `f${String(i).padStart(2, '0')}`;
      const text = `text of field ${i} for this visitor`;
      plain[name] = text;
      personalised[name] = {
        default: `default text of field ${i}`,
        variants: [
          ...Array.from({ length: 5 }, (_, k) => ({ segment: `s${20 + k}`, value: `for others ${k}` })),
          { segment: `s${i - 1}`, value: text },
        ],
      };
    }
    const page = await strapi.documents('api::page.page').create({
      data: { title: 'bench', benchPersonalised: personalised, benchPlain: plain } as never,
    });

    const visitor = 'bench-visitor-fv-0001';
    const headers = { 'x-segments-anonymous-id': visitor, 'content-type': 'application/json' };
    const traits = Object.fromEntries([...Array.from({ length: 12 }, (_, i) => [`t${i}`, i]), ['score', 50]]);
    await fetch(`${base}/api/segments/identify`, { method: 'POST', headers, body: JSON.stringify({ traits }) });
    await fetch(`${base}/api/segments/events`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ events: Array.from({ length: 5 }, () => ({ name: 'view' })) }),
    });

    const url = (component: string) => `/api/pages/${page.documentId}?fields[0]=title&populate[${component}]=true`;
    // Both answers must carry the same 20 texts, or the comparison is meaningless.
    const answer = async (component: string) =>
      ((await (await fetch(`${base}${url(component)}`, { headers })).json()) as { data: Record<string, Record<string, unknown>> })
        .data[component];
    const a = await answer('benchPersonalised');
    const b = await answer('benchPlain');
    for (const name of Object.keys(plain)) {
      if (a[name] !== plain[name] || b[name] !== plain[name]) {
        throw new Error(`${name}: personalised ${String(a[name])}, plain ${String(b[name])}, expected ${plain[name]}`);
      }
    }

    const load = async (path: string) => {
      await autocannon({ url: `${base}${path}`, connections: CONNECTIONS, duration: 2, headers }); // warm-up
      const result = await autocannon({ url: `${base}${path}`, connections: CONNECTIONS, duration: SECONDS, headers });
      if (result.non2xx) throw new Error(`${path}: ${result.non2xx} non-2xx answers`);
      process.stdout.write(`  ${path}: ${result.requests.average} req/s, p99 ${result.latency.p99} ms, ${result.errors} errors (timeouts)\n`);
      return result;
    };
    const baseline = await load(url('benchPlain'));
    const measured = await load(url('benchPersonalised'));

    const dialect = process.env.DATABASE_CLIENT ?? 'sqlite';
    return [
      {
        name: `GET /api/pages/:id with 20 personalised fields (visitor in 20 segments) vs 20 plain fields, ${CONNECTIONS} connections (${dialect})`,
        value: measured.requests.average,
        unit: 'req/s',
        baseline: baseline.requests.average,
        ratio: measured.requests.average / baseline.requests.average,
        better: 'higher',
        target: 0.85,
      },
    ];
  } finally {
    server.close();
    await strapi.destroy();
    await db.drop();
  }
}
