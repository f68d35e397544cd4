import webpush from 'web-push';

/** VAPID keys (RFC 8292) as web-push takes them: base64url P-256 public (65 bytes) and private (32). */
export interface VapidDetails {
  subject: string;
  publicKey: string;
  privateKey: string;
}

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

const B64URL = /^[A-Za-z0-9_-]+$/;

/** True for a pair web-push can sign with (the lengths and alphabet the library checks). */
export function isVapidKeys(value: unknown): value is VapidKeys {
  const v = value as Partial<VapidKeys> | null;
  return (
    typeof v?.publicKey === 'string' &&
    typeof v.privateKey === 'string' &&
    B64URL.test(v.publicKey) &&
    B64URL.test(v.privateKey) &&
    Buffer.from(v.publicKey, 'base64url').length === 65 &&
    Buffer.from(v.privateKey, 'base64url').length === 32
  );
}

export function generateVapidKeys(): VapidKeys {
  const { publicKey, privateKey } = webpush.generateVAPIDKeys();
  return { publicKey, privateKey };
}

/** The VAPID contact: configured, else `mailto:` the campaign sender. */
export function vapidSubject(configured: string | undefined, emailFrom: string): string {
  if (configured) return configured;
  const address = /<([^>]+)>/.exec(emailFrom)?.[1] ?? emailFrom.trim();
  return `mailto:${address}`;
}

/** A VAPID JWT lives 12 hours (web-push's default); it is reused until an hour before then. */
const JWT_LIFETIME_S = 12 * 3600;
const JWT_RENEW_S = 3600;
const jwtCache = new Map<string, { authorization: string; exp: number }>();

/**
 * The `Authorization: vapid t=…, k=…` header for a push endpoint. Signing an ES256 JWT per
 * message is the costliest step of a send; RFC 8292 §2 lets one JWT serve every message to the
 * same push service (audience) until it expires, so it is cached per key and audience.
 */
export function vapidAuthorization(vapid: VapidDetails, endpoint: string, now: number): string {
  const audience = new URL(endpoint).origin;
  // The subject is a claim of the JWT too: a changed contact gets its own token.
  const key = `${vapid.publicKey}|${vapid.subject}|${audience}`;
  const nowS = Math.floor(now / 1000);
  const cached = jwtCache.get(key);
  if (cached && cached.exp - nowS > JWT_RENEW_S) return cached.authorization;
  const exp = nowS + JWT_LIFETIME_S;
  const { Authorization } = webpush.getVapidHeaders(
    audience,
    vapid.subject,
    vapid.publicKey,
    vapid.privateKey,
    'aes128gcm',
    exp
  ) as { Authorization: string };
  // Push services are few (FCM, Mozilla, Apple, WNS); the bound only guards a flood of origins.
  if (jwtCache.size >= 100) jwtCache.clear();
  jwtCache.set(key, { authorization: Authorization, exp });
  return Authorization;
}
