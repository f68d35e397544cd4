import type { Migration } from '../store/migration-runner';
import { TABLES } from '../store/tables';

/** Leases for the scheduler (one instance per job or per cron fire). Version numbers may leave gaps. */
export const leasesMigration: Migration = {
  version: 10,
  name: 'scheduler leases',
  async up(db) {
    await db.schema.createTable(TABLES.leases, (t) => {
      t.string('name', 200).primary(); // lookups and conditional updates are by name only
      t.string('owner', 200).notNullable();
      t.bigInteger('acquired_at').notNullable();
      t.bigInteger('renewed_at').notNullable();
      t.bigInteger('expires_at').notNullable().index('segments_leases_expires_idx'); // purge
    });
  },
};
