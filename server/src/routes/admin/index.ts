import { ADMIN_ACTIONS } from '../../permissions/actions';
import { campaignRoutes } from './campaigns';

const can = (...actions: string[]) => [
  'admin::isAuthenticatedAdmin',
  { name: 'admin::hasPermissions', config: { actions } },
];

export default {
  type: 'admin',
  routes: [
    { method: 'GET', path: '/overview', handler: 'overview.get', config: { policies: can(ADMIN_ACTIONS.read) } },
    {
      method: 'POST',
      path: '/rules/validate',
      handler: 'segment-rules.validate',
      config: { policies: can(ADMIN_ACTIONS.read) },
    },
    { method: 'POST', path: '/preview', handler: 'segments.preview', config: { policies: can(ADMIN_ACTIONS.read) } },
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
      config: { policies: can(ADMIN_ACTIONS.read) },
    },
    {
      method: 'GET',
      path: '/segments/:documentId/sizes',
      handler: 'segments.sizes',
      config: { policies: can(ADMIN_ACTIONS.read) },
    },
    {
      method: 'GET',
      path: '/segments/catalog',
      handler: 'segments.catalog',
      config: { policies: can(ADMIN_ACTIONS.read) },
    },
    { method: 'GET', path: '/segments', handler: 'segments.list', config: { policies: can(ADMIN_ACTIONS.read) } },
    {
      method: 'POST',
      path: '/segments',
      handler: 'segments.create',
      config: { policies: can(ADMIN_ACTIONS.read, ADMIN_ACTIONS.manageSegments) },
    },
    {
      method: 'PUT',
      path: '/segments/:documentId',
      handler: 'segments.update',
      config: { policies: can(ADMIN_ACTIONS.read, ADMIN_ACTIONS.manageSegments) },
    },
    {
      method: 'GET',
      path: '/segments/:documentId',
      handler: 'segments.findOne',
      config: { policies: can(ADMIN_ACTIONS.read) },
    },
    {
      method: 'GET',
      path: '/experiments/:key/results',
      handler: 'placements.results',
      config: { policies: can(ADMIN_ACTIONS.analyticsRead) },
    },
    { method: 'GET', path: '/activity', handler: 'analytics.activity', config: { policies: can(ADMIN_ACTIONS.read) } },
    {
      method: 'GET',
      path: '/analytics/activity',
      handler: 'analytics.activityReport',
      config: { policies: can(ADMIN_ACTIONS.analyticsRead) },
    },
    {
      method: 'GET',
      path: '/analytics/retention',
      handler: 'analytics.retention',
      config: { policies: can(ADMIN_ACTIONS.analyticsRead) },
    },
    {
      method: 'GET',
      path: '/analytics/top-events',
      handler: 'analytics.topEvents',
      config: { policies: can(ADMIN_ACTIONS.analyticsRead) },
    },
    {
      method: 'POST',
      path: '/analytics/rebuild',
      handler: 'analytics.rebuild',
      config: { policies: can(ADMIN_ACTIONS.recompute) }, // heavy: the recompute right, like segments
    },
    {
      method: 'GET',
      path: '/campaigns/:documentId/report',
      handler: 'analytics.campaignReport',
      config: { policies: can(ADMIN_ACTIONS.analyticsRead) },
    },
    {
      method: 'POST',
      path: '/retention/purge',
      handler: 'analytics.purge',
      config: { policies: can(ADMIN_ACTIONS.purge) },
    },
    {
      method: 'POST',
      path: '/import',
      handler: 'importer.import',
      config: { policies: can(ADMIN_ACTIONS.importEvents) },
    },
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
    ...campaignRoutes(can),
    // Settings page: reading the configuration is separate from acting on it (SMTP check).
    { method: 'GET', path: '/settings', handler: 'settings.get', config: { policies: can(ADMIN_ACTIONS.settingsRead) } },
    {
      method: 'POST',
      path: '/settings/smtp-check',
      handler: 'settings.smtpCheck',
      config: { policies: can(ADMIN_ACTIONS.settingsRead, ADMIN_ACTIONS.settingsManage) },
    },
    // Content Manager targeting panel and Placements page.
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
        policies: [
          'admin::isAuthenticatedAdmin',
          {
            name: 'admin::hasPermissions',
            config: {
              actions: [ADMIN_ACTIONS.read, ['plugin::content-manager.explorer.update', 'plugin::segments.experiment']],
            },
          },
        ],
      },
    },
  ],
};
