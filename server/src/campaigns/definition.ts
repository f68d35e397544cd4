import cron from 'node-cron';
import { z } from 'zod';
import { isZone, parseHhMm, type CronFields, type QuietHours } from './timing';
import { variantTemplateProblems, type VariantContent } from './render';
import { isCampaignState, type CampaignState } from './state';
import { validateRule } from '../rules/validate';
import { pushOptionsSchema, pushVariantProblems, pushVariantSchema, type PushOptions, type PushVariant } from './channels/push-content';
import {
  webhookOptionsSchema,
  webhookVariantProblems,
  webhookVariantSchema,
  type WebhookOptions,
  type WebhookVariant,
} from './channels/webhook-content';

import { inappOptionsSchema, inappVariantProblems, inappVariantSchema, type InappOptions, type InappVariant } from './channels/inapp-content';

export const CHANNELS = ['email', 'push', 'webhook', 'inapp'] as const;
/** The channels the dispatcher sends (push model); in-app is pulled by the visitor's client. */
export type SentChannel = Exclude<Channel, 'inapp'>;
export type Channel = (typeof CHANNELS)[number];

export type EmailVariant = VariantContent & { weight: number };

/** What a campaign sends, by channel: its variants' shape and the channel's own options. */
export type ChannelContent =
  | { channel: 'email'; variants: EmailVariant[] }
  | { channel: 'push'; variants: PushVariant[]; push: PushOptions }
  | { channel: 'webhook'; variants: WebhookVariant[]; webhook: WebhookOptions & { secret: string | null } }
  | { channel: 'inapp'; variants: InappVariant[]; inapp: InappOptions };

/** A campaign as the planner and dispatcher use it (the content type's fields, checked). */
export type CampaignDefinition = CampaignCommon & ChannelContent;

interface CampaignCommon {
  documentId: string;
  name: string;
  segmentKey: string;
  holdoutPercent: number;
  scheduleType: 'now' | 'at' | 'recurring' | 'triggered';
  sendAt: string | null;
  cron: string | null;
  timezone: string;
  localTime: string | null;
  quietHours: QuietHours | null;
  frequencyCap: { max: number; periodHours: number } | null;
  conversionEvent: string | null;
  conversionWindowHours: number;
  /** Each recipient at their own most engaged hour, within 24 h of the run (issue 8). */
  intelligentTiming: boolean;
  trigger: CampaignTrigger | null;
  triggerDelayMinutes: number;
  reentry: Reentry;
  exitEvent: { event: string; where?: Record<string, unknown> } | null;
  state: CampaignState;
  scheduledAt: string | null;
}

/** What starts a triggered campaign for one profile: an event (with a condition) or a segment entry. */
export interface CampaignTrigger {
  event?: string;
  where?: Record<string, unknown>;
  segmentEntry?: string;
}

export type Reentry = { policy: 'once' } | { policy: 'cooldown'; days: number };

export interface FieldError {
  path: string;
  message: string;
}

const hhmm = z.string().refine((v) => parseHhMm(v) !== null, 'must be HH:MM (24-hour)');

/** A rule-language condition on an event's properties, checked like a segment rule. */
const eventCondition = z.record(z.unknown()).superRefine((where, ctx) => {
  for (const issue of validateRule(where, { retentionDays: 36_500 })) {
    ctx.addIssue({ code: 'custom', path: issue.path ? [issue.path] : [], message: issue.message });
  }
});
const eventName = z.string().trim().min(1).max(100);

/** Sizes of a campaign's texts (the live preview accepts no more than a save). */
export const CONTENT_LIMITS = {
  name: 200,
  variantName: 60,
  subject: 500,
  preheader: 500,
  html: 500_000,
  text: 500_000,
} as const;

const variantSchema = z
  .object({
    name: z.string().trim().min(1).max(CONTENT_LIMITS.variantName),
    weight: z.number().positive().max(1000).default(1),
    subject: z.string().min(1).max(CONTENT_LIMITS.subject),
    preheader: z.string().max(CONTENT_LIMITS.preheader).nullable().optional(),
    html: z.string().min(1).max(CONTENT_LIMITS.html),
    text: z.string().max(CONTENT_LIMITS.text).nullable().optional(),
  })
  .strict();

const VARIANT_SCHEMAS = { email: variantSchema, push: pushVariantSchema, webhook: webhookVariantSchema, inapp: inappVariantSchema } as const;

/** The channel's variant checks: shape, unique names, Liquid, and the channel's size limits. */
function checkVariants(channel: Channel, variants: unknown[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  variants.forEach((raw, i) => {
    const parsed = VARIANT_SCHEMAS[channel].safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const keys = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => [...issue.path, k]) : [issue.path];
        for (const path of keys) {
          ctx.addIssue({ code: 'custom', path: ['variants', i, ...path], message: issue.code === 'unrecognized_keys' ? `unknown field for a ${channel} variant` : issue.message });
        }
      }
      return;
    }
    const v = parsed.data;
    if (seen.has(v.name)) ctx.addIssue({ code: 'custom', path: ['variants', i, 'name'], message: 'variant names must be unique' });
    seen.add(v.name);
    const problems =
      channel === 'email'
        ? variantTemplateProblems(v as z.infer<typeof variantSchema>)
        : channel === 'push'
          ? pushVariantProblems(v as PushVariant)
          : channel === 'inapp'
            ? inappVariantProblems(v as InappVariant)
            : webhookVariantProblems(v as WebhookVariant);
    for (const { field, message } of problems) ctx.addIssue({ code: 'custom', path: ['variants', i, ...field.split('.')], message });
  });
}

export const campaignFieldsSchema = z
  .object({
    name: z.string().trim().min(1).max(CONTENT_LIMITS.name),
    segmentKey: z.string().min(1).max(64),
    channel: z.enum(CHANNELS).default('email'),
    // Checked against the channel's variant shape below (the shape depends on `channel`).
    variants: z.array(z.unknown()).min(1).max(10),
    push: pushOptionsSchema.nullable().optional(),
    webhook: webhookOptionsSchema.nullable().optional(),
    inapp: inappOptionsSchema.nullable().optional(),
    holdoutPercent: z.number().min(0).max(99).default(0),
    scheduleType: z.enum(['now', 'at', 'recurring', 'triggered']).default('now'),
    sendAt: z
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
      }),
    cron: z
      .string()
      .nullable()
      .optional()
      .refine((v) => !v || (v.trim().split(/\s+/).length === 5 && cron.validate(v)), 'must be a 5-field cron expression'),
    timezone: z.string().default('UTC').refine(isZone, 'must be an IANA time zone'),
    localTime: hhmm.nullable().optional(),
    quietHours: z.object({ start: hhmm, end: hhmm }).strict().nullable().optional(),
    frequencyCap: z
      .object({ max: z.number().int().min(1).max(1000), periodHours: z.number().int().min(1).max(8760) })
      .strict()
      .nullable()
      .optional(),
    conversionEvent: z.string().max(100).nullable().optional(),
    conversionWindowHours: z.number().int().min(1).max(24 * 90).default(72),
    intelligentTiming: z.boolean().default(false),
    trigger: z
      .object({ event: eventName.optional(), where: eventCondition.optional(), segmentEntry: z.string().min(1).max(64).optional() })
      .strict()
      .superRefine((t, ctx) => {
        if ((t.event === undefined) === (t.segmentEntry === undefined)) {
          ctx.addIssue({ code: 'custom', message: 'needs exactly one of event and segmentEntry' });
        }
        if (t.where !== undefined && t.event === undefined) ctx.addIssue({ code: 'custom', path: ['where'], message: 'only applies to an event trigger' });
      })
      .nullable()
      .optional(),
    triggerDelayMinutes: z.number().int().min(0).max(365 * 24 * 60).default(0),
    reentry: z
      .discriminatedUnion('policy', [
        z.object({ policy: z.literal('once') }).strict(),
        z.object({ policy: z.literal('cooldown'), days: z.number().int().min(1).max(3650) }).strict(),
      ])
      .nullable()
      .optional(),
    exitEvent: z.object({ event: eventName, where: eventCondition.optional() }).strict().nullable().optional(),
  })
  .superRefine((c, ctx) => {
    checkVariants(c.channel, c.variants, ctx);
    if (c.channel === 'webhook' && !c.webhook) ctx.addIssue({ code: 'custom', path: ['webhook'], message: 'required when channel is "webhook" (the url to call)' });
    if (c.channel !== 'webhook' && c.webhook) ctx.addIssue({ code: 'custom', path: ['webhook'], message: 'only applies to channel "webhook"' });
    if (c.channel !== 'push' && c.push) ctx.addIssue({ code: 'custom', path: ['push'], message: 'only applies to channel "push"' });
    if (c.channel !== 'inapp' && c.inapp) ctx.addIssue({ code: 'custom', path: ['inapp'], message: 'only applies to channel "inapp"' });
    if (c.channel === 'inapp') inappRefinements(c, ctx);
    if (c.intelligentTiming && c.localTime) {
      ctx.addIssue({ code: 'custom', path: ['intelligentTiming'], message: 'cannot be combined with localTime: choose one' });
    }
    if (c.scheduleType === 'triggered' && !c.trigger) ctx.addIssue({ code: 'custom', path: ['trigger'], message: 'required when scheduleType is "triggered"' });
    if (c.scheduleType === 'at' && !c.sendAt) ctx.addIssue({ code: 'custom', path: ['sendAt'], message: 'required when scheduleType is "at"' });
    if (c.scheduleType === 'recurring' && !c.cron) ctx.addIssue({ code: 'custom', path: ['cron'], message: 'required when scheduleType is "recurring"' });
  });

/**
 * An in-app message shows while the visitor is on the site, when they are in the segment and
 * within `inapp.startsAt`/`endsAt`: send-time fields do not apply, and its own `inapp.maxShows`
 * replaces the frequency cap.
 */
function inappRefinements(
  c: {
    scheduleType: string;
    localTime?: string | null;
    quietHours?: unknown;
    intelligentTiming: boolean;
    frequencyCap?: unknown;
    triggerDelayMinutes: number;
    reentry?: unknown;
    exitEvent?: unknown;
  },
  ctx: z.RefinementCtx
): void {
  const notHere = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
  if (c.scheduleType === 'recurring') notHere('scheduleType', 'an in-app message is live from its start to its end: use "now" or "at" with inapp.startsAt/endsAt');
  // Triggered: shown on the visitor's next page view after the trigger; shows are capped by inapp.
  if (c.triggerDelayMinutes) notHere('triggerDelayMinutes', 'an in-app message shows on the next page view after its trigger');
  if (c.reentry) notHere('reentry', 'use inapp.maxShows and inapp.periodHours for in-app messages');
  if (c.exitEvent) notHere('exitEvent', 'does not apply to in-app messages (a dismiss or click ends them)');
  if (c.localTime) notHere('localTime', 'does not apply to in-app messages (they show while the visitor is there)');
  if (c.quietHours) notHere('quietHours', 'does not apply to in-app messages (they show while the visitor is there)');
  if (c.intelligentTiming) notHere('intelligentTiming', 'does not apply to in-app messages (they show while the visitor is there)');
  if (c.frequencyCap) notHere('frequencyCap', 'use inapp.maxShows and inapp.periodHours for in-app messages');
}

const zodErrors = (error: z.ZodError): FieldError[] =>
  error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message }));

/**
 * Checks a campaign's fields (the stored values merged with the write). Returns the checked
 * definition or every problem with its field path.
 */
export function checkCampaign(
  input: Record<string, unknown>
): { ok: true; value: z.infer<typeof campaignFieldsSchema> } | { ok: false; errors: FieldError[] } {
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(campaignFieldsSchema.innerType().shape)) {
    // Strapi hands back nulls for empty optional fields; treat them as "not given".
    if (input[key] !== undefined && !(input[key] === null && ['channel', 'holdoutPercent', 'scheduleType', 'timezone', 'conversionWindowHours', 'intelligentTiming', 'triggerDelayMinutes'].includes(key))) {
      fields[key] = input[key];
    }
  }
  const parsed = campaignFieldsSchema.safeParse(fields);
  if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error) };
  // The variants passed their channel's schema in the refinement; this applies its defaults.
  const schema = VARIANT_SCHEMAS[parsed.data.channel];
  return { ok: true, value: { ...parsed.data, variants: parsed.data.variants.map((v) => schema.parse(v)) } };
}

/** The channel part of a checked campaign (what the dispatcher's channel needs). */
function channelContent(v: z.infer<typeof campaignFieldsSchema>, row: Record<string, unknown>): ChannelContent {
  if (v.channel === 'push') return { channel: 'push', variants: v.variants as PushVariant[], push: v.push ?? pushOptionsSchema.parse({}) };
  if (v.channel === 'webhook') {
    const webhook = v.webhook as WebhookOptions;
    return { channel: 'webhook', variants: v.variants as WebhookVariant[], webhook: { ...webhook, secret: typeof row.webhookSecret === 'string' && row.webhookSecret ? row.webhookSecret : null } };
  }
  if (v.channel === 'inapp') return { channel: 'inapp', variants: v.variants as InappVariant[], inapp: v.inapp ?? inappOptionsSchema.parse({}) };
  return { channel: 'email', variants: v.variants as EmailVariant[] };
}

/** Stored row → definition (the row passed the guard when written). */
export function toDefinition(row: Record<string, unknown>): CampaignDefinition | null {
  // SQLite hands JSON columns back as text when read through knex.
  const parsed: Record<string, unknown> = { ...row };
  for (const key of ['variants', 'quietHours', 'frequencyCap', 'trigger', 'reentry', 'exitEvent', 'push', 'webhook', 'inapp']) {
    if (typeof parsed[key] === 'string') parsed[key] = JSON.parse(parsed[key] as string);
  }
  const checked = checkCampaign(parsed);
  if (!checked.ok || !isCampaignState(row.state)) return null;
  const v = checked.value;
  return {
    documentId: String(row.documentId ?? row.document_id),
    name: v.name,
    segmentKey: v.segmentKey,
    ...channelContent(v, row),
    holdoutPercent: v.holdoutPercent,
    scheduleType: v.scheduleType,
    sendAt: v.sendAt ?? null,
    cron: v.cron ?? null,
    timezone: v.timezone,
    localTime: v.localTime ?? null,
    quietHours: v.quietHours ?? null,
    frequencyCap: v.frequencyCap ?? null,
    conversionEvent: v.conversionEvent ?? null,
    conversionWindowHours: v.conversionWindowHours,
    intelligentTiming: v.intelligentTiming,
    trigger: v.trigger ?? null,
    triggerDelayMinutes: v.triggerDelayMinutes,
    reentry: v.reentry ?? { policy: 'once' },
    exitEvent: v.exitEvent ?? null,
    state: row.state,
    scheduledAt: row.scheduledAt ? new Date(row.scheduledAt as string).toISOString() : null,
  };
}

export function cronFields(expression: string): CronFields {
  return cron.parse(expression) as unknown as CronFields;
}
