import { execFileSync } from 'child_process';
import crypto from 'crypto';
import fs from 'fs';
import http from 'http';
import https from 'https';
import type { AddressInfo } from 'net';
import os from 'os';
import path from 'path';
import type { Knex } from 'knex';
import { Webhook } from 'standardwebhooks';
import webpush from 'web-push';
import type { BenchResult } from './types';
import { APP_DIR, DIST_DIR, createTestDatabase } from '../test/integration/helpers/strapi';
import { TABLES } from '../server/src/store/tables';

/**
 * Push and webhook campaign pipelines (issue 23), each against its raw library baseline in the
 * same run, at the same concurrency (`outbound.concurrency`) to the same local endpoint:
 *
 * 1. Push: plan + dispatch (claim, re-check, render Liquid, sized payload, web-push encryption
 *    and VAPID JWT, guarded send, per-device record, acknowledge) vs raw `webpush.sendNotification`
 *    of pre-rendered payloads. web-push always speaks HTTPS, so the local push service is HTTPS
 *    with a throwaway self-signed certificate (both sides pay the same TLS). Target ≥ 0.7.
 * 2. Webhook: plan + dispatch (render the JSON body, Standard Webhooks signature, guarded POST,
 *    acknowledge) vs raw `fetch` of pre-rendered bodies with the same signing. Target ≥ 0.7.
 *
 * BENCH_CHANNEL_RECIPIENTS sets the size of each run (default 3,000).
 */
const N = Number(process.env.BENCH_CHANNEL_RECIPIENTS ?? 3_000);
const CONCURRENCY = 20;
const BATCH = 100;
const T0 = Date.parse('2026-01-01T00:00:00Z');

const pushVariant = {
  name: 'A',
  title: 'Hi {{ traits.first_name }}',
  body: 'Your {{ traits.plan }} basket is waiting',
  url: 'https://shop.example/cart',
};
const webhookVariant = {
  name: 'A',
  body: '{"profile": {{ profile.id }}, "name": "{{ traits.first_name }}", "plan": "{{ traits.plan }}", "campaign": "{{ campaign.name }}"}',
};

/** A throwaway self-signed certificate for 127.0.0.1 (openssl is on every Debian image). */
function selfSigned(): { key: Buffer; cert: Buffer } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
    return { key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Counts requests and answers each with `status` once the body has arrived. */
function counting(status: number) {
  let count = 0;
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    req.on('data', () => undefined);
    req.on('end', () => {
      count += 1;
      res.writeHead(status);
      res.end();
    });
  };
  return { handler, count: () => count };
}

async function listen(server: http.Server | https.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** `items` through `fn`, at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]);
    })
  );
}

const device = (origin: string, id: number) => {
  const ecdh = crypto.createECDH('prime256v1');
  ecdh.generateKeys();
  return { endpoint: `${origin}/push/${id}`, keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: crypto.randomBytes(16).toString('base64url') } };
};

export async function run(): Promise<BenchResult[]> {
  const tls = selfSigned();
  const pushSink = counting(201);
  const pushServer = https.createServer({ ...tls, keepAlive: true }, pushSink.handler);
  const pushOrigin = `https://127.0.0.1:${await listen(pushServer)}`;
  const hookSink = counting(200);
  const hookServer = http.createServer({ keepAlive: true }, hookSink.handler);
  const hookUrl = `http://127.0.0.1:${await listen(hookServer)}/hooks`;
  // The certificate is self-signed; both the plugin's client and the baseline accept it alike.
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';

  const db = await createTestDatabase('bench_channels');
  Object.assign(process.env, {
    LOG_LEVEL: 'error',
    ...db.env,
    SEGMENTS_SCHEDULER_ENABLED: 'false',
    SEGMENTS_DISPATCH_BATCH: String(BATCH),
    SEGMENTS_OUTBOUND_ALLOWED_HOSTS: '127.0.0.1',
  });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createStrapi } = require('@strapi/strapi') as typeof import('@strapi/strapi');
  const strapi = await createStrapi({ appDir: APP_DIR, distDir: DIST_DIR }).load();
  const knex = strapi.db.connection as unknown as Knex;
  const service = strapi.plugin('segments').service('campaigns');
  const concurrency = (strapi.config.get('plugin::segments') as { outbound: { concurrency: number } }).outbound.concurrency;
  if (concurrency !== CONCURRENCY) throw new Error(`outbound.concurrency is ${concurrency}, the bench assumes ${CONCURRENCY}`);
  let nextId = 1;

  /** Profiles in their own segment, then plan + dispatch a campaign to them until all are sent. */
  const pipeline = async (group: string, campaign: Record<string, unknown>, withDevices: boolean) => {
    const ids = Array.from({ length: N }, (_, i) => nextId + i);
    nextId += N;
    const rows = ids.map((id, i) => ({ id, anonymous_id: `b-${id}`, traits: JSON.stringify({ group, first_name: `User${i}`, plan: 'gold' }), first_seen_at: T0, last_seen_at: T0, created_at: T0, updated_at: T0 }));
    for (let i = 0; i < rows.length; i += 500) await knex(TABLES.profiles).insert(rows.slice(i, i + 500));
    if (withDevices) {
      const subs = ids.map((id) => {
        const d = device(pushOrigin, id);
        return { profile_id: id, endpoint: d.endpoint, endpoint_hash: crypto.createHash('sha256').update(d.endpoint).digest('hex'), p256dh: d.keys.p256dh, auth: d.keys.auth, created_at: T0, updated_at: T0 };
      });
      for (let i = 0; i < subs.length; i += 500) await knex(TABLES.pushSubscriptions).insert(subs.slice(i, i + 500));
    }
    await strapi.documents('plugin::segments.segment').create({ data: { name: group, key: group, rule: { group } } as never });
    const docs = strapi.documents('plugin::segments.campaign');
    const c = await docs.create({ data: { name: group, segmentKey: group, ...campaign } as never });
    await docs.update({ documentId: c.documentId, data: { state: 'scheduled' } as never });
    const started = performance.now();
    const now = Date.now() + 1000;
    await service.plan(now);
    let sent = 0;
    while (sent < N) {
      const report = await service.dispatch(now);
      if (report.claimed === 0) throw new Error(`${group} pipeline stalled at ${sent}/${N}: ${JSON.stringify(report)}`);
      if (report.failed) throw new Error(`${group}: ${report.failed} failed`);
      sent += report.sent;
    }
    return (performance.now() - started) / 1000;
  };

  try {
    // Push: raw web-push, then the pipeline, to the same service.
    const vapid = webpush.generateVAPIDKeys();
    const agent = new https.Agent({ keepAlive: true, maxSockets: 64 });
    const devices = Array.from({ length: N }, (_, i) => device(pushOrigin, 1_000_000 + i));
    const payloads = devices.map((_, i) => JSON.stringify({ title: `Hi User${i}`, body: 'Your gold basket is waiting', url: 'https://shop.example/cart', tag: `d${i}`, data: { displayed: `https://shop.example/api/segments/t/d/${i}`, clicked: `https://shop.example/api/segments/t/p/${i}` } }));
    const rawPushStart = performance.now();
    await pool(devices.map((d, i) => ({ d, i })), concurrency, ({ d, i }) =>
      webpush.sendNotification(d, payloads[i], { vapidDetails: { subject: 'mailto:bench@bench.test', ...vapid }, TTL: 3600, urgency: 'normal', topic: `d${i}`, agent })
    );
    const rawPush = (performance.now() - rawPushStart) / 1000;
    const beforePush = pushSink.count();
    const pipePush = await pipeline('push', { channel: 'push', variants: [pushVariant] }, true);
    if (pushSink.count() - beforePush !== N) throw new Error(`push service got ${pushSink.count() - beforePush}, expected ${N}`);

    // Webhook: raw fetch with the same signing, then the pipeline, to the same receiver.
    const signer = new Webhook(`whsec_${crypto.randomBytes(32).toString('base64')}`);
    const bodies = Array.from({ length: N }, (_, i) => JSON.stringify({ profile: i, name: `User${i}`, plan: 'gold', campaign: 'webhook' }));
    const rawHookStart = performance.now();
    await pool(bodies.map((body, i) => ({ body, i })), concurrency, async ({ body, i }) => {
      const id = `msg_${i}`;
      const now = new Date();
      const signature = signer.sign(id, now, body);
      const res = await fetch(hookUrl, { method: 'POST', body, headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': signature } });
      await res.arrayBuffer();
    });
    const rawHook = (performance.now() - rawHookStart) / 1000;
    const beforeHook = hookSink.count();
    const pipeHook = await pipeline('webhook', { channel: 'webhook', webhook: { url: hookUrl, timeoutSeconds: 10 }, variants: [webhookVariant] }, false);
    if (hookSink.count() - beforeHook !== N) throw new Error(`receiver got ${hookSink.count() - beforeHook}, expected ${N}`);

    return [
      { name: `push pipeline (${N} devices: plan, render, encrypt, VAPID, send, record) vs raw web-push sendNotification, ${concurrency} in flight`, value: N / pipePush, unit: 'messages/s', baseline: N / rawPush, ratio: rawPush / pipePush, better: 'higher', target: 0.7 },
      { name: `webhook pipeline (${N} recipients: plan, render, sign, send, record) vs raw fetch with the same signing, ${concurrency} in flight`, value: N / pipeHook, unit: 'messages/s', baseline: N / rawHook, ratio: rawHook / pipeHook, better: 'higher', target: 0.7 },
    ];
  } finally {
    delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    await strapi.destroy();
    pushServer.closeAllConnections();
    hookServer.closeAllConnections();
    await new Promise((r) => pushServer.close(r));
    await new Promise((r) => hookServer.close(r));
    await db.drop();
  }
}
