import type { Migration } from '../store/migration-runner';
import { TABLES } from '../store/tables';

/**
 * Analytics pre-aggregates (docs/analytics.md): small tables the dashboards read instead of
 * scanning activity days, rollups or raw events. All are derived and can be rebuilt at any time.
 */
export const analyticsMigration: Migration = {
  version: 40,
  name: 'analytics pre-aggregates',
  async up(db) {
    // One row per reporting day: the activity dashboard reads a primary-key range.
    await db.schema.createTable(TABLES.analyticsDays, (t) => {
      t.string('day', 10).primary();
      t.integer('dau').notNullable();
      t.integer('wau').notNullable();
      t.integer('mau').notNullable();
      t.integer('new_users').notNullable();
      t.bigInteger('computed_at').notNullable();
    });
    // Events per UTC day (rollup days): top events sum a primary-key range.
    await db.schema.createTable(TABLES.analyticsEventDays, (t) => {
      t.string('day', 10).notNullable();
      t.string('event', 100).notNullable();
      t.bigInteger('count').notNullable();
      t.double('value_sum').notNullable();
      t.integer('users').notNullable(); // distinct profiles that day
      t.primary(['day', 'event'], 'segments_analytics_event_days_pk');
    });
    // Each profile's first active day: new users and retention cohorts.
    await db.schema.createTable(TABLES.analyticsFirstDays, (t) => {
      t.bigInteger('profile_id').primary();
      t.string('day', 10).notNullable().index('segments_analytics_first_days_day_idx'); // new users per day
    });
    // Weekly cohorts (Monday of the first active week) × active week → distinct users.
    await db.schema.createTable(TABLES.analyticsRetention, (t) => {
      t.string('cohort', 10).notNullable();
      t.string('week', 10).notNullable();
      t.integer('users').notNullable();
      t.primary(['cohort', 'week'], 'segments_analytics_retention_pk'); // read by cohort range
      t.index(['week'], 'segments_analytics_retention_week_idx'); // refresh deletes one week
    });
    await db.schema.createTable(TABLES.analyticsState, (t) => {
      t.string('key', 32).primary();
      t.string('value', 64).notNullable();
    });
  },
};
