import crypto from 'crypto';
import http from 'http';
import type { AddressInfo } from 'net';

/**
 * A Web Push service for the tests, written from the RFCs rather than from web-push: it checks
 * each request's VAPID JWT (RFC 8292: ES256 over the `k` public key, audience = the endpoint's
 * origin, expiry within 24 h) and decrypts the aes128gcm body (RFC 8188 / RFC 8291) with the
 * browser-side private key and auth secret it made for the subscription.
 */
export interface TestDevice {
  id: string;
  subscription: { endpoint: string; keys: { p256dh: string; auth: string } };
  ecdh: crypto.ECDH;
  auth: Buffer;
}

export interface ReceivedPush {
  device: string;
  notification: Record<string, unknown>;
  headers: http.IncomingHttpHeaders;
  vapidKey: string;
  claims: { aud: string; exp: number; sub: string };
  at: number;
}

export interface PushServiceSink {
  origin: string;
  received: ReceivedPush[];
  /** Problems found in requests (bad JWT, undecryptable body): each answered 400. */
  rejected: string[];
  device(id: string): TestDevice;
  /** The next answers for a device, e.g. `{ status: 429, headers: { 'retry-after': '30' } }`. */
  answer(id: string, ...answers: Array<{ status: number; headers?: Record<string, string> }>): void;
  close(): Promise<void>;
}

const b64url = (b: Buffer) => b.toString('base64url');

function hmac(key: Buffer, data: Buffer): Buffer {
  return crypto.createHmac('sha256', key).update(data).digest();
}

/** RFC 8291 §3.4 key derivation and RFC 8188 §2 record decryption (one record). */
export function decryptAes128gcm(body: Buffer, device: TestDevice): Buffer {
  const salt = body.subarray(0, 16);
  const idLength = body[20];
  const serverPublic = body.subarray(21, 21 + idLength);
  const record = body.subarray(21 + idLength);
  const uaPublic = device.ecdh.getPublicKey();
  const shared = device.ecdh.computeSecret(serverPublic);
  const prkKey = hmac(device.auth, shared);
  const keyInfo = Buffer.concat([
    Buffer.from('WebPush: info\0'),
    uaPublic,
    serverPublic,
    Buffer.from([1]),
  ]);
  const ikm = hmac(prkKey, keyInfo);
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from('Content-Encoding: aes128gcm\0\x01', 'binary')).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from('Content-Encoding: nonce\0\x01', 'binary')).subarray(0, 12);
  const decipher = crypto.createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([
    decipher.update(record.subarray(0, record.length - 16)),
    decipher.final(),
  ]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end -= 1;
  if (padded[end] !== 2) throw new Error('the last record does not end with the 0x02 delimiter');
  return padded.subarray(0, end);
}

/** RFC 8292 §2: the JWT's ES256 signature under the `k` key, and its claims. */
export function verifyVapid(authorization: string, origin: string, now: number) {
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization);
  if (!m) throw new Error(`Authorization is not "vapid t=…, k=…": ${authorization}`);
  const [header, payload, signature] = m[1].split('.');
  const key = Buffer.from(m[2], 'base64url');
  if (key.length !== 65 || key[0] !== 4) throw new Error('k is not an uncompressed P-256 point');
  const publicKey = crypto.createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: b64url(key.subarray(1, 33)), y: b64url(key.subarray(33)) },
    format: 'jwk',
  });
  const ok = crypto.verify(
    'sha256',
    Buffer.from(`${header}.${payload}`),
    { key: publicKey, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url')
  );
  if (!ok) throw new Error('the VAPID JWT signature does not verify');
  const head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg: string };
  if (head.alg !== 'ES256') throw new Error(`JWT alg ${head.alg}`);
  const claims = JSON.parse(
    Buffer.from(payload, 'base64url').toString('utf8')
  ) as ReceivedPush['claims'];
  if (claims.aud !== origin) throw new Error(`aud ${claims.aud} is not ${origin}`);
  if (!(claims.exp * 1000 > now && claims.exp * 1000 <= now + 24 * 3_600_000 + 60_000))
    throw new Error('exp out of range');
  if (!/^(mailto:|https:)/.test(claims.sub)) throw new Error(`sub ${claims.sub}`);
  return { claims, vapidKey: m[2] };
}

export async function startPushService(): Promise<PushServiceSink> {
  const devices = new Map<string, TestDevice>();
  const answers = new Map<string, Array<{ status: number; headers?: Record<string, string> }>>();
  const received: ReceivedPush[] = [];
  const rejected: string[] = [];
  let origin = '';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const id = decodeURIComponent((req.url ?? '').replace(/^\/push\//, ''));
      const device = devices.get(id);
      try {
        if (req.method !== 'POST' || !device) throw new Error(`unknown endpoint ${req.url}`);
        if (req.headers['content-encoding'] !== 'aes128gcm')
          throw new Error(`content-encoding ${req.headers['content-encoding']}`);
        if (!/^\d+$/.test(String(req.headers.ttl))) throw new Error('no TTL header');
        const vapid = verifyVapid(String(req.headers.authorization ?? ''), origin, Date.now());
        const notification = JSON.parse(
          decryptAes128gcm(Buffer.concat(chunks), device).toString('utf8')
        ) as Record<string, unknown>;
        const next = answers.get(id)?.shift();
        if (next && next.status !== 201) {
          res.writeHead(next.status, next.headers ?? {});
          return res.end('slow down');
        }
        received.push({ device: id, notification, headers: req.headers, at: Date.now(), ...vapid });
        res.writeHead(201, { location: `${origin}/messages/${received.length}` });
        res.end();
      } catch (error) {
        rejected.push(String((error as Error).message));
        res.writeHead(400);
        res.end(String((error as Error).message));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    received,
    rejected,
    device(id) {
      let device = devices.get(id);
      if (!device) {
        const ecdh = crypto.createECDH('prime256v1');
        ecdh.generateKeys();
        const auth = crypto.randomBytes(16);
        device = {
          id,
          ecdh,
          auth,
          subscription: {
            endpoint: `${origin}/push/${encodeURIComponent(id)}`,
            keys: { p256dh: b64url(ecdh.getPublicKey()), auth: b64url(auth) },
          },
        };
        devices.set(id, device);
      }
      return device;
    },
    answer(id, ...next) {
      answers.set(id, [...(answers.get(id) ?? []), ...next]);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
