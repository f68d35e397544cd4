import { ADMIN_ACTIONS } from '../permissions/actions';
import { can, type PluginRoute } from '../shell/route-policies';

export const adminRoutes: PluginRoute[] = [
  {
    method: 'POST',
    path: '/import',
    handler: 'importer.import',
    config: { policies: can(ADMIN_ACTIONS.importEvents) },
  },
];
