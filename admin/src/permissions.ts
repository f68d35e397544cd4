/** Mirrors server/src/permissions/actions.ts: what the admin UI asks before showing a page. */
export const PERMISSIONS = {
  read: [{ action: 'plugin::segments.read', subject: null }],
  /** Create and edit segments in the builder (allowedActions.canManage). */
  manage: [{ action: 'plugin::segments.segments.manage', subject: null }],
  /** allowedActions.canRecompute */
  recompute: [{ action: 'plugin::segments.segments.recompute', subject: null }],
  /** Analytics, campaign reports and experiment results. */
  analytics: [{ action: 'plugin::segments.analytics.read', subject: null }],
};
