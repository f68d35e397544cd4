import { spawn, type ChildProcess } from 'child_process';
import path from 'path';
import cron from 'node-cron';
import { useStrapi } from './helpers/strapi';
import { knexLeaseStore, leaseRunCoordinator, withLease } from '../../server/src/scheduler/lease';

const TTL = 10_000;

describe('database leases', () => {
  const app = useStrapi('leases');
  const store = () => knexLeaseStore(app().knex);

  it('give a free lease to one owner and refuse others until it expires', async () => {
    const s = store();
    const t0 = 1_000_000;
    expect(await s.acquire('job:a', 'alice', TTL, t0)).toBe(true);
    expect(await s.acquire('job:a', 'bob', TTL, t0 + 1)).toBe(false);
    expect(await s.renew('job:a', 'alice', TTL, t0 + 5_000)).toBe(true); // now expires at t0+15s
    expect(await s.acquire('job:a', 'bob', TTL, t0 + 14_999)).toBe(false);
    expect(await s.acquire('job:a', 'bob', TTL, t0 + 15_000)).toBe(true); // alice's expiry passed
    expect(await s.renew('job:a', 'alice', TTL, t0 + 15_001)).toBe(false); // alice learns she lost it
    await s.release('job:a', 'alice'); // not hers: no effect
    expect((await s.holder('job:a'))?.owner).toBe('bob');
    await s.release('job:a', 'bob');
    expect(await s.acquire('job:a', 'alice', TTL, t0 + 15_002)).toBe(true);
  });

  it('let exactly one of many simultaneous contenders win, fresh or expired', async () => {
    const s = store();
    const fresh = await Promise.all(
      Array.from({ length: 12 }, (_, i) => s.acquire('job:race', `owner-${i}`, TTL))
    );
    expect(fresh.filter(Boolean)).toHaveLength(1);

    const later = Date.now() + TTL + 1;
    const takeover = await Promise.all(
      Array.from({ length: 12 }, (_, i) => s.acquire('job:race', `late-${i}`, TTL, later))
    );
    expect(takeover.filter(Boolean)).toHaveLength(1);
  });

  it('run work under a lease, skip it while another instance holds it, and release it after', async () => {
    const s = store();
    let release!: () => void;
    const holding = new Promise<void>((resolve) => (release = resolve));
    const first = withLease(s, 'job:work', 'first', TTL, async () => {
      await holding;
      return 42;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(await withLease(s, 'job:work', 'second', TTL, async () => 1)).toEqual({
      ran: false,
      lost: false,
    });
    release();
    expect(await first).toEqual({ ran: true, result: 42, lost: false });
    expect(await withLease(s, 'job:work', 'second', TTL, async () => 7)).toEqual({
      ran: true,
      result: 7,
      lost: false,
    });
  });

  it('abort the work when the lease is lost to another owner', async () => {
    const s = store();
    const ttl = 300; // renewals every 100 ms
    const run = withLease(s, 'job:lost', 'slow', ttl, async (signal) => {
      // Someone takes the lease over (as if our renewals had stalled past the expiry).
      await app()
        .knex('segments_leases')
        .where('name', 'job:lost')
        .update({ owner: 'thief', expires_at: Date.now() + 60_000 });
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
      return 'stopped';
    });
    await expect(run).resolves.toEqual({ ran: true, result: 'stopped', lost: true });
    expect((await s.holder('job:lost'))?.owner).toBe('thief'); // not released by the loser
  });

  it('make node-cron fire a distributed task on one instance only', async () => {
    const s = store();
    const fired: Array<{ owner: string; slot: string }> = [];
    // Three "instances" of the same job: the same task name is the same coordinator key.
    const tasks = ['instance-a', 'instance-b', 'instance-c'].map((owner) =>
      cron.schedule(
        '* * * * * *',
        (context) => void fired.push({ owner, slot: context.date.toISOString() }),
        {
          name: 'lease-test-shared',
          distributed: true,
          runCoordinator: leaseRunCoordinator(s, owner),
          distributedLease: 30_000,
        }
      )
    );
    try {
      await new Promise((r) => setTimeout(r, 3_300));
    } finally {
      for (const task of tasks) await task.destroy();
    }
    const rows: Array<{ name: string; owner: string }> = await app()
      .knex('segments_leases')
      .where('name', 'like', 'cron:lease-test-shared:%')
      .select('name', 'owner');
    const slots = fired.map((f) => f.slot);
    // Every second fired on exactly one of the three, and that one held the second's lease.
    expect(new Set(slots).size).toBeGreaterThanOrEqual(2);
    expect(slots).toHaveLength(new Set(slots).size);
    for (const { owner, slot } of fired) {
      expect(rows).toContainEqual({ name: `cron:lease-test-shared:${slot}`, owner });
    }
  });
});

describe('the scheduler across Strapi processes', () => {
  const app = useStrapi('leases-processes');

  function worker(env: Record<string, string>) {
    const child = spawn(process.execPath, [path.join(__dirname, 'helpers', 'lease-worker.js')], {
      env: { ...process.env, LOG_LEVEL: 'error', SEGMENTS_LEASE_TTL_SECONDS: '5', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const parts = buffer.split('\n');
      buffer = parts.pop()!;
      lines.push(...parts);
    });
    const waitFor = (prefix: string, timeoutMs: number) =>
      new Promise<string>((resolve, reject) => {
        const started = Date.now();
        const poll = setInterval(() => {
          const line = lines.find((l) => l.startsWith(prefix));
          const error = lines.find((l) => l.startsWith('ERROR'));
          if (line || error || Date.now() - started > timeoutMs) {
            clearInterval(poll);
            if (line) resolve(line);
            else
              reject(
                new Error(error ?? `no ${prefix} within ${timeoutMs} ms; got ${lines.join(' | ')}`)
              );
          }
        }, 50);
      });
    return { child, lines, waitFor };
  }

  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
  });

  it('lets one process work; after the owner is SIGKILLed another takes over once the lease expires', async () => {
    // Both workers use this test file's database (its env is already in process.env).
    void app();
    const a = worker({});
    children.push(a.child);
    await a.waitFor('ACQUIRED', 60_000);

    const b = worker({});
    children.push(b.child);
    await b.waitFor('WAITING', 60_000);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(b.lines.some((l) => l.startsWith('ACQUIRED'))).toBe(false); // A still renews its lease

    a.child.kill('SIGKILL');
    const killedAt = Date.now();
    const acquired = Number((await b.waitFor('ACQUIRED', 20_000)).split(' ')[1]);
    const takeoverMs = acquired - killedAt;
    // Not before the dead owner's lease expired (≥ TTL minus one renewal period)…
    expect(takeoverMs).toBeGreaterThanOrEqual(5_000 - 5_000 / 3 - 250);
    // …and soon after it did.
    expect(takeoverMs).toBeLessThan(5_000 + 2_000);
  });
});
