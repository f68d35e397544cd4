import { z } from 'zod';
import type { FieldError } from '../contracts';
import { isValidTimeZone } from '../rules/time';
import { ANONYMOUS_ID_PATTERN } from '../profiles/visitor';
import { EVENT_LIMITS } from './limits';
import { DAY_MS } from '../utils/days';
import { formatPath, isPlainObject, jsonBytes, jsonDepth, jsonObjectSchema, NUL_MESSAGE, nulPath } from '../utils/json-input';

/**
 * Validation and normalisation of `POST /api/segments/events` bodies. Pure: the controller
 * passes the clock, the retention and whether the caller holds an API token.
 *
 * Two levels of failure: a body that is not a batch at all (400, nothing written) and single
 * events that break a rule (reported under `rejected` with their index, the rest accepted).
 */
export type { FieldError };

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

export { formatPath, isValidTimeZone, jsonObjectSchema };

/** The instants an event's timestamp may take: within retention, at most 5 minutes ahead. */
function eventWindow(options: ValidationOptions) {
  return {
    oldest: options.now - options.rawEventsDays * DAY_MS,
    newest: options.now + EVENT_LIMITS.maxFutureMs,
  };
}

const EVENT_KEYS = new Set(['name', 'timestamp', 'properties', 'messageId', 'userId', 'anonymousId']);
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

const noNul = (text: string) => !text.includes('\u0000');

const shortText = (max: number) =>
  z
    .string()
    .max(max)
    .refine(noNul, NUL_MESSAGE);

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


const timestampSchema = z.union([
  z.number().int().nonnegative(),
  z
    .string()
    // ISO 8601 with a date and time; a bare date would silently mean midnight UTC.
    .regex(ISO_DATE_TIME, {
      message: 'must be an ISO 8601 date-time with a time zone, or epoch milliseconds',
    })
    .refine((s) => !Number.isNaN(Date.parse(s)), 'is not a valid date'),
]);

function eventSchema(options: ValidationOptions) {
  const { oldest, newest } = eventWindow(options);
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
        .refine(noNul, NUL_MESSAGE)
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


const issuesToErrors = (error: z.ZodError, prefix: (string | number)[]): FieldError[] =>
  error.issues.map((issue) => ({
    path: formatPath([...prefix, ...issue.path]),
    message: issue.message,
  }));

/**
 * The normalised event when `raw` obviously keeps every rule of `eventSchema`, else `null`
 * (the schema then decides, and names what is wrong). It may answer `null` for a valid event,
 * never an event the schema would reject: test/unit/events/validate-fast-path.test.ts checks
 * both paths give the same answer over generated valid and broken events.
 */
export function acceptWellFormedEvent(
  raw: unknown,
  index: number,
  window: { oldest: number; newest: number },
  options: ValidationOptions
): NormalizedEvent | null {
  if (typeof raw !== 'object' || raw === null || Object.getPrototypeOf(raw) !== Object.prototype)
    return null;
  const event = raw as Record<string, unknown>;
  for (const key of Object.keys(event)) if (!EVENT_KEYS.has(key)) return null;
  const { name, timestamp, properties, messageId, userId, anonymousId } = event;
  if (typeof name !== 'string' || !EVENT_LIMITS.namePattern.test(name)) return null;

  let occurredAt = options.now;
  if (typeof timestamp === 'number') {
    if (!Number.isInteger(timestamp) || timestamp < 0) return null;
    occurredAt = timestamp;
  } else if (typeof timestamp === 'string') {
    if (!ISO_DATE_TIME.test(timestamp)) return null;
    occurredAt = Date.parse(timestamp);
    if (Number.isNaN(occurredAt)) return null;
  } else if (timestamp !== undefined) return null;
  if (timestamp !== undefined && (occurredAt > window.newest || occurredAt < window.oldest))
    return null;

  let value: number | null = null;
  if (properties !== undefined) {
    if (!isPlainObject(properties)) return null;
    if (Object.keys(properties).length > EVENT_LIMITS.maxPropertiesKeys) return null;
    if (jsonDepth(properties) > EVENT_LIMITS.maxPropertiesDepth) return null;
    if (jsonBytes(properties) > EVENT_LIMITS.maxPropertiesBytes) return null;
    if (nulPath(properties)) return null;
    const candidate = properties.value;
    if (candidate !== undefined) {
      if (typeof candidate !== 'number' || !Number.isFinite(candidate)) return null;
      value = candidate;
    }
  }
  if (
    messageId !== undefined &&
    (typeof messageId !== 'string' ||
      messageId.length < 1 ||
      messageId.length > EVENT_LIMITS.maxMessageIdLength ||
      !noNul(messageId))
  )
    return null;

  let subject: EventSubject = null;
  if (!options.isApiToken) {
    if (userId !== undefined || anonymousId !== undefined) return null;
  } else if (userId !== undefined) {
    if (anonymousId !== undefined) return null;
    if (typeof userId !== 'number' || !Number.isInteger(userId) || userId <= 0) return null;
    subject = { userId };
  } else if (anonymousId !== undefined) {
    if (typeof anonymousId !== 'string' || !ANONYMOUS_ID_PATTERN.test(anonymousId)) return null;
    subject = { anonymousId };
  } else return null; // an API-token caller must name the visitor: the slow path says so

  return {
    index,
    name,
    occurredAt,
    properties: (properties as Record<string, unknown> | undefined) ?? null,
    value,
    messageId: (messageId as string | undefined) ?? null,
    subject,
  };
}

/**
 * One event through the zod schema: the normalised event, or every rule it breaks. `schema`
 * is `eventSchema(options)`, built once per batch by the caller.
 */
export function validateEventBySchema(
  raw: unknown,
  index: number,
  options: ValidationOptions,
  schema: ReturnType<typeof eventSchema> = eventSchema(options)
): { event: NormalizedEvent } | { errors: FieldError[] } {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { errors: issuesToErrors(parsed.error, ['events', index]) };
  const event = parsed.data;
  if (options.isApiToken && event.userId === undefined && event.anonymousId === undefined) {
    return {
      errors: [
        {
          path: formatPath(['events', index, 'userId']),
          message: 'an API-token caller must give userId or anonymousId for each event',
        },
      ],
    };
  }
  const properties = (event.properties as Record<string, unknown> | undefined) ?? null;
  const value = properties && typeof properties.value === 'number' ? properties.value : null;
  return {
    event: {
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
    },
  };
}

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

  // The zod schema reports every rule an event breaks; a well-formed event — nearly all of
  // them — is accepted by `acceptWellFormedEvent` without it (building the schema and parsing
  // 100 events with it took ~3 ms of CPU, against ~0.3 ms). The schema is built only when an
  // event needs it.
  let schema: ReturnType<typeof eventSchema> | undefined;
  const window = eventWindow(options);
  const batch: ValidatedBatch = { events: [], rejected: [], context };
  events.forEach((raw, index) => {
    const fast = acceptWellFormedEvent(raw, index, window, options);
    if (fast) {
      batch.events.push(fast);
      return;
    }
    const checked = validateEventBySchema(raw, index, options, (schema ??= eventSchema(options)));
    if ('errors' in checked) batch.rejected.push({ index, errors: checked.errors });
    else batch.events.push(checked.event);
  });
  return { ok: true, batch };
}
