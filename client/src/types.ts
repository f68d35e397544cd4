/**
 * Public types of the storefront client. They restate the content API's contracts
 * (server/src/contracts) because the client ships alone; test/unit/client/contracts.test.ts
 * fails to compile if the two drift apart.
 */

/** A minimal `fetch`: the global one in browsers, Node 18+ and edge runtimes fits. */
export type FetchLike = (
  url: string,
  init: {
    method: string;
    headers: Record<string, string>;
    body?: string;
    keepalive?: boolean;
    credentials?: 'omit' | 'same-origin' | 'include';
  }
) => Promise<{ status: number; json(): Promise<unknown> }>;

/** Where the anonymous id, the session and the offline queue are kept. */
export interface StorageLike {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
}

export interface ClientOptions {
  /** Strapi's base URL, e.g. `https://cms.example.com`. */
  url: string;
  /** Server-side only: a Strapi API token; every call then speaks for `userId` or `anonymousId`. */
  apiToken?: string;
  /** Server-side with `apiToken`: act for this users-permissions user (every call). */
  userId?: number;
  /** A fixed anonymous id (server side, or an id the app already has); nothing is generated. */
  anonymousId?: string;
  /** A users-permissions JWT of the logged-in visitor (`Authorization: Bearer`). */
  userToken?: string;
  /** Where to keep the anonymous id: `localStorage` (default in browsers), `cookie`, `memory`, or your own. */
  storage?: 'localStorage' | 'cookie' | 'memory' | StorageLike;
  /** Cookie storage settings (defaults: `segments_aid`, 365 days, `SameSite=Lax`, path `/`). */
  cookie?: { name?: string; domain?: string; maxAgeDays?: number; secure?: boolean };
  /** Nothing is stored or sent until `consent(true)` (events wait in memory). Default false. */
  requireConsent?: boolean;
  /** Send when this many events are queued (default 20). */
  flushAt?: number;
  /** …or this long after the first queued event (default 5000 ms). */
  flushIntervalMs?: number;
  /** Queue bound: when full, the oldest events are dropped (default 1000). */
  maxQueueSize?: number;
  /** Backoff after a network error or a 5xx/429: base doubling up to max (defaults 1000 / 60000 ms). */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Automatic `session_start` and `page_view` events (default true in browsers, false elsewhere). */
  autoTrack?: boolean | { session?: boolean; pageView?: boolean };
  /** Inactivity that ends a session (default 30 minutes). */
  sessionTimeoutMinutes?: number;
  /** Send cookies to Strapi (`credentials: 'include'`), for a server that reads its identity cookie. */
  withCredentials?: boolean;
  /** Defaults to the global `fetch`. */
  fetch?: FetchLike;
  /** Called when a batch or event is refused, or a request fails for good. */
  onError?: (error: SegmentsError) => void;
  /** Browser globals, for tests and unusual runtimes (defaults to `globalThis`). */
  globals?: BrowserGlobals;
}

/** The browser features the client uses, all optional (absent on servers and edge runtimes). */
export interface BrowserGlobals {
  document?: {
    cookie: string;
    visibilityState?: string;
    title?: string;
    referrer?: string;
    addEventListener?(type: string, listener: () => void): void;
  };
  location?: { href: string; pathname: string; search: string };
  navigator?: {
    onLine?: boolean;
    language?: string;
    sendBeacon?(url: string, data: unknown): boolean;
  };
  localStorage?: {
    getItem(k: string): string | null;
    setItem(k: string, v: string): void;
    removeItem(k: string): void;
  };
  addEventListener?(type: string, listener: () => void): void;
  Blob?: new (parts: string[], options: { type: string }) => unknown;
  crypto?: { randomUUID?(): string };
  Intl?: { DateTimeFormat(): { resolvedOptions(): { timeZone?: string } } };
}

export interface SegmentsError {
  /**
   * `rejected`: the server refused some events (status 202) or all of them (400), `details` is
   * the per-event report; `http`: another 4xx/5xx; `network`: no answer.
   */
  kind: 'rejected' | 'http' | 'network';
  message: string;
  status?: number;
  details?: unknown;
}

export interface TrackEvent {
  name: string;
  timestamp?: string | number;
  properties?: Record<string, unknown>;
  messageId?: string;
  userId?: number;
  anonymousId?: string;
}

export interface ClientContext {
  timezone?: string;
  locale?: string;
  referrer?: string;
  utm?: { source?: string; medium?: string; campaign?: string; term?: string; content?: string };
}

export interface EventsResponse {
  accepted: number;
  duplicates: number;
  rejected: { index: number; errors: { path: string; message: string }[] }[];
}

export interface IdentifyResponse {
  profileId: number;
  traits: Record<string, unknown>;
  mergedProfileId: number | null;
}

export interface MeResponse {
  visitor:
    | { kind: 'user'; userId: number; anonymousId: string | null }
    | { kind: 'anonymous'; anonymousId: string }
    | { kind: 'none' };
  profileId: number | null;
  segments: string[];
  experiments: Array<{
    key: string;
    placement: string;
    variationIndex: number;
    variant: string;
    exposed: boolean;
  }>;
  firstSeenAt: string | null;
  lastSeenAt: string | null;
  /** With `me({ messages: true })`: the in-app messages due now. */
  messages?: InappMessage[];
}

/** One in-app message due for this visitor (`GET /api/segments/messages`). */
export interface InappMessage {
  /** Signed, one per show: reports use it. */
  id: string;
  campaign: string;
  variant: string;
  layout: 'modal' | 'slideup' | 'banner-top';
  priority: number;
  title: string;
  /** Safe HTML rendered by the server. */
  bodyHtml: string;
  image: { url: string; alt: string } | null;
  buttons: Array<{ label: string; url: string | null; event: string | null }>;
  theme: 'light' | 'dark' | 'brand';
  accent: string | null;
}

export type InappAction = 'displayed' | 'clicked' | 'dismissed';

export interface PlacementResponse {
  placement: string;
  /** The banner's fields as the content API sanitises them (title, body, media, ctaLabel, ctaUrl, …). */
  banner: {
    documentId: string;
    title: string;
    ctaLabel?: string | null;
    ctaUrl?: string | null;
  } & Record<string, unknown>;
  experiment: { key: string; variationIndex: number; variant: string } | null;
}

export interface SegmentsClient {
  /** Queues an event; it is sent in a batch (see `flushAt`, `flushIntervalMs`). */
  track(
    name: string,
    properties?: Record<string, unknown>,
    options?: { timestamp?: number | string }
  ): void;
  /** A `page_view` with the current path, title and URL (call it on SPA route changes). */
  page(properties?: Record<string, unknown>): void;
  /** Traits of this visitor; after a login (`setUserToken`) it merges the anonymous history. */
  identify(traits?: Record<string, unknown>): Promise<IdentifyResponse>;
  /** Who the server thinks this visitor is: profile id, segment keys, experiments. */
  me(options?: { messages?: boolean }): Promise<MeResponse>;
  /** The in-app messages due for this visitor now, highest priority first. */
  messages(): Promise<InappMessage[]>;
  /** Reports one message shown, clicked (with the button's index) or dismissed. */
  reportMessage(id: string, action: InappAction, button?: number): Promise<void>;
  /** The best banner of a placement for this visitor, or null when there is none. */
  placement(key: string, options?: { locale?: string }): Promise<PlacementResponse | null>;
  /** Sends every queued event now. */
  flush(): Promise<void>;
  /** With `requireConsent`: true stores the id and starts sending; false forgets everything kept. */
  consent(granted: boolean): void;
  /** The logged-in visitor's users-permissions JWT, or null after logout. */
  setUserToken(token: string | null): void;
  /** A fresh anonymous id and session (call on logout). */
  reset(): void;
  /** The anonymous id in use (in memory only until consent, when consent is required). */
  anonymousId(): string | null;
  /** Flushes and stops timers and listeners' effects. */
  close(): Promise<void>;
  /**
   * Web Push: asks for permission (call it from a click), registers the service worker and
   * stores this device's subscription for the visitor.
   */
  subscribePush(options?: PushOptions): Promise<PushState>;
  /** Removes this device's subscription (here and at the push service). False when there was none. */
  unsubscribePush(options?: PushOptions): Promise<boolean>;
}

export interface PushOptions {
  /** Where the site serves the plugin's service worker (`dist/client/segments-sw.js`). Default `/segments-sw.js`. */
  serviceWorkerUrl?: string;
  scope?: string;
}

/** `unsupported`: no service workers or Push API here; `denied`: the visitor said no. */
export type PushState = 'subscribed' | 'denied' | 'unsupported';
