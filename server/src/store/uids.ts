/** The plugin's content types, by uid (the editor-facing documents; see store/tables.ts for the rest). */
export const SEGMENT_UID = 'plugin::segments.segment';
export const BANNER_UID = 'plugin::segments.banner';
export const EXPERIMENT_UID = 'plugin::segments.experiment';
export const CAMPAIGN_UID = 'plugin::segments.campaign';
