import { JSON_LIMITS } from '../utils/json-input';

/** Limits of the events API (README "Content API"). One place, so docs, checks and tests agree. */
export const EVENT_LIMITS = {
  maxEventsPerBatch: 500,
  maxBodyBytes: 1024 * 1024,
  /** Letters first, then letters, digits, `_ . : -`; the column holds 100 characters. */
  namePattern: /^[A-Za-z][A-Za-z0-9_.:-]{0,99}$/,
  maxFutureMs: 5 * 60 * 1000,
  maxPropertiesBytes: 8 * 1024,
  maxPropertiesDepth: JSON_LIMITS.maxDepth,
  maxPropertiesKeys: JSON_LIMITS.maxKeys,
  maxMessageIdLength: 100,
} as const;
