import { z } from 'zod';
import { missingVariables, renderField, templateError, type RenderData } from '../render';

/**
 * Web Push content: a notification's fields as Liquid templates (plain text; the browser shows
 * text, never HTML), rendered per recipient into the JSON the service worker shows. Pure.
 */
export const PUSH_LIMITS = {
  title: 200,
  body: 1000,
  url: 2000,
  actionTitle: 60,
  actions: 2,
} as const;

/**
 * Largest plaintext of one aes128gcm record a push service takes (RFC 8291 §4, RFC 8188): 4096
 * bytes of body minus the 86-byte header (salt 16, record size 4, key id length 1, key 65), the
 * 16-byte tag and the padding delimiter.
 */
export const PUSH_PAYLOAD_MAX = 4096 - 86 - 16 - 1;

/** Room kept at save for what the render adds: the two signed tracking URLs and the tag. */
const TRACKING_ALLOWANCE = 700;

const template = (max: number) => z.string().max(max, `must be at most ${max} characters`);

export const pushActionSchema = z
  .object({
    action: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1–32 letters, digits, _ or -'),
    title: template(PUSH_LIMITS.actionTitle).min(1),
    url: template(PUSH_LIMITS.url).nullable().optional(),
  })
  .strict();

export const pushVariantSchema = z
  .object({
    name: z.string().trim().min(1).max(60),
    weight: z.number().positive().max(1000).default(1),
    title: template(PUSH_LIMITS.title).min(1),
    body: template(PUSH_LIMITS.body).min(1),
    icon: template(PUSH_LIMITS.url).nullable().optional(),
    image: template(PUSH_LIMITS.url).nullable().optional(),
    url: template(PUSH_LIMITS.url).nullable().optional(),
    actions: z.array(pushActionSchema).max(PUSH_LIMITS.actions).optional(),
  })
  .strict();

export type PushVariant = z.infer<typeof pushVariantSchema>;

/** Per-campaign delivery options of a push campaign (RFC 8030 §5.2, §5.3). */
export const pushOptionsSchema = z
  .object({
    ttlSeconds: z
      .number()
      .int()
      .min(0)
      .max(28 * 24 * 3600)
      .default(24 * 3600),
    urgency: z.enum(['very-low', 'low', 'normal', 'high']).default('normal'),
  })
  .strict();

export type PushOptions = z.infer<typeof pushOptionsSchema>;

/** What the service worker receives (decrypted): shown as a notification, reported back. */
export interface PushNotification {
  title: string;
  body: string;
  icon?: string;
  image?: string;
  url?: string;
  actions?: Array<{ action: string; title: string; url?: string }>;
  /** One notification per message: a repeated delivery replaces, not duplicates, it. */
  tag: string;
  /** Signed tracking URLs the service worker POSTs to when it shows and when it is clicked. */
  displayed?: string;
  clicked?: string;
}

export interface PushTracking {
  tag: string;
  displayedUrl: string;
  clickedUrl: string;
}

const URL_FIELDS = ['icon', 'image', 'url'] as const;

/** Liquid and size problems of a push variant, by field path (what a save refuses). */
export function pushVariantProblems(
  variant: PushVariant
): Array<{ field: string; message: string }> {
  const problems: Array<{ field: string; message: string }> = [];
  const fields: Array<[string, string | null | undefined]> = [
    ['title', variant.title],
    ['body', variant.body],
    ...URL_FIELDS.map((f): [string, string | null | undefined] => [f, variant[f]]),
    ...(variant.actions ?? []).flatMap(
      (a, i): Array<[string, string | null | undefined]> => [
        [`actions.${i}.title`, a.title],
        [`actions.${i}.url`, a.url],
      ]
    ),
  ];
  for (const [field, source] of fields) {
    if (!source) continue;
    const problem = templateError(source);
    if (problem) problems.push({ field, message: `Liquid: ${problem}` });
  }
  const literal = Buffer.byteLength(JSON.stringify(variant)) + TRACKING_ALLOWANCE;
  if (literal > PUSH_PAYLOAD_MAX) {
    problems.push({
      field: 'body',
      message: `the notification is about ${literal} bytes with tracking; a push payload holds at most ${PUSH_PAYLOAD_MAX}`,
    });
  }
  return problems;
}

const isWebUrl = (value: string) => /^https?:\/\//i.test(value) || value.startsWith('/');

/** One recipient's notification. A rendered URL that is not http(s) or site-relative is dropped. */
export function renderPush(
  variant: PushVariant,
  data: RenderData,
  tracking: PushTracking | null
): PushNotification {
  const scope = data as unknown as Record<string, unknown>;
  const text = (field: string, source: string) => renderField(field, source, false, scope).trim();
  const url = (field: string, source: string | null | undefined) => {
    if (!source) return undefined;
    const value = text(field, source);
    return value && isWebUrl(value) ? value : undefined;
  };
  const notification: PushNotification = {
    title: text('title', variant.title),
    body: text('body', variant.body),
    tag: tracking?.tag ?? 'preview',
  };
  for (const field of URL_FIELDS) {
    const value = url(field, variant[field]);
    if (value) notification[field] = value;
  }
  if (variant.actions?.length) {
    notification.actions = variant.actions.map((a, i) => {
      const target = url(`actions.${i}.url`, a.url);
      return {
        action: a.action,
        title: text(`actions.${i}.title`, a.title),
        ...(target ? { url: target } : {}),
      };
    });
  }
  if (tracking) {
    notification.displayed = tracking.displayedUrl;
    notification.clicked = tracking.clickedUrl;
  }
  return notification;
}

/** The notification's bytes, or a problem when it will not fit one push message. */
export function pushPayload(
  notification: PushNotification
): { ok: true; payload: string } | { ok: false; error: string } {
  const payload = JSON.stringify(notification);
  const size = Buffer.byteLength(payload);
  return size <= PUSH_PAYLOAD_MAX
    ? { ok: true, payload }
    : {
        ok: false,
        error: `payload of ${size} bytes exceeds the push limit of ${PUSH_PAYLOAD_MAX}`,
      };
}

/** Template variables of a push variant that have no value for this recipient. */
export function pushMissing(variant: PushVariant, data: RenderData): string[] {
  const sources = [
    variant.title,
    variant.body,
    ...URL_FIELDS.map((f) => variant[f] ?? ''),
    ...(variant.actions ?? []).flatMap((a) => [a.title, a.url ?? '']),
  ];
  return missingVariables(sources, data);
}
