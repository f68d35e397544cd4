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
