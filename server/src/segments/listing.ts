import type { Knex } from 'knex';
import type { SegmentSummary } from '../contracts';
import { TABLES } from '../store/tables';

/** How many days of size history the list's sparklines show. */
export const TREND_DAYS = 30;

export interface SegmentRow {
  documentId: string;
  name: string;
  key: string;
  description: string | null;
  state: 'active' | 'archived';
  rule: unknown;
  updatedAt: string | Date | null;
}

/**
 * The admin list: segments with their latest size, when it was computed, and the daily sizes of
 * the last TREND_DAYS days — one query on segments_size_snapshots (its primary key
 * (segment_id, day) serves `segment_id IN … AND day >= …`).
 */
export async function summarizeSegments(
  knex: Knex,
  segments: SegmentRow[],
  now: Date = new Date()
): Promise<SegmentSummary[]> {
  const since = new Date(now.getTime() - (TREND_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
  const ids = segments.map((s) => s.documentId);
  const rows = ids.length
    ? ((await knex(TABLES.sizeSnapshots)
        .select('segment_id', 'day', 'size', 'computed_at')
        .whereIn('segment_id', ids)
        .andWhere('day', '>=', since)
        .orderBy(['segment_id', 'day'])) as Array<{
        segment_id: string;
        day: string;
        size: number | string;
        computed_at: number | string;
      }>)
    : [];
  // The latest snapshot may be older than the trend window: fetch it per segment that lacks one.
  const bySegment = new Map<string, typeof rows>();
  for (const row of rows) {
    const list = bySegment.get(row.segment_id) ?? [];
    list.push(row);
    bySegment.set(row.segment_id, list);
  }
  const stale = ids.filter((id) => !bySegment.has(id));
  const latestStale = new Map<string, (typeof rows)[number]>();
  for (const id of stale) {
    const last = await knex(TABLES.sizeSnapshots)
      .select('segment_id', 'day', 'size', 'computed_at')
      .where('segment_id', id)
      .orderBy('day', 'desc')
      .first();
    if (last) latestStale.set(id, last);
  }
  return segments.map((s) => {
    const trend = bySegment.get(s.documentId) ?? [];
    const latest = trend[trend.length - 1] ?? latestStale.get(s.documentId);
    return {
      documentId: s.documentId,
      name: s.name,
      key: s.key,
      description: s.description ?? null,
      state: s.state,
      rule: s.rule,
      updatedAt: s.updatedAt ? new Date(s.updatedAt).toISOString() : null,
      size: latest ? Number(latest.size) : null,
      lastComputedAt: latest ? new Date(Number(latest.computed_at)).toISOString() : null,
      trend: trend.map((r) => ({ day: r.day, size: Number(r.size) })),
    };
  });
}
