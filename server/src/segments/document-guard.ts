import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { PluginConfig } from '../config';
import { checkSegmentWrite, referrersOf, SEGMENT_USES, type StoredSegment } from './check-write';
import { TABLES } from '../store/tables';
import { SEGMENT_UID } from '../store/uids';
import { pluginKnex } from '../store/transaction';

/** Read-only attributes written by the recompute (`writable: false` in the schema). */
export const COMPUTED_FIELDS = ['computedSize', 'computedAt'] as const;

/**
 * A document-service middleware: every create or update of a segment — from the Content Manager,
 * the REST API or code calling `strapi.documents()` — passes `checkSegmentWrite` first, and is
 * refused with a ValidationError (HTTP 400) listing `{ path, message }` for each problem.
 */
export function registerSegmentWriteGuard(strapi: Core.Strapi): void {
  strapi.documents.use(async (context, next) => {
    if (context.uid !== SEGMENT_UID) return next();
    if (context.action === 'delete') {
      const target = await refuseReferencedDelete(
        strapi,
        (context.params as { documentId?: string }).documentId
      );
      const result = await next();
      if (target) await removeDerivedData(strapi, target.documentId);
      return result;
    }
    if (context.action !== 'create' && context.action !== 'update') return next();
    const params = context.params as { documentId?: string; data?: Record<string, unknown> };
    const existing = (await strapi.db
      .query(SEGMENT_UID)
      .findMany({ select: ['documentId', 'key', 'rule'] })) as StoredSegment[];
    const current = params.documentId
      ? existing.find((s) => s.documentId === params.documentId)
      : undefined;
    const data = params.data ?? {};
    // Size and time of the last computation are the recompute's to write, nobody else's.
    for (const field of COMPUTED_FIELDS) delete data[field];
    if (context.action === 'create' && data.uses === undefined) data.uses = [...SEGMENT_USES];
    const write = {
      documentId: params.documentId,
      key: String(data.key ?? current?.key ?? ''),
      rule: 'rule' in data ? data.rule : current?.rule,
      ...('uses' in data ? { uses: data.uses } : {}),
    };
    const config = strapi.config.get('plugin::segments') as PluginConfig;
    const problems = checkSegmentWrite(write, existing, {
      retentionDays: config.retention.rawEventsDays,
    });
    if (problems.length > 0) {
      throw new errors.ValidationError(
        `Invalid segment: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
        { errors: problems }
      );
    }
    const result = await next();
    strapi.plugin('segments').service('segments').invalidateDefinitions();
    return result;
  });
}

/** A referenced segment cannot be deleted: its referrers would silently lose members. */
async function refuseReferencedDelete(strapi: Core.Strapi, documentId: string | undefined) {
  const existing = (await strapi.db
    .query(SEGMENT_UID)
    .findMany({ select: ['documentId', 'key', 'rule'] })) as StoredSegment[];
  const target = existing.find((s) => s.documentId === documentId);
  if (!target) return null;
  const referrers = referrersOf(target.key, existing);
  if (referrers.length > 0) {
    const message = `the segment "${target.key}" is referenced by ${referrers.join(', ')}`;
    throw new errors.ValidationError(message, { errors: [{ path: 'documentId', message }] });
  }
  return target;
}

/** Memberships, transitions and size history go with their segment. */
async function removeDerivedData(strapi: Core.Strapi, documentId: string): Promise<void> {
  const knex = pluginKnex(strapi);
  for (const table of [TABLES.memberships, TABLES.membershipTransitions, TABLES.sizeSnapshots]) {
    await knex(table).where('segment_id', documentId).delete();
  }
  strapi.plugin('segments').service('segments').invalidateDefinitions();
}
