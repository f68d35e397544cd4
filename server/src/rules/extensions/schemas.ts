/**
 * The shapes (zod) of the extension operands — `$event`, `$date`, `$geo`, `$sample`, `$segment` —
 * with the messages an editor sees when an operand is malformed.
 */
import { z } from 'zod';

const ISO_INSTANT =
  /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/;

/** A date (`YYYY-MM-DD`, midnight UTC) or a date-time with an explicit zone. */
export function isIsoInstant(value: unknown): value is string {
  return typeof value === 'string' && ISO_INSTANT.test(value) && Number.isFinite(Date.parse(value));
}

const wholeNumber = z.number().int('must be a whole number');

const positiveWhole = wholeNumber.min(1, 'must be at least 1');

const isoInstant = z
  .string()
  .refine(isIsoInstant, 'must be an ISO 8601 date (YYYY-MM-DD) or date-time with a zone');

function exactlyOneOf(keys: string[]) {
  return (value: Record<string, unknown>, ctx: z.RefinementCtx) => {
    const present = keys.filter((key) => value[key] !== undefined);
    if (present.length !== 1) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message:
          present.length === 0
            ? `needs one of ${keys.join(', ')}`
            : `takes only one of ${present.join(', ')}`,
      });
    }
  };
}

export const durationSchema = z
  .object({ days: positiveWhole.optional(), hours: positiveWhole.optional() })
  .strict()
  .superRefine(exactlyOneOf(['days', 'hours']));

export const windowSchema = z
  .object({
    days: positiveWhole.optional(),
    hours: positiveWhole.optional(),
    from: isoInstant.optional(),
    to: isoInstant.optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    const relative = ['days', 'hours'].filter(
      (key) => value[key as 'days' | 'hours'] !== undefined
    );
    const absolute = value.from !== undefined || value.to !== undefined;
    if (relative.length + (absolute ? 1 : 0) !== 1) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: 'needs exactly one of days, hours, or from/to',
      });
    }
    if (value.from !== undefined && value.to !== undefined) {
      if (!(Date.parse(value.from) < Date.parse(value.to))) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['to'], message: 'must be after from' });
      }
    }
  });

export const dateConditionSchema = z
  .object({
    $before: durationSchema.optional(),
    $within: durationSchema.optional(),
    $gt: isoInstant.optional(),
    $gte: isoInstant.optional(),
    $lt: isoInstant.optional(),
    $lte: isoInstant.optional(),
  })
  .strict()
  .refine((value) => Object.values(value).some((bound) => bound !== undefined), {
    message: 'needs $before, $within, $gt, $gte, $lt or $lte',
  });

export const MEASURE_KEYS = ['count', 'activeDays', 'sum', 'avg', 'first', 'last'] as const;

export type MeasureKind = (typeof MEASURE_KEYS)[number];

export const eventSchema = z
  .object({
    name: z.string().min(1, 'must name an event'),
    where: z.record(z.unknown()).optional(),
    within: windowSchema.optional(),
    property: z.string().min(1).optional(),
    // Numeric measures take GrowthBook value conditions; the validator checks them itself.
    count: z.unknown().optional(),
    activeDays: z.unknown().optional(),
    sum: z.unknown().optional(),
    avg: z.unknown().optional(),
    first: dateConditionSchema.optional(),
    last: dateConditionSchema.optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    const measures = MEASURE_KEYS.filter((key) => value[key] !== undefined);
    if (measures.length > 1) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `takes one measure, got ${measures.join(', ')}`,
      });
    }
    if (value.property !== undefined && !(value.sum !== undefined || value.avg !== undefined)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['property'],
        message: 'only applies to sum and avg',
      });
    }
  });

export const dateSchema = z
  .object({
    attribute: z.string().min(1, 'must name an attribute'),
    olderThan: durationSchema.optional(),
    newerThan: durationSchema.optional(),
    anniversaryWithin: z
      .object({ days: wholeNumber.min(0, 'must be 0 or more').max(366, 'must be at most 366') })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (!value.olderThan && !value.newerThan && !value.anniversaryWithin) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: 'needs olderThan, newerThan or anniversaryWithin',
      });
    }
  });

export const geoSchema = z
  .object({
    near: z
      .object({
        lat: z.number().min(-90, 'must be within -90..90').max(90, 'must be within -90..90'),
        lng: z.number().min(-180, 'must be within -180..180').max(180, 'must be within -180..180'),
      })
      .strict(),
    radiusKm: z.number().positive('must be greater than 0').finite(),
  })
  .strict();

export const sampleSchema = z
  .object({
    seed: z.string().min(1, 'must not be empty'),
    percent: z.number().min(0, 'must be within 0..100').max(100, 'must be within 0..100'),
  })
  .strict();

export const segmentSchema = z.string().min(1, 'must name a segment');

export type DateSpec = z.infer<typeof dateSchema>;

export type GeoSpec = z.infer<typeof geoSchema>;

export type SampleSpec = z.infer<typeof sampleSchema>;
