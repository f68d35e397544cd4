import { Liquid, type Template } from 'liquidjs';

/**
 * Campaign e-mail rendering. Pure (no Strapi, no network): Liquid templates with HTML
 * auto-escaping for the body (plain output for subject and text), the preheader, click tracking
 * of links written literally in the template, an open pixel, and a visible unsubscribe link.
 */
export interface VariantContent {
  name: string;
  subject: string;
  preheader?: string | null;
  html: string;
  text?: string | null;
}

export interface RenderData {
  traits: Record<string, unknown>;
  user: Record<string, unknown> | null;
  campaign: { id: string; name: string; variant: string };
  profile: { id: number; email: string | null };
  unsubscribe_url: string;
}

export interface Tracking {
  /** URL of the open pixel for this message. */
  openPixelUrl: string;
  /** Tracking URL that redirects to `destination`. */
  clickUrl(destination: string): string;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  /** Variables the templates use that had no value for this recipient (rendered empty). */
  missing: string[];
}

// `templates: {}`: include / render / layout look up an empty in-memory set, never the server's
// files (by default liquidjs reads them from the working directory, e.g. `{% include ".env" %}`).
export const LIQUID_LIMITS = { parseLimit: 200_000, renderLimit: 2_000, memoryLimit: 50_000_000, templates: {} };
const htmlEngine = new Liquid({ outputEscape: 'escape', ownPropertyOnly: true, ...LIQUID_LIMITS });
const textEngine = new Liquid({ ownPropertyOnly: true, ...LIQUID_LIMITS });

const CACHE_MAX = 500;
const parsed = new Map<string, Template[]>();
function parse(engine: Liquid, source: string, escape: boolean | 'json' | 'markdown'): Template[] {
  const key = `${escape === 'json' ? 'j' : escape === 'markdown' ? 'm' : escape ? 'h' : 't'}:${source}`;
  let templates = parsed.get(key);
  if (!templates) {
    templates = engine.parse(source);
    if (parsed.size >= CACHE_MAX) parsed.delete(parsed.keys().next().value as string);
    parsed.set(key, templates);
  }
  return templates;
}

// Tags that load other templates: campaigns are self-contained (and must never reach files).
const FILE_TAG = /\{%-?\s*(include|render|layout)\b/;

/** Liquid syntax problems of one template (or a file-loading tag), or null when it is fine. */
export function templateError(source: string): string | null {
  const fileTag = FILE_TAG.exec(source);
  if (fileTag) return `{% ${fileTag[1]} %} is not supported: a campaign template cannot load other templates`;
  try {
    htmlEngine.parse(source);
    return null;
  } catch (error) {
    return (error as Error).message.split('\n')[0];
  }
}

/** The template fields of a variant, in the order a save and the live preview check them. */
export const TEMPLATE_FIELDS = ['subject', 'preheader', 'html', 'text'] as const;

/** Liquid problems of a variant's templates, by field (what a save and a live preview refuse). */
export function variantTemplateProblems(
  variant: Partial<Record<(typeof TEMPLATE_FIELDS)[number], string | null>>
): Array<{ field: (typeof TEMPLATE_FIELDS)[number]; message: string }> {
  const out: Array<{ field: (typeof TEMPLATE_FIELDS)[number]; message: string }> = [];
  for (const field of TEMPLATE_FIELDS) {
    const source = variant[field];
    if (!source) continue;
    const problem = templateError(source);
    if (problem) out.push({ field, message: `Liquid: ${problem}` });
  }
  return out;
}

/** Literal http(s) link targets in a template (links built from variables are not tracked). */
export function literalLinks(htmlSource: string): Set<string> {
  const links = new Set<string>();
  for (const m of htmlSource.matchAll(/\bhref\s*=\s*(?:"([^"]*)"|'([^']*)')/gi)) {
    const raw = m[1] ?? m[2] ?? '';
    if (/\{[{%]/.test(raw) || !/^https?:\/\//i.test(raw)) continue;
    links.add(raw);
  }
  return links;
}

const unescapeAttr = (s: string) =>
  s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
const escapeAttr = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function missingVariables(sources: string[], data: RenderData): string[] {
  const missing = new Set<string>();
  for (const source of sources) {
    for (const segments of htmlEngine.globalVariableSegmentsSync(parse(htmlEngine, source, true))) {
      let value: unknown = data;
      const path: string[] = [];
      for (const segment of segments) {
        if (typeof segment !== 'string' && typeof segment !== 'number') break; // dynamic index
        path.push(String(segment));
        value =
          value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, segment)
            ? (value as Record<string, unknown>)[segment]
            : undefined;
        if (value === undefined) break;
      }
      if (value === undefined || value === null) missing.add(path.join('.'));
    }
  }
  return [...missing].sort();
}

function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
    .replace(/<a\s[^>]*href\s*=\s*"([^"]*)"[^>]*>([\s\S]*?)<\/a>/gi, '$2 ($1)')
    .replace(/<br\s*\/?>|<\/(p|div|h\d|li|tr)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function insertBeforeBodyEnd(html: string, fragment: string): string {
  const at = html.search(/<\/body\s*>/i);
  return at >= 0 ? html.slice(0, at) + fragment + html.slice(at) : html + fragment;
}

function insertAfterBodyStart(html: string, fragment: string): string {
  const m = /<body[^>]*>/i.exec(html);
  return m ? html.slice(0, m.index + m[0].length) + fragment + html.slice(m.index + m[0].length) : fragment + html;
}

/** A template that failed to parse or render, with the variant field it is in. */
export class TemplateFieldError extends Error {
  constructor(
    /** The variant field (`subject`, `html`, a push `title`, a webhook `body`, …). */
    readonly field: string,
    readonly detail: string
  ) {
    super(`${field}: ${detail}`);
    this.name = 'TemplateFieldError';
  }
}

// JSON bodies (webhooks): output is escaped for a JSON string, so a trait cannot break out of
// the quotes it is written in; `| json | raw` writes a whole value.
const jsonEscape = (value: unknown) => JSON.stringify(String(value)).slice(1, -1);
const jsonEngine = new Liquid({ outputEscape: jsonEscape, ownPropertyOnly: true, ...LIQUID_LIMITS });
// Markdown sources (in-app bodies): every ASCII punctuation mark of an output is backslash-escaped,
// so a trait renders as the text it is and never as a link, emphasis or an entity.
const markdownEscape = (value: unknown) => String(value).replace(/[!-/:-@[-`{-~]/g, '\\$&');
const markdownEngine = new Liquid({ outputEscape: markdownEscape, ownPropertyOnly: true, ...LIQUID_LIMITS });

/** How a field's Liquid output is escaped: HTML (true), a JSON string, Markdown, or not at all. */
export type FieldEscape = boolean | 'json' | 'markdown';

/**
 * Renders one variant field; a Liquid failure names the field (the preview shows it there).
 * `escape`: true for HTML, 'json' for a JSON document, false for plain text.
 */
export function renderField(field: string, source: string, escape: FieldEscape, scope: Record<string, unknown>): string {
  const engine = escape === 'json' ? jsonEngine : escape === 'markdown' ? markdownEngine : escape ? htmlEngine : textEngine;
  try {
    return engine.renderSync(parse(engine, source, escape), scope) as string;
  } catch (error) {
    throw new TemplateFieldError(field, (error as Error).message.split('\n')[0]);
  }
}

export function renderEmail(variant: VariantContent, data: RenderData, tracking: Tracking | null): RenderedEmail {
  const scope = data as unknown as Record<string, unknown>;
  const subject = renderField('subject', variant.subject, false, scope)
    .replace(/[\r\n]+/g, ' ')
    .trim();
  const body = renderField('html', variant.html, true, scope);
  let html = body;

  if (tracking) {
    const links = literalLinks(variant.html);
    if (links.size) {
      html = html.replace(/(\bhref\s*=\s*)(?:"([^"]*)"|'([^']*)')/gi, (whole, prefix: string, dq?: string, sq?: string) => {
        const raw = dq ?? sq ?? '';
        return links.has(raw) ? `${prefix}"${escapeAttr(tracking.clickUrl(unescapeAttr(raw)))}"` : whole;
      });
    }
  }
  // The law (CAN-SPAM, GDPR) and RFC 8058 want an unsubscribe a reader can see.
  const usesUnsubscribe = /unsubscribe_url/.test(variant.html);
  if (!usesUnsubscribe) {
    html = insertBeforeBodyEnd(
      html,
      `<p style="font-size:12px;color:#666"><a href="${escapeAttr(data.unsubscribe_url)}">Unsubscribe</a></p>`
    );
  }
  if (variant.preheader) {
    const pre = renderField('preheader', variant.preheader, false, scope);
    html = insertAfterBodyStart(
      html,
      `<div style="display:none;max-height:0;overflow:hidden">${escapeAttr(pre)}</div>`
    );
  }
  if (tracking) {
    html = insertBeforeBodyEnd(
      html,
      `<img src="${escapeAttr(tracking.openPixelUrl)}" width="1" height="1" alt="" style="display:block;border:0">`
    );
  }

  let text = variant.text
    ? renderField('text', variant.text, false, scope)
    : htmlToText(body);
  if (!/unsubscribe_url/.test(variant.text ?? '') && !text.includes(data.unsubscribe_url)) {
    text += `\n\nUnsubscribe: ${data.unsubscribe_url}`;
  }
  const sources = [variant.subject, variant.html, variant.preheader ?? '', variant.text ?? ''];
  return { subject, html, text, missing: missingVariables(sources, data) };
}
