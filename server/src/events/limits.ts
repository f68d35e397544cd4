/** Limits of the events API (README "Content API"). One place, so docs, checks and tests agree. */
export const EVENT_LIMITS = {
  maxEventsPerBatch: 500,
  maxBodyBytes: 1024 * 1024,
  /** Letters first, then letters, digits, `_ . : -`; the column holds 100 characters. */
  namePattern: /^[A-Za-z][A-Za-z0-9_.:-]{0,99}$/,
  maxFutureMs: 5 * 60 * 1000,
  maxPropertiesBytes: 8 * 1024,
  maxPropertiesDepth: 5,
  maxPropertiesKeys: 100,
  maxMessageIdLength: 100,
  maxTraitsBytes: 16 * 1024,
} as const;

export const DAY_MS = 24 * 60 * 60 * 1000;

/** UTC calendar day of an epoch-ms instant, `YYYY-MM-DD` (the format of every day column). */
export const utcDay = (epochMs: number): string => new Date(epochMs).toISOString().slice(0, 10);
