import os from 'os';
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { runMigrations, type MigrationReport } from '../store/migrations';

/** The plugin's own tables: migrations and the shared knex handle. */
export default ({ strapi }: { strapi: Core.Strapi }) => ({
  knex(): Knex {
    return strapi.db.connection as unknown as Knex;
  },

  async migrate(): Promise<MigrationReport> {
    const owner = `${os.hostname()}:${process.pid}`;
    const report = await runMigrations(this.knex(), { owner });
    if (report.applied.length) {
      strapi.log.info(`[segments] applied migrations ${report.applied.join(', ')}`);
    }
    return report;
  },
});
