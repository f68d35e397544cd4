import type { BrowserGlobals, ClientOptions, StorageLike } from './types.js';

/** In-process only: servers, edge runtimes, and browsers before consent. */
export function memoryStorage(): StorageLike {
  const data: Record<string, string> = {};
  return {
    get: (k) => (k in data ? data[k] : null),
    set: (k, v) => {
      data[k] = v;
    },
    remove: (k) => {
      delete data[k];
    },
  };
}

// Safari's private mode and disabled storage throw on access; such a browser keeps ids in memory.
function localStore(ls: NonNullable<BrowserGlobals['localStorage']>): StorageLike | null {
  try {
    ls.setItem('segments_t', '1');
    ls.removeItem('segments_t');
  } catch {
    return null;
  }
  const attempt = (fn: () => void) => {
    try {
      fn();
    } catch {
      // quota or disabled storage: the value stays in memory only
    }
  };
  return {
    get: (k) => {
      try {
        return ls.getItem(k);
      } catch {
        return null;
      }
    },
    set: (k, v) => attempt(() => ls.setItem(k, v)),
    remove: (k) => attempt(() => ls.removeItem(k)),
  };
}

function cookieStore(
  doc: NonNullable<BrowserGlobals['document']>,
  options: ClientOptions['cookie'] = {}
): StorageLike {
  // Every key becomes a cookie named after it, except the id which takes the configured name.
  const nameOf = (k: string) => (k === 'segments_aid' ? (options.name ?? k) : k);
  const write = (k: string, v: string, maxAge: number) => {
    doc.cookie =
      `${nameOf(k)}=${encodeURIComponent(v)}; Max-Age=${maxAge}; Path=/; SameSite=Lax` +
      (options.domain ? `; Domain=${options.domain}` : '') +
      (options.secure ? '; Secure' : '');
  };
  return {
    get: (k) => {
      const prefix = `${nameOf(k)}=`;
      for (const part of doc.cookie.split(/;\s*/)) {
        if (part.startsWith(prefix)) return decodeURIComponent(part.slice(prefix.length));
      }
      return null;
    },
    set: (k, v) => write(k, v, Math.round((options.maxAgeDays ?? 365) * 86400)),
    remove: (k) => write(k, '', 0),
  };
}

/** The store the options ask for, falling back to memory where it does not exist. */
export function chooseStorage(
  options: ClientOptions,
  g: BrowserGlobals
): { store: StorageLike; bulky: boolean } {
  // Servers and edge runtimes keep ids in memory (Node 22+ may expose an experimental localStorage).
  const kind = options.storage ?? (g.document ? 'localStorage' : 'memory');
  if (typeof kind === 'object') return { store: kind, bulky: true };
  if (kind === 'cookie' && g.document)
    return { store: cookieStore(g.document, options.cookie), bulky: false };
  const local = kind === 'localStorage' && g.localStorage ? localStore(g.localStorage) : null;
  // `bulky`: may hold the offline queue (a cookie may not: 4 kB, sent with every request).
  return local ? { store: local, bulky: true } : { store: memoryStorage(), bulky: false };
}
