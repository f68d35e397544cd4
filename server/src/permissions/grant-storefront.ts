import type { Core } from '@strapi/strapi';
import { STOREFRONT_ACTIONS } from './actions';

/** Before per-action bookkeeping, a boolean flag meant "`visitor.me` was granted". */
const LEGACY_FLAG = 'storefront-permissions-granted';
const GRANTED_KEY = 'storefront-actions-granted';

/**
 * Grants the storefront routes to users-permissions' Public and Authenticated roles, each action
 * once: the list of granted actions in the plugin store means an admin who later revokes one
 * stays in charge, while actions added by a plugin upgrade still reach the storefront.
 */
export async function grantStorefrontPermissionsOnce(strapi: Core.Strapi): Promise<void> {
  if (!strapi.plugin('users-permissions')) return;
  if (await grantNow(strapi)) return;
  // On an app's very first boot this plugin can bootstrap before users-permissions has created
  // its roles (found by the release check on a fresh create-strapi-app app): grant once they exist.
  let done = false;
  strapi.db.lifecycles.subscribe({
    models: ['plugin::users-permissions.role'],
    async afterCreate() {
      if (!done) done = await grantNow(strapi);
    },
  });
}

/** Grants what is pending; false (nothing recorded) while the Public or Authenticated role is missing. */
async function grantNow(strapi: Core.Strapi): Promise<boolean> {
  const store = strapi.store({ type: 'plugin', name: 'segments' });
  const recorded = (await store.get({ key: GRANTED_KEY })) as string[] | null;
  const granted = new Set<string>(
    recorded ?? ((await store.get({ key: LEGACY_FLAG })) ? ['plugin::segments.visitor.me'] : [])
  );
  const pending = STOREFRONT_ACTIONS.filter((action) => !granted.has(action));
  if (!pending.length) return true;

  const roles = await strapi.db
    .query('plugin::users-permissions.role')
    .findMany({ where: { type: { $in: ['public', 'authenticated'] } } });
  if (roles.length < 2) return false;
  for (const role of roles) {
    for (const action of pending) {
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
  await store.set({ key: GRANTED_KEY, value: [...granted, ...pending] });
  return true;
}
