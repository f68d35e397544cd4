import { createClient } from '../../../client/src/index';
import type { ClientOptions, SegmentsError, TrackEvent } from '../../../client/src/types';
import { fakeBrowser, fakeFetch } from './fakes';

const URL_ = 'https://cms.example';
type Body = { events: TrackEvent[]; context?: Record<string, unknown> };

beforeEach(() => jest.useFakeTimers({ now: Date.UTC(2026, 10, 29, 12) }));
afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

/** A browser client with automatic events off unless asked, so counts are the test's own. */
function setup(options: Partial<ClientOptions> = {}, search = '') {
  const server = fakeFetch();
  const page = fakeBrowser(search);
  const errors: SegmentsError[] = [];
  const make = (extra: Partial<ClientOptions> = {}) =>
    createClient({
      url: `${URL_}/`,
      fetch: server.fetch,
      globals: page.globals,
      autoTrack: false,
      onError: (e) => errors.push(e),
      ...options,
      ...extra,
    });
  return { server, page, errors, client: make(), make };
}

describe('batching', () => {
  it('sends one request when flushAt events are queued, with unique messageIds and timestamps', async () => {
    const { server, client } = setup({ flushAt: 3 });
    client.track('view_item', { sku: 'a' });
    client.track('view_item', { sku: 'b' });
    await jest.advanceTimersByTimeAsync(0);
    expect(server.calls).toHaveLength(0);
    client.track('add_to_cart', { value: 20 });
    await jest.advanceTimersByTimeAsync(0);
    expect(server.calls).toHaveLength(1);
    const [call] = server.calls;
    expect(call.url).toBe(`${URL_}/api/segments/events`);
    expect(call.method).toBe('POST');
    const body = call.body as Body;
    expect(body.events.map((e) => e.name)).toEqual(['view_item', 'view_item', 'add_to_cart']);
    expect(new Set(body.events.map((e) => e.messageId)).size).toBe(3);
    expect(body.events.every((e) => e.timestamp === Date.now())).toBe(true);
    expect(body.context).toMatchObject({ timezone: 'Europe/Berlin', locale: 'de-DE', referrer: 'https://search.example/' });
  });

  it('sends a partial batch flushIntervalMs after the first event, not before', async () => {
    const { server, client } = setup({ flushIntervalMs: 2000 });
    client.track('a');
    await jest.advanceTimersByTimeAsync(1000);
    client.track('b');
    await jest.advanceTimersByTimeAsync(999);
    expect(server.calls).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1);
    expect(server.eventNames()).toEqual(['a', 'b']);
  });

  it('splits a large queue into requests of at most 500 events and under 1 MB', async () => {
    const { server, client } = setup({ flushAt: 10_000, maxQueueSize: 10_000 });
    for (let i = 0; i < 1200; i++) client.track('small', { i });
    await client.flush();
    expect(server.events().map((c) => (c.body as Body).events.length)).toEqual([500, 500, 200]);

    server.calls.length = 0;
    const big = 'x'.repeat(7000);
    for (let i = 0; i < 300; i++) client.track('big', { big });
    await client.flush();
    const sizes = server.events().map((c) => Buffer.byteLength(JSON.stringify(c.body)));
    expect(sizes.length).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeLessThan(1024 * 1024);
    expect(server.eventNames()).toHaveLength(300);
  });
});

describe('retry', () => {
  it('retries a network error with doubling backoff, resending the same messageIds', async () => {
    // The jitter's random half at its top: each wait is the full backoff.
    jest.spyOn(Math, 'random').mockReturnValue(1);
    const { server, client, errors } = setup({ retryBaseMs: 1000 });
    server.replies.push(new Error('offline'), new Error('offline'), { status: 503 });
    client.track('purchase', { value: 10 });
    await client.flush();
    expect(server.calls).toHaveLength(1);
    for (const [wait, calls] of [[998, 1], [2, 2], [1998, 2], [2, 3], [3998, 3], [2, 4]]) {
      await jest.advanceTimersByTimeAsync(wait);
      expect(server.calls).toHaveLength(calls);
    }
    const ids = server.calls.map((c) => (c.body as Body).events[0].messageId);
    expect(new Set(ids).size).toBe(1);
    expect(errors.map((e) => e.kind)).toEqual(['network', 'network', 'http']);
    // Delivered: nothing more is sent.
    await jest.advanceTimersByTimeAsync(60_000);
    expect(server.calls).toHaveLength(4);
  });

  it('waits at least half the backoff (jitter) and at most retryMaxMs', async () => {
    jest.spyOn(Math, 'random').mockReturnValue(0);
    const { server, client } = setup({ retryBaseMs: 1000, retryMaxMs: 3000 });
    for (let i = 0; i < 6; i++) server.replies.push(new Error('down'));
    client.track('a');
    await client.flush();
    // Halves of 1000, 2000, 3000 (capped), 3000, 3000.
    for (const [wait, calls] of [[499, 1], [1, 2], [999, 2], [1, 3], [1499, 3], [1, 4], [1500, 5], [1500, 6]]) {
      await jest.advanceTimersByTimeAsync(wait);
      expect(server.calls).toHaveLength(calls);
    }
  });

  it('reports a batch rejected as a whole (400 with the per-event report) as rejected, and drops it', async () => {
    const { server, client, errors } = setup();
    const rejected = [{ index: 0, errors: [{ path: 'events[0].name', message: 'bad' }] }];
    server.replies.push({
      status: 400,
      body: { accepted: 0, duplicates: 0, rejected, error: { message: 'Every event was rejected', details: { errors: rejected[0].errors } } },
    });
    client.track('1bad');
    await client.flush();
    await jest.advanceTimersByTimeAsync(120_000);
    expect(server.calls).toHaveLength(1);
    expect(errors).toEqual([{ kind: 'rejected', status: 400, message: '1 event(s) rejected', details: rejected }]);
  });

  it('drops a batch the server refuses (4xx) and reports per-event rejections', async () => {
    const { server, client, errors } = setup();
    server.replies.push(
      { status: 400, body: { error: { message: 'Invalid event batch', details: { errors: [] } } } },
      { status: 202, body: { accepted: 1, duplicates: 0, rejected: [{ index: 1, errors: [{ path: 'events[1].name', message: 'bad' }] }] } }
    );
    client.track('a');
    await client.flush();
    client.track('b');
    client.track('1bad');
    await client.flush();
    await jest.advanceTimersByTimeAsync(120_000);
    expect(server.calls).toHaveLength(2);
    expect(errors).toEqual([
      expect.objectContaining({ kind: 'http', status: 400, message: 'Invalid event batch' }),
      expect.objectContaining({ kind: 'rejected', status: 202, details: [expect.objectContaining({ index: 1 })] }),
    ]);
  });
});

describe('offline queue', () => {
  it('keeps at most maxQueueSize events, dropping the oldest, and sends them when back online', async () => {
    const { server, client, page } = setup({ maxQueueSize: 5, flushAt: 100 });
    page.navigator.onLine = false;
    for (let i = 0; i < 8; i++) client.track(`e${i}`);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(server.calls).toHaveLength(0);
    expect(JSON.parse(page.local.get('segments_queue')!)).toHaveLength(5);
    page.navigator.onLine = true;
    page.fire('online');
    await jest.advanceTimersByTimeAsync(0);
    expect(server.eventNames()).toEqual(['e3', 'e4', 'e5', 'e6', 'e7']);
    expect(JSON.parse(page.local.get('segments_queue')!)).toEqual([]);
  });

  it('survives a reload: the next page resends the stored events with their messageIds', async () => {
    const { server, client, make } = setup();
    server.replies.push(new Error('down'));
    client.track('checkout');
    await client.flush();
    const firstId = (server.calls[0].body as Body).events[0].messageId;
    await client.close();
    const next = make();
    await next.flush();
    expect(server.calls).toHaveLength(2);
    expect((server.calls[1].body as Body).events.map((e) => [e.name, e.messageId])).toEqual([['checkout', firstId]]);
  });
});

describe('page hide', () => {
  it('sends the queue by sendBeacon when the identity travels in a cookie', async () => {
    const { server, client, page } = setup({ withCredentials: true, flushAt: 100 });
    client.track('a');
    client.track('b');
    page.document.visibilityState = 'hidden';
    page.fire('visibilitychange');
    expect(page.navigator.sendBeacon).toHaveBeenCalledTimes(1);
    expect(page.beacons[0].url).toBe(`${URL_}/api/segments/events`);
    expect((page.beacons[0].body as Body).events.map((e) => e.name)).toEqual(['a', 'b']);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(server.calls).toHaveLength(0);
  });

  it('uses a keepalive fetch (which carries the id header) otherwise, and keeps a refused beacon queued', async () => {
    const { server, client, page } = setup({ flushAt: 100 });
    client.track('a');
    page.fire('pagehide');
    await jest.advanceTimersByTimeAsync(0);
    expect(page.navigator.sendBeacon).not.toHaveBeenCalled();
    expect(server.calls).toHaveLength(1);
    expect(server.calls[0].keepalive).toBe(true);
    expect(server.calls[0].headers['X-Segments-Anonymous-Id']).toBe(client.anonymousId());

    const other = setup({ withCredentials: true, flushAt: 100 });
    other.page.navigator.sendBeacon.mockReturnValue(false);
    other.client.track('b');
    other.page.fire('pagehide');
    await jest.advanceTimersByTimeAsync(0);
    expect(other.server.calls.map((c) => c.keepalive)).toEqual([true]);
  });
});

describe('anonymous id', () => {
  it('is created once and kept in localStorage across pages', () => {
    const { client, make, page } = setup();
    const id = client.anonymousId()!;
    expect(id).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    expect(page.local.get('segments_aid')).toBe(id);
    expect(make().anonymousId()).toBe(id);
  });

  it('can live in a first-party cookie with the configured name and lifetime', () => {
    const { client, make, page } = setup({ storage: 'cookie', cookie: { name: 'shop_aid', maxAgeDays: 30, domain: 'shop.example' } });
    const id = client.anonymousId()!;
    expect(page.jar.get('shop_aid')).toBe(id);
    expect(page.written.find((l) => l.startsWith('shop_aid='))).toBe(
      `shop_aid=${id}; Max-Age=2592000; Path=/; SameSite=Lax; Domain=shop.example`
    );
    expect(page.local.size).toBe(0);
    expect(make().anonymousId()).toBe(id);
  });

  it('replaces a stored id the server would refuse', () => {
    const { make, page } = setup();
    page.local.set('segments_aid', 'bad id!');
    expect(make().anonymousId()).not.toBe('bad id!');
    expect(page.local.get('segments_aid')).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
  });

  it('is sent as X-Segments-Anonymous-Id, and reset() starts a new one', async () => {
    const { server, client } = setup();
    const before = client.anonymousId();
    await client.me().catch(() => undefined);
    expect(server.calls[0].headers['X-Segments-Anonymous-Id']).toBe(before);
    client.reset();
    expect(client.anonymousId()).not.toBe(before);
  });
});

describe('consent', () => {
  it('stores and sends nothing before consent; consent(true) persists the id and sends the waiting events', async () => {
    const { server, client, page } = setup({ requireConsent: true, autoTrack: true });
    client.track('view_item');
    await jest.advanceTimersByTimeAsync(60_000);
    page.fire('pagehide');
    await jest.advanceTimersByTimeAsync(0);
    expect(server.events()).toHaveLength(0);
    expect(page.local.size).toBe(0);
    expect(page.jar.size).toBe(0);
    // Personalisation still works, from the request context only: no id header.
    server.replies.push({ status: 404 });
    expect(await client.placement('home-hero')).toBeNull();
    expect(server.calls[0].headers['X-Segments-Anonymous-Id']).toBeUndefined();

    client.consent(true);
    await client.flush();
    expect(server.eventNames()).toEqual(['session_start', 'page_view', 'view_item']);
    expect(server.events()[0].headers['X-Segments-Anonymous-Id']).toBe(client.anonymousId());
    expect(page.local.get('segments_aid')).toBe(client.anonymousId());
  });

  it('consent(false) forgets the stored id, session and queue', async () => {
    const { server, client, page, make } = setup({ storage: 'cookie' });
    const id = client.anonymousId();
    expect(page.jar.get('segments_aid')).toBe(id);
    server.replies.push(new Error('down'));
    client.track('a');
    await client.flush();
    client.consent(false);
    expect(page.jar.size).toBe(0);
    expect(client.anonymousId()).not.toBe(id);
    await jest.advanceTimersByTimeAsync(120_000);
    expect(server.calls).toHaveLength(1);
    expect(make({ requireConsent: true }).anonymousId()).not.toBe(id);
  });

  it('takes over the id stored on an earlier page when consent is given again', () => {
    const { client, make } = setup({ requireConsent: true });
    client.consent(true);
    const id = client.anonymousId();
    const next = make();
    expect(next.anonymousId()).not.toBe(id);
    next.consent(true);
    expect(next.anonymousId()).toBe(id);
  });
});

describe('automatic events', () => {
  it('sends session_start and page_view on load, and a new session after 30 minutes idle', async () => {
    const { server, make } = setup();
    const client = make({ autoTrack: true });
    await client.flush();
    expect(server.eventNames()).toEqual(['session_start', 'page_view']);
    expect((server.calls[0].body as Body).events[1].properties).toEqual({
      path: '/products',
      url: 'https://shop.example/products',
      title: 'Shop home',
    });
    await jest.advanceTimersByTimeAsync(29 * 60_000);
    client.track('a');
    await jest.advanceTimersByTimeAsync(31 * 60_000);
    client.track('b');
    await client.flush();
    expect(server.eventNames()).toEqual(['session_start', 'page_view', 'a', 'session_start', 'b']);
    // A reload within the session does not start another.
    make({ autoTrack: true });
    await jest.advanceTimersByTimeAsync(10_000);
    expect(server.eventNames().filter((n) => n === 'session_start')).toHaveLength(2);
  });

  it('can be switched off one by one', async () => {
    const { server, make } = setup();
    await make({ autoTrack: { pageView: false } }).flush();
    expect(server.eventNames()).toEqual(['session_start']);
  });

  it('captures UTM parameters into the batch context, session_start and personalisation queries', async () => {
    const { server, make } = setup({}, '?utm_source=news&utm_campaign=spring%20sale&x=1');
    const client = make({ autoTrack: true });
    await client.flush();
    const utm = { source: 'news', campaign: 'spring sale' };
    expect((server.calls[0].body as Body).context).toMatchObject({ utm });
    expect((server.calls[0].body as Body).events[0].properties).toEqual(utm);
    server.replies.push({ status: 200, body: { data: { placement: 'home-hero', banner: { title: 'Hi' }, experiment: null } } });
    await client.placement('home-hero', { locale: 'fr' });
    expect(server.calls[1].url).toBe(`${URL_}/api/segments/placements/home-hero?locale=fr&utm_source=news&utm_campaign=spring%20sale`);
  });
});

describe('server side (API token)', () => {
  it('names the user in every event and in identify, and never touches browser storage', async () => {
    const server = fakeFetch();
    const client = createClient({ url: URL_, apiToken: 'tok', userId: 42, fetch: server.fetch, globals: {} });
    expect(client.anonymousId()).toBeNull();
    client.track('ssr_render', { path: '/' });
    await client.flush();
    expect(server.calls[0].headers.Authorization).toBe('Bearer tok');
    expect((server.calls[0].body as Body).events[0]).toMatchObject({ name: 'ssr_render', userId: 42 });
    server.replies.push({ status: 200, body: { data: { profileId: 1, traits: { plan: 'pro' }, mergedProfileId: null } } });
    await client.identify({ plan: 'pro' });
    expect(server.calls[1].body).toMatchObject({ traits: { plan: 'pro' }, userId: 42 });
    server.replies.push({ status: 404 });
    await client.placement('home-hero');
    expect(server.calls[2].headers).toMatchObject({ Authorization: 'Bearer tok', 'X-Segments-User-Id': '42' });
  });

  it('acts for an anonymous id: in events, and as the header of /me and placements', async () => {
    const server = fakeFetch({ status: 200, body: { data: { segments: ['vip'] } } });
    const client = createClient({ url: URL_, apiToken: 'tok', anonymousId: 'visitor-123', fetch: server.fetch, globals: {} });
    client.track('a');
    await client.flush();
    expect((server.calls[0].body as Body).events[0].anonymousId).toBe('visitor-123');
    expect((await client.me()).segments).toEqual(['vip']);
    expect(server.calls[1].headers['X-Segments-Anonymous-Id']).toBe('visitor-123');
  });

  it('throws the server message when /me or identify fail', async () => {
    const server = fakeFetch({ status: 400, body: { error: { message: 'bad header' } } });
    const client = createClient({ url: URL_, fetch: server.fetch, globals: {} });
    await expect(client.me()).rejects.toMatchObject({ kind: 'http', status: 400, message: 'bad header' });
    await expect(client.identify({ a: 1 })).rejects.toMatchObject({ status: 400 });
  });
});
