import type { Migration } from '../store/migration-runner';
import { TABLES } from '../store/tables';

/** Web Push subscriptions (a profile's devices) and the per-device sends of each delivery. */
export const pushMigration: Migration = {
  version: 50,
  name: 'web push subscriptions and per-device sends',
  async up(db) {
    await db.schema.createTable(TABLES.pushSubscriptions, (t) => {
      t.bigIncrements('id').primary();
      t.bigInteger('profile_id').notNullable();
      // Endpoints run to ~500 characters; the unique key is their SHA-256.
      t.string('endpoint_hash', 64).notNullable();
      t.text('endpoint').notNullable();
      t.string('p256dh', 200).notNullable();
      t.string('auth', 100).notNullable();
      t.string('user_agent', 300).nullable();
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
      t.unique(['endpoint_hash'], { indexName: 'segments_push_subscriptions_endpoint_unique' });
      t.index(['profile_id'], 'segments_push_subscriptions_profile_idx');
    });
    await db.schema.createTable(TABLES.pushSends, (t) => {
      t.bigInteger('delivery_id').notNullable();
      t.bigInteger('subscription_id').notNullable();
      t.integer('status').notNullable(); // the push service's answer (201)
      t.bigInteger('sent_at').notNullable();
      // A retry of a delivery skips the devices that already have it: one message per device.
      t.primary(['delivery_id', 'subscription_id']);
    });
    await db.schema.alterTable(TABLES.deliveries, (t) => {
      // email | push | webhook: per-channel caps count a channel's sends.
      t.string('channel', 16).notNullable().defaultTo('email');
    });
  },
};
