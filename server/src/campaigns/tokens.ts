import crypto from 'crypto';

/**
 * Signed tracking tokens: `<payload>.<signature>`, both base64url. The payload names the delivery
 * and, for clicks, the destination; the signature is HMAC-SHA256 under the tracking secret, so a
 * token cannot be forged or altered (an altered destination fails verification: no open redirect).
 */
/**
 * `displayed` / `pushclick`: a push notification shown and clicked (the service worker reports).
 * `inapp`: one show of an in-app message (displayed, clicked, dismissed are reported with it).
 */
export type TokenKind = 'open' | 'click' | 'unsubscribe' | 'displayed' | 'pushclick' | 'inapp';

export interface TokenPayload {
  kind: TokenKind;
  deliveryId: number;
  /** Click destination. */
  url?: string;
  /** In-app: the show this token was handed out for (a repeated report of it counts once). */
  show?: string;
}

const KIND_CODES: Record<TokenKind, string> = { open: 'o', click: 'c', unsubscribe: 'u', displayed: 'd', pushclick: 'p', inapp: 'i' };
const CODE_KINDS: Record<string, TokenKind> = Object.fromEntries(
  Object.entries(KIND_CODES).map(([kind, code]) => [code, kind as TokenKind])
);
const MAX_TOKEN_LENGTH = 4096;

function sign(secret: string, data: string): string {
  return crypto.createHmac('sha256', secret).update(data).digest('base64url');
}

export function createToken(secret: string, payload: TokenPayload): string {
  const body = [KIND_CODES[payload.kind], String(payload.deliveryId)];
  if (payload.url !== undefined) body.push(payload.url);
  else if (payload.show !== undefined) body.push(payload.show);
  const data = Buffer.from(JSON.stringify(body)).toString('base64url');
  return `${data}.${sign(secret, data)}`;
}

/** The payload of a genuine token of the expected kind, or null. */
export function verifyToken(secret: string, token: unknown, kind: TokenKind): TokenPayload | null {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return null;
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return null;
  const data = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = Buffer.from(sign(secret, data), 'base64url');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(data, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(body) || CODE_KINDS[body[0] as string] !== kind) return null;
  const deliveryId = Number(body[1]);
  if (!Number.isSafeInteger(deliveryId) || deliveryId < 1) return null;
  if (kind === 'click') {
    if (typeof body[2] !== 'string' || !isHttpUrl(body[2])) return null;
    return { kind, deliveryId, url: body[2] };
  }
  if (kind === 'inapp') {
    if (typeof body[2] !== 'string' || !/^[A-Za-z0-9_-]{1,32}$/.test(body[2])) return null;
    return { kind, deliveryId, show: body[2] };
  }
  return { kind, deliveryId };
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Default tracking secret: derived from the app keys, so every instance of one app agrees. */
export function deriveSecret(appKeys: readonly string[]): string {
  if (!appKeys.length) throw new Error('segments: no app keys to derive the tracking secret from');
  return crypto.createHmac('sha256', appKeys.join(',')).update('segments-tracking-v1').digest('hex');
}
