/** Names of the plugin-owned tables (DESIGN §4). One place, so queries and migrations agree. */
export const TABLES = {
  migrations: 'segments_migrations',
  migrationLock: 'segments_migration_lock',
  profiles: 'segments_profiles',
  identities: 'segments_identities',
  events: 'segments_events',
  rollups: 'segments_event_rollups',
  activityDays: 'segments_activity_days',
  leases: 'segments_leases',
  memberships: 'segments_memberships',
  membershipStaging: 'segments_membership_staging',
  membershipTransitions: 'segments_membership_transitions',
  sizeSnapshots: 'segments_size_snapshots',
  exposures: 'segments_experiment_exposures',
  campaignRuns: 'segments_campaign_runs',
  deliveries: 'segments_deliveries',
} as const;
