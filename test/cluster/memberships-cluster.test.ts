import { spawn, type ChildProcess } from 'child_process';
import path from 'path';
import request from 'supertest';
import { startSmtpSink, type SmtpSink } from '../integration/helpers/smtp-sink';
import { isPostgres, useStrapi } from '../integration/helpers/strapi';
import { TABLES } from '../../server/src/store/tables';

/**
 * Issue 22: three Strapi processes on one Postgres ingest events (over HTTP, spread over all
 * three) and keep stored memberships current with their real-time loops; one is SIGKILLed
 * mid-stream. No transition may be lost or written twice, the stored memberships must equal a
 * full recompute, and a `segmentEntry` campaign must trigger once per entry.
 */
const PROFILES = 150;
const T0 = Date.parse('2026-01-01T00:00:00Z');
const SEGMENT_UID = 'plugin::segments.segment';

describe('real-time memberships across three Strapi processes, one SIGKILLed', () => {
  const env: Record<string, string> = { SEGMENTS_SCHEDULER_ENABLED: 'false' };
  let sink: SmtpSink;
  beforeAll(async () => {
    if (!isPostgres()) throw new Error('the cluster test needs Postgres: npm run test:cluster');
    sink = await startSmtpSink();
    env.SEGMENTS_SMTP_PORT = String(sink.port);
  });
  const app = useStrapi('memberships_cluster', env);
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await sink?.close();
  });

  function worker() {
    const child = spawn(process.execPath, [path.join(__dirname, 'helpers', 'http-worker.js')], {
      env: {
        ...process.env,
        LOG_LEVEL: 'error',
        SEGMENTS_SCHEDULER_ENABLED: 'true',
        SEGMENTS_LEASE_TTL_SECONDS: '10',
        SEGMENTS_PLANNER_CRON: '*/2 * * * * *',
        SEGMENTS_DISPATCH_INTERVAL_MS: '200',
        SEGMENTS_REALTIME_CLAIM_TTL_SECONDS: '5',
        SEGMENTS_EMAIL_RATE: '2000',
        SEGMENTS_SMTP_PORT: String(sink.port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    const collect = (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean));
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    children.push(child);
    const port = new Promise<number>((resolve, reject) => {
      const started = Date.now();
      const poll = setInterval(() => {
        const ready = lines.find((l) => l.startsWith('READY'));
        if (ready) {
          clearInterval(poll);
          resolve(Number(ready.split(' ')[1]));
        } else if (lines.some((l) => l.startsWith('ERROR')) || Date.now() - started > 240_000) {
          clearInterval(poll);
          reject(new Error(`worker did not boot: ${lines.join(' | ')}`));
        }
      }, 100);
    });
    return { child, port };
  }

  const waitUntil = async (what: string, check: () => Promise<boolean>, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const count = async (table: string, where: Record<string, unknown>) =>
    Number((await app().knex(table).where(where).count({ n: '*' }).first())?.n);

  let campaignId = '';
  let segmentId = '';
  beforeAll(async () => {
    const rows = Array.from({ length: PROFILES }, (_, i) => ({
      id: i + 1,
      anonymous_id: `anon-member-${i + 1}`,
      email: `m${i + 1}@cluster.test`,
      first_seen_at: T0,
      last_seen_at: T0,
      created_at: T0,
      updated_at: T0,
    }));
    await app().knex(TABLES.profiles).insert(rows);
    const segment = await app()
      .strapi.documents(SEGMENT_UID)
      .create({
        data: {
          name: 'Repeat buyers',
          key: 'repeat-buyers',
          rule: { $event: { name: 'purchase', count: { $gte: 2 } } },
        } as never,
      });
    segmentId = String(segment.documentId);
    await app().strapi.plugin('segments').service('segments').recomputeAll(); // the baseline
    const docs = app().strapi.documents('plugin::segments.campaign');
    const created = await docs.create({
      data: {
        name: 'Welcome back',
        segmentKey: 'repeat-buyers',
        scheduleType: 'triggered',
        trigger: { segmentEntry: 'repeat-buyers' },
        variants: [{ name: 'A', subject: 'Welcome back {{ profile.id }}', html: '<p>Hi</p>' }],
      } as never,
    });
    campaignId = String(created.documentId);
    await docs.update({
      documentId: campaignId,
      data: { state: 'scheduled', scheduledAt: new Date(Date.now() - 1000).toISOString() } as never,
    });
  });

  it('loses and duplicates no transition; memberships equal a recompute; one trigger per entry', async () => {
    const workers = [worker(), worker(), worker()];
    const ports = await Promise.all(workers.map((w) => w.port));
    const alive = new Set([0, 1, 2]);
    // Profile i buys i % 4 times (0–3): those with 2 or 3 purchases enter, once.
    const events: Array<{ profile: number }> = [];
    for (let round = 0; round < 3; round += 1) {
      for (let p = 1; p <= PROFILES; p += 1) if (p % 4 > round) events.push({ profile: p });
    }
    let sent = 0;
    for (const e of events) {
      if (sent === Math.floor(events.length / 3)) {
        workers[0].child.kill('SIGKILL'); // mid-stream, with passes in flight
        alive.delete(0);
      }
      const target = [...alive][sent % alive.size];
      await request(`http://127.0.0.1:${ports[target]}`)
        .post('/api/segments/events')
        .set('X-Segments-Anonymous-Id', `anon-member-${e.profile}`)
        .send({ events: [{ name: 'purchase' }] })
        .expect(202);
      sent += 1;
    }
    const expectedEntries = Array.from({ length: PROFILES }, (_, i) => i + 1).filter(
      (p) => p % 4 >= 2
    ).length;

    await waitUntil(
      'the re-evaluation queue to drain (a killed claim expires after 5 s)',
      async () =>
        Number(
          (
            await app()
              .knex(TABLES.reevaluations)
              .where('due_at', '<=', Date.now())
              .count({ n: '*' })
              .first()
          )?.n
        ) === 0,
      120_000
    );
    await waitUntil(
      'every entry to be triggered and sent',
      async () =>
        (await count(TABLES.deliveries, { campaign_id: campaignId, status: 'sent' })) ===
        expectedEntries,
      120_000
    );

    // Exactly one enter per qualifying profile, no exit, nothing for the others.
    const transitions = (await app()
      .knex(TABLES.membershipTransitions)
      .where('segment_id', segmentId)
      .select('profile_id', 'kind')) as Array<{ profile_id: string | number; kind: string }>;
    expect(transitions.every((t) => t.kind === 'enter')).toBe(true);
    const entered = transitions.map((t) => Number(t.profile_id)).sort((a, b) => a - b);
    expect(entered).toEqual(
      Array.from({ length: PROFILES }, (_, i) => i + 1).filter((p) => p % 4 >= 2)
    );
    // A recompute has nothing to correct.
    const [check] = await app().strapi.plugin('segments').service('segments').recomputeAll();
    expect(check).toMatchObject({ entered: 0, exited: 0, deferred: 0, size: expectedEntries });
    // One trigger row and one delivery per entry; every entered profile got its mail.
    expect(await count(TABLES.campaignTriggers, { campaign_id: campaignId })).toBe(expectedEntries);
    await sink.waitFor(expectedEntries, 30_000);
    const recipients = new Set(sink.received.map((m) => m.to[0]));
    expect(recipients.size).toBe(expectedEntries);
    process.stdout.write(
      `[cluster] memberships: ${events.length} events over 3 processes (1 killed), ` +
        `${entered.length} entries, ${sink.received.length} mails\n`
    );
  });
});
