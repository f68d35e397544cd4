import type { Knex } from 'knex';
import { evaluateCondition } from '../rules';
import { parseJsonColumn } from '../profiles/repository';
import { TABLES } from '../store/tables';
import { windowAt, type InappShowState } from './selection';

/**
 * In-app deliveries and their show state, in SQL (no Strapi). An in-app campaign has one run
 * (`run_key` 'inapp', status `live`); a visitor's delivery is created the first time they
 * qualify, with the variant the campaign's hash gives them, so the report and conversions read
 * it like any other channel's.
 */
export interface InappDelivery {
  id: number;
  campaignId: string;
  variant: number | null;
  holdout: boolean;
  status: string;
}

const RUN_KEY = 'inapp';

/** The campaign's live run id (created once, whichever instance asks first). */
export async function inappRunId(db: Knex, campaignId: string, now: number): Promise<number> {
  await db(TABLES.campaignRuns)
    .insert({
      campaign_id: campaignId,
      run_key: RUN_KEY,
      due_at: now,
      status: 'live',
      created_at: now,
    })
    .onConflict(['campaign_id', 'run_key'])
    .ignore();
  const row = await db(TABLES.campaignRuns)
    .select('id')
    .where({ campaign_id: campaignId, run_key: RUN_KEY })
    .first();
  return Number(row.id);
}

/** The visitor's deliveries of these campaigns, created where missing (holdout rows included). */
export async function ensureInappDeliveries(
  db: Knex,
  profileId: number,
  wanted: Array<{ campaignId: string; runId: number; variant: number | null; holdout: boolean }>,
  now: number
): Promise<Map<string, InappDelivery>> {
  if (!wanted.length) return new Map();
  const existing = await deliveriesOf(
    db,
    profileId,
    wanted.map((w) => w.runId)
  );
  const missing = wanted.filter((w) => !existing.has(w.campaignId));
  if (missing.length) {
    await db(TABLES.deliveries)
      .insert(
        missing.map((w) => ({
          run_id: w.runId,
          campaign_id: w.campaignId,
          profile_id: profileId,
          channel: 'inapp',
          variant: w.variant,
          holdout: w.holdout,
          status: w.holdout ? 'holdout' : 'pending',
          attempts: 0,
          created_at: now,
          updated_at: now,
        }))
      )
      .onConflict(['run_id', 'profile_id'])
      .ignore();
    return deliveriesOf(
      db,
      profileId,
      wanted.map((w) => w.runId)
    );
  }
  return existing;
}

async function deliveriesOf(
  db: Knex,
  profileId: number,
  runIds: number[]
): Promise<Map<string, InappDelivery>> {
  const rows = (await db(TABLES.deliveries)
    .select('id', 'campaign_id', 'variant', 'holdout', 'status')
    .where('profile_id', profileId)
    .whereIn('run_id', runIds)) as Array<Record<string, unknown>>;
  return new Map(
    rows.map((r) => [
      String(r.campaign_id),
      {
        id: Number(r.id),
        campaignId: String(r.campaign_id),
        variant: r.variant === null ? null : Number(r.variant),
        holdout: Boolean(r.holdout),
        status: String(r.status),
      },
    ])
  );
}

const toState = (r: Record<string, unknown>): InappShowState => ({
  shows: Number(r.shows),
  windowStartedAt: r.window_started_at === null ? null : Number(r.window_started_at),
  dismissedAt: r.dismissed_at === null ? null : Number(r.dismissed_at),
  clickedAt: r.clicked_at === null ? null : Number(r.clicked_at),
});

export async function inappStatesOf(
  db: Knex,
  deliveryIds: number[]
): Promise<Map<number, InappShowState>> {
  if (!deliveryIds.length) return new Map();
  const rows = (await db(TABLES.inappStates).whereIn('delivery_id', deliveryIds)) as Array<
    Record<string, unknown>
  >;
  return new Map(rows.map((r) => [Number(r.delivery_id), toState(r)]));
}

/** One in-app delivery by id (the report routes), or null. */
export async function inappDeliveryById(
  db: Knex,
  id: number
): Promise<(InappDelivery & { profileId: number }) | null> {
  const r = await db(TABLES.deliveries)
    .select('id', 'campaign_id', 'profile_id', 'variant', 'holdout', 'status', 'channel')
    .where('id', id)
    .first();
  if (!r || r.channel !== 'inapp') return null;
  return {
    id: Number(r.id),
    campaignId: String(r.campaign_id),
    profileId: Number(r.profile_id),
    variant: r.variant === null ? null : Number(r.variant),
    holdout: Boolean(r.holdout),
    status: String(r.status),
  };
}

/**
 * Counts one show in the delivery's cap window (a fresh window once the period has passed) and
 * marks the delivery sent at its first show. Returns the total shows so far.
 */
export async function recordInappShow(
  db: Knex,
  deliveryId: number,
  periodHours: number,
  now: number
): Promise<number> {
  return db.transaction(async (trx) => {
    const row = (await trx(TABLES.inappStates).where('delivery_id', deliveryId).first()) as
      | Record<string, unknown>
      | undefined;
    const window = windowAt(row ? toState(row) : undefined, periodHours, now);
    const total = Number(row?.total_shows ?? 0) + 1;
    const fields = {
      shows: window.shows + 1,
      total_shows: total,
      window_started_at: window.startedAt,
      last_shown_at: now,
    };
    if (row) await trx(TABLES.inappStates).where('delivery_id', deliveryId).update(fields);
    else await trx(TABLES.inappStates).insert({ delivery_id: deliveryId, ...fields });
    await trx(TABLES.deliveries)
      .where({ id: deliveryId, status: 'pending' })
      .update({ status: 'sent', sent_at: now, message_id: `inapp:${deliveryId}`, updated_at: now });
    return total;
  });
}

/** Marks the delivery dismissed or clicked (the first time counts). */
export async function markInapp(
  db: Knex,
  deliveryId: number,
  what: 'dismissed' | 'clicked',
  now: number
): Promise<void> {
  const column = what === 'dismissed' ? 'dismissed_at' : 'clicked_at';
  await db(TABLES.inappStates)
    .insert({ delivery_id: deliveryId, shows: 0, total_shows: 0, [column]: now })
    .onConflict('delivery_id')
    .ignore();
  await db(TABLES.inappStates)
    .where('delivery_id', deliveryId)
    .whereNull(column)
    .update({ [column]: now });
}

/**
 * Has a triggered in-app message's trigger fired for this profile since `since`: an event of that
 * name (matching `where`), or an entry into the segment?
 */
export async function inappTriggered(
  db: Knex,
  profileId: number,
  trigger: { event?: string; where?: unknown; segmentId?: string },
  since: number,
  now: number
): Promise<boolean> {
  if (trigger.event) {
    // (profile_id, name, occurred_at) index.
    const rows = (await db(TABLES.events)
      .select('properties')
      .where({ profile_id: profileId, name: trigger.event })
      .andWhere('occurred_at', '>=', since)
      .andWhere('occurred_at', '<=', now)
      .orderBy('occurred_at', 'desc')
      .limit(50)) as Array<Record<string, unknown>>;
    return rows.some(
      (r) =>
        !trigger.where ||
        evaluateCondition(parseJsonColumn(r.properties) ?? {}, trigger.where as never)
    );
  }
  if (!trigger.segmentId) return false;
  const row = await db(TABLES.membershipTransitions)
    .select('id')
    .where({ segment_id: trigger.segmentId, profile_id: profileId, kind: 'enter' })
    .andWhere('at', '>=', since)
    .first();
  return Boolean(row);
}
