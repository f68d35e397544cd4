import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { FieldError } from '../contracts';
import { bannerProblems } from './placement';
import { experimentProblems } from './experiment';
import { isTargetingEnabled, TARGETS_FIELD, type ModelLike } from './targeting';
import { SEGMENT_UID } from '../store/uids';
import { BANNER_UID, EXPERIMENT_UID } from '../store/uids';


/**
 * Every create or update of a banner or an experiment — Content Manager, REST or code — is
 * checked first and refused with a ValidationError (HTTP 400) naming each offending field.
 */
export function registerPersonalizationWriteGuard(strapi: Core.Strapi): void {
  strapi.documents.use(async (context, next) => {
    if (context.uid === SEGMENT_UID && context.action === 'delete') {
      await refuseDeletingTargetedSegment(strapi, (context.params as { documentId?: string }).documentId);
      return next();
    }
    if (context.uid !== BANNER_UID && context.uid !== EXPERIMENT_UID) return next();
    if (READS.has(context.action)) return next();
    if (context.action !== 'create' && context.action !== 'update') {
      const result = await next();
      await invalidatePlacements(strapi);
      return result;
    }
    const params = context.params as { documentId?: string; data?: Record<string, unknown> };
    const existing = params.documentId
      ? ((await strapi.db.query(context.uid).findOne({ where: { documentId: params.documentId } })) as
          | Record<string, unknown>
          | null)
      : null;
    const merged = { ...(existing ?? {}), ...(params.data ?? {}) };
    const problems =
      context.uid === BANNER_UID ? bannerProblems(merged) : await experimentWriteProblems(strapi, merged, params.documentId);
    if (problems.length) {
      throw new errors.ValidationError(
        `Invalid ${context.uid === BANNER_UID ? 'banner' : 'experiment'}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
        { errors: problems }
      );
    }
    const result = await next();
    await invalidatePlacements(strapi);
    return result;
  });
}

/**
 * Deleting a segment would silently unlink it from the entries it targets — and an entry with
 * no target is shown to everyone. Refused while anything targets it (archive it instead: an
 * archived segment has no members, so its content is hidden).
 */
async function refuseDeletingTargetedSegment(strapi: Core.Strapi, documentId: string | undefined) {
  if (!documentId) return;
  const users: string[] = [];
  for (const contentType of Object.values(strapi.contentTypes)) {
    if (!isTargetingEnabled(contentType as unknown as ModelLike)) continue;
    const count = await strapi.db
      .query(contentType.uid as never)
      .count({ where: { [TARGETS_FIELD]: { documentId } } });
    if (count > 0) users.push(`${contentType.uid} (${count})`);
  }
  if (users.length) {
    const message = `the segment targets content (${users.join(', ')}): remove it from those entries or archive the segment`;
    throw new errors.ValidationError(message, { errors: [{ path: 'documentId', message }] });
  }
}

const READS = new Set(['findMany', 'findFirst', 'findOne', 'count']);

/**
 * Placements cache published banners and experiments: any write drops that cache here and bumps
 * the version every instance checks (after the write, so nobody reloads the old content under the
 * new version).
 */
function invalidatePlacements(strapi: Core.Strapi): Promise<void> {
  return strapi.plugin('segments').service('personalization').invalidatePlacements();
}

async function experimentWriteProblems(
  strapi: Core.Strapi,
  data: Record<string, unknown>,
  documentId: string | undefined
): Promise<FieldError[]> {
  const problems = experimentProblems(data);
  if (problems.length) return problems;
  const variants = data.variants as Array<{ banner: string }>;
  const banners = (await strapi.db.query(BANNER_UID).findMany({
    where: { documentId: { $in: variants.map((v) => v.banner) } },
    select: ['documentId', 'placement'],
  })) as Array<{ documentId: string; placement: string }>;
  variants.forEach((v, i) => {
    const banner = banners.find((b) => b.documentId === v.banner);
    if (!banner) problems.push({ path: `variants.${i}.banner`, message: `no banner with documentId "${v.banner}"` });
    else if (banner.placement !== data.placement) {
      problems.push({
        path: `variants.${i}.banner`,
        message: `belongs to placement "${banner.placement}", not "${String(data.placement)}"`,
      });
    }
  });
  if (data.state === 'running') {
    const others = (await strapi.db.query(EXPERIMENT_UID).findMany({
      where: { placement: data.placement, state: 'running', ...(documentId ? { documentId: { $ne: documentId } } : {}) },
      select: ['key'],
    })) as Array<{ key: string }>;
    if (others.length) {
      problems.push({
        path: 'state',
        message: `experiment "${others[0].key}" already runs on placement "${String(data.placement)}"`,
      });
    }
  }
  return problems;
}
