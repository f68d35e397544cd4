import type { Knex } from 'knex';

const TABLE = 'segments_campaigns';

/**
 * Before 0.2 a campaign's lifecycle column was `status`, which Strapi 5 reserves for draft &
 * publish (the Content Manager hid the type because of it); it is now `state`. Strapi's schema
 * sync would add `state` with its default and drop `status`, losing every campaign's value, so
 * this runs as a Strapi internal migration — inside Strapi's migration transaction, before the
 * sync — and carries the values over. A fresh database (no table) or one already migrated (no
 * `status` column) is left alone.
 */
export async function carryCampaignStatusToState(knex: Knex | Knex.Transaction): Promise<number> {
  if (!(await knex.schema.hasTable(TABLE))) return 0;
  if (!(await knex.schema.hasColumn(TABLE, 'status'))) return 0;
  if (!(await knex.schema.hasColumn(TABLE, 'state'))) {
    // The type Strapi gives an enumeration attribute; the sync adjusts the default afterwards.
    await knex.schema.alterTable(TABLE, (t) => t.string('state', 255));
  }
  return knex(TABLE)
    .whereNotNull('status')
    .update({ state: knex.ref('status') });
}

/** Registered with `strapi.db.migrations.providers.internal` in the plugin's register phase. */
export const campaignStateMigration = {
  name: 'segments::0.2.0-campaign-status-to-state',
  async up(knex: Knex) {
    await carryCampaignStatusToState(knex);
  },
  // The old column is gone after the sync; going back is restoring a backup, as for Strapi's own.
  async down() {},
};
