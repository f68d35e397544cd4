/**
 * Admin RBAC actions. Strapi prefixes them with `plugin::segments.`; admin routes name the full
 * uid in their `admin::hasPermissions` policy, and the admin menu link requires `read`.
 */
export const ADMIN_ACTIONS = {
  read: 'plugin::segments.read',
} as const;

export const adminActionDefinitions = [
  {
    section: 'plugins',
    displayName: 'Access the Segments overview, segments and reports',
    uid: 'read',
    pluginName: 'segments',
  },
];

/** Content-API actions the storefront needs, granted once to Public and Authenticated. */
export const STOREFRONT_ACTIONS = ['plugin::segments.visitor.me'] as const;
