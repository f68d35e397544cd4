import { ADMIN_ACTIONS } from '../permissions/actions';
import { can, type PluginRoute } from '../shell/route-policies';

/** Experiment results, the Content Manager targeting panel and the Placements page. */
export const adminRoutes: PluginRoute[] = [
  {
    method: 'GET',
    path: '/experiments/:key/results',
    handler: 'placements.results',
    config: { policies: can(ADMIN_ACTIONS.analyticsRead) },
  },
  {
    method: 'POST',
    path: '/targeting/estimate',
    handler: 'targeting-admin.estimate',
    config: { policies: can(ADMIN_ACTIONS.read) },
  },
  {
    method: 'GET',
    path: '/placements',
    handler: 'targeting-admin.placements',
    config: { policies: can(ADMIN_ACTIONS.read) },
  },
  {
    // Editing an experiment here needs what editing it in the Content Manager needs.
    method: 'PUT',
    path: '/experiments/:documentId',
    handler: 'targeting-admin.updateExperiment',
    config: {
      policies: can(ADMIN_ACTIONS.read, [
        'plugin::content-manager.explorer.update',
        'plugin::segments.experiment',
      ]),
    },
  },
];

export const contentApiRoutes: PluginRoute[] = [
  {
    method: 'GET',
    path: '/placements/:placement',
    handler: 'placements.get',
    config: {
      description:
        'The best banner of a placement for this visitor (targeting, window, priority, experiment).',
    },
  },
];
