/**
 * The plugin's service worker (`dist/client/segments-sw.js`; serve it from your site's root):
 * shows each push notification the plugin sends and reports it back — `displayed` when shown,
 * `clicked` (with the button's action) when clicked — to the signed tracking URLs in the payload.
 * Sites with a worker of their own can `importScripts('/segments-sw.js')` from it.
 */
interface SegmentsNotification {
  title: string;
  body: string;
  icon?: string;
  image?: string;
  url?: string;
  actions?: Array<{ action: string; title: string; url?: string }>;
  tag: string;
  displayed?: string;
  clicked?: string;
}
interface ExtendableEventLike {
  waitUntil(p: Promise<unknown>): void;
}
interface PushEventLike extends ExtendableEventLike {
  data: { json(): unknown } | null;
}
interface NotificationEventLike extends ExtendableEventLike {
  action: string;
  notification: { data: unknown; close(): void };
}
interface WorkerScope {
  location: { origin: string };
  registration: {
    showNotification(title: string, options: Record<string, unknown>): Promise<void>;
  };
  clients: { openWindow(url: string): Promise<unknown> };
  addEventListener(type: 'push', listener: (e: PushEventLike) => void): void;
  addEventListener(type: 'notificationclick', listener: (e: NotificationEventLike) => void): void;
  fetch(url: string, init: Record<string, unknown>): Promise<unknown>;
}

const sw = globalThis as unknown as WorkerScope;
// The worker's URL constructor (the client's lib settings name no DOM or worker globals).
const WebUrl = (
  globalThis as unknown as { URL: new (url: string, base: string) => { href: string } }
).URL;

const report = (url: string | undefined, body?: Record<string, unknown>) =>
  url
    ? sw
        .fetch(url, {
          method: 'POST',
          keepalive: true,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body ?? {}),
        })
        .catch(() => undefined) // a lost report must never break showing the notification
    : Promise.resolve();

const isSegments = (value: unknown): value is SegmentsNotification =>
  !!value &&
  typeof (value as SegmentsNotification).title === 'string' &&
  typeof (value as SegmentsNotification).tag === 'string';

sw.addEventListener('push', (event) => {
  let n: unknown = null;
  try {
    n = event.data?.json();
  } catch {
    return; // not ours (not JSON): another script on this worker may handle it
  }
  if (!isSegments(n)) return;
  const note = n;
  event.waitUntil(
    sw.registration
      .showNotification(note.title, {
        body: note.body,
        tag: note.tag,
        ...(note.icon ? { icon: note.icon } : {}),
        ...(note.image ? { image: note.image } : {}),
        actions: (note.actions ?? []).map(({ action, title }) => ({ action, title })),
        data: { segments: note },
      })
      .then(() => report(note.displayed))
  );
});

sw.addEventListener('notificationclick', (event) => {
  const note = (event.notification.data as { segments?: SegmentsNotification } | null)?.segments;
  if (!note) return;
  event.notification.close();
  const action = note.actions?.find((a) => a.action === event.action);
  const target = action?.url ?? note.url;
  event.waitUntil(
    Promise.all([
      report(note.clicked, event.action ? { action: event.action } : {}),
      target
        ? sw.clients.openWindow(new WebUrl(target, sw.location.origin).href)
        : Promise.resolve(),
    ])
  );
});
