import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';

/** The shared knex handle of the plugin's own tables (migrations run from bootstrap). */
const storeService = ({ strapi }: { strapi: Core.Strapi }) => ({
  knex(): Knex {
    return strapi.db.connection as unknown as Knex;
  },
});

export default storeService;
export type StoreService = ReturnType<typeof storeService>;
declare module '../shell/get-service' {
  interface PluginServices {
    store: StoreService;
  }
}
