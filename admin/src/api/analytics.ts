import { useFetchClient } from '@strapi/strapi/admin';
import { useMemo } from 'react';
import { PLUGIN_ID } from '../pluginId';
import type {
  ActivityRow,
  RetentionCohort,
  TopEvent,
} from '../../../server/src/analytics/aggregate-reads';
import type { CampaignReport } from '../../../server/src/analytics/campaign-report';

/** Response shapes of the analytics admin routes (docs/analytics.md). */
export interface AnalyticsActivity {
  from: string;
  to: string;
  timeZone: string;
  days: ActivityRow[];
}
export interface AnalyticsRetention {
  weeks: number;
  timeZone: string;
  cohorts: RetentionCohort[];
}
export interface AnalyticsTopEvents {
  from: string;
  to: string;
  limit: number;
  total: number;
  events: TopEvent[];
}
export type { ActivityRow, CampaignReport, RetentionCohort, TopEvent };

/** A typed client for GET /segments/analytics/* and the campaign report. */
export function useAnalyticsApi() {
  const { get } = useFetchClient();
  return useMemo(
    () => ({
      activity: async (from: string, to: string): Promise<AnalyticsActivity> =>
        (
          await get<{ data: AnalyticsActivity }>(
            `/${PLUGIN_ID}/analytics/activity?from=${from}&to=${to}`
          )
        ).data.data,
      retention: async (weeks: number): Promise<AnalyticsRetention> =>
        (
          await get<{ data: AnalyticsRetention }>(
            `/${PLUGIN_ID}/analytics/retention?weeks=${weeks}`
          )
        ).data.data,
      topEvents: async (from: string, to: string, limit = 10): Promise<AnalyticsTopEvents> =>
        (
          await get<{ data: AnalyticsTopEvents }>(
            `/${PLUGIN_ID}/analytics/top-events?from=${from}&to=${to}&limit=${limit}`
          )
        ).data.data,
      campaignReport: async (documentId: string): Promise<CampaignReport> =>
        (
          await get<{ data: CampaignReport }>(
            `/${PLUGIN_ID}/campaigns/${encodeURIComponent(documentId)}/report`
          )
        ).data.data,
    }),
    [get]
  );
}
