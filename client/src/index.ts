import { chooseStorage } from './storage';
import { pushApi } from './push';
import { messagesApi } from './messages';
import { randomId, requestContext, utmOfSearch, utmQuery } from './context';
import type {
  BrowserGlobals,
  ClientContext,
  ClientOptions,
  EventsResponse,
  FetchLike,
  IdentifyResponse,
  MeResponse,
  PlacementResponse,
  SegmentsClient,
  SegmentsError,
  StorageLike,
  TrackEvent,
} from './types.js';

export type * from './types.js';

const ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
const K_ID = 'segments_aid';
const K_QUEUE = 'segments_queue';
const K_SESSION = 'segments_session';
const K_UTM = 'segments_utm';
// The server takes ≤ 500 events and ≤ 1 MB per request; a JSON character is at most 3 bytes.
const MAX_BATCH = 500;
const MAX_CHARS = 300_000;
// keepalive requests and beacons may carry 64 kB in total.
const UNLOAD_CHARS = 60_000;

type Result = 'done' | 'retry';

export function createClient(options: ClientOptions): SegmentsClient {
  const g: BrowserGlobals = options.globals ?? (globalThis as unknown as BrowserGlobals);
  const doFetch: FetchLike =
    options.fetch ??
    ((url, init) => (globalThis as unknown as { fetch: FetchLike }).fetch(url, init));
  const base = options.url.replace(/\/+$/, '') + '/api/segments';
  const flushAt = options.flushAt ?? 20;
  const interval = options.flushIntervalMs ?? 5000;
  const maxQueue = options.maxQueueSize ?? 1000;
  const retryBase = options.retryBaseMs ?? 1000;
  const retryMax = options.retryMaxMs ?? 60_000;
  const sessionMs = (options.sessionTimeoutMinutes ?? 30) * 60_000;
  const inBrowser = !!(g.document && g.location);
  const auto = options.autoTrack ?? inBrowser;
  const autoSession = auto === true || (typeof auto === 'object' && auto.session !== false);
  const autoPage = auto === true || (typeof auto === 'object' && auto.pageView !== false);
  const report = (e: SegmentsError) => options.onError?.(e);

  const chosen = chooseStorage(options, g);
  let consented = !options.requireConsent;
  let userToken = options.userToken ?? null;
  // What may be written to the chosen storage: nothing before consent.
  const store = (): StorageLike | null => (consented ? chosen.store : null);

  const newId = () => randomId(g);

  let anonId: string | null = options.anonymousId ?? null;
  let queue: TrackEvent[] = [];
  let lastActivity = 0;
  let utm: ClientContext['utm'] | undefined;

  /** Takes over what an earlier page stored (only once storing is allowed). */
  const load = () => {
    const s = store();
    const storedId = s?.get(K_ID);
    if (!options.anonymousId && storedId && ID_PATTERN.test(storedId)) anonId = storedId;
    try {
      const saved = chosen.bulky ? JSON.parse(s?.get(K_QUEUE) ?? '[]') : [];
      if (Array.isArray(saved)) queue = saved.concat(queue).slice(-maxQueue);
      utm = utm ?? JSON.parse(s?.get(K_UTM) ?? 'null') ?? undefined;
    } catch {
      // a corrupt saved value is dropped
    }
    lastActivity = Math.max(lastActivity, Number(s?.get(K_SESSION)) || 0);
  };
  load();
  if (!anonId && !(options.apiToken && options.userId !== undefined)) anonId = newId();

  let queueDirty = false;
  const save = () => {
    const s = store();
    if (!s) return;
    if (anonId && !options.anonymousId) s.set(K_ID, anonId);
    if (lastActivity) s.set(K_SESSION, String(lastActivity));
    if (utm) s.set(K_UTM, JSON.stringify(utm));
    // The queue is written once per burst of track() calls, not once per event.
    if (chosen.bulky && !queueDirty) {
      queueDirty = true;
      void Promise.resolve().then(() => {
        queueDirty = false;
        if (store()) s.set(K_QUEUE, JSON.stringify(queue));
      });
    }
  };

  // UTM parameters of the landing URL stay with the visitor's session.
  const landingUtm = g.location ? utmOfSearch(g.location.search) : undefined;
  if (landingUtm) utm = landingUtm;

  const context = (): ClientContext => requestContext(g, utm);

  const headers = (json: boolean): Record<string, string> => {
    const h: Record<string, string> = {};
    if (json) h['Content-Type'] = 'application/json';
    const bearer = options.apiToken ?? userToken;
    if (bearer) h.Authorization = `Bearer ${bearer}`;
    // Before consent the server gets no id: it personalises from the request context alone.
    if (anonId && consented) h['X-Segments-Anonymous-Id'] = anonId;
    // An API-token caller names the user it renders for (me/placements; events carry userId).
    if (options.apiToken && options.userId !== undefined)
      h['X-Segments-User-Id'] = String(options.userId);
    const zone = g.Intl?.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) h['X-Segments-Timezone'] = zone;
    return h;
  };

  const request = (path: string, method: string, body?: unknown, keepalive?: boolean) =>
    doFetch(base + path, {
      method,
      headers: headers(body !== undefined),
      ...(body !== undefined
        ? { body: typeof body === 'string' ? body : JSON.stringify(body) }
        : {}),
      ...(keepalive ? { keepalive } : {}),
      ...(options.withCredentials ? { credentials: 'include' as const } : {}),
    });

  type ErrorBody = { error?: { message?: string; details?: unknown } };
  const httpError = (status: number, body: ErrorBody | null): SegmentsError => ({
    kind: 'http',
    status,
    message: body?.error?.message ?? `HTTP ${status}`,
    details: body?.error?.details,
  });
  const errorOf = async (res: { status: number; json(): Promise<unknown> }) =>
    httpError(res.status, (await res.json().catch(() => null)) as ErrorBody | null);

  // Thrown by identify/me/placement: an Error carrying the SegmentsError fields.
  const fail = async (res: { status: number; json(): Promise<unknown> }) =>
    Object.assign(new Error(), await errorOf(res));

  // ---- the queue --------------------------------------------------------------------------

  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let inFlight: Promise<void> | null = null;
  let closed = false;

  const canSend = () => consented && !closed && g.navigator?.onLine !== false;

  /** The longest head of the queue that fits one request. */
  const head = (maxChars: number): { events: TrackEvent[]; json: string } => {
    const ctx = context();
    let size = JSON.stringify(ctx).length + 30;
    let n = 0;
    while (n < queue.length && n < MAX_BATCH) {
      size += JSON.stringify(queue[n]).length + 1;
      if (n && size > maxChars) break;
      n++;
    }
    const events = queue.slice(0, n);
    return { events, json: JSON.stringify({ events, context: ctx }) };
  };

  const drop = (events: TrackEvent[]) => {
    const sent = new Set(events);
    queue = queue.filter((e) => !sent.has(e));
    save();
  };

  const sendBatch = async (keepalive: boolean): Promise<Result> => {
    const { events, json } = head(keepalive ? UNLOAD_CHARS : MAX_CHARS);
    let res;
    try {
      res = await request('/events', 'POST', json, keepalive);
    } catch (error) {
      report({ kind: 'network', message: String((error as Error)?.message ?? error) });
      return 'retry';
    }
    if (res.status === 429 || res.status >= 500) {
      report(await errorOf(res));
      return 'retry';
    }
    // 202 may carry rejected events; a 400 with a per-event report means all were rejected.
    const body = (await res.json().catch(() => null)) as
      | ({ rejected?: EventsResponse['rejected'] } & ErrorBody)
      | null;
    if (body?.rejected?.length) {
      report({
        kind: 'rejected',
        status: res.status,
        message: `${body.rejected.length} event(s) rejected`,
        details: body.rejected,
      });
    } else if (res.status !== 202) {
      // Any other answer (400, 401, 403, 413) will not change on a retry: the batch is dropped.
      report(httpError(res.status, body));
    }
    failures = 0;
    drop(events);
    return 'done';
  };

  const scheduleRetry = () => {
    if (retryTimer !== undefined || closed) return;
    const full = Math.min(retryMax, retryBase * 2 ** failures);
    failures++;
    // Half fixed, half random: browsers that failed together do not all come back together.
    retryTimer = setTimeout(
      () => {
        retryTimer = undefined;
        void flush();
      },
      full / 2 + (Math.random() * full) / 2
    );
  };

  const flush = (keepalive = false): Promise<void> => {
    if (flushTimer !== undefined) {
      clearTimeout(flushTimer);
      flushTimer = undefined;
    }
    if (inFlight) return inFlight;
    inFlight = (async () => {
      while (queue.length && canSend()) {
        if ((await sendBatch(keepalive)) === 'retry') {
          scheduleRetry();
          break;
        }
      }
    })().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };

  const schedule = () => {
    if (!canSend() || retryTimer !== undefined) return;
    if (queue.length >= flushAt) void flush();
    else if (flushTimer === undefined) flushTimer = setTimeout(() => void flush(), interval);
  };

  const enqueue = (event: TrackEvent) => {
    queue.push(event);
    // Bounded: an offline visitor loses the oldest events, never the page's memory.
    if (queue.length > maxQueue) queue.splice(0, queue.length - maxQueue);
    save();
    schedule();
  };

  const subject = (): Pick<TrackEvent, 'userId' | 'anonymousId'> =>
    !options.apiToken
      ? {}
      : options.userId !== undefined
        ? { userId: options.userId }
        : anonId
          ? { anonymousId: anonId }
          : {};

  const touchSession = () => {
    const now = Date.now();
    const isNew = now - lastActivity > sessionMs;
    lastActivity = now;
    if (isNew && autoSession) {
      enqueue({
        name: 'session_start',
        timestamp: now,
        messageId: newId(),
        properties: utm ? { ...utm } : {},
        ...subject(),
      });
    }
  };

  const track: SegmentsClient['track'] = (name, properties, opts) => {
    if (closed) return;
    touchSession();
    enqueue({
      name,
      timestamp: opts?.timestamp ?? Date.now(),
      messageId: newId(),
      ...(properties ? { properties } : {}),
      ...subject(),
    });
  };

  const page: SegmentsClient['page'] = (properties) => {
    const loc = g.location;
    track('page_view', {
      ...(loc ? { path: loc.pathname, url: loc.href.slice(0, 2000) } : {}),
      ...(g.document?.title ? { title: g.document.title.slice(0, 500) } : {}),
      ...properties,
    });
  };

  // ---- page hide: the last chance to send ------------------------------------------------

  const onHide = () => {
    if (!queue.length || !canSend()) return;
    const beacon = g.navigator?.sendBeacon;
    // A beacon carries no headers: only when the identity travels in a cookie (`withCredentials`).
    if (beacon && g.Blob && options.withCredentials && !userToken && !options.apiToken) {
      while (queue.length) {
        const { events, json } = head(UNLOAD_CHARS);
        if (
          !beacon.call(
            g.navigator,
            base + '/events',
            new g.Blob([json], { type: 'application/json' })
          )
        )
          break;
        drop(events);
      }
    }
    // Otherwise (or for what a beacon refused) a keepalive fetch, which outlives the page and
    // carries the headers. If the page dies first, the saved queue resends with the same
    // messageIds and the server ignores the repeats.
    if (queue.length) void flush(true);
  };
  g.addEventListener?.('pagehide', onHide);
  g.document?.addEventListener?.('visibilitychange', () => {
    if (g.document?.visibilityState === 'hidden') onHide();
  });
  g.addEventListener?.('online', () => void flush());

  // ---- the rest of the API -------------------------------------------------------------

  const client: SegmentsClient = {
    track,
    page,
    flush: () => flush(),
    async identify(traits) {
      // Events recorded before a login belong to the anonymous profile the server merges.
      await flush();
      const body = { ...(traits ? { traits } : {}), ...subject() };
      const res = await request('/identify', 'POST', body);
      if (res.status !== 200) throw await fail(res);
      return ((await res.json()) as { data: IdentifyResponse }).data;
    },
    async me(opts) {
      const res = await request('/me' + utmQuery(utm, opts?.messages ? 'include=messages' : ''), 'GET');
      if (res.status !== 200) throw await fail(res);
      return ((await res.json()) as { data: MeResponse }).data;
    },
    async placement(key, opts) {
      const q = utmQuery(utm, opts?.locale ? `locale=${encodeURIComponent(opts.locale)}` : '');
      const res = await request(`/placements/${encodeURIComponent(key)}${q}`, 'GET');
      if (res.status === 404) return null;
      if (res.status !== 200) throw await fail(res);
      return ((await res.json()) as { data: PlacementResponse }).data;
    },
    consent(granted) {
      if (granted === consented) return;
      consented = granted;
      if (granted) {
        load();
        save();
        schedule();
        return;
      }
      for (const k of [K_ID, K_QUEUE, K_SESSION, K_UTM]) chosen.store.remove(k);
      queue = [];
      if (!options.anonymousId) anonId = newId();
    },
    setUserToken(token) {
      userToken = token;
    },
    reset() {
      anonId = newId();
      lastActivity = 0;
      save();
    },
    anonymousId: () => anonId,
    ...pushApi(request, fail),
    ...messagesApi(request, fail, () => flush(), () => utmQuery(utm)),
    async close() {
      await flush();
      closed = true;
      clearTimeout(flushTimer);
      clearTimeout(retryTimer);
      retryTimer = undefined;
    },
  };

  save();
  if (inBrowser) {
    touchSession();
    if (autoPage) page();
  }
  return client;
}
