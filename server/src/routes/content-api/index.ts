import { trackingRoutes } from './tracking';

export default {
  type: 'content-api',
  routes: [
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
    {
      method: 'POST',
      path: '/events',
      handler: 'events.ingest',
      config: { description: 'Batch event ingestion (202 with per-event accept/reject).' },
    },
    {
      method: 'GET',
      path: '/placements/:placement',
      handler: 'placements.get',
      config: { description: 'The best banner of a placement for this visitor (targeting, window, priority, experiment).' },
    },
    ...trackingRoutes,
  ],
};
