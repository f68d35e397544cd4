import cron from 'node-cron';
import { z } from 'zod';
import { isZone, parseHhMm, type CronFields, type QuietHours } from './timing';
import { templateError, type VariantContent } from './render';
import { isCampaignStatus, type CampaignStatus } from './status';

/** A campaign as the planner and dispatcher use it (the content type's fields, checked). */
export interface CampaignDefinition {
  documentId: string;
  name: string;
  segmentKey: string;
  variants: Array<VariantContent & { weight: number }>;
  holdoutPercent: number;
  scheduleType: 'now' | 'at' | 'recurring';
  sendAt: string | null;
  cron: string | null;
  timezone: string;
  localTime: string | null;
  quietHours: QuietHours | null;
  frequencyCap: { max: number; periodHours: number } | null;
  conversionEvent: string | null;
  conversionWindowHours: number;
  status: CampaignStatus;
  scheduledAt: string | null;
}

export interface FieldError {
  path: string;
  message: string;
}

const hhmm = z.string().refine((v) => parseHhMm(v) !== null, 'must be HH:MM (24-hour)');

const variantSchema = z
  .object({
    name: z.string().trim().min(1).max(60),
    weight: z.number().positive().max(1000).default(1),
    subject: z.string().min(1).max(500),
    preheader: z.string().max(500).nullable().optional(),
    html: z.string().min(1).max(500_000),
    text: z.string().max(500_000).nullable().optional(),
  })
  .strict();

export const campaignFieldsSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    segmentKey: z.string().min(1).max(64),
    variants: z
      .array(variantSchema)
      .min(1)
      .max(10)
      .superRefine((variants, ctx) => {
        const seen = new Set<string>();
        variants.forEach((v, i) => {
          if (seen.has(v.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: 'variant names must be unique' });
          seen.add(v.name);
          for (const field of ['subject', 'preheader', 'html', 'text'] as const) {
            const source = v[field];
            if (!source) continue;
            const problem = templateError(source);
            if (problem) ctx.addIssue({ code: 'custom', path: [i, field], message: `Liquid: ${problem}` });
          }
        });
      }),
    holdoutPercent: z.number().min(0).max(99).default(0),
    scheduleType: z.enum(['now', 'at', 'recurring']).default('now'),
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
  })
  .superRefine((c, ctx) => {
    if (c.scheduleType === 'at' && !c.sendAt) ctx.addIssue({ code: 'custom', path: ['sendAt'], message: 'required when scheduleType is "at"' });
    if (c.scheduleType === 'recurring' && !c.cron) ctx.addIssue({ code: 'custom', path: ['cron'], message: 'required when scheduleType is "recurring"' });
  });

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
    if (input[key] !== undefined && !(input[key] === null && ['holdoutPercent', 'scheduleType', 'timezone', 'conversionWindowHours'].includes(key))) {
      fields[key] = input[key];
    }
  }
  const parsed = campaignFieldsSchema.safeParse(fields);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, errors: zodErrors(parsed.error) };
}

/** Stored row → definition (the row passed the guard when written). */
export function toDefinition(row: Record<string, unknown>): CampaignDefinition | null {
  const checked = checkCampaign(typeof row.variants === 'string' ? { ...row, variants: JSON.parse(row.variants) } : row);
  if (!checked.ok || !isCampaignStatus(row.status)) return null;
  const v = checked.value;
  return {
    documentId: String(row.documentId ?? row.document_id),
    name: v.name,
    segmentKey: v.segmentKey,
    variants: v.variants,
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
    status: row.status,
    scheduledAt: row.scheduledAt ? new Date(row.scheduledAt as string).toISOString() : null,
  };
}

export function cronFields(expression: string): CronFields {
  return cron.parse(expression) as unknown as CronFields;
}
