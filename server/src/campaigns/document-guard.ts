import type { Core } from '@strapi/strapi';
import { usesOf } from '../segments/check-write';
import { errors } from '@strapi/utils';
import { checkCampaign, type FieldError } from './definition';
import { isCampaignState, isEditable, transitionError, type CampaignState } from './state';
import { TABLES } from '../store/tables';
import { CAMPAIGN_UID, SEGMENT_UID } from '../store/uids';
import { pluginKnex } from '../store/transaction';
import { urlProblem } from '../outbound/address-guard';
import { newWebhookSecret } from './channels/webhook-content';
import type { PluginConfig } from '../config';

const pluginConfig = (strapi: Core.Strapi) => strapi.config.get('plugin::segments') as PluginConfig;

/**
 * Fields that make up what is sent — frozen once a campaign is sending, sent or cancelled — and
 * the fields an editor writes through the admin API (`state` only through its actions).
 */
export const CONTENT_FIELDS = [
  'name',
  'channel',
  'push',
  'webhook',
  'inapp',
  'segmentKey',
  'variants',
  'holdoutPercent',
  'scheduleType',
  'sendAt',
  'cron',
  'timezone',
  'localTime',
  'quietHours',
  'frequencyCap',
  'conversionEvent',
  'conversionWindowHours',
  'intelligentTiming',
  'trigger',
  'triggerDelayMinutes',
  'reentry',
  'exitEvent',
] as const;

const fail = (problems: FieldError[]): never => {
  throw new errors.ValidationError(
    `Invalid campaign: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
    { errors: problems }
  );
};

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const sameInstant = (a: unknown, b: unknown) =>
  (a ? new Date(a as string).getTime() : null) === (b ? new Date(b as string).getTime() : null);

/**
 * Document-service middleware: every write of a campaign — admin API, Content Manager, REST or
 * code calling `strapi.documents()` — is checked: fields valid (Liquid parses, cron, zones,
 * HH:MM), the segment exists, a `state` change follows the machine in `state.ts` as an editor,
 * and content is frozen once sending. The planner's own transitions are compare-and-set updates
 * through the query engine (see service/context.ts), checked against the same machine.
 */
export function registerCampaignWriteGuard(strapi: Core.Strapi): void {
  strapi.documents.use(async (context, next) => {
    if (context.uid !== CAMPAIGN_UID) return next();
    const params = context.params as { documentId?: string; data?: Record<string, unknown> };
    if (context.action === 'delete') {
      const current = params.documentId
        ? await strapi.db.query(CAMPAIGN_UID).findOne({ where: { documentId: params.documentId } })
        : null;
      if (current?.state === 'sending') {
        fail([{ path: 'state', message: 'a sending campaign cannot be deleted: pause or cancel it first' }]);
      }
      const result = await next();
      if (current) {
        const knex = pluginKnex(strapi);
        await knex(TABLES.inappStates)
          .whereIn('delivery_id', knex(TABLES.deliveries).select('id').where('campaign_id', current.documentId))
          .delete();
        await knex(TABLES.deliveries).where('campaign_id', current.documentId).delete();
        await knex(TABLES.campaignRuns).where('campaign_id', current.documentId).delete();
        await knex(TABLES.campaignTriggers).where('campaign_id', current.documentId).delete();
        await knex(TABLES.triggerCursors).where('campaign_id', current.documentId).delete();
      }
      return result;
    }
    if (context.action !== 'create' && context.action !== 'update') return next();

    const data = { ...(params.data ?? {}) };
    const current =
      context.action === 'update' && params.documentId
        ? ((await strapi.db.query(CAMPAIGN_UID).findOne({ where: { documentId: params.documentId } })) as Record<
            string,
            unknown
          > | null)
        : null;
    const problems: FieldError[] = [];
    const from: CampaignState = current && isCampaignState(current.state) ? current.state : 'draft';
    const to = data.state === undefined ? from : data.state;
    if (!isCampaignState(to)) {
      problems.push({ path: 'state', message: 'unknown state' });
    } else if (!current && to !== 'draft') {
      problems.push({ path: 'state', message: 'a new campaign starts as draft: schedule it afterwards' });
    } else if (current) {
      const error = transitionError(from, to, 'editor');
      if (error) problems.push({ path: 'state', message: error });
    }
    if (current && !isEditable(from)) {
      for (const field of CONTENT_FIELDS) {
        if (!(field in data)) continue;
        const unchanged = field === 'sendAt' ? sameInstant(data[field], current[field]) : same(data[field], current[field]);
        if (!unchanged) problems.push({ path: field, message: `cannot change ${field} of a ${from} campaign` });
      }
    }
    const merged: Record<string, unknown> = { ...(current ?? {}), ...data };
    const checked = checkCampaign(merged);
    if (!checked.ok) problems.push(...checked.errors);
    if (typeof merged.segmentKey === 'string' && merged.segmentKey) {
      const segment = await strapi.db
        .query(SEGMENT_UID)
        .findOne({ where: { key: merged.segmentKey }, select: ['id', 'uses'] });
      if (!segment) problems.push({ path: 'segmentKey', message: `no segment with key "${merged.segmentKey}"` });
      // A segment its editors reserved for personalisation is not a mailing list.
      else if (!usesOf(segment.uses).includes('campaigns')) {
        problems.push({
          path: 'segmentKey',
          message: `the segment "${merged.segmentKey}" is not used for campaigns (its uses: ${usesOf(segment.uses).join(', ') || 'none'})`,
        });
      }
    }
    const entryKey = (merged.trigger as { segmentEntry?: unknown } | null | undefined)?.segmentEntry;
    if (checked.ok && merged.scheduleType === 'triggered' && typeof entryKey === 'string') {
      const entry = await strapi.db.query(SEGMENT_UID).findOne({ where: { key: entryKey }, select: ['id'] });
      if (!entry) problems.push({ path: 'trigger.segmentEntry', message: `no segment with key "${entryKey}"` });
    }
    const webhookUrl = (merged.webhook as { url?: unknown } | null | undefined)?.url;
    if (checked.ok && merged.channel === 'webhook' && typeof webhookUrl === 'string') {
      const problem = urlProblem({ allowedHosts: pluginConfig(strapi).outbound.allowedHosts }, webhookUrl);
      if (problem) problems.push({ path: 'webhook.url', message: problem });
    }
    if (problems.length) fail(problems);
    // A webhook campaign gets its signing secret once; the admin API shows it in the create answer.
    if (checked.ok && checked.value.channel === 'webhook' && !current?.webhookSecret) data.webhookSecret = newWebhookSecret();
    if (checked.ok) {
      // Store the normalised values (trimmed, defaults filled) rather than what was sent.
      data.variants = checked.value.variants;
      if ('sendAt' in data) data.sendAt = checked.value.sendAt ?? null;
    }
    if (to === 'scheduled' && from !== 'scheduled' && from !== 'paused') data.scheduledAt = new Date().toISOString();
    params.data = data;

    const result = await next();
    if (current && to === 'cancelled' && from !== 'cancelled') {
      const knex = pluginKnex(strapi);
      const now = Date.now();
      await knex(TABLES.deliveries)
        .where('campaign_id', String(current.documentId))
        .whereIn('status', ['pending', 'queued'])
        .update({ status: 'cancelled', updated_at: now });
      await knex(TABLES.campaignRuns)
        .where('campaign_id', String(current.documentId))
        .whereIn('status', ['planned', 'ready'])
        .update({ status: 'cancelled', finished_at: now });
      await knex(TABLES.campaignTriggers)
        .where({ campaign_id: String(current.documentId), status: 'waiting' })
        .update({ status: 'cancelled', reason: 'campaign cancelled', updated_at: now });
    }
    return result;
  });
}
