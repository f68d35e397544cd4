import type { PushOptions, PushState } from './types.js';

/**
 * Web Push for the storefront client: registers the service worker, asks for permission (call it
 * from a click: browsers refuse a prompt without a user gesture), subscribes with the plugin's
 * VAPID key and sends the subscription to `/api/segments/push/subscriptions`. Browser APIs are
 * reached through `globalThis` so the module stays importable on servers.
 */
type Request = (
  path: string,
  method: string,
  body?: unknown
) => Promise<{ status: number; json(): Promise<unknown> }>;
type Fail = (res: { status: number; json(): Promise<unknown> }) => Promise<Error>;

interface SubscriptionLike {
  endpoint: string;
  toJSON(): unknown;
  unsubscribe(): Promise<boolean>;
}
interface RegistrationLike {
  pushManager: {
    getSubscription(): Promise<SubscriptionLike | null>;
    subscribe(options: {
      userVisibleOnly: boolean;
      applicationServerKey: Uint8Array;
    }): Promise<SubscriptionLike>;
  };
}
interface PushGlobals {
  navigator?: {
    serviceWorker?: {
      register(url: string, options?: { scope?: string }): Promise<RegistrationLike>;
      ready: Promise<RegistrationLike>;
    };
  };
  Notification?: { permission: string; requestPermission(): Promise<string> };
  PushManager?: unknown;
  atob(data: string): string;
}

const DEFAULT_WORKER = '/segments-sw.js';

function keyBytes(base64url: string, g: PushGlobals): Uint8Array {
  const raw = g.atob(
    base64url.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (base64url.length % 4)) % 4)
  );
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

export function pushApi(request: Request, fail: Fail) {
  const g = globalThis as unknown as PushGlobals;
  const supported = () => !!(g.navigator?.serviceWorker && g.Notification && g.PushManager);
  const registration = (options?: PushOptions) =>
    g.navigator!.serviceWorker!.register(
      options?.serviceWorkerUrl ?? DEFAULT_WORKER,
      options?.scope ? { scope: options.scope } : undefined
    );

  return {
    async subscribePush(options?: PushOptions): Promise<PushState> {
      if (!supported()) return 'unsupported';
      const permission =
        g.Notification!.permission === 'default'
          ? await g.Notification!.requestPermission()
          : g.Notification!.permission;
      if (permission !== 'granted') return 'denied';
      const reg = await registration(options);
      let sub = await reg.pushManager.getSubscription();
      if (!sub) {
        const res = await request('/push/key', 'GET');
        if (res.status !== 200) throw await fail(res);
        const { publicKey } = ((await res.json()) as { data: { publicKey: string } }).data;
        sub = await reg.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: keyBytes(publicKey, g),
        });
      }
      const saved = await request('/push/subscriptions', 'POST', sub.toJSON());
      if (saved.status !== 201) throw await fail(saved);
      return 'subscribed';
    },

    async unsubscribePush(options?: PushOptions): Promise<boolean> {
      if (!supported()) return false;
      const sub = await (await registration(options)).pushManager.getSubscription();
      if (!sub) return false;
      const res = await request('/push/subscriptions', 'DELETE', { endpoint: sub.endpoint });
      await sub.unsubscribe();
      if (res.status !== 200) throw await fail(res);
      return true;
    },
  };
}
