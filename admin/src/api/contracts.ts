/** The server's API contracts, re-exported so the admin client cannot drift from them. */
export type {
  ActivityDay,
  ActivityResponse,
  CatalogKey,
  DataEnvelope,
  FieldError,
  Overview,
  RealtimeStatus,
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

/** POST /segments/targeting/estimate — "who will see this". */
export interface TargetingEstimate {
  everyone: boolean;
  /** Profiles in at least one of the segments (as of their last recompute). */
  size: number;
  totalProfiles: number;
  segments: Array<{ documentId: string; key: string; name: string; size: number | null; computedAt: string | null }>;
}

export interface PlacementBanner {
  id: number;
  documentId: string;
  title: string;
  locale: string | null;
  published: boolean;
  live: boolean;
  startsAt: string | null;
  endsAt: string | null;
  priority: number;
  targets: Array<{ documentId: string; key: string; name: string }>;
}

export interface PlacementExperiment {
  documentId: string;
  key: string;
  name: string;
  state: 'draft' | 'running' | 'stopped';
  variants: Array<{ banner: string; weight: number }>;
  coverage: number;
  conversionEvent: string | null;
}

/** GET /segments/placements. */
export interface PlacementOverview {
  placement: string;
  banners: PlacementBanner[];
  outcomes: Array<{
    locale: string | null;
    rows: Array<{
      segment: { documentId: string; key: string; name: string } | null;
      banner: string | null;
      ranked: string[];
    }>;
  }>;
  experiments: PlacementExperiment[];
}

/** GET /segments/experiments/:key/results. */
export interface ExperimentResults {
  key: string;
  placement: string;
  state: string;
  conversionEvent: string | null;
  conversionWindowHours: number;
  variations: Array<{ index: number; banner: string; weight: number; exposures: number; conversions: number }>;
}

export interface SchedulerJob {
  job: string;
  kind: 'cron' | 'job';
  owner: string;
  lastTickAt: number;
  expiresAt: number;
  active: boolean;
}

/** GET /segments/settings. */
export interface SettingsResponse {
  config: Record<string, unknown>;
  derived: { trackingSecret: string; emailTransport: string };
  channels: {
    push: {
      publicKey: string;
      keySource: 'config' | 'generated';
      subject: string;
      devices: { subscriptions: number; profiles: number };
    };
    outbound: { allowedHosts: string[]; timeoutSeconds: number; concurrency: number };
  };
  scheduler: {
    thisInstance: { owner: string; schedulerEnabled: boolean };
    jobs: SchedulerJob[];
    queue: { pending: number; queued: number; sending: number; due: number; total: number };
    now: number;
  };
}

export interface SmtpCheckResult {
  ok: boolean;
  error?: string;
  host?: string;
  port?: number;
}

export type { CampaignState } from '../../../server/src/campaigns/state';
export type { InappMessage } from '../../../server/src/contracts';
import type { InappMessage } from '../../../server/src/contracts';
export type { CampaignListMetrics } from '../../../server/src/campaigns/list-metrics';
import type { CampaignState } from '../../../server/src/campaigns/state';
import type { CampaignListMetrics } from '../../../server/src/campaigns/list-metrics';

/** One variant as the composer edits it: the e-mail fields, and those of push and webhook. */
export interface CampaignVariant {
  name: string;
  weight: number;
  subject: string;
  preheader?: string | null;
  html: string;
  text?: string | null;
  /** Push: the notification's title and text; webhook: `body` is the JSON template. */
  title?: string;
  body?: string;
  icon?: string | null;
  image?: string | null;
  url?: string | null;
  /** Push: up to two buttons on the notification (the browser shows them where it can). */
  actions?: PushAction[];
  /** In-app: layout, colours and up to two buttons; `image` is then the image URL, `imageAlt` its text. */
  layout?: InappLayout;
  theme?: InappTheme;
  accent?: string | null;
  imageAlt?: string;
  buttons?: InappButton[];
}

/** One variant of a create/update body: the channel's fields (an in-app image is `{ url, alt }`). */
export type VariantInput = Partial<Omit<CampaignVariant, 'image' | 'body' | 'imageAlt'>> & {
  name: string;
  weight: number;
  body?: string | null;
  image?: string | { url: string; alt: string } | null;
};

export type InappLayout = 'modal' | 'slideup' | 'banner-top';
export type InappTheme = 'light' | 'dark' | 'brand';

export interface InappButton {
  label: string;
  /** A web page (`https://…`, `/path`) or an app deep link; none closes the message. */
  url?: string | null;
  /** Recorded on the visitor's profile when the button is pressed. */
  event?: string | null;
}

/** In-app campaigns: when the message is live, which wins, and how often one visitor sees it. */
export interface InappOptions {
  startsAt: string | null;
  endsAt: string | null;
  priority: number;
  maxShows: number;
  periodHours: number;
}

export interface PushAction {
  /** 1–32 letters, digits, _ or -: reported with the click. */
  action: string;
  title: string;
  url?: string | null;
}

export type CampaignChannel = 'email' | 'push' | 'webhook' | 'inapp';

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
  channel?: CampaignChannel;
  push?: { ttlSeconds: number; urgency: 'very-low' | 'low' | 'normal' | 'high' } | null;
  webhook?: { url: string; timeoutSeconds?: number } | null;
  inapp?: InappOptions | null;
  variants: VariantInput[];
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
  /** The lifecycle (the answers also carry it as the deprecated `status`, not read here). */
  state: CampaignState;
  scheduledAt: string | null;
  createdAt: string;
  updatedAt: string;
  metrics?: CampaignListMetrics;
  variants: CampaignVariant[];
  hasWebhookSecret?: boolean;
}

/** POST /campaigns answers a webhook campaign's signing secret once, here. */
export interface CreatedCampaign {
  campaign: Campaign;
  webhookSecret: string | null;
}

/** POST /campaigns/render: the composer's unsaved variant, rendered for a profile. */
export interface RenderDraftRequest {
  channel?: CampaignChannel;
  webhookUrl?: string | null;
  variant: Record<string, unknown>;
  name: string;
  documentId?: string;
  profileId?: number;
}

/** POST /campaigns/:documentId/preview, POST /campaigns/render */
export type RenderedPreview =
  | { channel?: 'email'; subject: string; html: string; text: string; missing: string[] }
  | {
      channel: 'push';
      notification: { title: string; body: string; icon?: string; image?: string; url?: string; actions?: Array<{ action: string; title: string }> };
      payloadBytes: number;
      problem: string | null;
      missing: string[];
    }
  | { channel: 'inapp'; message: InappMessage; missing: string[] }
  | {
      channel: 'webhook';
      request: { method: string; url: string | null; headers: Record<string, string>; body: string };
      signed: boolean;
      missing: string[];
    };
