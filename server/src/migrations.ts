import type { Knex } from 'knex';
import { analyticsMigration } from './analytics/migration';
import { campaignsMigration } from './campaigns/migration';
import { triggersMigration } from './campaigns/triggers-migration';
import { foundationMigration, rollupDayIndexMigration } from './events/migration';
import { contentVersionsMigration, exposuresMigration } from './personalization/migration';
import { leasesMigration } from './scheduler/migration';
import { inappMigration } from './inapp/migration';
import { pushMigration } from './push/migration';
import {
  membershipsMigration,
  reevaluationChangesMigration,
  reevaluationMarksMigration,
  reevaluationsMigration,
} from './segments/migration';
import {
  runMigrations as run,
  type Migration,
  type MigrationReport,
} from './store/migration-runner';

/**
 * Every migration of the plugin-owned tables, in version order. Each domain owns its own
 * (`<domain>/migration.ts`); the list is assembled here so the runner in `store/` imports no
 * domain. Version numbers may leave gaps; a released version never changes.
 */
export const MIGRATIONS: Migration[] = [
  foundationMigration, // 1
  rollupDayIndexMigration, // 2
  leasesMigration, // 10
  membershipsMigration, // 11
  reevaluationsMigration, // 12
  reevaluationMarksMigration, // 13
  reevaluationChangesMigration, // 14
  campaignsMigration, // 20
  triggersMigration, // 21
  exposuresMigration, // 30
  contentVersionsMigration, // 31
  analyticsMigration, // 40
  pushMigration, // 50
  inappMigration, // 60
];

/** Applies every pending migration exactly once, whatever the number of booting instances. */
export function runMigrations(
  db: Knex,
  options: { owner: string; migrations?: Migration[] } = { owner: 'unknown' }
): Promise<MigrationReport> {
  return run(db, options.migrations ?? MIGRATIONS, { owner: options.owner });
}

export type { Migration, MigrationReport };
