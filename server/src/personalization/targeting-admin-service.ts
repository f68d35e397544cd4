import type { Core } from '@strapi/strapi';
import { outcomesBySegment, type OverviewBanner, type SegmentRef } from './overview';
import { BANNER_UID, EXPERIMENT_UID, SEGMENT_UID } from '../store/uids';
import { TABLES } from '../store/tables';
import { getService } from '../shell/get-service';

interface BannerRow {
  id: number;
  documentId: string;
  title: string;
  placement: string;
  locale: string | null;
  publishedAt: string | null;
  startsAt: string | null;
  endsAt: string | null;
  segmentsPriority: number | null;
  segmentsTargets?: Array<{ documentId: string; key: string; name: string }>;
}

/** Admin-side reads and writes behind the Content Manager targeting panel and the Placements page. */
const targetingAdminService = ({ strapi }: { strapi: Core.Strapi }) => {
  const knex = () => getService(strapi, 'store').knex();

  return {
    /**
     * "Who will see this": the number of profiles in at least one of the segments (members as
     * of each segment's last recompute), out of all known profiles.
     */
    async estimate(segmentIds: string[]) {
      const db = knex();
      const total = Number(((await db(TABLES.profiles).count({ n: '*' })) as Array<{ n: number | string }>)[0]?.n ?? 0);
      if (segmentIds.length === 0) return { everyone: true, size: total, totalProfiles: total, segments: [] };
      const rows = (await strapi.db.query(SEGMENT_UID).findMany({
        where: { documentId: { $in: segmentIds } },
        select: ['documentId', 'key', 'name', 'computedSize', 'computedAt'],
      })) as Array<{ documentId: string; key: string; name: string; computedSize: number | null; computedAt: string | null }>;
      const known = new Set(rows.map((r) => r.documentId));
      const missing = segmentIds.filter((id) => !known.has(id));
      if (missing.length) return { missing };
      const union = (await db(TABLES.memberships)
        .whereIn('segment_id', segmentIds)
        .countDistinct({ n: 'profile_id' })) as Array<{ n: number | string }>;
      return {
        everyone: false,
        size: Number(union[0]?.n ?? 0),
        totalProfiles: total,
        segments: rows.map((r) => ({
          documentId: r.documentId,
          key: r.key,
          name: r.name,
          size: r.computedSize === null || r.computedSize === undefined ? null : Number(r.computedSize),
          computedAt: r.computedAt,
        })),
      };
    },

    /** Every placement with its banners, what each segment gets there, and its experiments. */
    async placements() {
      const now = Date.now();
      const rows = (await strapi.db.query(BANNER_UID).findMany({
        select: ['id', 'documentId', 'title', 'placement', 'locale', 'publishedAt', 'startsAt', 'endsAt', 'segmentsPriority'],
        populate: { segmentsTargets: { select: ['documentId', 'key', 'name'] } },
        orderBy: [{ placement: 'asc' }, { id: 'asc' }],
        limit: 5000,
      } as never)) as unknown as BannerRow[];
      // One line per banner document and locale: the published version when there is one (what
      // the content API serves), else the draft.
      const versions = new Map<string, BannerRow>();
      for (const row of rows) {
        const key = `${row.documentId}\u0000${row.locale ?? ''}`;
        const previous = versions.get(key);
        if (!previous || (!previous.publishedAt && row.publishedAt)) versions.set(key, row);
      }
      const time = (v: string | null) => (v ? new Date(v).getTime() : NaN);
      const experiments = (await strapi.db.query(EXPERIMENT_UID).findMany({
        select: ['documentId', 'key', 'name', 'placement', 'state', 'variants', 'coverage', 'conversionEvent'],
        orderBy: { key: 'asc' },
        limit: 1000,
      })) as Array<Record<string, unknown> & { placement: string }>;

      const byPlacement = new Map<string, OverviewBanner[]>();
      const segments = new Map<string, SegmentRef>();
      for (const row of versions.values()) {
        for (const t of row.segmentsTargets ?? []) segments.set(t.key, { documentId: t.documentId, key: t.key, name: t.name });
        const banner: OverviewBanner = {
          id: Number(row.id),
          documentId: row.documentId,
          title: row.title,
          locale: row.locale,
          published: Boolean(row.publishedAt),
          startsAt: row.startsAt,
          endsAt: row.endsAt,
          live: !(time(row.startsAt) > now) && !(time(row.endsAt) <= now),
          priority: Number(row.segmentsPriority ?? 0),
          targets: (row.segmentsTargets ?? []).map((t) => t.key),
        };
        const list = byPlacement.get(row.placement) ?? [];
        list.push(banner);
        byPlacement.set(row.placement, list);
      }
      for (const e of experiments) if (!byPlacement.has(e.placement)) byPlacement.set(e.placement, []);
      const sortedSegments = [...segments.values()].sort((a, b) => a.name.localeCompare(b.name));

      return [...byPlacement.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([placement, banners]) => {
          // Outcomes per locale: a storefront asks for one locale at a time.
          const locales = [...new Set(banners.map((b) => b.locale ?? ''))].sort();
          return {
            placement,
            banners: banners.map((b) => ({
              ...b,
              targets: b.targets.map((k) => segments.get(k) ?? { documentId: '', key: k, name: k }),
            })),
            outcomes: locales.map((locale) => ({
              locale: locale || null,
              rows: outcomesBySegment(
                banners.filter((b) => (b.locale ?? '') === locale),
                sortedSegments
              ),
            })),
            experiments: experiments
              .filter((e) => e.placement === placement)
              .map((e) => ({
                documentId: e.documentId,
                key: e.key,
                name: e.name,
                state: e.state,
                variants: e.variants,
                coverage: e.coverage === null || e.coverage === undefined ? 1 : Number(e.coverage),
                conversionEvent: e.conversionEvent ?? null,
              })),
          };
        });
    },

    /** Variants/weights/coverage/state of an experiment, through the document service (write guard). */
    async updateExperiment(documentId: string, data: Record<string, unknown>) {
      const existing = await strapi.db.query(EXPERIMENT_UID).findOne({ where: { documentId }, select: ['id'] });
      if (!existing) return null;
      return strapi.documents(EXPERIMENT_UID as never).update({ documentId, data } as never);
    },
  };
};

export default targetingAdminService;
export type TargetingAdminService = ReturnType<typeof targetingAdminService>;
declare module '../shell/get-service' {
  interface PluginServices {
    targetingAdmin: TargetingAdminService;
  }
}
