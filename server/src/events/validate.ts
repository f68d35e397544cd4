import { z } from 'zod';
import { isValidTimeZone } from '../rules/time';
import { ANONYMOUS_ID_PATTERN } from '../identity/visitor';
import { DAY_MS, EVENT_LIMITS } from './limits';
import { isPlainObject, jsonBytes, jsonDepth, nulPath } from './json-limits';

/**
 * Validation and normalisation of `POST /api/segments/events` bodies. Pure: the controller
 * passes the clock, the retention and whether the caller holds an API token.
 *
 * Two levels of failure: a body that is not a batch at all (400, nothing written) and single
 * events that break a rule (reported under `rejected` with their index, the rest accepted).
 */
export interface FieldError {
  path: string;
  message: string;
}

export interface ValidationOptions {
  now: number;
  rawEventsDays: number;
  /** Server-side callers with a Strapi API token may name the visitor per event. */
  isApiToken: boolean;
}

/** Who an event is about, when an API-token caller says so. */
export type EventSubject = { userId: number } | { anonymousId: string } | null;

export interface NormalizedEvent {
  index: number;
  name: string;
  occurredAt: number;
  properties: Record<string, unknown> | null;
  /** `properties.value` when numeric: summed in the daily rollups. */
  value: number | null;
  messageId: string | null;
  subject: EventSubject;
}

/** What the storefront tells about itself (time zone, locale, page), once per batch. */
export interface ClientContext {
  timezone?: string;
  locale?: string;
  referrer?: string;
  utm?: { source?: string; medium?: string; campaign?: string; term?: string; content?: string };
}

export interface ValidatedBatch {
  events: NormalizedEvent[];
  rejected: { index: number; errors: FieldError[] }[];
  context: ClientContext;
}

export type BatchResult = { ok: true; batch: ValidatedBatch } | { ok: false; errors: FieldError[] };

export { isValidTimeZone };

const NUL_MESSAGE = 'may not contain the NUL character (\\u0000)';
const shortText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((text) => !text.includes('\u0000'), NUL_MESSAGE);

const clientContextSchema = z
  .object({
    timezone: z
      .string()
      .max(64)
      .refine(isValidTimeZone, 'must be an IANA time zone such as Europe/Berlin'),
    locale: z
      .string()
      .regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/, 'must be a BCP 47 locale such as de-DE'),
    referrer: shortText(2000),
    utm: z
      .object({
        source: shortText(200),
        medium: shortText(200),
        campaign: shortText(200),
        term: shortText(200),
        content: shortText(200),
      })
      .partial()
      .strict(),
  })
  .partial()
  .strict();

/** Free-form JSON with the size, depth and key-count limits; `what` names it in messages. */
export function jsonObjectSchema(what: string, maxBytes: number) {
  return z.unknown().superRefine((value, ctx) => {
    if (!isPlainObject(value)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${what} must be a JSON object` });
      return;
    }
    if (Object.keys(value).length > EVENT_LIMITS.maxPropertiesKeys) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `${what} may have at most ${EVENT_LIMITS.maxPropertiesKeys} keys`,
      });
    }
    if (jsonDepth(value) > EVENT_LIMITS.maxPropertiesDepth) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `${what} may nest at most ${EVENT_LIMITS.maxPropertiesDepth} levels`,
      });
    }
    if (jsonBytes(value) > maxBytes) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `${what} may be at most ${maxBytes} bytes of JSON`,
      });
    }
    const nul = nulPath(value);
    if (nul) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: nul, message: NUL_MESSAGE });
    }
  });
}

const timestampSchema = z.union([
  z.number().int().nonnegative(),
  z
    .string()
    // ISO 8601 with a date and time; a bare date would silently mean midnight UTC.
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/, {
      message: 'must be an ISO 8601 date-time with a time zone, or epoch milliseconds',
    })
    .refine((s) => !Number.isNaN(Date.parse(s)), 'is not a valid date'),
]);

function eventSchema(options: ValidationOptions) {
  const oldest = options.now - options.rawEventsDays * DAY_MS;
  const newest = options.now + EVENT_LIMITS.maxFutureMs;
  const identityField = (schema: z.ZodTypeAny) =>
    options.isApiToken
      ? schema.optional()
      : z.undefined({
          errorMap: () => ({ message: 'only callers with an API token may name the visitor' }),
        });
  return z
    .object({
      name: z
        .string({ required_error: 'is required' })
        .regex(
          EVENT_LIMITS.namePattern,
          'must start with a letter and use up to 100 of A–Z a–z 0–9 _ . : -'
        ),
      timestamp: timestampSchema
        .transform((t) => (typeof t === 'number' ? t : Date.parse(t)))
        .refine((t) => t <= newest, 'may be at most 5 minutes in the future')
        .refine((t) => t >= oldest, `is older than the ${options.rawEventsDays}-day retention`)
        .optional(),
      properties: jsonObjectSchema('properties', EVENT_LIMITS.maxPropertiesBytes).optional(),
      messageId: z
        .string()
        .min(1)
        .max(EVENT_LIMITS.maxMessageIdLength)
        .refine((id) => !id.includes('\u0000'), NUL_MESSAGE)
        .optional(),
      userId: identityField(z.number().int().positive()),
      anonymousId: identityField(
        z.string().regex(ANONYMOUS_ID_PATTERN, 'must be 8–64 characters of A–Z, a–z, 0–9, _ or -')
      ),
    })
    .strict()
    .superRefine((event, ctx) => {
      if (event.userId !== undefined && event.anonymousId !== undefined) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['userId'],
          message: 'give either userId or anonymousId, not both',
        });
      }
      const value = isPlainObject(event.properties) ? event.properties.value : undefined;
      if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['properties', 'value'],
          message: 'must be a finite number (it is summed in the daily rollups)',
        });
      }
    });
}

/** `['events', 3, 'name']` → `events[3].name`. */
export function formatPath(path: (string | number)[]): string {
  return path.reduce<string>((out, part) => {
    if (typeof part === 'number') return `${out}[${part}]`;
    return out ? `${out}.${part}` : part;
  }, '');
}

const issuesToErrors = (error: z.ZodError, prefix: (string | number)[]): FieldError[] =>
  error.issues.map((issue) => ({
    path: formatPath([...prefix, ...issue.path]),
    message: issue.message,
  }));

/** Validates a whole batch; see the module comment for the two levels of failure. */
export function validateBatch(body: unknown, options: ValidationOptions): BatchResult {
  if (!isPlainObject(body)) {
    return {
      ok: false,
      errors: [{ path: '(body)', message: 'must be a JSON object with an events array' }],
    };
  }
  const unknownKeys = Object.keys(body).filter((key) => key !== 'events' && key !== 'context');
  if (unknownKeys.length) {
    return {
      ok: false,
      errors: unknownKeys.map((key) => ({ path: key, message: 'is not a known field' })),
    };
  }
  const { events } = body;
  if (!Array.isArray(events)) {
    return { ok: false, errors: [{ path: 'events', message: 'must be an array of events' }] };
  }
  if (events.length === 0) {
    return { ok: false, errors: [{ path: 'events', message: 'must contain at least one event' }] };
  }
  if (events.length > EVENT_LIMITS.maxEventsPerBatch) {
    return {
      ok: false,
      errors: [
        { path: 'events', message: `may contain at most ${EVENT_LIMITS.maxEventsPerBatch} events` },
      ],
    };
  }
  let context: ClientContext = {};
  if (body.context !== undefined) {
    const parsed = clientContextSchema.safeParse(body.context);
    if (!parsed.success) return { ok: false, errors: issuesToErrors(parsed.error, ['context']) };
    context = parsed.data;
  }

  const schema = eventSchema(options);
  const batch: ValidatedBatch = { events: [], rejected: [], context };
  events.forEach((raw, index) => {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      batch.rejected.push({ index, errors: issuesToErrors(parsed.error, ['events', index]) });
      return;
    }
    const event = parsed.data;
    if (options.isApiToken && event.userId === undefined && event.anonymousId === undefined) {
      batch.rejected.push({
        index,
        errors: [
          {
            path: formatPath(['events', index, 'userId']),
            message: 'an API-token caller must give userId or anonymousId for each event',
          },
        ],
      });
      return;
    }
    const properties = (event.properties as Record<string, unknown> | undefined) ?? null;
    const value = properties && typeof properties.value === 'number' ? properties.value : null;
    batch.events.push({
      index,
      name: event.name,
      occurredAt: event.timestamp ?? options.now,
      properties,
      value,
      messageId: event.messageId ?? null,
      subject:
        event.userId !== undefined
          ? { userId: event.userId }
          : event.anonymousId !== undefined
            ? { anonymousId: event.anonymousId }
            : null,
    });
  });
  return { ok: true, batch };
}
