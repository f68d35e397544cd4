import type { Migration } from '../store/migration-runner';
import { TABLES } from '../store/tables';

/** Campaign runs and the deliveries outbox (DESIGN §8). */
export const campaignsMigration: Migration = {
  version: 20,
  name: 'campaign runs and deliveries outbox',
  async up(db) {
    await db.schema.createTable(TABLES.campaignRuns, (t) => {
      t.bigIncrements('id').primary();
      t.string('campaign_id', 64).notNullable(); // the campaign's documentId
      // 'once' for send-now / at-a-time, the fire's ISO minute for recurring campaigns.
      t.string('run_key', 64).notNullable();
      t.bigInteger('due_at').notNullable();
      t.string('status', 16).notNullable(); // planned | ready | done | cancelled
      t.integer('audience').nullable();
      t.bigInteger('created_at').notNullable();
      t.bigInteger('finished_at').nullable();
      // Two planners can never create the same run: the second insert is a no-op.
      t.unique(['campaign_id', 'run_key'], { indexName: 'segments_campaign_runs_key_unique' });
      t.index(['status', 'due_at'], 'segments_campaign_runs_status_idx'); // planner: unfinished runs
    });

    await db.schema.createTable(TABLES.deliveries, (t) => {
      t.bigIncrements('id').primary();
      t.bigInteger('run_id').notNullable();
      t.string('campaign_id', 64).notNullable();
      t.bigInteger('profile_id').notNullable();
      t.integer('variant').nullable(); // index into the campaign's variants; null in holdout
      t.boolean('holdout').notNullable().defaultTo(false);
      // pending (materialised, not yet timed) | queued | sending (claimed) | sent | failed
      // | skipped (consent, unsubscribe, cap at send time) | holdout | cancelled
      t.string('status', 16).notNullable();
      t.bigInteger('scheduled_at').nullable();
      t.integer('attempts').notNullable().defaultTo(0);
      t.bigInteger('next_attempt_at').nullable();
      t.string('claimed_by', 100).nullable();
      t.bigInteger('claim_expires').nullable();
      t.string('message_id', 300).nullable();
      t.text('error').nullable();
      t.bigInteger('sent_at').nullable();
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
      // Exactly one delivery per run and profile, whoever materialises the run.
      t.unique(['run_id', 'profile_id'], { indexName: 'segments_deliveries_run_profile_unique' });
      // Dispatcher claim: due queued deliveries, oldest first.
      t.index(['status', 'next_attempt_at'], 'segments_deliveries_due_idx');
      // Reclaim of expired claims (an instance died mid-batch).
      t.index(['status', 'claim_expires'], 'segments_deliveries_claim_idx');
      // Frequency cap at send time: a profile's sends in the window.
      t.index(['profile_id', 'sent_at'], 'segments_deliveries_profile_sent_idx');
      // Delivery log, cancel and run completion per campaign / run.
      t.index(['campaign_id', 'status'], 'segments_deliveries_campaign_idx');
      t.index(['run_id', 'status'], 'segments_deliveries_run_status_idx');
    });
  },
};
