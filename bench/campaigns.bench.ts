import type { AddressInfo } from 'net';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import type { Knex } from 'knex';
import type { BenchResult } from './types';
import { APP_DIR, DIST_DIR, createTestDatabase } from '../test/integration/helpers/strapi';
import { TABLES } from '../server/src/store/tables';
import { renderEmail } from '../server/src/campaigns/render';

/**
 * Campaign pipeline (issue 7). One local SMTP sink (smtp-server, counting messages).
 *
 * 1. Full pipeline — plan (recompute the segment, INSERT…SELECT into the outbox, assign variant
 *    and send time), then dispatch (claim, re-check, render Liquid, tracking, send, record) — in
 *    messages/s, against raw pooled nodemailer sending the same number of pre-rendered messages
 *    to the same sink with the same pool size, in the same run. Target ratio ≥ 0.7.
 * 2. A large campaign end to end (BENCH_CAMPAIGN_LARGE, default 100,000 recipients): seconds,
 *    against the raw send of as many pre-rendered messages; and the process's peak RSS against
 *    its RSS after boot.
 * BENCH_CAMPAIGN_RECIPIENTS sets the size of run 1 (default 5,000).
 */
const SMALL = Number(process.env.BENCH_CAMPAIGN_RECIPIENTS ?? 5_000);
const LARGE = Number(process.env.BENCH_CAMPAIGN_LARGE ?? 100_000);
const CONNECTIONS = 5;
const BATCH = 100;
const T0 = Date.parse('2026-01-01T00:00:00Z');

const variant = {
  name: 'A',
  subject: 'Hello {{ traits.first_name }}',
  html: '<html><body><h1>Hi {{ traits.first_name }}</h1><p>Our {{ traits.plan }} sale starts now.</p><a href="https://shop.example/sale">Shop</a></body></html>',
};

async function startSink() {
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        count += 1;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    count: () => count,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Raw baseline: pre-rendered messages through a pooled transport, `BATCH` in flight at a time. */
async function rawSend(port: number, n: number): Promise<number> {
  const transport = nodemailer.createTransport({ pool: true, maxConnections: CONNECTIONS, host: '127.0.0.1', port, secure: false, ignoreTLS: true, rateDelta: 1000, rateLimit: 1_000_000 } as never);
  const messages = Array.from({ length: n }, (_, i) => {
    const r = renderEmail(
      variant,
      {
        traits: { first_name: `User${i}`, plan: 'gold' },
        user: null,
        campaign: { id: 'c', name: 'Bench', variant: 'A' },
        profile: { id: i, email: `u${i}@bench.test` },
        unsubscribe_url: `http://localhost/api/segments/t/u/${i}`,
      },
      { openPixelUrl: `http://localhost/api/segments/t/o/${i}.gif`, clickUrl: (u) => `http://localhost/c?u=${encodeURIComponent(u)}` }
    );
    return { from: 'bench@bench.test', to: `u${i}@bench.test`, subject: r.subject, html: r.html, text: r.text };
  });
  const started = performance.now();
  for (let i = 0; i < n; i += BATCH) await Promise.all(messages.slice(i, i + BATCH).map((m) => transport.sendMail(m)));
  const seconds = (performance.now() - started) / 1000;
  transport.close();
  return seconds;
}

export async function run(): Promise<BenchResult[]> {
  const sink = await startSink();
  const db = await createTestDatabase('bench_campaigns');
  Object.assign(process.env, {
    LOG_LEVEL: 'error',
    ...db.env,
    SEGMENTS_SCHEDULER_ENABLED: 'false',
    SEGMENTS_SMTP_PORT: String(sink.port),
    SEGMENTS_EMAIL_RATE: '100000',
    SEGMENTS_EMAIL_CONNECTIONS: String(CONNECTIONS),
    SEGMENTS_DISPATCH_BATCH: String(BATCH),
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createStrapi } = require('@strapi/strapi') as typeof import('@strapi/strapi');
  const strapi = await createStrapi({ appDir: APP_DIR, distDir: DIST_DIR }).load();
  const knex = strapi.db.connection as unknown as Knex;
  const service = strapi.plugin('segments').service('campaigns');
  const bootRss = process.memoryUsage().rss;
  let peakRss = bootRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  let nextId = 1;

  const pipeline = async (group: string, n: number): Promise<number> => {
    const rows = Array.from({ length: n }, (_, i) => ({
      id: nextId + i,
      anonymous_id: `b-${nextId + i}`,
      email: `u${nextId + i}@bench.test`,
      timezone: ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', null][i % 4],
      traits: JSON.stringify({ group, first_name: `User${i}`, plan: 'gold' }),
      first_seen_at: T0,
      last_seen_at: T0,
      created_at: T0,
      updated_at: T0,
    }));
    nextId += n;
    for (let i = 0; i < rows.length; i += 500) await knex(TABLES.profiles).insert(rows.slice(i, i + 500));
    await strapi.documents('plugin::segments.segment').create({ data: { name: group, key: group, rule: { group } } as never });
    const docs = strapi.documents('plugin::segments.campaign');
    const c = await docs.create({ data: { name: group, segmentKey: group, variants: [variant] } as never });
    await docs.update({ documentId: c.documentId, data: { state: 'scheduled' } as never });
    const before = sink.count();
    const started = performance.now();
    const now = Date.now() + 1000;
    await service.plan(now);
    process.stdout.write(`  ${group}: planned ${n} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    let sent = 0;
    while (sent < n) {
      const report = await service.dispatch(now);
      if (report.claimed === 0) throw new Error(`pipeline stalled at ${sent}/${n}`);
      sent += report.sent;
    }
    const seconds = (performance.now() - started) / 1000;
    if (sink.count() - before !== n) throw new Error(`sink got ${sink.count() - before}, expected ${n}`);
    return seconds;
  };

  try {
    const rawSmall = await rawSend(sink.port, SMALL);
    const pipeSmall = await pipeline('small', SMALL);
    const results: BenchResult[] = [
      {
        name: `campaign pipeline (${SMALL} recipients: plan, render, track, send, record) vs raw pooled nodemailer`,
        value: SMALL / pipeSmall,
        unit: 'messages/s',
        baseline: SMALL / rawSmall,
        ratio: rawSmall / pipeSmall,
        better: 'higher',
        target: 0.7,
      },
    ];
    if (LARGE > 0) {
      const rawLarge = await rawSend(sink.port, LARGE);
      const rssBefore = process.memoryUsage().rss;
      peakRss = rssBefore;
      const pipeLarge = await pipeline('large', LARGE);
      results.push(
        {
          name: `campaign of ${LARGE} recipients end to end vs raw send of as many pre-rendered messages`,
          value: pipeLarge,
          unit: 's',
          baseline: rawLarge,
          ratio: pipeLarge / rawLarge,
          better: 'lower',
        },
        {
          name: `campaign of ${LARGE} recipients: peak RSS vs RSS before the run`,
          value: peakRss / 1e6,
          unit: 'MB',
          baseline: rssBefore / 1e6,
          ratio: peakRss / rssBefore,
          better: 'lower',
        }
      );
    }
    return results;
  } finally {
    clearInterval(sampler);
    await strapi.destroy();
    await sink.close();
    await db.drop();
  }
}
