import { isFetchError, useFetchClient } from '@strapi/strapi/admin';
import { useMemo } from 'react';
import { PLUGIN_ID } from '../pluginId';
import type {
  ActivityResponse,
  Campaign,
  CampaignInput,
  CreatedCampaign,
  RenderedPreview,
  RenderDraftRequest,
  DataEnvelope,
  ExperimentResults,
  FieldError,
  PlacementExperiment,
  PlacementOverview,
  SettingsResponse,
  SmtpCheckResult,
  TargetingEstimate,
  Member,
  Overview,
  PreviewResult,
  RuleValidation,
  SegmentCatalog,
  SegmentInput,
  SegmentSummary,
  SizePoint,
} from './contracts';

/** A rejected request's field errors (`{ path, message }`), or one error for the whole request. */
export function fieldErrors(error: unknown): FieldError[] {
  if (isFetchError(error)) {
    const body = error.response?.data as
      | { error?: { message?: string; details?: { errors?: FieldError[] } } }
      | undefined;
    const errors = body?.error?.details?.errors;
    if (Array.isArray(errors) && errors.length) {
      // Strapi's validator names paths as arrays (`['key']`); the plugin as strings.
      return errors.map((e) => ({
        path: Array.isArray(e.path) ? (e.path as string[]).join('.') : String(e.path ?? ''),
        message: e.message,
      }));
    }
    return [{ path: '', message: body?.error?.message ?? error.message }];
  }
  return [{ path: '', message: error instanceof Error ? error.message : String(error) }];
}

/** A typed client for the plugin's admin API, built on Strapi's authenticated fetch client. */
export function useSegmentsApi() {
  const { get, post, put, del } = useFetchClient();
  return useMemo(
    () => ({
      getOverview: async (): Promise<Overview> =>
        (await get<DataEnvelope<Overview>>(`/${PLUGIN_ID}/overview`)).data.data,
      listSegments: async (): Promise<SegmentSummary[]> =>
        (await get<DataEnvelope<SegmentSummary[]>>(`/${PLUGIN_ID}/segments`)).data.data,
      getSegment: async (documentId: string): Promise<SegmentSummary> =>
        (await get<DataEnvelope<SegmentSummary>>(`/${PLUGIN_ID}/segments/${documentId}`)).data.data,
      getCatalog: async (): Promise<SegmentCatalog> =>
        (await get<DataEnvelope<SegmentCatalog>>(`/${PLUGIN_ID}/segments/catalog`)).data.data,
      validateRule: async (rule: unknown): Promise<RuleValidation> =>
        (await post<DataEnvelope<RuleValidation>>(`/${PLUGIN_ID}/rules/validate`, { rule })).data
          .data,
      preview: async (rule: unknown, sampleSize = 10): Promise<PreviewResult> =>
        (await post<DataEnvelope<PreviewResult>>(`/${PLUGIN_ID}/preview`, { rule, sampleSize }))
          .data.data,
      sizes: async (documentId: string): Promise<SizePoint[]> =>
        (await get<DataEnvelope<SizePoint[]>>(`/${PLUGIN_ID}/segments/${documentId}/sizes`)).data
          .data,
      members: async (documentId: string, page: number, pageSize = 25) =>
        (
          await get<{
            data: Member[];
            meta: {
              pagination: { page: number; pageSize: number; total: number; pageCount: number };
            };
          }>(`/${PLUGIN_ID}/segments/${documentId}/members?page=${page}&pageSize=${pageSize}`)
        ).data,
      recompute: async (documentId: string) =>
        (
          await post<DataEnvelope<{ size: number }>>(
            `/${PLUGIN_ID}/segments/${documentId}/recompute`
          )
        ).data.data,
      activity: async (from: string, to: string): Promise<ActivityResponse> =>
        (await get<DataEnvelope<ActivityResponse>>(`/${PLUGIN_ID}/activity?from=${from}&to=${to}`))
          .data.data,
      /** Writes need plugin::segments.segments.manage and pass the segment write guard. */
      createSegment: async (data: SegmentInput): Promise<{ documentId: string }> =>
        (await post<{ data: { documentId: string } }>(`/${PLUGIN_ID}/segments`, data)).data.data,
      updateSegment: async (
        documentId: string,
        data: SegmentInput
      ): Promise<{ documentId: string }> =>
        (await put<{ data: { documentId: string } }>(`/${PLUGIN_ID}/segments/${documentId}`, data))
          .data.data,
      /** Union size of the segments' members ("who will see this"); [] = everyone. */
      estimateTargeting: async (segments: string[]): Promise<TargetingEstimate> =>
        (await post<DataEnvelope<TargetingEstimate>>(`/${PLUGIN_ID}/targeting/estimate`, { segments })).data.data,
      placements: async (): Promise<PlacementOverview[]> =>
        (await get<DataEnvelope<PlacementOverview[]>>(`/${PLUGIN_ID}/placements`)).data.data,
      experimentResults: async (key: string): Promise<ExperimentResults> =>
        (await get<DataEnvelope<ExperimentResults>>(`/${PLUGIN_ID}/experiments/${encodeURIComponent(key)}/results`)).data.data,
      /** Needs Content Manager update on experiments; validated by the experiment write guard. */
      updateExperiment: async (
        documentId: string,
        data: Partial<Pick<PlacementExperiment, 'variants' | 'coverage' | 'state'>>
      ) => (await put<DataEnvelope<unknown>>(`/${PLUGIN_ID}/experiments/${documentId}`, data)).data.data,
      settings: async (): Promise<SettingsResponse> =>
        (await get<DataEnvelope<SettingsResponse>>(`/${PLUGIN_ID}/settings`)).data.data,
      smtpCheck: async (): Promise<SmtpCheckResult> =>
        (await post<DataEnvelope<SmtpCheckResult>>(`/${PLUGIN_ID}/settings/smtp-check`)).data.data,
      listCampaigns: async (page = 1, pageSize = 100) =>
        (
          await get<{ data: Campaign[]; meta: { pagination: { total: number } } }>(
            `/${PLUGIN_ID}/campaigns?page=${page}&pageSize=${pageSize}`
          )
        ).data,
      getCampaign: async (documentId: string): Promise<Campaign> =>
        (await get<DataEnvelope<Campaign>>(`/${PLUGIN_ID}/campaigns/${documentId}`)).data.data,
      /** Writes need plugin::segments.campaigns.manage and pass the campaign write guard. */
      createCampaign: async (data: Partial<CampaignInput>): Promise<CreatedCampaign> => {
        const answer = (
          await post<DataEnvelope<Campaign> & { meta?: { webhookSecret?: string | null } }>(`/${PLUGIN_ID}/campaigns`, { data })
        ).data;
        return { campaign: answer.data, webhookSecret: answer.meta?.webhookSecret ?? null };
      },
      updateCampaign: async (documentId: string, data: Partial<CampaignInput>): Promise<Campaign> =>
        (await put<DataEnvelope<Campaign>>(`/${PLUGIN_ID}/campaigns/${documentId}`, { data })).data
          .data,
      deleteCampaign: async (documentId: string): Promise<void> => {
        await del(`/${PLUGIN_ID}/campaigns/${documentId}`);
      },
      /** schedule and resume need campaigns.send; pause and cancel campaigns.manage. */
      campaignAction: async (
        documentId: string,
        action: 'schedule' | 'pause' | 'resume' | 'cancel'
      ): Promise<Campaign> =>
        (await post<DataEnvelope<Campaign>>(`/${PLUGIN_ID}/campaigns/${documentId}/${action}`))
          .data.data,
      /** The live preview of unsaved content (campaigns.manage); writes nothing. */
      renderCampaignDraft: async (body: RenderDraftRequest): Promise<RenderedPreview> =>
        (await post<DataEnvelope<RenderedPreview>>(`/${PLUGIN_ID}/campaigns/render`, body)).data
          .data,
      sendTest: async (
        documentId: string,
        to: string,
        variant: number,
        profileId: number | null
      ): Promise<{ messageId: string; missing: string[] }> =>
        (
          await post<DataEnvelope<{ messageId: string; missing: string[] }>>(
            `/${PLUGIN_ID}/campaigns/${documentId}/test`,
            profileId === null ? { to, variant } : { to, variant, profileId }
          )
        ).data.data,
    }),
    [get, post, put, del]
  );
}

export type SegmentsApi = ReturnType<typeof useSegmentsApi>;
