import type { PluginRoute } from '../shell/route-policies';

/** The visitor's own routes: who they are, their traits, their data. */
export const contentApiRoutes: PluginRoute[] = [
  {
    method: 'GET',
    path: '/me',
    handler: 'visitor.me',
    config: { description: 'The current visitor: identity and profile id.' },
  },
  {
    method: 'GET',
    path: '/me/export',
    handler: 'visitor.export',
    config: { description: 'Everything stored about the current visitor, as JSON.' },
  },
  {
    method: 'DELETE',
    path: '/me',
    handler: 'visitor.forget',
    config: { description: "Erase the current visitor's profile and all its data." },
  },
  {
    method: 'POST',
    path: '/identify',
    handler: 'visitor.identify',
    config: { description: 'Traits for the current visitor; merges anonymous history on login.' },
  },
];
