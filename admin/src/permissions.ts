/** Mirrors server/src/permissions/actions.ts: what the admin UI asks before showing a page. */
const p = (action: string) => [{ action: `plugin::segments.${action}`, subject: null }];

export const PERMISSIONS = {
  read: p('read'),
  /** Create and edit segments in the builder (allowedActions.canManage). */
  manage: p('segments.manage'),
  /** allowedActions.canRecompute */
  recompute: p('segments.recompute'),
  /** The Settings page (configuration, scheduler status). */
  settingsRead: p('settings.read'),
  /** The SMTP connection check on the Settings page. */
  settingsManage: p('settings.manage'),
  /** Editing experiment variants on the Placements page (as in the Content Manager). */
  updateExperiments: [{ action: 'plugin::content-manager.explorer.update', subject: 'plugin::segments.experiment' }],
  /** Create, edit, pause, cancel and preview campaigns. */
  manageCampaigns: p('campaigns.manage'),
  /** Schedule and resume campaigns, send test e-mails. */
  sendCampaigns: p('campaigns.send'),
  /** The campaign pages: either campaign action (useCan().canAny). */
  campaigns: [...p('campaigns.manage'), ...p('campaigns.send')],
  /** Analytics, campaign reports and experiment results. */
  analytics: p('analytics.read'),
};

export type PermissionList = (typeof PERMISSIONS)[keyof typeof PERMISSIONS];
