import type { Knex } from 'knex';
import { TABLES } from '../store/tables';
import { dialectOf } from '../rules/sql';
import { assignVariation, inHoldout } from '../experiments/bucketing';

/**
 * The campaign runs and deliveries outbox, in SQL. No Strapi: the planner and dispatcher in
 * services/campaigns.ts call these, and so can a benchmark.
 *
 * Exactly-once rests on three things: a run is unique per (campaign, run key); a delivery is
 * unique per (run, profile); and a delivery is sent only by the instance whose claim token it
 * carries. A claim that is not acknowledged before it expires is re-queued — the only way a
 * message can go out twice (the claimant died after the SMTP server accepted it but before the
 * status was written), bounded by one claimed batch per dead instance.
 */
export interface RunRow {
  id: number;
  campaignId: string;
  runKey: string;
  dueAt: number;
  /** `live`: an in-app campaign's one run, open while the campaign shows (the planner leaves it). */
  status: 'planned' | 'ready' | 'live' | 'done' | 'cancelled';
}

export interface ClaimedDelivery {
  id: number;
  runId: number;
  campaignId: string;
  profileId: number;
  variant: number | null;
  attempts: number;
}

const rowsOf = (result: unknown): Array<Record<string, unknown>> =>
  Array.isArray(result) ? result : ((result as { rows?: Array<Record<string, unknown>> }).rows ?? []);

const toRun = (r: Record<string, unknown>): RunRow => ({
  id: Number(r.id),
  campaignId: String(r.campaign_id),
  runKey: String(r.run_key),
  dueAt: Number(r.due_at),
  status: r.status as RunRow['status'],
});

/** Creates the run unless it exists; true when this call created it. */
export async function createRun(knex: Knex, campaignId: string, runKey: string, dueAt: number, now: number): Promise<boolean> {
  const inserted = await knex(TABLES.campaignRuns)
    .insert({ campaign_id: campaignId, run_key: runKey, due_at: dueAt, status: 'planned', created_at: now })
    .onConflict(['campaign_id', 'run_key'])
    .ignore()
    .returning('id');
  return inserted.length > 0;
}

export async function runsWithStatus(knex: Knex, statuses: RunRow['status'][]): Promise<RunRow[]> {
  return (await knex(TABLES.campaignRuns).whereIn('status', statuses).orderBy('due_at')).map(toRun);
}

export async function lastRunDue(knex: Knex, campaignId: string): Promise<number | null> {
  const row = await knex(TABLES.campaignRuns).where('campaign_id', campaignId).max({ due: 'due_at' }).first();
  return row?.due === null || row?.due === undefined ? null : Number(row.due);
}

export interface AudienceFilter {
  /** Memberships of this segment (documentId) are the audience. */
  segmentId: string;
  requireConsent: boolean;
  channel: 'email' | 'push' | 'webhook';
}

/**
 * Who a channel can reach, in SQL on the profile `p`: e-mail needs an address, no unsubscribe and
 * consent; push a stored subscription (the browser's permission is the opt-in); a webhook goes to
 * the site's own system for every member. Re-checked per message at send time.
 */
function reachable(filter: AudienceFilter): string {
  if (filter.channel === 'push') return `EXISTS (SELECT 1 FROM ${TABLES.pushSubscriptions} s WHERE s.profile_id = p.id)`;
  if (filter.channel === 'webhook') return 'TRUE';
  const consent = filter.requireConsent ? 'p.email_consent = TRUE' : '(p.email_consent IS NULL OR p.email_consent = TRUE)';
  return `p.email IS NOT NULL AND p.email <> '' AND p.unsubscribed_at IS NULL AND ${consent}`;
}

/**
 * Materialises a run's audience into the outbox in one INSERT…SELECT: members of the segment the
 * channel can reach. Rows start `pending`; a repeat (after a crash) adds only those not already there.
 */
export async function materialiseAudience(knex: Knex, run: RunRow, filter: AudienceFilter, now: number): Promise<void> {
  await knex.raw(
    `INSERT INTO ${TABLES.deliveries}
       (run_id, campaign_id, profile_id, channel, holdout, status, attempts, created_at, updated_at)
     SELECT ?, ?, p.id, ?, FALSE, 'pending', 0, ?, ?
     FROM ${TABLES.memberships} m JOIN ${TABLES.profiles} p ON p.id = m.profile_id
     WHERE m.segment_id = ? AND ${reachable(filter)}
     ON CONFLICT (run_id, profile_id) DO NOTHING`,
    [run.id, run.campaignId, filter.channel, now, now, filter.segmentId]
  );
}

export interface AssignmentPolicy {
  /** Hash seed: the campaign's documentId, so a profile keeps its variant across runs. */
  seed: string;
  weights: number[];
  holdoutPercent: number;
  /** When one recipient's message is due (local time, quiet hours; intelligent timing later). */
  sendAt(recipient: { profileId: number; timeZone: string | null }): number;
}

const ASSIGN_CHUNK = 2000;
const UPDATE_CHUNK = 500;

/**
 * A recipient's variant (null in the holdout) by the campaign's hash: the same profile always
 * lands in the same place, whichever channel or instance asks. `weights` sum to 1.
 */
export function assignRecipient(
  seed: string,
  weights: number[],
  holdoutPercent: number,
  profileId: number
): { variant: number | null; holdout: boolean } {
  if (weights.length >= 2) {
    const a = assignVariation({ experimentKey: seed, unitId: profileId, weights, holdoutPercent, hashVersion: 2 });
    return { holdout: a.inHoldout, variant: a.inExperiment ? a.variationIndex : a.inHoldout ? null : 0 };
  }
  const holdout = inHoldout(seed, null, String(profileId), holdoutPercent);
  return { holdout, variant: holdout ? null : 0 };
}

/**
 * Decides variant, holdout and `scheduled_at` for the run's pending deliveries (hashes and time
 * zones are computed here, not in SQL), then writes them back grouped: one UPDATE per
 * (variant, holdout, send time) and chunk, so a 100,000-recipient run is a few hundred statements.
 */
export async function assignPending(knex: Knex, runId: number, policy: AssignmentPolicy, now: number): Promise<number> {
  let after = 0;
  let assigned = 0;
  const total = policy.weights.reduce((s, w) => s + w, 0);
  const weights = policy.weights.map((w) => w / total);
  for (;;) {
    const rows = await knex(`${TABLES.deliveries} as d`)
      .join(`${TABLES.profiles} as p`, 'p.id', 'd.profile_id')
      .select('d.id', 'd.profile_id', 'p.timezone')
      .where('d.run_id', runId)
      .andWhere('d.status', 'pending')
      .andWhere('d.id', '>', after)
      .orderBy('d.id')
      .limit(ASSIGN_CHUNK);
    if (!rows.length) break;
    after = Number(rows[rows.length - 1].id);
    const groups = new Map<string, number[]>();
    for (const row of rows) {
      const profileId = Number(row.profile_id);
      const { variant, holdout } = assignRecipient(policy.seed, weights, policy.holdoutPercent, profileId);
      const at = holdout ? null : policy.sendAt({ profileId, timeZone: row.timezone ?? null });
      const key = `${variant}|${holdout ? 1 : 0}|${at}`;
      const ids = groups.get(key) ?? [];
      ids.push(Number(row.id));
      groups.set(key, ids);
    }
    await knex.transaction(async (trx) => {
      for (const [key, ids] of groups) {
        const [variant, holdout, at] = key.split('|');
        for (let i = 0; i < ids.length; i += UPDATE_CHUNK) {
          await trx(TABLES.deliveries)
            .whereIn('id', ids.slice(i, i + UPDATE_CHUNK))
            .andWhere('status', 'pending')
            .update({
              variant: variant === 'null' ? null : Number(variant),
              holdout: holdout === '1',
              status: holdout === '1' ? 'holdout' : 'queued',
              scheduled_at: at === 'null' ? null : Number(at),
              next_attempt_at: at === 'null' ? null : Number(at),
              updated_at: now,
            });
        }
      }
    });
    assigned += rows.length;
  }
  return assigned;
}

export async function setRunStatus(
  knex: Knex,
  runId: number,
  status: RunRow['status'],
  fields: { audience?: number; finishedAt?: number } = {}
): Promise<void> {
  await knex(TABLES.campaignRuns)
    .where('id', runId)
    .update({
      status,
      ...(fields.audience !== undefined ? { audience: fields.audience } : {}),
      ...(fields.finishedAt !== undefined ? { finished_at: fields.finishedAt } : {}),
    });
}

export async function countRunDeliveries(knex: Knex, runId: number, statuses: string[]): Promise<number> {
  const row = await knex(TABLES.deliveries).where('run_id', runId).whereIn('status', statuses).count({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

/** Claims whose holder did not acknowledge in time go back to the queue. */
export async function reclaimExpired(knex: Knex, now: number): Promise<number> {
  return Number(
    await knex(TABLES.deliveries)
      .where('status', 'sending')
      .andWhere('claim_expires', '<', now)
      .update({ status: 'queued', claimed_by: null, claim_expires: null, updated_at: now })
  );
}

/**
 * Claims up to `limit` due deliveries of the given campaigns for `token`. Postgres: the inner
 * SELECT takes row locks with SKIP LOCKED, so concurrent claimers pick disjoint rows without
 * waiting. SQLite serialises writers; the `status = 'queued'` re-check in the outer WHERE makes
 * the update conditional all the same.
 */
export async function claimBatch(
  knex: Knex,
  options: { token: string; campaignIds: string[]; limit: number; now: number; claimExpires: number }
): Promise<ClaimedDelivery[]> {
  if (!options.campaignIds.length) return [];
  const pg = dialectOf(knex) === 'postgres';
  const marks = options.campaignIds.map(() => '?').join(', ');
  await knex.raw(
    `UPDATE ${TABLES.deliveries}
       SET status = 'sending', claimed_by = ?, claim_expires = ?, attempts = attempts + 1, updated_at = ?
     WHERE status = 'queued' AND id IN (
       SELECT id FROM ${TABLES.deliveries}
       WHERE status = 'queued' AND next_attempt_at <= ? AND campaign_id IN (${marks})
       ORDER BY next_attempt_at, id
       LIMIT ?${pg ? ' FOR UPDATE SKIP LOCKED' : ''})`,
    [options.token, options.claimExpires, Date.now(), options.now, ...options.campaignIds, options.limit]
  );
  const rows = await knex(TABLES.deliveries)
    .select('id', 'run_id', 'campaign_id', 'profile_id', 'variant', 'attempts')
    .where({ claimed_by: options.token, status: 'sending' })
    .orderBy('id');
  return rows.map((r: Record<string, unknown>) => ({
    id: Number(r.id),
    runId: Number(r.run_id),
    campaignId: String(r.campaign_id),
    profileId: Number(r.profile_id),
    variant: r.variant === null ? null : Number(r.variant),
    attempts: Number(r.attempts),
  }));
}

export type Acknowledgement =
  | { id: number; status: 'sent'; messageId: string; sentAt: number }
  | { id: number; status: 'queued'; error: string; nextAttemptAt: number }
  | { id: number; status: 'failed' | 'skipped'; error: string };

/**
 * Records outcomes of a claimed batch; rows whose claim was lost are left alone. Sends whose
 * Message-ID is the one the dispatcher sets (`<segments.<id>@domain>`) are recorded in one UPDATE.
 */
export async function acknowledge(knex: Knex, token: string, acks: Acknowledgement[], now: number, messageDomain?: string): Promise<void> {
  if (!acks.length) return;
  await knex.transaction(async (trx) => {
    const standard = (a: Acknowledgement) =>
      a.status === 'sent' && messageDomain !== undefined && a.messageId === `<segments.${a.id}@${messageDomain}>`;
    const bulk = acks.filter(standard);
    for (let i = 0; i < bulk.length; i += 500) {
      await trx(TABLES.deliveries)
        .whereIn('id', bulk.slice(i, i + 500).map((a) => a.id))
        .andWhere('claimed_by', token)
        .update({
          status: 'sent',
          claimed_by: null,
          claim_expires: null,
          updated_at: now,
          sent_at: now,
          error: null,
          // '||' concatenates on SQLite and Postgres alike.
          message_id: trx.raw(`'<segments.' || id || ?`, [`@${messageDomain}>`]),
        });
    }
    for (const ack of acks) {
      if (standard(ack)) continue;
      const common = { status: ack.status, claimed_by: null, claim_expires: null, updated_at: now };
      const fields =
        ack.status === 'sent'
          ? { ...common, message_id: ack.messageId, sent_at: ack.sentAt, error: null }
          : ack.status === 'queued'
            ? { ...common, error: ack.error, next_attempt_at: ack.nextAttemptAt }
            : { ...common, error: ack.error };
      await trx(TABLES.deliveries).where({ id: ack.id, claimed_by: token }).update(fields);
    }
  });
}

/** Messages each profile received since `since` (the frequency cap), of one channel or all. */
export async function sentCounts(knex: Knex, profileIds: number[], since: number, channel?: string): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  if (!profileIds.length) return counts;
  const query = knex(TABLES.deliveries)
    .select('profile_id')
    .count({ n: '*' })
    .whereIn('profile_id', profileIds)
    .andWhere('sent_at', '>=', since);
  // In-app messages are seen on the site, not sent to the visitor: they have their own show cap.
  if (channel !== undefined) query.andWhere('channel', channel);
  else query.andWhere('channel', '<>', 'inapp');
  const rows = await query.groupBy('profile_id');
  for (const r of rows as Array<{ profile_id: unknown; n: unknown }>) counts.set(Number(r.profile_id), Number(r.n));
  return counts;
}

export { rowsOf };
