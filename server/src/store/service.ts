import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import { pluginKnex } from './transaction';

/**
 * The knex handle of the plugin's own queries: the caller's transaction while one is open (see
 * transaction.ts), else the shared pool.
 */
const storeService = ({ strapi }: { strapi: Core.Strapi }) => ({
  knex(): Knex {
    return pluginKnex(strapi);
  },
});

export default storeService;
export type StoreService = ReturnType<typeof storeService>;
declare module '../shell/get-service' {
  interface PluginServices {
    store: StoreService;
  }
}
