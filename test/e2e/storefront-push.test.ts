import type { Browser, BrowserContext, Page } from 'playwright-core';
import { AdminApi } from './helpers/admin-api';
import { launchChromium } from './helpers/browser';
import { readServerState } from './helpers/server';
import { startPushService, type PushServiceSink } from '../integration/helpers/push-service';

/**
 * Web Push end to end on the demo storefront in Chromium: the page's "Get push notifications"
 * registers the plugin's service worker; a push campaign sends a real, encrypted message to a
 * local push service; that message, delivered to the service worker through the DevTools
 * protocol (`ServiceWorker.deliverPushMessage`), shows the notification and reports `displayed`;
 * a click reports `clicked` — both land on the visitor's profile in Strapi.
 *
 * `pushManager.subscribe()` itself needs the browser vendor's push service (Chrome: FCM), which
 * this machine cannot reach, so that one browser call is answered in the page by the device the
 * test's push service made (keys it can decrypt with). Everything around it is the real client:
 * the permission check, the worker registration, fetching the plugin's VAPID key, and posting the
 * subscription to the plugin's route.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startStorefront } = require('../../scripts/storefront-server.js') as {
  startStorefront(options: {
    port?: number;
    strapiUrl: string;
  }): Promise<{ url: string; close(): Promise<void> }>;
};

const server = readServerState();
const run = Date.now().toString(36);
const visitor = `e2e-push-${run}`;
const segmentKey = `e2e-push-${run}`;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let push: PushServiceSink;
let storefront: { url: string; close(): Promise<void> };
let api: AdminApi;
let campaignId = '';

const asVisitor = (path: string, method: string, body?: unknown) =>
  fetch(`${server.url}/api/segments${path}`, {
    method,
    headers: { 'content-type': 'application/json', 'x-segments-anonymous-id': visitor },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

async function eventNames(): Promise<string[]> {
  const res = await asVisitor('/me/export', 'GET');
  if (res.status === 404) return [];
  return ((await res.json()) as { data: { events: { name: string }[] } }).data.events.map(
    (e) => e.name
  );
}

async function until<T>(
  what: string,
  probe: () => Promise<T>,
  ok: (value: T) => boolean,
  timeoutMs = 30_000
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The page's service-worker API (the test tsconfig's DOM lib predates it). */
interface SwNavigator {
  serviceWorker: {
    ready: Promise<{ active: { scriptURL: string } | null; scope: string }>;
    getRegistration(): Promise<
      | { getNotifications(): Promise<Array<{ title: string; body: string; tag: string }>> }
      | undefined
    >;
  };
}

/** The notifications the page's service worker registration shows now. */
const shown = () =>
  page.evaluate(async () => {
    const registration = await (
      navigator as unknown as SwNavigator
    ).serviceWorker.getRegistration();
    const list = registration ? await registration.getNotifications() : [];
    return list.map((n) => ({ title: n.title, body: n.body, tag: n.tag }));
  });

beforeAll(async () => {
  push = await startPushService();
  browser = await launchChromium();
  storefront = await startStorefront({ strapiUrl: server.url });
  api = await AdminApi.login(server.url, server.admin.email, server.admin.password);
  const segment = await api.call<{ data: { documentId: string } }>('POST', '/segments/segments', {
    name: `E2E push ${run}`,
    key: segmentKey,
    rule: { pushGroup: run },
  });
  // A new segment's first recompute is its baseline; real-time entries are maintained from there.
  await api.call('POST', `/segments/segments/${segment.data.documentId}/recompute`, {});
  const campaign = await api.call<{ data: { documentId: string } }>('POST', '/segments/campaigns', {
    data: {
      name: `E2E cart reminder ${run}`,
      channel: 'push',
      segmentKey,
      variants: [
        {
          name: 'A',
          title: 'Hello {{ traits.first_name }}',
          body: 'Your cart is waiting',
          url: '/?from=push',
          actions: [{ action: 'open-cart', title: 'Open cart', url: '/?cart=1' }],
        },
      ],
      scheduleType: 'triggered',
      trigger: { segmentEntry: segmentKey },
    },
  });
  campaignId = campaign.data.documentId;
  await api.call('POST', `/segments/campaigns/${campaignId}/schedule`, {});
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(['notifications'], { origin: storefront.url });
  page = await context.newPage();
  // The one browser call that needs FCM: answered with the test device, recording the key asked for.
  await page.addInitScript((subscription) => {
    const w = globalThis as unknown as { __askedKeys: string[] };
    w.__askedKeys = [];
    let current: unknown = null;
    const proto = (globalThis as unknown as { PushManager: { prototype: Record<string, unknown> } })
      .PushManager.prototype;
    proto.getSubscription = async () => current;
    proto.subscribe = async (options: { applicationServerKey: Uint8Array }) => {
      const bytes = String.fromCharCode(...new Uint8Array(options.applicationServerKey));
      w.__askedKeys.push(btoa(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));
      current = {
        endpoint: subscription.endpoint,
        toJSON: () => subscription,
        unsubscribe: async () => ((current = null), true),
      };
      return current;
    };
  }, push.device('browser').subscription);
  page.on('pageerror', (error) =>
    process.stdout.write(`[storefront page error] ${error.message}\n`)
  );
  await page.goto(`${storefront.url}/?visitor=${visitor}`);
  await page.locator('body[data-ready="true"]').waitFor({ timeout: 20_000 });
});

afterAll(async () => {
  await browser?.close();
  await storefront?.close();
  await push?.close();
});

it('subscribes from the page button (a user gesture): worker registered, plugin key used, device stored', async () => {
  await page.locator('#push').click();
  await page.locator('#push-state[data-state]').waitFor({ timeout: 20_000 });
  expect(await page.locator('#push-state').getAttribute('data-state')).toBe('subscribed');
  const key = (
    (await (await asVisitor('/push/key', 'GET')).json()) as { data: { publicKey: string } }
  ).data.publicKey;
  expect(
    await page.evaluate(() => (globalThis as unknown as { __askedKeys: string[] }).__askedKeys)
  ).toEqual([key]);
  const active = await page.evaluate(async () => {
    const registration = await (navigator as unknown as SwNavigator).serviceWorker.ready;
    return { script: registration.active?.scriptURL ?? null, scope: registration.scope };
  });
  expect(active).toEqual({
    script: `${storefront.url}/segments-sw.js`,
    scope: `${storefront.url}/`,
  });
});

it('shows a real push message in the service worker and reports displayed, then clicked', async () => {
  // The page subscribed its device (above); entering the segment starts the triggered push
  // campaign within seconds.
  expect(
    (await asVisitor('/identify', 'POST', { traits: { pushGroup: run, first_name: 'Pia' } })).status
  ).toBe(200);
  const [message] = await until(
    'a push at the push service',
    async () => push.received,
    (r) => r.length > 0,
    30_000
  ).catch(async (error: Error) => {
    // What the outbox says, to tell a planning problem from a sending one.
    const log = await api.call('GET', `/segments/campaigns/${campaignId}/deliveries`);
    const me = await (await asVisitor('/me', 'GET')).json();
    throw new Error(
      `${error.message}; deliveries ${JSON.stringify(log)}; me ${JSON.stringify(me)}`
    );
  });
  expect(push.rejected).toEqual([]);
  expect(message.notification).toMatchObject({
    title: 'Hello Pia',
    body: 'Your cart is waiting',
    url: '/?from=push',
  });

  const cdp = await context.newCDPSession(page);
  const registrationId = new Promise<string>((resolve) => {
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const mine = registrations.find(
        (r: { scopeURL: string; isDeleted: boolean }) =>
          r.scopeURL === `${storefront.url}/` && !r.isDeleted
      );
      if (mine) resolve(mine.registrationId as string);
    });
  });
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.deliverPushMessage', {
    origin: storefront.url,
    registrationId: await registrationId,
    data: JSON.stringify(message.notification),
  });
  const notes = await until('the notification on screen', shown, (n) => n.length > 0, 15_000);
  expect(notes).toEqual([
    { title: 'Hello Pia', body: 'Your cart is waiting', tag: message.notification.tag },
  ]);
  await until('push_displayed on the profile', eventNames, (names) =>
    names.includes('push_displayed')
  );

  // A click on the "Open cart" button, dispatched in the worker as the browser would.
  const [worker] = context.serviceWorkers();
  await worker.evaluate(async () => {
    const scope = globalThis as unknown as {
      registration: { getNotifications(): Promise<unknown[]> };
      dispatchEvent(e: unknown): boolean;
      NotificationEvent: new (
        type: string,
        init: { notification: unknown; action: string }
      ) => unknown;
    };
    const [notification] = await scope.registration.getNotifications();
    scope.dispatchEvent(
      new scope.NotificationEvent('notificationclick', { notification, action: 'open-cart' })
    );
  });
  const names = await until('push_clicked on the profile', eventNames, (n) =>
    n.includes('push_clicked')
  );
  expect(names.filter((n) => n === 'push_displayed')).toHaveLength(1);
  expect(await until('the notification closed', shown, (n) => n.length === 0, 10_000)).toEqual([]);
});
