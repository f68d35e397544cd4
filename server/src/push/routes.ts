import type { PluginRoute } from '../shell/route-policies';

/** Storefront Web Push routes (granted to Public and Authenticated like `/events`). */
export const contentApiRoutes: PluginRoute[] = [
  {
    method: 'GET',
    path: '/push/key',
    handler: 'push.key',
    config: { description: 'The VAPID public key.' },
  },
  {
    method: 'POST',
    path: '/push/subscriptions',
    handler: 'push.subscribe',
    config: { description: "Store the visitor's PushSubscription (one per device)." },
  },
  {
    method: 'DELETE',
    path: '/push/subscriptions',
    handler: 'push.unsubscribe',
    config: { description: "Remove one of the visitor's devices by endpoint." },
  },
];
