import MarkdownIt from 'markdown-it';
import { z } from 'zod';
import type { InappMessage } from '../../contracts';
import { missingVariables, renderField, templateError, type RenderData } from '../render';

/**
 * In-app message content: structured fields, not free HTML. The body is Markdown with Liquid,
 * rendered on the server to HTML that can only hold paragraphs, emphasis, lists, line breaks and
 * links to web pages or app deep links (markdown-it with raw HTML off; trait values are escaped
 * before Markdown sees them). Pure.
 */
export const INAPP_LAYOUTS = [
  'modal',
  'slideup',
  'banner-top',
] as const satisfies readonly InappMessage['layout'][];
export const INAPP_THEMES = [
  'light',
  'dark',
  'brand',
] as const satisfies readonly InappMessage['theme'][];

export const INAPP_LIMITS = {
  title: 120,
  body: 2000,
  label: 40,
  url: 2000,
  alt: 200,
  buttons: 2,
} as const;

const template = (max: number) => z.string().max(max, `must be at most ${max} characters`);
const isoDate = z
  .union([z.string(), z.date()])
  .nullable()
  .optional()
  .transform((v, ctx) => {
    if (v === null || v === undefined || v === '') return null;
    const ms = new Date(v).getTime();
    if (Number.isNaN(ms)) {
      ctx.addIssue({ code: 'custom', message: 'must be an ISO date-time' });
      return z.NEVER;
    }
    return new Date(ms).toISOString();
  });

const buttonSchema = z
  .object({
    label: template(INAPP_LIMITS.label).min(1),
    url: template(INAPP_LIMITS.url).nullable().optional(),
    /** An event the client records when the button is pressed (besides `inapp_clicked`). */
    event: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,100}$/, 'must be 1–100 letters, digits, _ . : or -')
      .nullable()
      .optional(),
  })
  .strict();

export const inappVariantSchema = z
  .object({
    name: z.string().trim().min(1).max(60),
    weight: z.number().positive().max(1000).default(1),
    layout: z.enum(INAPP_LAYOUTS).default('modal'),
    title: template(INAPP_LIMITS.title).min(1),
    body: template(INAPP_LIMITS.body).nullable().optional(),
    image: z
      .object({
        url: template(INAPP_LIMITS.url).min(1),
        alt: z.string().max(INAPP_LIMITS.alt).default(''),
      })
      .strict()
      .nullable()
      .optional(),
    buttons: z.array(buttonSchema).max(INAPP_LIMITS.buttons).optional(),
    theme: z.enum(INAPP_THEMES).default('light'),
    accent: z
      .string()
      .regex(/^#[0-9a-fA-F]{6}$/, 'must be a #rrggbb colour')
      .nullable()
      .optional(),
  })
  .strict();

export type InappVariant = z.infer<typeof inappVariantSchema>;

/** When and how often a visitor sees the message, and which wins when several qualify. */
export const inappOptionsSchema = z
  .object({
    startsAt: isoDate,
    endsAt: isoDate,
    /** Higher first; ties go to the campaign scheduled first. */
    priority: z.number().int().min(0).max(100).default(50),
    /** At most this many shows per visitor in each period; never again after a dismiss or click. */
    maxShows: z.number().int().min(1).max(100).default(1),
    periodHours: z.number().int().min(1).max(8760).default(24),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.startsAt && o.endsAt && Date.parse(o.endsAt) <= Date.parse(o.startsAt))
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
  });

export type InappOptions = z.infer<typeof inappOptionsSchema>;

/** Liquid and URL problems by field path (what a save refuses). */
export function inappVariantProblems(
  variant: InappVariant
): Array<{ field: string; message: string }> {
  const fields: Array<[string, string | null | undefined]> = [
    ['title', variant.title],
    ['body', variant.body],
    ['image.url', variant.image?.url],
    ...(variant.buttons ?? []).flatMap(
      (b, i): Array<[string, string | null | undefined]> => [
        [`buttons.${i}.label`, b.label],
        [`buttons.${i}.url`, b.url],
      ]
    ),
  ];
  const problems: Array<{ field: string; message: string }> = [];
  for (const [field, source] of fields) {
    const problem = source ? templateError(source) : null;
    if (problem) problems.push({ field, message: `Liquid: ${problem}` });
    // A URL without Liquid is known now: refuse a script URL at save, not at render.
    else if (
      field.endsWith('url') &&
      source &&
      !source.includes('{') &&
      !isMessageUrl(source.trim())
    )
      problems.push({
        field,
        message: 'must be a web page (https://…, /path) or an app deep link (myapp://…)',
      });
  }
  return problems;
}

const UNSAFE_SCHEME = /^\s*(javascript|vbscript|data|file|blob):/i;
/** Web pages (absolute or site-relative) and app deep links (`myapp://…`); never script URLs. */
export const isMessageUrl = (value: string) =>
  !UNSAFE_SCHEME.test(value) && (/^[a-z][a-z0-9+.-]*:\/\//i.test(value) || /^\/(?!\/)/.test(value));

const markdown = new MarkdownIt('zero', { html: false, linkify: false, breaks: true }).enable([
  'paragraph',
  'newline',
  'emphasis',
  'strikethrough',
  'backticks',
  'link',
  'list',
  'escape',
  'entity',
  'text',
]);
markdown.validateLink = isMessageUrl;
// Links leave the page: no opener, no referrer.
const defaultLinkOpen = markdown.renderer.rules.link_open;
markdown.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx].attrSet('rel', 'noopener noreferrer');
  return defaultLinkOpen
    ? defaultLinkOpen(tokens, idx, options, env, self)
    : self.renderToken(tokens, idx, options);
};

/** Markdown (after Liquid) → the safe HTML the client inserts. */
export const markdownToHtml = (source: string) => markdown.render(source).trim();

/** One visitor's message. A rendered URL that is neither a web page nor a deep link is dropped. */
export function renderInapp(
  variant: InappVariant,
  data: RenderData,
  meta: { id: string; campaign: string; priority: number }
): InappMessage {
  const scope = data as unknown as Record<string, unknown>;
  const text = (field: string, source: string) => renderField(field, source, false, scope).trim();
  const url = (field: string, source: string | null | undefined) => {
    const value = source ? text(field, source) : '';
    return value && isMessageUrl(value) ? value : null;
  };
  const imageUrl = variant.image ? url('image.url', variant.image.url) : null;
  return {
    id: meta.id,
    campaign: meta.campaign,
    variant: variant.name,
    layout: variant.layout,
    priority: meta.priority,
    title: text('title', variant.title),
    bodyHtml: variant.body
      ? markdownToHtml(renderField('body', variant.body, 'markdown', scope))
      : '',
    image: imageUrl ? { url: imageUrl, alt: variant.image?.alt ?? '' } : null,
    buttons: (variant.buttons ?? []).map((b, i) => ({
      label: text(`buttons.${i}.label`, b.label),
      url: url(`buttons.${i}.url`, b.url),
      event: b.event ?? null,
    })),
    theme: variant.theme,
    accent: variant.accent ?? null,
  };
}

/** Variables the message uses that this visitor has no value for (the preview lists them). */
export function inappMissing(variant: InappVariant, data: RenderData): string[] {
  const sources = [
    variant.title,
    variant.body ?? '',
    variant.image?.url ?? '',
    ...(variant.buttons ?? []).flatMap((b) => [b.label, b.url ?? '']),
  ];
  return missingVariables(sources, data);
}
