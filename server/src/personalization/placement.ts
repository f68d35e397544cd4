/**
 * Choosing the banner of a placement. Pure: the shell loads the candidates (published, inside
 * their window, visible to the visitor under targeting) and this decides.
 */
import { z } from 'zod';
import type { FieldError } from '../contracts';

export const PLACEMENT_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;
const LOCALE_PATTERN = /^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$/;

export interface BannerCandidate {
  documentId: string;
  /** Keys of the segments it targets; empty = untargeted (everyone). */
  targets: string[];
  priority: number;
  id: number;
}

/**
 * The best banner: a targeted banner the visitor matches beats any untargeted one (the editor
 * meant it for them); among equals the highest priority wins, then the oldest entry (lowest id)
 * so the answer is stable. Untargeted banners are the fallback.
 */
export function chooseBanner<T extends BannerCandidate>(candidates: readonly T[]): T | null {
  const byRank = (a: T, b: T) => b.priority - a.priority || a.id - b.id;
  const targeted = candidates.filter((c) => c.targets.length > 0).sort(byRank);
  if (targeted.length) return targeted[0];
  const fallback = candidates.filter((c) => c.targets.length === 0).sort(byRank);
  return fallback[0] ?? null;
}

const placementParams = z
  .object({
    placement: z.string().max(64).regex(PLACEMENT_PATTERN, 'must be a slug (a-z, 0-9, _ and -)'),
    locale: z.string().max(35).regex(LOCALE_PATTERN, 'must be a locale code such as en or fr-FR').optional(),
  })
  .passthrough();

/** The placement key and optional locale of a request, or the problems naming each field. */
export function parsePlacementRequest(
  input: unknown
): { ok: true; placement: string; locale?: string } | { ok: false; errors: FieldError[] } {
  const result = placementParams.safeParse(input);
  if (result.success) return { ok: true, placement: result.data.placement, locale: result.data.locale };
  return {
    ok: false,
    errors: result.error.issues.map((i) => ({ path: i.path.join('.') || 'placement', message: i.message })),
  };
}

const ctaUrl = /^(https?:\/\/[^\s]+|\/[^\s]*)$/;

/** Banner write checks beyond the schema: a CTA URL that is a link, a window that is not empty. */
export function bannerProblems(data: {
  ctaUrl?: unknown;
  ctaLabel?: unknown;
  startsAt?: unknown;
  endsAt?: unknown;
}): FieldError[] {
  const problems: FieldError[] = [];
  if (typeof data.ctaUrl === 'string' && data.ctaUrl !== '' && !ctaUrl.test(data.ctaUrl)) {
    problems.push({ path: 'ctaUrl', message: 'must be an http(s) URL or a path starting with /' });
  }
  if (data.ctaLabel && !data.ctaUrl) {
    problems.push({ path: 'ctaUrl', message: 'is required when ctaLabel is set' });
  }
  const start = data.startsAt ? Date.parse(String(data.startsAt)) : NaN;
  const end = data.endsAt ? Date.parse(String(data.endsAt)) : NaN;
  if (!Number.isNaN(start) && !Number.isNaN(end) && end <= start) {
    problems.push({ path: 'endsAt', message: 'must be after startsAt' });
  }
  return problems;
}
