import type { PluginRoute } from '../shell/route-policies';

/** Storefront in-app message routes. */
export const contentApiRoutes: PluginRoute[] = [
  {
    method: 'GET',
    path: '/messages',
    handler: 'inapp.messages',
    config: { description: 'The in-app messages due for this visitor now (never cached).' },
  },
  {
    method: 'POST',
    path: '/messages/:id/:action',
    handler: 'inapp.report',
    // The signed message id is the credential, as in campaign tracking links.
    config: {
      auth: false,
      description: 'Report an in-app message displayed, clicked or dismissed.',
    },
  },
];
