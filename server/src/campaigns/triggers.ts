import type { Knex } from 'knex';
import { TABLES } from '../store/tables';
import { evaluateCondition } from '../rules';
import { parseJsonColumn } from '../profiles/repository';
import type { CampaignDefinition } from './definition';
import { assignPending } from './outbox';
import { outsideQuietHours } from './timing';
import { intelligentSendAt, recipientZone, type SendTimeSettings } from './send-time';
import { planSendHours } from './engagement';

/**
 * Triggered campaigns, in SQL (no Strapi). Runs inside the campaign planner, which holds the
 * planner lease, so one instance at a time scans and queues.
 *
 * 1. scan: new trigger events (by `received_at`, so late-arriving events count) or new entries
 *    into the trigger segment since the campaign's cursor, minus an overlap for transactions that
 *    committed late, become `waiting` rows due at trigger + delay (then intelligent timing and
 *    quiet hours). A row is unique per (campaign, source event/transition): rescanning the
 *    overlap, or a second planner, adds nothing. Re-entry is checked against the profile's
 *    earlier rows of the campaign.
 * 2. process: due `waiting` rows are cancelled when the exit event happened since the trigger
 *    (or the profile left the campaign's segment), else queued as a delivery in the campaign's
 *    run for the trigger's UTC day — unique per (run, profile), which the re-entry policy
 *    (once, or a cooldown of at least a day) never needs to break.
 */
const MINUTE = 60_000;
const DAY = 86_400_000;
/** Rows committed up to this long after their timestamp are still seen (recompute can be slow). */
export const SCAN_OVERLAP_MS = 10 * MINUTE;
/** Events that arrive later than this after they happened do not trigger (offline back-fills). */
export const MAX_EVENT_LATENESS_MS = DAY;
const BATCH = 1000;

export interface TriggerCandidate {
  profileId: number;
  sourceKey: string;
  firedAt: number;
}

export interface ScanReport {
  seen: number;
  created: number;
  suppressed: number;
}

/** Whether a profile may enter again, given when it entered before (any outcome). */
export function mayReenter(previous: readonly number[], firedAt: number, reentry: CampaignDefinition['reentry']): boolean {
  if (!previous.length) return true;
  if (reentry.policy === 'once') return false;
  return previous.every((at) => Math.abs(firedAt - at) >= reentry.days * DAY);
}

const readCursor = async (knex: Knex, campaignId: string): Promise<number | null> => {
  const row = await knex(TABLES.triggerCursors).where('campaign_id', campaignId).first();
  return row ? Number(row.scanned_until) : null;
};

const writeCursor = async (knex: Knex, campaignId: string, until: number): Promise<void> => {
  await knex(TABLES.triggerCursors)
    .insert({ campaign_id: campaignId, scanned_until: until })
    .onConflict('campaign_id')
    .merge({ scanned_until: until });
};

async function candidates(knex: Knex, c: CampaignDefinition, segmentIdOf: (key: string) => Promise<string | null>, since: number, startedAt: number, until: number) {
  const trigger = c.trigger;
  if (!trigger) return [];
  const found: TriggerCandidate[] = [];
  if (trigger.event) {
    // (name, occurred_at) index; received_at narrows to what arrived since the cursor.
    const rows = await knex(TABLES.events)
      .select('id', 'profile_id', 'occurred_at', 'properties')
      .where('name', trigger.event)
      .andWhere('occurred_at', '>=', Math.max(startedAt, since - MAX_EVENT_LATENESS_MS))
      .andWhere('received_at', '>=', since)
      .andWhere('received_at', '<=', until)
      .orderBy('occurred_at');
    for (const r of rows as Array<Record<string, unknown>>) {
      if (trigger.where && !evaluateCondition(parseJsonColumn(r.properties) ?? {}, trigger.where)) continue;
      found.push({ profileId: Number(r.profile_id), sourceKey: `e:${String(r.id)}`, firedAt: Number(r.occurred_at) });
    }
  } else if (trigger.segmentEntry) {
    const segmentId = await segmentIdOf(trigger.segmentEntry);
    if (!segmentId) return [];
    const rows = await knex(TABLES.membershipTransitions)
      .select('id', 'profile_id', 'at')
      .where({ segment_id: segmentId, kind: 'enter' })
      .andWhere('at', '>=', Math.max(startedAt, since))
      .andWhere('at', '<=', until)
      .orderBy('at');
    for (const r of rows as Array<Record<string, unknown>>) {
      found.push({ profileId: Number(r.profile_id), sourceKey: `s:${String(r.id)}`, firedAt: Number(r.at) });
    }
  }
  return found;
}

/** Step 1 for one live triggered campaign. */
export async function scanTriggers(
  knex: Knex,
  c: CampaignDefinition,
  options: { now: number; segmentIdOf: (key: string) => Promise<string | null>; settings: SendTimeSettings }
): Promise<ScanReport> {
  const report: ScanReport = { seen: 0, created: 0, suppressed: 0 };
  const startedAt = c.scheduledAt ? Date.parse(c.scheduledAt) : options.now;
  const cursor = await readCursor(knex, c.documentId);
  const since = (cursor ?? startedAt) - SCAN_OVERLAP_MS;
  const found = await candidates(knex, c, options.segmentIdOf, since, startedAt, options.now);
  report.seen = found.length;
  if (found.length) {
    const profileIds = [...new Set(found.map((f) => f.profileId))];
    const known = new Set<string>();
    const previous = new Map<number, number[]>();
    for (let i = 0; i < profileIds.length; i += BATCH) {
      const rows = await knex(TABLES.campaignTriggers)
        .select('profile_id', 'source_key', 'fired_at')
        .where('campaign_id', c.documentId)
        .whereIn('profile_id', profileIds.slice(i, i + BATCH));
      for (const r of rows as Array<Record<string, unknown>>) {
        known.add(String(r.source_key));
        const list = previous.get(Number(r.profile_id)) ?? [];
        list.push(Number(r.fired_at));
        previous.set(Number(r.profile_id), list);
      }
    }
    const accepted: TriggerCandidate[] = [];
    for (const f of found) {
      if (known.has(f.sourceKey)) continue;
      const before = previous.get(f.profileId) ?? [];
      if (!mayReenter(before, f.firedAt, c.reentry)) {
        report.suppressed += 1;
        continue;
      }
      before.push(f.firedAt);
      previous.set(f.profileId, before);
      accepted.push(f);
    }
    if (accepted.length) {
      const zones = new Map<number, string | null>();
      const ids = [...new Set(accepted.map((a) => a.profileId))];
      for (let i = 0; i < ids.length; i += BATCH) {
        for (const r of await knex(TABLES.profiles).select('id', 'timezone').whereIn('id', ids.slice(i, i + BATCH))) {
          zones.set(Number(r.id), (r.timezone as string | null) ?? null);
        }
      }
      const hours = c.intelligentTiming
        ? await planSendHours(knex, ids.map((id) => ({ profileId: id, timeZone: zones.get(id) ?? null })), c.timezone, options.now, options.settings)
        : null;
      const rows = accepted.map((a) => {
        const zone = recipientZone(zones.get(a.profileId), c.timezone);
        const base = a.firedAt + c.triggerDelayMinutes * MINUTE;
        const due = hours
          ? intelligentSendAt(base, hours.hours.get(a.profileId) ?? hours.fallbackHour, zone, c.quietHours)
          : outsideQuietHours(base, c.quietHours, zone);
        return {
          campaign_id: c.documentId,
          profile_id: a.profileId,
          source_key: a.sourceKey,
          fired_at: a.firedAt,
          due_at: due,
          status: 'waiting',
          created_at: options.now,
          updated_at: options.now,
        };
      });
      for (let i = 0; i < rows.length; i += 200) {
        const inserted = await knex(TABLES.campaignTriggers)
          .insert(rows.slice(i, i + 200))
          .onConflict(['campaign_id', 'source_key'])
          .ignore()
          .returning('id');
        report.created += inserted.length;
      }
    }
  }
  await writeCursor(knex, c.documentId, options.now);
  return report;
}

export interface ProcessReport {
  queued: number;
  cancelled: number;
}

interface DueTrigger {
  id: number;
  campaignId: string;
  profileId: number;
  firedAt: number;
  dueAt: number;
}

async function exited(knex: Knex, c: CampaignDefinition, t: DueTrigger, now: number): Promise<boolean> {
  if (!c.exitEvent) return false;
  const rows = await knex(TABLES.events)
    .select('properties')
    .where({ profile_id: t.profileId, name: c.exitEvent.event })
    .andWhere('occurred_at', '>=', t.firedAt)
    .andWhere('occurred_at', '<=', now);
  const where = c.exitEvent.where;
  return rows.some((r: Record<string, unknown>) => !where || evaluateCondition(parseJsonColumn(r.properties) ?? {}, where));
}

const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The campaign's delivery run for one UTC day of triggers (created `ready`: nothing to materialise). */
async function dayRun(knex: Knex, campaignId: string, day: string, now: number): Promise<number> {
  const key = `t:${day}`;
  await knex(TABLES.campaignRuns)
    .insert({ campaign_id: campaignId, run_key: key, due_at: Date.parse(`${day}T00:00:00Z`), status: 'ready', created_at: now })
    .onConflict(['campaign_id', 'run_key'])
    .ignore();
  const run = await knex(TABLES.campaignRuns).where({ campaign_id: campaignId, run_key: key }).first();
  // A day's run closed when it emptied; a later trigger of that day reopens it.
  if (run.status === 'done') await knex(TABLES.campaignRuns).where('id', run.id).update({ status: 'ready', finished_at: null });
  return Number(run.id);
}

/** Step 2: due waiting triggers of live campaigns → cancelled (exit) or queued deliveries. */
export async function processTriggers(
  knex: Knex,
  campaigns: ReadonlyMap<string, CampaignDefinition>,
  options: { now: number; segmentIdOf: (key: string) => Promise<string | null> }
): Promise<ProcessReport> {
  const report: ProcessReport = { queued: 0, cancelled: 0 };
  const ids = [...campaigns.keys()];
  if (!ids.length) return report;
  const rows = await knex(TABLES.campaignTriggers)
    .where('status', 'waiting')
    .andWhere('due_at', '<=', options.now)
    .whereIn('campaign_id', ids)
    .orderBy('due_at')
    .limit(5 * BATCH);
  const due: DueTrigger[] = rows.map((r: Record<string, unknown>) => ({
    id: Number(r.id),
    campaignId: String(r.campaign_id),
    profileId: Number(r.profile_id),
    firedAt: Number(r.fired_at),
    dueAt: Number(r.due_at),
  }));
  const segmentIds = new Map<string, string | null>();
  // Per (campaign, run): profile → its due time, so assignPending times exactly these rows.
  const toQueue = new Map<string, { c: CampaignDefinition; runId: number; at: Map<number, number>; triggers: Map<number, number> }>();
  const cancel = async (t: DueTrigger, reason: string) => {
    await knex(TABLES.campaignTriggers).where({ id: t.id, status: 'waiting' }).update({ status: 'cancelled', reason, updated_at: options.now });
    report.cancelled += 1;
  };
  for (const t of due) {
    const c = campaigns.get(t.campaignId) as CampaignDefinition;
    if (await exited(knex, c, t, options.now)) {
      await cancel(t, `exit event ${c.exitEvent?.event}`);
      continue;
    }
    if (!segmentIds.has(c.segmentKey)) segmentIds.set(c.segmentKey, await options.segmentIdOf(c.segmentKey));
    const segmentId = segmentIds.get(c.segmentKey);
    const member = segmentId ? await knex(TABLES.memberships).where({ segment_id: segmentId, profile_id: t.profileId }).first() : null;
    if (!member) {
      await cancel(t, `not in segment ${c.segmentKey}`);
      continue;
    }
    const runId = await dayRun(knex, c.documentId, utcDay(t.firedAt), options.now);
    const key = `${c.documentId}|${runId}`;
    const group = toQueue.get(key) ?? { c, runId, at: new Map(), triggers: new Map() };
    group.at.set(t.profileId, t.dueAt);
    group.triggers.set(t.profileId, t.id);
    toQueue.set(key, group);
  }
  for (const { c, runId, at, triggers } of toQueue.values()) {
    // E-mail, consent and unsubscribe are re-checked by the dispatcher at send time.
    await knex(TABLES.deliveries)
      .insert(
        [...at.keys()].map((profileId) => ({
          run_id: runId,
          campaign_id: c.documentId,
          profile_id: profileId,
          channel: c.channel,
          holdout: false,
          status: 'pending',
          attempts: 0,
          created_at: options.now,
          updated_at: options.now,
        }))
      )
      .onConflict(['run_id', 'profile_id'])
      .ignore();
    await assignPending(
      knex,
      runId,
      {
        seed: c.documentId,
        weights: c.variants.map((v) => v.weight),
        holdoutPercent: c.holdoutPercent,
        sendAt: ({ profileId }) => at.get(profileId) ?? options.now,
      },
      options.now
    );
    const delivered = await knex(TABLES.deliveries).select('id', 'profile_id').where('run_id', runId).whereIn('profile_id', [...at.keys()]);
    for (const d of delivered as Array<Record<string, unknown>>) {
      const triggerId = triggers.get(Number(d.profile_id));
      if (triggerId === undefined) continue;
      await knex(TABLES.campaignTriggers)
        .where({ id: triggerId, status: 'waiting' })
        .update({ status: 'queued', delivery_id: Number(d.id), updated_at: options.now });
      report.queued += 1;
    }
  }
  return report;
}
