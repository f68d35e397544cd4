/** Mirrors server/src/permissions/actions.ts: what the admin UI asks before showing a page. */
export const PERMISSIONS = {
  read: [{ action: 'plugin::segments.read', subject: null }],
};
