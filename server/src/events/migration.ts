import type { Migration } from '../store/migration-runner';
import { TABLES } from '../store/tables';

/**
 * The first tables, created together in version 1 as shipped: profiles and identities (the
 * profiles domain) with events, rollups and activity days (this one). Kept as one migration so
 * existing databases see the same version history.
 */
export const foundationMigration: Migration = {
  version: 1,
  name: 'profiles, identities, events, rollups, activity days',
  async up(db) {
    await db.schema.createTable(TABLES.profiles, (t) => {
      t.bigIncrements('id').primary();
      // Identified by a users-permissions user, or anonymous (anonymous_id), or both after a merge.
      t.integer('user_id').nullable().unique('segments_profiles_user_id_unique');
      t.string('anonymous_id', 64).nullable().unique('segments_profiles_anonymous_id_unique');
      t.string('email', 320).nullable().index('segments_profiles_email_idx');
      t.string('timezone', 64).nullable();
      t.string('locale', 35).nullable();
      t.string('country', 2).nullable().index('segments_profiles_country_idx');
      t.string('region', 100).nullable();
      t.string('city', 100).nullable();
      t.double('latitude').nullable();
      t.double('longitude').nullable();
      t.jsonb('traits').nullable();
      t.jsonb('context').nullable(); // last known request context (device, os, utm, …)
      t.bigInteger('first_seen_at').notNullable();
      // Serves "did not open the app for 30 days" and activity reports.
      t.bigInteger('last_seen_at').notNullable().index('segments_profiles_last_seen_idx');
      t.boolean('email_consent').nullable();
      t.bigInteger('unsubscribed_at').nullable();
      t.bigInteger('created_at').notNullable();
      t.bigInteger('updated_at').notNullable();
    });

    // Every anonymous id a profile ever used: a merge keeps the old ids resolvable.
    await db.schema.createTable(TABLES.identities, (t) => {
      t.string('kind', 16).notNullable(); // 'anonymous' | 'user'
      t.string('value', 64).notNullable();
      t.bigInteger('profile_id').notNullable().index('segments_identities_profile_idx');
      t.bigInteger('created_at').notNullable();
      t.primary(['kind', 'value'], 'segments_identities_pk');
    });

    await db.schema.createTable(TABLES.events, (t) => {
      t.bigIncrements('id').primary();
      t.bigInteger('profile_id').notNullable();
      t.string('name', 100).notNullable();
      t.bigInteger('occurred_at').notNullable();
      t.bigInteger('received_at').notNullable();
      t.double('value').nullable();
      t.jsonb('properties').nullable();
      t.string('message_id', 100).nullable();
      // Idempotent ingestion: a repeated messageId from the same profile is ignored.
      t.unique(['profile_id', 'message_id'], { indexName: 'segments_events_message_unique' });
      // Behavioural rules over raw events (hour windows, property filters) for one profile or all.
      t.index(['profile_id', 'name', 'occurred_at'], 'segments_events_profile_name_time_idx');
      t.index(['name', 'occurred_at'], 'segments_events_name_time_idx');
      // Retention purge.
      t.index(['occurred_at'], 'segments_events_time_idx');
    });

    await db.schema.createTable(TABLES.rollups, (t) => {
      t.bigInteger('profile_id').notNullable();
      t.string('event', 100).notNullable();
      t.string('day', 10).notNullable();
      t.integer('count').notNullable();
      t.double('value_sum').notNullable().defaultTo(0);
      // One profile's history (request path) …
      t.primary(['profile_id', 'event', 'day'], 'segments_event_rollups_pk');
      // … and everyone's for one event in a window (batch memberships).
      t.index(['event', 'day', 'profile_id'], 'segments_event_rollups_event_day_idx');
    });

    await db.schema.createTable(TABLES.activityDays, (t) => {
      t.bigInteger('profile_id').notNullable();
      t.string('day', 10).notNullable();
      t.primary(['profile_id', 'day'], 'segments_activity_days_pk');
      t.index(['day', 'profile_id'], 'segments_activity_days_day_idx'); // DAU/WAU/MAU
    });
  },
};

export const rollupDayIndexMigration: Migration = {
  version: 2,
  name: 'rollup and activity retention index',
  async up(db) {
    // The retention purge deletes rollups by day alone; the primary key and the
    // (event, day, profile_id) index both start elsewhere.
    await db.schema.alterTable(TABLES.rollups, (t) => {
      t.index(['day'], 'segments_event_rollups_day_idx');
    });
  },
};
