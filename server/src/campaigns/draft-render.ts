import { z } from 'zod';
import { variantTemplateProblems, type VariantContent } from './render';
import { CONTENT_LIMITS, type FieldError } from './definition';

/**
 * The request of the live preview (`POST /campaigns/render`): one variant as the composer holds
 * it, before it is saved. Limits match a saved variant's (see `definition.ts`) so the preview
 * never accepts what a save would refuse; empty subject and body are allowed because the editor
 * is still typing.
 */
export const DRAFT_LIMITS = { ...CONTENT_LIMITS, documentId: 64 } as const;

const template = (max: number) => z.string().max(max, `must be at most ${max} characters`);

const draftSchema = z
  .object({
    variant: z
      .object({
        name: z.string().max(DRAFT_LIMITS.variantName).optional(),
        subject: template(DRAFT_LIMITS.subject),
        preheader: template(DRAFT_LIMITS.preheader).nullable().optional(),
        html: template(DRAFT_LIMITS.html),
        text: template(DRAFT_LIMITS.text).nullable().optional(),
        // The composer sends its variant object as is; the weight does not change the render.
        weight: z.unknown().optional(),
      })
      .strict(),
    name: z.string().max(DRAFT_LIMITS.name).optional(),
    documentId: z.string().min(1).max(DRAFT_LIMITS.documentId).regex(/^[A-Za-z0-9_-]+$/, 'must be a document id').optional(),
    profileId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).nullable().optional(),
  })
  .strict();

export interface DraftRender {
  variant: VariantContent;
  /** Campaign name for `{{ campaign.name }}` (the editor's current value). */
  name: string;
  documentId: string | null;
  profileId: number | null;
}

/**
 * Checks a live-preview request: shape and sizes first, then Liquid syntax of each template
 * (the same check a save runs). Every problem comes back with its field path.
 */
export function checkDraftRender(body: unknown): { ok: true; value: DraftRender } | { ok: false; errors: FieldError[] } {
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
  const { variant, name, documentId, profileId } = parsed.data;
  const errors: FieldError[] = variantTemplateProblems(variant).map(({ field, message }) => ({
    path: `variant.${field}`,
    message,
  }));
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    value: {
      variant: {
        name: variant.name?.trim() ?? '',
        subject: variant.subject,
        preheader: variant.preheader ?? null,
        html: variant.html,
        text: variant.text ?? null,
      },
      name: name?.trim() ?? '',
      documentId: documentId ?? null,
      profileId: profileId ?? null,
    },
  };
}
