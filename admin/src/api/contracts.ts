/** The server's API contracts, re-exported so the admin client cannot drift from them. */
export type {
  ActivityDay,
  ActivityResponse,
  CatalogKey,
  DataEnvelope,
  FieldError,
  Overview,
  RuleValidation,
  SegmentCatalog,
  SegmentSummary,
} from '../../../server/src/contracts';

/** POST /segments/preview. */
export interface PreviewResult {
  size: number;
  estimated: boolean;
  sample: Array<{
    profileId: number;
    userId: number | null;
    anonymousId: string | null;
    traits: Record<string, unknown>;
  }>;
}

export interface SizePoint {
  day: string;
  size: number;
  computedAt: string;
}

export interface Member {
  profileId: number;
  enteredAt: string;
}

/** POST /segments/segments, PUT /segments/segments/:documentId (the builder's save). */
export interface SegmentInput {
  name: string;
  key: string;
  description: string;
  state: 'active' | 'archived';
  rule: unknown;
}

export type { CampaignStatus } from '../../../server/src/campaigns/status';
export type { CampaignListMetrics } from '../../../server/src/campaigns/list-metrics';
import type { CampaignStatus } from '../../../server/src/campaigns/status';
import type { CampaignListMetrics } from '../../../server/src/campaigns/list-metrics';

export interface CampaignVariant {
  name: string;
  weight: number;
  subject: string;
  preheader?: string | null;
  html: string;
  text?: string | null;
}

/** Triggered campaigns (being added server-side): the fields are sent only when set. */
export interface CampaignTriggerFields {
  intelligentTiming?: boolean;
  trigger?: { event?: string; where?: unknown; segmentEntry?: string } | null;
  triggerDelayMinutes?: number | null;
  reentry?: { policy: 'once' } | { policy: 'cooldown'; days: number } | null;
  exitEvent?: { event: string; where?: unknown } | null;
}

/** The writable fields (POST /campaigns, PUT /campaigns/:documentId). */
export interface CampaignInput extends CampaignTriggerFields {
  name: string;
  segmentKey: string;
  variants: CampaignVariant[];
  holdoutPercent: number;
  scheduleType: 'now' | 'at' | 'recurring' | 'triggered';
  sendAt: string | null;
  cron: string | null;
  timezone: string;
  localTime: string | null;
  quietHours: { start: string; end: string } | null;
  frequencyCap: { max: number; periodHours: number } | null;
  conversionEvent: string | null;
  conversionWindowHours: number;
}

/** GET /campaigns (with metrics), GET /campaigns/:documentId. */
export interface Campaign extends CampaignInput {
  documentId: string;
  status: CampaignStatus;
  scheduledAt: string | null;
  createdAt: string;
  updatedAt: string;
  metrics?: CampaignListMetrics;
}

/** POST /campaigns/:documentId/preview */
export interface RenderedPreview {
  subject: string;
  html: string;
  text: string;
  missing: string[];
}
