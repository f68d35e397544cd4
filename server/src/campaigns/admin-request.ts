import type { FieldError } from '../contracts';

/** Small pure parts of the campaign admin API's requests and answers (controller.ts uses them). */
export const DELIVERY_STATUSES = [
  'pending',
  'queued',
  'sending',
  'sent',
  'failed',
  'skipped',
  'holdout',
  'cancelled',
];
export const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

/**
 * Admin API answers carry the lifecycle as `state` and, until 1.0, also as the deprecated
 * read-only `status` it was called before 0.2 (see CHANGELOG.md), so existing callers keep
 * working. A webhook campaign's signing secret is never shown (`hasWebhookSecret` instead).
 */
export function withStatusAlias<T>(doc: T): T {
  if (!doc || typeof doc !== 'object' || !('state' in (doc as object))) return doc;
  const { webhookSecret, ...shown } = doc as Record<string, unknown>;
  return {
    ...shown,
    hasWebhookSecret: Boolean(webhookSecret),
    status: (doc as unknown as { state: unknown }).state,
  } as T;
}

export function intParam(
  value: unknown,
  name: string,
  fallback: number,
  max: number
): number | FieldError {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    return { path: name, message: `${name} must be an integer from 1 to ${max}` };
  return n;
}
