export const PLUGIN_ID = 'segments';
