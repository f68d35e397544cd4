import { AsyncLocalStorage } from 'node:async_hooks';
import type { Knex } from 'knex';

/**
 * The caller's open transaction, for the plugin's raw knex queries.
 *
 * Strapi 5 runs `strapi.db.transaction(cb)` inside an AsyncLocalStorage that its own query engine
 * reads (`strapi.db.query()` and the document service join the transaction), but it has no public
 * synchronous accessor for the knex transaction, and `strapi.db.connection` is the pool. On
 * SQLite a plugin query on the pool while a transaction is open waits for the lock that the
 * transaction holds — the caller never returns. So the plugin wraps `strapi.db.transaction` once
 * (public API only) and records the transaction its callback runs in; `currentKnex` hands it out.
 */
type TransactionParams = { trx: Knex.Transaction } & Record<string, unknown>;
type TransactionFn = (cb?: (params: TransactionParams) => unknown) => Promise<unknown>;
interface TrackedDb {
  transaction: TransactionFn;
  inTransaction(): boolean;
  connection: unknown;
}

const open = new AsyncLocalStorage<Knex.Transaction>();
const TRACKED = Symbol.for('strapi-plugin-segments.transactions-tracked');

export function trackTransactions(db: TrackedDb): void {
  const marked = db as TrackedDb & { [TRACKED]?: true };
  if (marked[TRACKED]) return;
  const original = db.transaction.bind(db);
  db.transaction = ((cb?: (params: TransactionParams) => unknown) =>
    cb
      ? original((params) => open.run(params.trx, () => cb(params)))
      : original()) as TransactionFn;
  marked[TRACKED] = true;
}

/** The transaction this code runs in (still open, as Strapi sees it), else the pool. */
export function currentKnex(db: TrackedDb): Knex {
  const trx = open.getStore();
  if (trx && db.inTransaction() && !trx.isCompleted()) return trx;
  return db.connection as Knex;
}

/** `currentKnex` of a Strapi instance. */
export function pluginKnex(strapi: { db: unknown }): Knex {
  return currentKnex(strapi.db as TrackedDb);
}
