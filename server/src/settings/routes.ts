import { ADMIN_ACTIONS } from '../permissions/actions';
import { can, type PluginRoute } from '../shell/route-policies';

/** The Settings page: reading the configuration is separate from acting on it (SMTP check). */
export const adminRoutes: PluginRoute[] = [
  {
    method: 'GET',
    path: '/settings',
    handler: 'settings.get',
    config: { policies: can(ADMIN_ACTIONS.settingsRead) },
  },
  {
    method: 'POST',
    path: '/settings/smtp-check',
    handler: 'settings.smtpCheck',
    config: { policies: can(ADMIN_ACTIONS.settingsRead, ADMIN_ACTIONS.settingsManage) },
  },
];
