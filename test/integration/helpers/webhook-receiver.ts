import crypto from 'crypto';
import http from 'http';
import type { AddressInfo } from 'net';

/**
 * A webhook receiver for the tests that verifies each request the way the Standard Webhooks
 * spec tells receivers to, written from the spec (not with the `standardwebhooks` package the
 * plugin signs with): HMAC-SHA256 over `id.timestamp.body` with the base64 key after `whsec_`,
 * compared in constant time against every `v1,` signature; a timestamp more than 5 minutes from
 * the receiver's clock is refused (replay protection).
 */
export interface ReceivedWebhook {
  headers: http.IncomingHttpHeaders;
  id: string;
  timestamp: number;
  body: unknown;
  raw: string;
  at: number;
}

export interface WebhookReceiver {
  url: string;
  /** Accepted (verified, in time) requests. */
  received: ReceivedWebhook[];
  /** Refused requests and why. */
  refused: Array<{ id: string; reason: string }>;
  /** Every request that arrived, verified or not, in order: `webhook-id`s. */
  attempts: string[];
  secret: string;
  /** The receiver's clock runs this far ahead (replay tests). */
  clockOffsetMs: number;
  /**
   * Next answers, before plain 200s, to the requests whose JSON body has this `profile`: e.g. 503,
   * or `{ status: 200, delayMs: 3000 }` for a timeout.
   */
  answerFor(
    profile: number,
    ...answers: Array<{ status: number; delayMs?: number; body?: string }>
  ): void;
  close(): Promise<void>;
}

export const TOLERANCE_SECONDS = 5 * 60;

export function verifyStandardWebhook(
  secret: string,
  headers: http.IncomingHttpHeaders,
  raw: string,
  nowMs: number
): { ok: true; id: string; timestamp: number } | { ok: false; reason: string } {
  const id = String(headers['webhook-id'] ?? '');
  const timestamp = Number(headers['webhook-timestamp']);
  const signatures = String(headers['webhook-signature'] ?? '').split(' ');
  if (!id || !Number.isInteger(timestamp) || !signatures[0])
    return { ok: false, reason: 'missing headers' };
  if (Math.abs(nowMs / 1000 - timestamp) > TOLERANCE_SECONDS)
    return { ok: false, reason: 'timestamp outside tolerance' };
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = crypto.createHmac('sha256', key).update(`${id}.${timestamp}.${raw}`).digest();
  const match = signatures.some((s) => {
    const [version, value] = s.split(',');
    const given = Buffer.from(value ?? '', 'base64');
    return (
      version === 'v1' &&
      given.length === expected.length &&
      crypto.timingSafeEqual(given, expected)
    );
  });
  return match ? { ok: true, id, timestamp } : { ok: false, reason: 'no signature matches' };
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const answers = new Map<number, Array<{ status: number; delayMs?: number; body?: string }>>();
  const receiver: WebhookReceiver = {
    url: '',
    received: [],
    refused: [],
    attempts: [],
    secret: '',
    clockOffsetMs: 0,
    answerFor: (profile, ...next) =>
      answers.set(profile, [...(answers.get(profile) ?? []), ...next]),
    close: async () => undefined,
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      receiver.attempts.push(String(req.headers['webhook-id'] ?? ''));
      let profile: unknown = null;
      try {
        profile = (JSON.parse(raw) as { profile?: unknown }).profile;
      } catch {
        // not JSON: answered by the signature check below
      }
      const next = answers.get(Number(profile))?.shift();
      const reply = () => {
        if (next && next.status !== 200) {
          res.writeHead(next.status, { 'content-type': 'text/plain' });
          return res.end(next.body ?? `failure ${next.status}`);
        }
        const checked = verifyStandardWebhook(
          receiver.secret,
          req.headers,
          raw,
          Date.now() + receiver.clockOffsetMs
        );
        if (!checked.ok) {
          receiver.refused.push({
            id: String(req.headers['webhook-id'] ?? ''),
            reason: checked.reason,
          });
          res.writeHead(401);
          return res.end(checked.reason);
        }
        receiver.received.push({
          headers: req.headers,
          id: checked.id,
          timestamp: checked.timestamp,
          body: JSON.parse(raw),
          raw,
          at: Date.now(),
        });
        res.writeHead(200);
        res.end('ok');
      };
      if (next?.delayMs) setTimeout(reply, next.delayMs);
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/crm`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}
