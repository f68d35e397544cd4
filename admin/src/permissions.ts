/** Mirrors server/src/permissions/actions.ts: what the admin UI asks before showing a page. */
export const PERMISSIONS = {
  read: [{ action: 'plugin::segments.read', subject: null }],
  /** Create and edit segments in the builder (allowedActions.canManage). */
  manage: [{ action: 'plugin::segments.segments.manage', subject: null }],
  /** allowedActions.canRecompute */
  recompute: [{ action: 'plugin::segments.segments.recompute', subject: null }],
  /** The Settings page (configuration, scheduler status). */
  settingsRead: [{ action: 'plugin::segments.settings.read', subject: null }],
  /** The SMTP connection check on the Settings page. */
  settingsManage: [{ action: 'plugin::segments.settings.manage', subject: null }],
  /** Editing experiment variants on the Placements page (as in the Content Manager). */
  updateExperiments: [{ action: 'plugin::content-manager.explorer.update', subject: 'plugin::segments.experiment' }],
};
