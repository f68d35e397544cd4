import { ADMIN_ACTIONS } from '../permissions/actions';
import { can, type PluginRoute } from '../shell/route-policies';

const read = { policies: can(ADMIN_ACTIONS.read) };
const manage = { policies: can(ADMIN_ACTIONS.read, ADMIN_ACTIONS.manageSegments) };

/** Segments admin API: the plugin's home counts, rule checks, preview, CRUD, members, sizes. */
export const adminRoutes: PluginRoute[] = [
  { method: 'GET', path: '/overview', handler: 'overview.get', config: read },
  { method: 'POST', path: '/rules/validate', handler: 'segment-rules.validate', config: read },
  { method: 'POST', path: '/preview', handler: 'segments.preview', config: read },
  {
    method: 'POST',
    path: '/segments/:documentId/recompute',
    handler: 'segments.recompute',
    config: { policies: can(ADMIN_ACTIONS.recompute) },
  },
  {
    method: 'GET',
    path: '/segments/:documentId/members',
    handler: 'segments.members',
    config: read,
  },
  { method: 'GET', path: '/segments/:documentId/sizes', handler: 'segments.sizes', config: read },
  // Before `/segments/:documentId`, which would take `catalog` for a document id.
  { method: 'GET', path: '/segments/catalog', handler: 'segments.catalog', config: read },
  { method: 'GET', path: '/segments', handler: 'segments.list', config: read },
  { method: 'POST', path: '/segments', handler: 'segments.create', config: manage },
  { method: 'PUT', path: '/segments/:documentId', handler: 'segments.update', config: manage },
  { method: 'GET', path: '/segments/:documentId', handler: 'segments.findOne', config: read },
];
