/**
 * The Placements page's view of one placement: which banner each segment's members get (and
 * everyone else), from the same `chooseBanner` the content API uses. Pure.
 */
import { chooseBanner, type BannerCandidate } from './placement';

export interface OverviewBanner extends BannerCandidate {
  title: string;
  locale: string | null;
  published: boolean;
  startsAt: string | null;
  endsAt: string | null;
  /** Now inside its schedule window. */
  live: boolean;
}

export interface SegmentRef {
  documentId: string;
  key: string;
  name: string;
}

export interface SegmentOutcome {
  /** null: a visitor in none of the targeted segments ("everyone else"). */
  segment: SegmentRef | null;
  /** The banner such a visitor is shown now, or null (404 from the content API). */
  banner: string | null;
  /** Every banner they could be shown, best first (targeted before untargeted, then priority). */
  ranked: string[];
}

/**
 * Per targeted segment, what a member of only that segment gets; then what a visitor in no
 * targeted segment gets. Only published banners inside their window count, as on the content API.
 */
export function outcomesBySegment(banners: readonly OverviewBanner[], segments: readonly SegmentRef[]): SegmentOutcome[] {
  const eligible = banners.filter((b) => b.published && b.live);
  const byRank = (a: BannerCandidate, b: BannerCandidate) =>
    Number(b.targets.length > 0) - Number(a.targets.length > 0) || b.priority - a.priority || a.id - b.id;
  const targetedKeys = new Set(banners.flatMap((b) => b.targets));
  const outcome = (segment: SegmentRef | null): SegmentOutcome => {
    const candidates = eligible.filter(
      (b) => b.targets.length === 0 || (segment !== null && b.targets.includes(segment.key))
    );
    return {
      segment,
      banner: chooseBanner(candidates)?.documentId ?? null,
      ranked: [...candidates].sort(byRank).map((b) => b.documentId),
    };
  };
  const rows = segments.filter((s) => targetedKeys.has(s.key)).map(outcome);
  rows.push(outcome(null));
  return rows;
}
