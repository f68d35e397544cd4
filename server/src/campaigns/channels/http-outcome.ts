import { backoffMs, type RetryPolicy } from '../outcome';
import { OutboundError, retryAfterMs, type OutboundResponse } from '../../outbound/http-client';

/**
 * What one HTTP attempt of a push or webhook message means for its delivery. Pure.
 * 2xx delivered; the channel's "gone" statuses (push: 404/410) remove the address; 408, 425,
 * 429, 5xx, timeouts and network errors retry with backoff (no sooner than `Retry-After`); a
 * refused target and other 4xx fail for good.
 */
export type HttpOutcome =
  | { kind: 'delivered'; status: number }
  | { kind: 'gone'; error: string }
  | { kind: 'retry'; error: string; nextAttemptAt: number }
  | { kind: 'failed'; error: string };

const RETRY_STATUSES = new Set([408, 425, 429]);
/** A `Retry-After` further away than this is not waited for inside one delivery's life. */
const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

export function describeAnswer(response: OutboundResponse): string {
  const start = response.bodyStart.replace(/\s+/g, ' ').trim().slice(0, 300);
  return `HTTP ${response.status}${start ? `: ${start}` : ''}`;
}

export function classifyHttp(
  result: OutboundResponse | OutboundError,
  attempts: number,
  now: number,
  policy: RetryPolicy,
  goneStatuses: readonly number[] = []
): HttpOutcome {
  if (result instanceof OutboundError) {
    if (result.kind === 'refused') return { kind: 'failed', error: `refused: ${result.message}` };
    return retryOrFail(`${result.kind}: ${result.message}`, attempts, now, policy, null);
  }
  const { status } = result;
  if (status >= 200 && status < 300) return { kind: 'delivered', status };
  const error = describeAnswer(result);
  if (goneStatuses.includes(status)) return { kind: 'gone', error };
  if (RETRY_STATUSES.has(status) || status >= 500) {
    const after = retryAfterMs(result.headers['retry-after'], now);
    return retryOrFail(
      error,
      attempts,
      now,
      policy,
      after === null ? null : Math.min(after, MAX_RETRY_AFTER_MS)
    );
  }
  return { kind: 'failed', error };
}

function retryOrFail(
  error: string,
  attempts: number,
  now: number,
  policy: RetryPolicy,
  retryAfter: number | null
): HttpOutcome {
  if (attempts >= policy.maxAttempts)
    return { kind: 'failed', error: `gave up after ${attempts} attempts: ${error}` };
  const wait = Math.max(backoffMs(attempts, policy), retryAfter ?? 0);
  return { kind: 'retry', error, nextAttemptAt: now + wait };
}
