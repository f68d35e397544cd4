/** Mirrors server/src/permissions/actions.ts: what the admin UI asks before showing a page. */
const SEGMENT_UID = 'plugin::segments.segment';

export const PERMISSIONS = {
  read: [{ action: 'plugin::segments.read', subject: null }],
  /** Segments are a content type: creating and editing them is the Content Manager's RBAC. */
  create: [{ action: 'plugin::content-manager.explorer.create', subject: SEGMENT_UID }],
  update: [{ action: 'plugin::content-manager.explorer.update', subject: SEGMENT_UID }],
  recompute: [{ action: 'plugin::segments.segments.recompute', subject: null }],
};
