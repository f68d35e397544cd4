/** Strapi webhook events (Settings → Webhooks) for stored membership transitions. */
export const MEMBERSHIP_WEBHOOK_EVENTS = {
  SEGMENT_ENTRY: 'segment.entry',
  SEGMENT_EXIT: 'segment.exit',
} as const;
