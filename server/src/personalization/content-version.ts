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
