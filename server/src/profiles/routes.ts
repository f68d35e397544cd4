import { ADMIN_ACTIONS } from '../permissions/actions';
import { can, type PluginRoute } from '../shell/route-policies';

/** One profile's export and erasure (privacy requests), each behind its own permission. */
export const adminRoutes: PluginRoute[] = [
  {
    method: 'GET',
    path: '/profiles/:id/export',
    handler: 'profiles.export',
    config: { policies: can(ADMIN_ACTIONS.exportProfile) },
  },
  {
    method: 'DELETE',
    path: '/profiles/:id',
    handler: 'profiles.delete',
    config: { policies: can(ADMIN_ACTIONS.deleteProfile) },
  },
];
