import type { Migration } from '../store/migration-runner';
import { TABLES } from '../store/tables';
import { dialectOf } from '../store/dialect';

/** Batch memberships, their transitions and daily sizes. */
export const membershipsMigration: Migration = {
  version: 11,
  name: 'segment memberships, transitions, size snapshots',
  async up(db) {
    await db.schema.createTable(TABLES.memberships, (t) => {
      // Keyed by the segment's documentId: stable across key renames.
      t.string('segment_id', 64).notNullable();
      t.bigInteger('profile_id').notNullable();
      t.bigInteger('entered_at').notNullable();
      t.primary(['segment_id', 'profile_id'], 'segments_memberships_pk'); // members of a segment, diffs
      t.index(['profile_id'], 'segments_memberships_profile_idx'); // a profile's segments; deletion
    });
    // Staging area of one recompute: the new member set, diffed against the current one in SQL.
    await db.schema.createTable(TABLES.membershipStaging, (t) => {
      t.string('run_id', 64).notNullable();
      t.bigInteger('profile_id').notNullable();
      t.primary(['run_id', 'profile_id'], 'segments_membership_staging_pk');
    });
    await db.schema.createTable(TABLES.membershipTransitions, (t) => {
      t.bigIncrements('id').primary();
      t.string('segment_id', 64).notNullable();
      t.bigInteger('profile_id').notNullable();
      t.string('kind', 5).notNullable(); // 'enter' | 'exit'
      t.bigInteger('at').notNullable();
      // Triggered campaigns read "who entered segment S since T".
      t.index(['segment_id', 'kind', 'at'], 'segments_membership_transitions_seg_idx');
      t.index(['at'], 'segments_membership_transitions_at_idx'); // retention purge
    });
    await db.schema.createTable(TABLES.sizeSnapshots, (t) => {
      t.string('segment_id', 64).notNullable();
      t.string('day', 10).notNullable();
      t.integer('size').notNullable();
      t.bigInteger('computed_at').notNullable();
      t.primary(['segment_id', 'day'], 'segments_size_snapshots_pk'); // size history per segment
    });
  },
};

/**
 * Profiles whose stored memberships must be re-evaluated (real-time maintenance): marked in the
 * transaction that changed their data, due now (or later, for windows that expire), claimed by
 * one instance at a time.
 */
export const reevaluationsMigration: Migration = {
  version: 12,
  name: 'membership re-evaluation queue',
  async up(db) {
    await db.schema.createTable(TABLES.reevaluations, (t) => {
      t.bigInteger('profile_id').notNullable().primary('segments_reevaluations_pk');
      t.bigInteger('due_at').notNullable();
      t.string('claimed_by', 64).nullable();
      t.bigInteger('claim_expires').nullable();
      t.index(['due_at'], 'segments_reevaluations_due_idx'); // the worker: due, unclaimed first
    });
  },
};

/**
 * Which change last marked each profile, kept after its re-evaluation (settled rows, pruned after
 * an hour): a recompute leaves to the real-time loop every profile whose change it may not have
 * seen. Postgres records the marking transaction (compared with the recompute's snapshot);
 * SQLite, which runs one transaction at a time, the time of the mark.
 */
export const reevaluationMarksMigration: Migration = {
  version: 13,
  name: 'membership re-evaluation marks',
  async up(db) {
    await db.schema.alterTable(TABLES.reevaluations, (t) => {
      t.bigInteger('marked_at').nullable();
      t.index(['marked_at'], 'segments_reevaluations_marked_idx');
    });
    if (dialectOf(db) === 'postgres') {
      await db.raw(`ALTER TABLE ${TABLES.reevaluations} ADD COLUMN marked_xid xid8`);
    }
  },
};

/**
 * What the marks since a profile's last pass changed (events by name, attributes, context;
 * dependencies.ts), so a pass re-evaluates it only against the segments those changes can move
 * (NULL: anything), and what the latest mark changed (`mark_changes`, merged into `changes`); the
 * clock of the pass that settled each row (`settled_at`: a recompute that evaluated earlier
 * leaves the profile to the loop); and each profile's next trait-date moments.
 */
export const reevaluationChangesMigration: Migration = {
  version: 14,
  name: 'membership re-evaluation changes, date moments',
  async up(db) {
    await db.schema.alterTable(TABLES.reevaluations, (t) => {
      t.text('changes').nullable();
      t.text('mark_changes').nullable();
      t.bigInteger('settled_at').nullable(); // the clock of the pass that settled the row
    });
    // When a trait's relative date next flips a profile's answer (date-moments.ts).
    await db.schema.createTable(TABLES.dateMoments, (t) => {
      t.bigInteger('profile_id').notNullable();
      t.string('token', 255).notNullable();
      t.bigInteger('at').notNullable();
      t.primary(['profile_id', 'token', 'at'], 'segments_date_moments_pk'); // a profile's moments
      t.index(['token', 'at'], 'segments_date_moments_due_idx'); // the sweep: due by attribute
    });
  },
};
