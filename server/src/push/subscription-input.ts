import { z } from 'zod';

/**
 * A browser's PushSubscription as `subscription.toJSON()` gives it. The endpoint must be https
 * (RFC 8030 push services are); where it points is checked again at send time.
 */
export const subscriptionSchema = z
  .object({
    endpoint: z.string().min(1).max(2000).url('must be a URL'),
    expirationTime: z.number().nullable().optional(),
    keys: z
      .object({
        // The browser's P-256 public key (65 bytes) and auth secret (16 bytes), base64url.
        p256dh: z
          .string()
          .regex(/^[A-Za-z0-9_-]+={0,2}$/, 'must be base64url')
          .refine(
            (v) => Buffer.from(v, 'base64url').length === 65,
            'must be a 65-byte P-256 public key'
          ),
        auth: z
          .string()
          .regex(/^[A-Za-z0-9_-]+={0,2}$/, 'must be base64url')
          .refine(
            (v) => Buffer.from(v, 'base64url').length === 16,
            'must be a 16-byte auth secret'
          ),
      })
      .strict(),
  })
  .strict();

export type SubscriptionInput = z.infer<typeof subscriptionSchema>;

export const unsubscribeSchema = z.object({ endpoint: z.string().min(1).max(2000) }).strict();
