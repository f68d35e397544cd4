import { ADMIN_ACTIONS } from '../permissions/actions';
import { can, type PluginRoute } from '../shell/route-policies';

const analyticsRead = { policies: can(ADMIN_ACTIONS.analyticsRead) };

/** Activity, retention cohorts, top events, the pre-aggregate rebuild and campaign reports. */
export const adminRoutes: PluginRoute[] = [
  {
    method: 'GET',
    path: '/activity',
    handler: 'analytics.activity',
    config: { policies: can(ADMIN_ACTIONS.read) },
  },
  {
    method: 'GET',
    path: '/analytics/activity',
    handler: 'analytics.activityReport',
    config: analyticsRead,
  },
  {
    method: 'GET',
    path: '/analytics/retention',
    handler: 'analytics.retention',
    config: analyticsRead,
  },
  {
    method: 'GET',
    path: '/analytics/top-events',
    handler: 'analytics.topEvents',
    config: analyticsRead,
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
    config: analyticsRead,
  },
];
