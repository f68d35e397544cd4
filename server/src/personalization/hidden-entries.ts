import type { Core } from '@strapi/strapi';
import { SEGMENT_UID, TARGETS_FIELD } from './targeting';

/** Above this many hidden rows the caller keeps the join filter (bind-parameter limits, plan size). */
export const MAX_HIDDEN_IDS = 1000;

interface JoinTable {
  name: string;
  joinColumn: { name: string };
  inverseJoinColumn: { name: string };
}

/**
 * Row ids of a targeting-enabled type that the visitor must not see: rows with at least one
 * target and none among the visitor's segments. One small query on the targets link table; the
 * caller then filters the page query and its count by `id NOT IN (…)` instead of joining the link
 * and segment tables into both (Strapi adds DISTINCT and walks the relation filter per request —
 * the bulk of what targeting cost a list read). Read per request, never cached, so every
 * instance sees a target the moment it is saved. Returns null when the link table is not known
 * or too many rows are hidden (the caller falls back to the relation filter).
 */
export async function hiddenRowIds(
  strapi: Core.Strapi,
  uid: string,
  segmentKeys: readonly string[]
): Promise<number[] | null> {
  const attribute = strapi.db.metadata.get(uid as never)?.attributes?.[TARGETS_FIELD] as
    | { joinTable?: JoinTable }
    | undefined;
  const join = attribute?.joinTable;
  const segments = strapi.db.metadata.get(SEGMENT_UID as never)?.tableName;
  if (!join || !segments) return null;
  const knex = strapi.db.connection;
  const row = `${join.name}.${join.joinColumn.name}`;
  const query = knex(join.name).distinct({ id: row });
  if (segmentKeys.length) {
    query.whereNotIn(
      row,
      knex(join.name)
        .join(segments, `${segments}.id`, `${join.name}.${join.inverseJoinColumn.name}`)
        .whereIn(`${segments}.key`, [...segmentKeys])
        .select(row)
    );
  }
  const rows = (await query.limit(MAX_HIDDEN_IDS + 1)) as Array<{ id: number | string }>;
  if (rows.length > MAX_HIDDEN_IDS) return null;
  return rows.map((r) => Number(r.id));
}
