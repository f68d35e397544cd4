import type { Knex } from 'knex';
import { TABLES } from '../store/tables';

/** The current version of a cached content family (0 before its first write). */
export async function readContentVersion(db: Knex, key: string): Promise<number> {
  const row = (await db(TABLES.contentVersions).where({ key }).first('version')) as
    | { version: number | string }
    | undefined;
  return row ? Number(row.version) : 0;
}

/** Bumps a family's version in one statement (the row is created on the family's first write). */
export async function bumpContentVersion(db: Knex, key: string): Promise<void> {
  await db(TABLES.contentVersions)
    .insert({ key, version: 1 })
    .onConflict('key')
    .merge({ version: db.raw('?? + 1', [`${TABLES.contentVersions}.version`]) });
}

/**
 * Values cached per key while their content version is unchanged and they are younger than
 * `ttlMs` (which bounds what the version does not see: writes straight to the database). A
 * failed load is forgotten; past `maxEntries` the oldest entry goes.
 */
export function versionedCache<T>(ttl: number | (() => number), max: number | (() => number)) {
  // Bounds given as functions are read at each use (configuration, complete after register).
  const ttlMs = () => (typeof ttl === 'function' ? ttl() : ttl);
  const maxEntries = () => (typeof max === 'function' ? max() : max);
  const entries = new Map<string, { at: number; version: number; value: Promise<T> }>();
  return {
    get(key: string, version: number, load: () => Promise<T>): Promise<T> {
      const hit = entries.get(key);
      if (hit && hit.version === version && Date.now() - hit.at < ttlMs()) return hit.value;
      const entry = { at: Date.now(), version, value: load() };
      entry.value.catch(() => {
        if (entries.get(key) === entry) entries.delete(key);
      });
      entries.set(key, entry);
      if (entries.size > maxEntries()) entries.delete(entries.keys().next().value as string);
      return entry.value;
    },
    clear: () => entries.clear(),
  };
}
