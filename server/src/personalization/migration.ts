import type { Migration } from '../store/migration-runner';
import { TABLES } from '../store/tables';

/** Experiment exposures: one row per experiment and visitor unit. */
export const exposuresMigration: Migration = {
  version: 30,
  name: 'experiment exposures',
  async up(db) {
    await db.schema.createTable(TABLES.exposures, (t) => {
      t.string('experiment_id', 64).notNullable(); // the experiment's documentId
      // The hashing unit, spelled like segments_identities (kind, value), so a merged profile's
      // identities find the exposures of its anonymous past.
      t.string('unit_kind', 16).notNullable();
      t.string('unit_value', 64).notNullable();
      t.integer('variation').notNullable();
      t.string('variant', 64).notNullable(); // banner documentId shown
      t.bigInteger('profile_id').nullable(); // at exposure time; reports resolve through identities
      t.bigInteger('exposed_at').notNullable();
      // One exposure per unit and experiment; also serves the sticky lookup on the request path.
      t.primary(['experiment_id', 'unit_kind', 'unit_value'], 'segments_experiment_exposures_pk');
      // Reports per experiment and variation.
      t.index(['experiment_id', 'variation'], 'segments_experiment_exposures_var_idx');
    });
  },
};

/**
 * A counter per cached content family (`placements`), bumped after every banner or experiment
 * write on any instance: instances compare it with the version their cache was loaded at, so a
 * change is seen everywhere at the next request instead of after a cache lifetime.
 */
export const contentVersionsMigration: Migration = {
  version: 31,
  name: 'content versions',
  async up(db) {
    await db.schema.createTable(TABLES.contentVersions, (t) => {
      t.string('key', 32).primary();
      t.bigInteger('version').notNullable();
    });
  },
};
