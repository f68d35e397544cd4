import fs from 'fs';
import http from 'http';
import path from 'path';
import { Readable } from 'stream';
import type { AddressInfo } from 'net';
import type { BenchResult } from './types';
import type { Knex } from 'knex';
import { APP_DIR, DIST_DIR, ROOT, createTestDatabase } from '../test/integration/helpers/strapi';
import { TABLES } from '../server/src/store/tables';

/**
 * Event ingestion (issue 4): `POST /api/segments/events` over loopback — batches of 100 from 8
 * concurrent clients — against a raw knex insert of the same rows into the same tables (events,
 * then rollups and activity days, batches of 100, same concurrency, alternating with the HTTP
 * side in 5 rounds), in the same run and
 * process. Needs `npm run build` and a compiled playground (npm run test:integration does both).
 * BENCH_EVENTS sets the number of events (default 20 000).
 *
 * Then the CDNOW import (69,659 purchases as CSV through the import service, dates shifted so the
 * last day is yesterday): events/s against the same raw-knex rate, and the process's peak RSS
 * against its RSS right after boot.
 */
const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const BATCH = 100;
const CLIENTS = 8;
const ROUNDS = 5;

function post(port: number, body: string, anonymousId: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        port,
        method: 'POST',
        path: '/api/segments/events',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-segments-anonymous-id': anonymousId,
        },
        agent: keepAlive,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      }
    );
    req.on('error', reject);
    req.end(body);
  });
}
const keepAlive = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });

async function pool(jobs: (() => Promise<unknown>)[]): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < jobs.length) await jobs[next++]();
    })
  );
}

export async function run(): Promise<BenchResult[]> {
  const db = await createTestDatabase('bench_ingest');
  Object.assign(process.env, { LOG_LEVEL: 'error', ...db.env });
  // require, not import(): under tsx a dynamic import takes the ESM loader, which Strapi's
  // lodash/fp directory imports do not survive.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createStrapi } = require('@strapi/strapi') as typeof import('@strapi/strapi');
  const strapi = await createStrapi({ appDir: APP_DIR, distDir: DIST_DIR }).load();
  await strapi.server.mount();
  const app = { server: strapi.server.httpServer, knex: strapi.db.connection as unknown as Knex };
  try {
    const server = app.server.listen(0);
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    const now = Date.now();
    const batches = Array.from({ length: Math.ceil(EVENTS / BATCH) }, (_, b) =>
      Array.from({ length: BATCH }, (_, i) => ({
        name: i % 3 ? 'page_view' : 'purchase',
        timestamp: now - ((b * BATCH + i) % 86_400_000),
        properties: { value: i % 50, sku: `sku-${i % 17}` },
        messageId: `bench-${b}-${i}`,
      }))
    );

    // HTTP and baseline alternate in rounds, so a burst of load from elsewhere on this shared
    // machine lands on both sides of the ratio instead of on whichever phase it hits.
    const knex = app.knex;
    const httpJob = (events: (typeof batches)[number], b: number) => async () => {
      const status = await post(port, JSON.stringify({ events }), `bench-visitor-${b % 500}`);
      if (status !== 202) throw new Error(`ingestion answered ${status}`);
    };
    // Baseline: the same rows straight into the same tables, no validation, no profile lookup.
    const knexJob = (events: (typeof batches)[number], b: number) => async () => {
      const profileId = 1_000_000 + (b % 500);
      await knex(TABLES.events).insert(
        events.map((e) => ({
          profile_id: profileId,
          name: e.name,
          occurred_at: e.timestamp,
          received_at: now,
          value: e.properties.value,
          properties: JSON.stringify(e.properties),
          message_id: `raw-${e.messageId}`,
        }))
      );
      const day = new Date(now).toISOString().slice(0, 10);
      await knex(TABLES.rollups)
        .insert([
          { profile_id: profileId, event: 'purchase', day, count: 34, value_sum: 0 },
          { profile_id: profileId, event: 'page_view', day, count: 66, value_sum: 0 },
        ])
        .onConflict(['profile_id', 'event', 'day'])
        .merge({ count: knex.raw('??.count + excluded.count', [TABLES.rollups]) });
      await knex(TABLES.activityDays).insert({ profile_id: profileId, day }).onConflict(['profile_id', 'day']).ignore();
    };
    const timed = async (jobs: (() => Promise<unknown>)[]) => {
      const start = process.hrtime.bigint();
      await pool(jobs);
      return Number(process.hrtime.bigint() - start) / 1e9;
    };
    let httpSeconds = 0;
    let knexSeconds = 0;
    const perRound = Math.ceil(batches.length / ROUNDS);
    for (let r = 0; r < ROUNDS; r++) {
      const round = batches.slice(r * perRound, (r + 1) * perRound);
      const offset = r * perRound;
      httpSeconds += await timed(round.map((events, i) => httpJob(events, offset + i)));
      knexSeconds += await timed(round.map((events, i) => knexJob(events, offset + i)));
    }
    server.close();

    const cdnow = fs
      .readFileSync(path.join(ROOT, 'playground', 'data', 'cdnow', 'CDNOW_master.txt'), 'utf8')
      .split('\n')
      .slice(1)
      .filter((line) => line.trim())
      .map((line) => line.trim().split(/\s+/));
    const dayOf = (d: string) => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(4, 6)) - 1, Number(d.slice(6, 8)));
    const lastDay = Math.max(...cdnow.map((c) => dayOf(c[1])));
    const today = Math.floor(now / 86_400_000) * 86_400_000;
    const shift = today - 86_400_000 - lastDay;
    const csv = [
      'anonymousId,name,timestamp,value,cds',
      ...cdnow.map(([id, d, cds, dollars]) => `cdnow-${id},purchase,${dayOf(d) + shift + 43_200_000},${dollars},${cds}`),
    ].join('\n');
    const rssAfterBoot = process.memoryUsage().rss / 2 ** 20;
    const importStart = process.hrtime.bigint();
    const report = await strapi
      .plugin('segments')
      .service('importer')
      .importStream(Readable.from([csv]), 'csv');
    const importSeconds = Number(process.hrtime.bigint() - importStart) / 1e9;
    if (report.accepted !== cdnow.length) throw new Error(`CDNOW import accepted ${report.accepted}`);
    const peakRss = process.resourceUsage().maxRSS / 1024;

    const httpRate = (batches.length * BATCH) / httpSeconds;
    const knexRate = (batches.length * BATCH) / knexSeconds;
    return [
      {
        name: `HTTP ingestion, ${batches.length * BATCH} events, batches of ${BATCH}, ${CLIENTS} clients (${process.env.DATABASE_CLIENT ?? 'sqlite'})`,
        value: httpRate,
        unit: 'events/s',
        baseline: knexRate,
        ratio: httpRate / knexRate,
        better: 'higher',
        target: 0.3,
      },
      {
        name: `CDNOW import, ${cdnow.length} purchases (CSV, import service), vs raw knex`,
        value: cdnow.length / importSeconds,
        unit: 'events/s',
        baseline: knexRate,
        ratio: cdnow.length / importSeconds / knexRate,
        better: 'higher',
      },
      {
        name: 'peak RSS of the benchmark process vs RSS after boot',
        value: peakRss,
        unit: 'MB',
        baseline: rssAfterBoot,
        ratio: peakRss / rssAfterBoot,
        better: 'lower',
      },
    ];
  } finally {
    keepAlive.destroy();
    await strapi.destroy();
    await db.drop();
  }
}
