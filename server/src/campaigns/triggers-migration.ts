import type { Migration } from '../store/migration-runner';
import { TABLES } from '../store/tables';

/** Triggered campaigns: one row per trigger occurrence, and a scan cursor per campaign (issue 8). */
export const triggersMigration: Migration = {
  version: 21,
  name: 'campaign triggers and trigger scan cursors',
  async up(db) {
    await db.schema.createTable(TABLES.campaignTriggers, (t) => {
      t.bigIncrements('id').primary();
      t.string('campaign_id', 64).notNullable();
      t.bigInteger('profile_id').notNullable();
      // 'e:<event id>' or 's:<membership transition id>': what fired it.
      t.string('source_key', 80).notNullable();
      t.bigInteger('fired_at').notNullable();
      t.bigInteger('due_at').notNullable();
      t.string('status', 16).notNullable(); // waiting | queued | cancelled
      t.bigInteger('delivery_id').nullable();
      t.string('reason', 200).nullable();
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
      // An event or a segment entry fires a campaign at most once, whichever planner sees it.
      t.unique(['campaign_id', 'source_key'], { indexName: 'segments_campaign_triggers_source_unique' });
      // Re-entry policy: a profile's earlier entries into the campaign.
      t.index(['campaign_id', 'profile_id', 'fired_at'], 'segments_campaign_triggers_profile_idx');
      // Planner: waiting triggers that are due.
      t.index(['status', 'due_at'], 'segments_campaign_triggers_due_idx');
    });
    await db.schema.createTable(TABLES.triggerCursors, (t) => {
      t.string('campaign_id', 64).primary();
      t.bigInteger('scanned_until').notNullable();
    });
  },
};
