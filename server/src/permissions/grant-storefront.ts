import type { Core } from '@strapi/strapi';
import { STOREFRONT_ACTIONS } from './actions';

const GRANTED_FLAG = 'storefront-permissions-granted';

/**
 * Grants the storefront routes to users-permissions' Public and Authenticated roles on the first
 * boot only. The flag in the plugin store means an admin who later revokes them stays in charge.
 */
export async function grantStorefrontPermissionsOnce(strapi: Core.Strapi): Promise<void> {
  if (!strapi.plugin('users-permissions')) return;
  const store = strapi.store({ type: 'plugin', name: 'segments' });
  if (await store.get({ key: GRANTED_FLAG })) return;

  const roles = await strapi.db
    .query('plugin::users-permissions.role')
    .findMany({ where: { type: { $in: ['public', 'authenticated'] } } });
  for (const role of roles) {
    for (const action of STOREFRONT_ACTIONS) {
      const existing = await strapi.db
        .query('plugin::users-permissions.permission')
        .findOne({ where: { action, role: role.id } });
      if (!existing) {
        await strapi.db
          .query('plugin::users-permissions.permission')
          .create({ data: { action, role: role.id } });
      }
    }
  }
  await store.set({ key: GRANTED_FLAG, value: true });
}
