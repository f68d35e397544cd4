import type { Knex } from 'knex';
import { dialectOf } from '../store/dialect';

const PG_MEMBERSHIP_WRITES_KEY = 0x5e6d_3e3b; // stable key for "segments membership writes"

/**
 * Orders the two writers of stored memberships on Postgres: real-time passes share the lock
 * (they own disjoint profiles), a recompute's diff takes it alone. Without it a recompute's bulk
 * insert and a pass's row inserts could lock the same rows in opposite orders and deadlock.
 * Taken first in the transaction, before any row lock; SQLite serialises writers already.
 */
export async function lockMembershipWrites(
  trx: Knex.Transaction,
  mode: 'shared' | 'exclusive'
): Promise<void> {
  if (dialectOf(trx) !== 'postgres') return;
  const fn = mode === 'shared' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock';
  await trx.raw(`select ${fn}(?)`, [PG_MEMBERSHIP_WRITES_KEY]);
}
