/**
 * What to do after a send attempt. Pure. SMTP replies 4xx, timeouts and connection errors are
 * transient (retry with exponential backoff); 5xx replies are permanent (record as failed).
 */
export type SendOutcome =
  | { kind: 'sent'; messageId: string }
  | { kind: 'retry'; error: string; nextAttemptAt: number }
  | { kind: 'failed'; error: string };

export interface RetryPolicy {
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
}

export function isPermanent(error: unknown): boolean {
  const code = Number((error as { responseCode?: unknown })?.responseCode);
  if (code >= 500 && code < 600) return true;
  // Messages nodemailer refuses before talking to the server (bad address, bad options).
  const name = String((error as { code?: unknown })?.code ?? '');
  return name === 'EENVELOPE' || name === 'EMESSAGE';
}

export function describeError(error: unknown): string {
  const e = error as { responseCode?: number; code?: string; response?: string; message?: string };
  const parts = [e?.responseCode, e?.code, e?.response ?? e?.message].filter((p) => p !== undefined && p !== '');
  return parts.join(' ').slice(0, 1000) || String(error).slice(0, 1000);
}

/** `attempts` counts the attempt that just failed (1 after the first). */
export function afterFailure(error: unknown, attempts: number, now: number, policy: RetryPolicy): SendOutcome {
  const message = describeError(error);
  if (isPermanent(error)) return { kind: 'failed', error: message };
  if (attempts >= policy.maxAttempts) return { kind: 'failed', error: `gave up after ${attempts} attempts: ${message}` };
  return { kind: 'retry', error: message, nextAttemptAt: now + backoffMs(attempts, policy) };
}

export function backoffMs(attempts: number, policy: RetryPolicy): number {
  return Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
}
