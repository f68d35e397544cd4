import type { BrowserGlobals, FetchLike } from '../../../client/src/types';

export interface Call {
  at: number;
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
  keepalive: boolean;
}

type Reply = { status: number; body?: unknown } | Error;

/** A scripted server: answers from `replies` in order, then `fallback`; records every call. */
export function fakeFetch(fallback: Reply = { status: 202, body: { accepted: 0, duplicates: 0, rejected: [] } }) {
  const calls: Call[] = [];
  const replies: Reply[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({
      at: Date.now(),
      url,
      method: init.method,
      headers: init.headers,
      body: init.body === undefined ? undefined : JSON.parse(init.body),
      keepalive: init.keepalive === true,
    });
    const reply = replies.length ? replies.shift()! : fallback;
    if (reply instanceof Error) throw reply;
    return { status: reply.status, json: async () => reply.body ?? null };
  };
  const events = () => calls.filter((c) => c.url.endsWith('/events'));
  const eventNames = () => events().flatMap((c) => (c.body as { events: { name: string }[] }).events.map((e) => e.name));
  return { fetch, calls, replies, events, eventNames };
}

/** A page: cookies that honour Max-Age=0, localStorage, listeners the test can fire. */
export function fakeBrowser(search = '') {
  const jar = new Map<string, string>();
  const written: string[] = [];
  const listeners = new Map<string, Array<() => void>>();
  const on = (type: string, listener: () => void) => listeners.set(type, [...(listeners.get(type) ?? []), listener]);
  const local = new Map<string, string>();
  const beacons: { url: string; body: unknown }[] = [];
  const document = {
    get cookie() {
      return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    },
    set cookie(line: string) {
      written.push(line);
      const [pair, ...attrs] = line.split('; ');
      const [name, value] = pair.split('=');
      if (attrs.includes('Max-Age=0')) jar.delete(name);
      else jar.set(name, value);
    },
    visibilityState: 'visible',
    title: 'Shop home',
    referrer: 'https://search.example/',
    addEventListener: on,
  };
  const navigator = {
    onLine: true,
    language: 'de-DE',
    sendBeacon: jest.fn((url: string, data: unknown) => {
      beacons.push({ url, body: JSON.parse((data as { parts: string[] }).parts.join('')) });
      return true;
    }),
  };
  const globals: BrowserGlobals = {
    document,
    location: { href: `https://shop.example/products${search}`, pathname: '/products', search },
    navigator,
    localStorage: {
      getItem: (k) => local.get(k) ?? null,
      setItem: (k, v) => void local.set(k, v),
      removeItem: (k) => void local.delete(k),
    },
    addEventListener: on,
    Blob: class {
      constructor(
        readonly parts: string[],
        readonly options: { type: string }
      ) {}
    },
    crypto: { randomUUID: () => crypto.randomUUID() },
    Intl: { DateTimeFormat: () => ({ resolvedOptions: () => ({ timeZone: 'Europe/Berlin' }) }) },
  };
  const fire = (type: string) => (listeners.get(type) ?? []).forEach((l) => l());
  return { globals, jar, written, local, document, navigator, beacons, fire };
}
