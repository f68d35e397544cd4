/**
 * Admin RBAC actions. Strapi prefixes them with `plugin::segments.`; admin routes name the full
 * uid in their `admin::hasPermissions` policy, and the admin menu link requires `read`.
 */
export const ADMIN_ACTIONS = {
  read: 'plugin::segments.read',
  recompute: 'plugin::segments.segments.recompute',
  exportProfile: 'plugin::segments.profiles.export',
  deleteProfile: 'plugin::segments.profiles.delete',
  purge: 'plugin::segments.retention.purge',
  importEvents: 'plugin::segments.events.import',
  manageSegments: 'plugin::segments.segments.manage',
  manageCampaigns: 'plugin::segments.campaigns.manage',
  sendCampaigns: 'plugin::segments.campaigns.send',
  settingsRead: 'plugin::segments.settings.read',
  settingsManage: 'plugin::segments.settings.manage',
  analyticsRead: 'plugin::segments.analytics.read',
} as const;

const action = (uid: string, displayName: string) => ({
  section: 'plugins',
  displayName,
  uid,
  pluginName: 'segments',
});

export const adminActionDefinitions = [
  action('read', 'Access the Segments overview, segments and reports'),
  action('segments.recompute', 'Recompute segment memberships now'),
  // Personal data: separate from `read`, so report viewers need not see or erase profiles.
  action('profiles.export', 'Export a visitor profile with all its data'),
  action('profiles.delete', 'Delete a visitor profile and all its data'),
  action('retention.purge', 'Run the data-retention purge now'),
  action('events.import', 'Import event history (NDJSON, CSV)'),
  action('segments.manage', 'Create and edit segments in the segment builder'),
  action('campaigns.manage', 'Create, edit, pause, cancel and preview campaigns'),
  // Sending reaches real inboxes: separate from editing.
  action('campaigns.send', 'Schedule and resume campaigns, send test e-mails'),
  // The effective configuration (secrets masked) and scheduler status; manage runs the SMTP check.
  action('settings.read', 'View the plugin settings and scheduler status'),
  action('settings.manage', 'Run plugin settings checks (SMTP connection)'),
  // Aggregates only (no profile data): reports for people who should not edit anything.
  action('analytics.read', 'View analytics, campaign reports and experiment results'),
];

/**
 * Content-API actions the storefront needs, granted to Public and Authenticated once each (an
 * action added by an upgrade is granted on the next boot; a revoked one stays revoked).
 */
export const STOREFRONT_ACTIONS = [
  'plugin::segments.visitor.me',
  'plugin::segments.visitor.identify',
  'plugin::segments.visitor.export',
  'plugin::segments.visitor.forget',
  'plugin::segments.events.ingest',
  'plugin::segments.placements.get',
  'plugin::segments.push.key',
  'plugin::segments.push.subscribe',
  'plugin::segments.push.unsubscribe',
  'plugin::segments.inapp.messages',
] as const;
