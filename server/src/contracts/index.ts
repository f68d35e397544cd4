/**
 * Request/response shapes of the admin and content APIs. Plain types with no imports, so the
 * admin panel (admin/src/api) compiles against exactly what the server returns.
 */
export interface DataEnvelope<T> {
  data: T;
}

/** GET /segments/overview (admin). */
export interface Overview {
  segments: number;
  profiles: number;
  /** Real-time memberships: what waits for the loop, and the last fall-back to a recompute. */
  realtime: RealtimeStatus;
}

export interface RealtimeStatus {
  enabled: boolean;
  /** Profiles waiting for a re-evaluation, and how many of them are due now. */
  backlog: { total: number; due: number };
  maxBacklog: number;
  lastFallback: RealtimeFallback | null;
}

/** The loop met a backlog past `maxBacklog` and recomputed the segments instead. */
export interface RealtimeFallback {
  at: string;
  backlog: number;
  segments: number;
  settled: number;
  durationMs: number;
}

/** One message of `GET /api/segments/messages` (content API), due for this visitor now. */
export interface InappMessage {
  /** Signed, one per show: the client reports displayed / clicked / dismissed with it. */
  id: string;
  campaign: string;
  variant: string;
  layout: 'modal' | 'slideup' | 'banner-top';
  /** 0–100, higher first; the answer is already in this order. */
  priority: number;
  title: string;
  /** Safe HTML (paragraphs, emphasis, lists, links) rendered on the server. */
  bodyHtml: string;
  image: { url: string; alt: string } | null;
  buttons: Array<{ label: string; url: string | null; event: string | null }>;
  theme: 'light' | 'dark' | 'brand';
  accent: string | null;
}

/** GET /api/segments/me (content API). */
export interface MeResponse {
  visitor:
    | { kind: 'user'; userId: number; anonymousId: string | null }
    | { kind: 'anonymous'; anonymousId: string }
    | { kind: 'none' };
  profileId: number | null;
  /** Keys of the active segments the visitor belongs to now, evaluated in real time. */
  segments: string[];
  /** Assignments in running experiments (recorded at exposure, else what bucketing gives). */
  experiments: Array<{
    key: string;
    placement: string;
    variationIndex: number;
    variant: string;
    exposed: boolean;
  }>;
  firstSeenAt: string | null;
  lastSeenAt: string | null;
  /** With `?include=messages`: the in-app messages due now, as `GET /messages` answers. */
  messages?: InappMessage[];
}

/** One problem with a request, named by the JSON path of the offending field. */
export interface FieldError {
  path: string;
  message: string;
}

/** One event of `POST /api/segments/events`. `userId`/`anonymousId` only with an API token. */
export interface TrackEvent {
  name: string;
  /** ISO 8601 date-time with a zone, or epoch milliseconds; defaults to the time of receipt. */
  timestamp?: string | number;
  properties?: Record<string, unknown>;
  messageId?: string;
  userId?: number;
  anonymousId?: string;
}

/** What the storefront knows about itself; the server adds geo and device from headers. */
export interface ClientContextInput {
  timezone?: string;
  locale?: string;
  referrer?: string;
  utm?: { source?: string; medium?: string; campaign?: string; term?: string; content?: string };
}

/** POST /api/segments/events (content API). */
export interface EventsRequest {
  events: TrackEvent[];
  context?: ClientContextInput;
}

/** 202 answer of POST /api/segments/events. */
export interface EventsResponse {
  /** Valid events, including repeats of an already stored messageId (ignored, not re-counted). */
  accepted: number;
  /** Of the accepted, how many were repeats of a stored messageId. */
  duplicates: number;
  rejected: { index: number; errors: FieldError[] }[];
}

/** POST /api/segments/identify (content API). */
export interface IdentifyRequest {
  traits?: Record<string, unknown>;
  /** API-token callers only: whom the traits are about. */
  userId?: number;
  anonymousId?: string;
}

export interface IdentifyResponse {
  profileId: number;
  traits: Record<string, unknown>;
  /** Set when this call merged an anonymous profile into the user's. */
  mergedProfileId: number | null;
}

/** One profile's data: GET /segments/profiles/:id/export (admin), GET /api/segments/me/export. */
export interface ProfileExport {
  profile: {
    id: number;
    userId: number | null;
    anonymousId: string | null;
    email: string | null;
    timezone: string | null;
    locale: string | null;
    country: string | null;
    region: string | null;
    city: string | null;
    latitude: number | null;
    longitude: number | null;
    traits: Record<string, unknown>;
    context: Record<string, unknown> | null;
    emailConsent: boolean | null;
    unsubscribedAt: string | null;
    firstSeenAt: string;
    lastSeenAt: string;
  };
  identities: { kind: string; value: string }[];
  events: {
    name: string;
    occurredAt: string;
    value: number | null;
    properties: Record<string, unknown> | null;
    messageId: string | null;
  }[];
  rollups: { day: string; event: string; count: number; valueSum: number }[];
  activityDays: string[];
}

/** One day of GET /segments/activity (admin). */
export interface ActivityDay {
  day: string;
  dau: number;
  wau: number;
  mau: number;
  /** DAU / MAU, 0 when MAU is 0. */
  stickiness: number;
}

export interface ActivityResponse {
  from: string;
  to: string;
  /** The reporting time zone (`analytics.timeZone`) whose calendar days `from`/`to` name. */
  timeZone: string;
  days: ActivityDay[];
}

/** POST /segments/retention/purge (admin) and the daily purge. */
export interface PurgeReport {
  events: number;
  rollups: number;
  activityDays: number;
  /** Segment enter/exit records. */
  transitions: number;
  /** Scheduler lease rows expired over a day ago. */
  leases: number;
}

/** POST /segments/rules/validate (admin), when the rule is valid. */
export interface RuleValidation {
  valid: true;
  /** Plain-language rendering for the segment builder. */
  explanation: string;
  /** Keys of the segments the rule refers to. */
  references: string[];
}

/** POST /segments/import (admin): NDJSON or CSV event history, streamed. */
export interface ImportReport {
  /** Data lines read (CSV header and blank lines not counted). */
  lines: number;
  accepted: number;
  /** Accepted events whose messageId was already stored. */
  duplicates: number;
  rejectedCount: number;
  /** The first 100 rejections, by line number of the input. */
  rejected: { line: number; errors: FieldError[] }[];
}

/** One key of GET /segments/segments/catalog: a trait, or an event property (dot path). */
export interface CatalogKey {
  key: string;
  /** JSON types seen (`string`, `number`, `boolean`, `array`, `object`, `null`; `date` for firstSeenAt/lastSeenAt). */
  types: string[];
  /** The most frequent scalar values seen, for pickers (countries: every one in use). */
  values: Array<string | number | boolean>;
}

/** GET /segments/segments/catalog (admin): what the segment builder autocompletes. */
export interface SegmentCatalog {
  traits: CatalogKey[];
  /** Event names of the last 90 days, most frequent first, with the property keys seen. */
  events: Array<{ name: string; count: number; properties: CatalogKey[] }>;
  contextFields: string[];
  /** How many of the most recent profiles and events the keys were read from. */
  sampled: { profiles: number; events: number };
}

/** GET /segments/segments (admin list) and GET /segments/segments/:documentId. */
export interface SegmentSummary {
  documentId: string;
  name: string;
  key: string;
  description: string | null;
  state: 'active' | 'archived';
  rule: unknown;
  updatedAt: string | null;
  /** Size at the last recompute; null before the first one. */
  size: number | null;
  lastComputedAt: string | null;
  /** Daily sizes of the last 30 days, oldest first. */
  trend: Array<{ day: string; size: number }>;
}
