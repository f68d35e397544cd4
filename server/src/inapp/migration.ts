import type { Migration } from '../store/migration-runner';
import { TABLES } from '../store/tables';

/**
 * In-app messages: per delivery (one per campaign and visitor), how often it was shown in the
 * current cap window and whether the visitor dismissed or clicked it. Keyed by delivery, so a
 * profile merge or erase that moves or deletes deliveries carries the state along.
 */
export const inappMigration: Migration = {
  version: 60,
  name: 'in-app message show counts, dismissals and clicks',
  async up(db) {
    await db.schema.createTable(TABLES.inappStates, (t) => {
      t.bigInteger('delivery_id').primary();
      t.integer('shows').notNullable().defaultTo(0);
      t.integer('total_shows').notNullable().defaultTo(0);
      // Start of the current cap window (the first show in it).
      t.bigInteger('window_started_at').nullable();
      t.bigInteger('last_shown_at').nullable();
      t.bigInteger('dismissed_at').nullable();
      t.bigInteger('clicked_at').nullable();
    });
  },
};
