import { z } from 'zod';
import { variantTemplateProblems, type VariantContent } from './render';
import { CONTENT_LIMITS, type FieldError } from './definition';
import {
  PUSH_LIMITS,
  pushVariantProblems,
  pushVariantSchema,
  type PushVariant,
} from './channels/push-content';
import {
  INAPP_LIMITS,
  inappVariantProblems,
  inappVariantSchema,
  type InappVariant,
} from './channels/inapp-content';
import {
  WEBHOOK_BODY_MAX,
  webhookVariantProblems,
  type WebhookVariant,
} from './channels/webhook-content';

/**
 * The request of the live preview (`POST /campaigns/render`): one variant as the composer holds
 * it, before it is saved. Limits match a saved variant's (see `definition.ts`) so the preview
 * never accepts what a save would refuse; empty subject and body are allowed because the editor
 * is still typing.
 */
export const DRAFT_LIMITS = { ...CONTENT_LIMITS, documentId: 64 } as const;

const template = (max: number) => z.string().max(max, `must be at most ${max} characters`);

// Push and webhook drafts: the saved shapes, with empty texts allowed while the editor types.
const pushDraft = pushVariantSchema.extend({
  name: z.string().max(DRAFT_LIMITS.variantName).default(''),
  weight: z.unknown().optional(),
  title: template(PUSH_LIMITS.title).default(''),
  body: template(PUSH_LIMITS.body).default(''),
});
const inappDraft = inappVariantSchema.extend({
  name: z.string().max(DRAFT_LIMITS.variantName).default(''),
  weight: z.unknown().optional(),
  title: template(INAPP_LIMITS.title).default(''),
});
const webhookDraft = z
  .object({
    name: z.string().max(DRAFT_LIMITS.variantName).default(''),
    weight: z.unknown().optional(),
    body: template(WEBHOOK_BODY_MAX).default(''),
  })
  .strict();

const emailDraft = z
  .object({
    name: z.string().max(DRAFT_LIMITS.variantName).optional(),
    subject: template(DRAFT_LIMITS.subject),
    preheader: template(DRAFT_LIMITS.preheader).nullable().optional(),
    html: template(DRAFT_LIMITS.html),
    text: template(DRAFT_LIMITS.text).nullable().optional(),
    // The composer sends its variant object as is; the weight does not change the render.
    weight: z.unknown().optional(),
  })
  .strict();

const draftSchema = z
  .object({
    channel: z.enum(['email', 'push', 'webhook', 'inapp']).optional(),
    /** Webhook drafts: the URL the preview shows the request going to. */
    webhookUrl: z.string().max(2000).nullable().optional(),
    // Checked against the channel's draft shape below.
    variant: z.record(z.unknown()),
    name: z.string().max(DRAFT_LIMITS.name).optional(),
    documentId: z
      .string()
      .min(1)
      .max(DRAFT_LIMITS.documentId)
      .regex(/^[A-Za-z0-9_-]+$/, 'must be a document id')
      .optional(),
    profileId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).nullable().optional(),
  })
  .strict();

export type DraftVariant =
  | { channel: 'email'; variant: VariantContent }
  | { channel: 'push'; variant: PushVariant }
  | { channel: 'inapp'; variant: InappVariant }
  | { channel: 'webhook'; variant: WebhookVariant; webhookUrl: string | null };

export type DraftRender = DraftVariant & DraftCommon;

interface DraftCommon {
  /** Campaign name for `{{ campaign.name }}` (the editor's current value). */
  name: string;
  documentId: string | null;
  profileId: number | null;
}

/**
 * Checks a live-preview request: shape and sizes first, then Liquid syntax of each template
 * (the same check a save runs). Every problem comes back with its field path.
 */
export function checkDraftRender(
  body: unknown
): { ok: true; value: DraftRender } | { ok: false; errors: FieldError[] } {
  const parsed = draftSchema.safeParse(body ?? {});
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.flatMap((i) =>
        // One entry per unknown key, named by its own path.
        i.code === 'unrecognized_keys'
          ? i.keys.map((k) => ({ path: [...i.path, k].join('.'), message: 'unknown field' }))
          : [{ path: i.path.join('.') || '(root)', message: i.message }]
      ),
    };
  }
  const { name, documentId, profileId } = parsed.data;
  const common = {
    name: name?.trim() ?? '',
    documentId: documentId ?? null,
    profileId: profileId ?? null,
  };
  const channel = parsed.data.channel ?? 'email';
  if (channel !== 'email') {
    const schema = channel === 'push' ? pushDraft : channel === 'inapp' ? inappDraft : webhookDraft;
    const checked = schema.safeParse(parsed.data.variant);
    if (!checked.success) {
      return {
        ok: false,
        errors: checked.error.issues.map((i) => ({
          path: ['variant', ...i.path].join('.'),
          message: i.message,
        })),
      };
    }
    const v = { ...checked.data, weight: 1 };
    const problems =
      channel === 'push'
        ? pushVariantProblems(v as PushVariant)
        : channel === 'inapp'
          ? inappVariantProblems(v as InappVariant)
          : webhookVariantProblems(v as WebhookVariant);
    // An empty title or body is allowed while typing; only Liquid and size problems stop the preview.
    const errors = problems.map(({ field, message }) => ({ path: `variant.${field}`, message }));
    if (errors.length) return { ok: false, errors };
    return {
      ok: true,
      value:
        channel === 'push'
          ? { channel, variant: v as PushVariant, ...common }
          : channel === 'inapp'
            ? { channel, variant: v as InappVariant, ...common }
            : {
                channel,
                variant: v as WebhookVariant,
                webhookUrl: parsed.data.webhookUrl ?? null,
                ...common,
              },
    };
  }
  const emailParsed = emailDraft.safeParse(parsed.data.variant);
  if (!emailParsed.success) {
    return {
      ok: false,
      errors: emailParsed.error.issues.flatMap((i) =>
        i.code === 'unrecognized_keys'
          ? i.keys.map((k) => ({
              path: ['variant', ...i.path, k].join('.'),
              message: 'unknown field',
            }))
          : [{ path: ['variant', ...i.path].join('.'), message: i.message }]
      ),
    };
  }
  const variant = emailParsed.data;
  const errors: FieldError[] = variantTemplateProblems(variant).map(({ field, message }) => ({
    path: `variant.${field}`,
    message,
  }));
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    value: {
      channel: 'email',
      variant: {
        name: variant.name?.trim() ?? '',
        subject: variant.subject,
        preheader: variant.preheader ?? null,
        html: variant.html,
        text: variant.text ?? null,
      },
      ...common,
    },
  };
}
