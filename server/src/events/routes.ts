import type { PluginRoute } from '../shell/route-policies';

export const contentApiRoutes: PluginRoute[] = [
  {
    method: 'POST',
    path: '/events',
    handler: 'events.ingest',
    config: { description: 'Batch event ingestion (202 with per-event accept/reject).' },
  },
];
