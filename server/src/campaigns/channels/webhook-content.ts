import crypto from 'crypto';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import { missingVariables, renderField, templateError, type RenderData } from '../render';

/**
 * Webhook content: a JSON body as a Liquid template (output escaped for JSON strings), rendered
 * per recipient and signed per the Standard Webhooks spec with the campaign's secret. Pure.
 */
export const WEBHOOK_BODY_MAX = 100_000;

export const webhookVariantSchema = z
  .object({
    name: z.string().trim().min(1).max(60),
    weight: z.number().positive().max(1000).default(1),
    body: z.string().min(1).max(WEBHOOK_BODY_MAX, `must be at most ${WEBHOOK_BODY_MAX} characters`),
  })
  .strict();

export type WebhookVariant = z.infer<typeof webhookVariantSchema>;

export const webhookOptionsSchema = z
  .object({
    url: z.string().min(1).max(2000),
    /** Seconds one attempt may take before it counts as a timeout. */
    timeoutSeconds: z.number().int().min(1).max(60).default(10),
  })
  .strict();

export type WebhookOptions = z.infer<typeof webhookOptionsSchema>;

/** Liquid problems of a webhook variant (JSON validity is checked on the rendered body). */
export function webhookVariantProblems(
  variant: WebhookVariant
): Array<{ field: string; message: string }> {
  const problem = templateError(variant.body);
  return problem ? [{ field: 'body', message: `Liquid: ${problem}` }] : [];
}

/** One recipient's body, checked to be JSON (what a receiver will parse). */
export function renderWebhookBody(variant: WebhookVariant, data: RenderData): string {
  const body = renderField(
    'body',
    variant.body,
    'json',
    data as unknown as Record<string, unknown>
  );
  try {
    JSON.parse(body);
  } catch (error) {
    throw new WebhookBodyError(`the rendered body is not JSON (${(error as Error).message})`);
  }
  return body;
}

export class WebhookBodyError extends Error {
  readonly field = 'body';
  constructor(readonly detail: string) {
    super(`body: ${detail}`);
    this.name = 'WebhookBodyError';
  }
}

export function webhookMissing(variant: WebhookVariant, data: RenderData): string[] {
  return missingVariables([variant.body], data);
}

/** A new signing secret in the spec's format: `whsec_` + base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${crypto.randomBytes(32).toString('base64')}`;
}

export interface SignedWebhook {
  headers: Record<string, string>;
  body: string;
}

/**
 * The headers of one attempt. The id stays the same on every retry of a message (receivers
 * de-duplicate on it); the timestamp is the attempt's own, as the spec asks.
 */
export function signWebhook(
  secret: string,
  messageId: string,
  body: string,
  at: Date
): SignedWebhook {
  const timestamp = Math.floor(at.getTime() / 1000);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'strapi-plugin-segments',
      'webhook-id': messageId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': new Webhook(secret).sign(messageId, at, body),
    },
  };
}
