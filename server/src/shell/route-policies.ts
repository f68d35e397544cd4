/** Route policies of an admin route: an authenticated admin holding every one of `actions`. */
export const can = (...actions: Array<string | [string, string]>) => [
  'admin::isAuthenticatedAdmin',
  { name: 'admin::hasPermissions', config: { actions } },
];

/** A Strapi route as the plugin declares it (admin or content API). */
export interface PluginRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  handler: string;
  config?: Record<string, unknown>;
}
