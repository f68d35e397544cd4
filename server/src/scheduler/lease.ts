import type { Knex } from 'knex';
import { TABLES } from '../store/tables';

/**
 * Database leases: "only one instance does this now". A lease is a row (name, owner, expiry).
 * Taking it succeeds when nobody holds it, when we already hold it, or when the holder's expiry has
 * passed (it died or stalled). Works the same on SQLite, Postgres and MySQL: a conditional UPDATE
 * is atomic on all three, so two contenders can never both see "1 row updated".
 *
 * Instances compare expiries with their own clocks: they must be NTP-synchronised, and the TTL must
 * be much larger than the clock skew (seconds, not milliseconds).
 */
export interface LeaseStore {
  /** Takes or renews the lease; true when `owner` holds it until `now + ttlMs`. */
  acquire(name: string, owner: string, ttlMs: number, now?: number): Promise<boolean>;
  /** Extends a lease we hold; false when it was lost (expired and taken by someone else). */
  renew(name: string, owner: string, ttlMs: number, now?: number): Promise<boolean>;
  release(name: string, owner: string): Promise<void>;
  holder(name: string): Promise<{ owner: string; expiresAt: number } | null>;
  /** Deletes leases that expired more than `olderThanMs` ago (per-fire cron keys pile up). */
  purgeExpired(olderThanMs: number, now?: number): Promise<number>;
}

export function knexLeaseStore(db: Knex): LeaseStore {
  const table = () => db(TABLES.leases);

  const renew = async (name: string, owner: string, ttlMs: number, now = Date.now()) => {
    const updated = await table()
      .where({ name, owner })
      .update({ expires_at: now + ttlMs, renewed_at: now });
    return Number(updated) === 1;
  };

  return {
    async acquire(name, owner, ttlMs, now = Date.now()) {
      // 1. Create it if nobody ever held it. A concurrent creator makes this a no-op.
      await table()
        .insert({ name, owner, acquired_at: now, renewed_at: now, expires_at: now + ttlMs })
        .onConflict('name')
        .ignore();
      if (await renew(name, owner, ttlMs, now)) return true;
      // 2. Take it over when its holder let it expire. The WHERE is re-checked under the row lock,
      //    so of two instances racing for an expired lease exactly one updates a row.
      const taken = await table()
        .where('name', name)
        .andWhere('expires_at', '<=', now)
        .update({ owner, acquired_at: now, renewed_at: now, expires_at: now + ttlMs });
      return Number(taken) === 1;
    },

    renew,

    async release(name, owner) {
      // Expire rather than delete: keeps the row (and its history columns) for the next acquire.
      await table().where({ name, owner }).update({ expires_at: 0 });
    },

    async holder(name) {
      const row = await table().where('name', name).first();
      return row ? { owner: row.owner, expiresAt: Number(row.expires_at) } : null;
    },

    async purgeExpired(olderThanMs, now = Date.now()) {
      return Number(
        await table()
          .where('expires_at', '<', now - olderThanMs)
          .delete()
      );
    },
  };
}

export interface LeaseRun<T> {
  ran: boolean;
  result?: T;
  /** True when the lease was lost while the work ran (another instance may have started). */
  lost: boolean;
}

/**
 * Runs `work` while holding the named lease, renewing it every `ttlMs / 3`. If a renewal finds the
 * lease gone, `signal` is aborted so long work can stop at its next checkpoint. Returns
 * `{ ran: false }` without running anything when another instance holds the lease.
 */
export async function withLease<T>(
  store: LeaseStore,
  name: string,
  owner: string,
  ttlMs: number,
  work: (signal: AbortSignal) => Promise<T>
): Promise<LeaseRun<T>> {
  if (!(await store.acquire(name, owner, ttlMs))) return { ran: false, lost: false };
  const controller = new AbortController();
  let lost = false;
  let renewing: Promise<void> = Promise.resolve();
  const timer = setInterval(
    () => {
      renewing = renewing.then(async () => {
        try {
          if (!(await store.renew(name, owner, ttlMs))) {
            lost = true;
            controller.abort(new Error(`lease ${name} lost`));
          }
        } catch {
          // A failed renewal (database blip) is retried at the next interval; the TTL covers it.
        }
      });
    },
    Math.max(50, Math.floor(ttlMs / 3))
  );
  timer.unref?.();
  try {
    const result = await work(controller.signal);
    return { ran: true, result, lost };
  } finally {
    clearInterval(timer);
    await renewing;
    if (!lost) await store.release(name, owner);
  }
}

/**
 * node-cron ≥ 4.6 `runCoordinator`: for `distributed: true` tasks it asks `shouldRun(key, ttl)`
 * once per scheduled fire (the key names the task and the fire's time slot), so exactly one
 * instance runs each fire. The lease is kept until it expires rather than released on completion:
 * an instance whose clock is late must not run the same slot again.
 */
export function leaseRunCoordinator(store: LeaseStore, owner: string) {
  return {
    shouldRun: (key: string, ttlMs: number) => store.acquire(`cron:${key}`, owner, ttlMs),
  };
}
