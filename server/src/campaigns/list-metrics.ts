import type { Knex } from 'knex';
import { dialectOf } from '../store/dialect';
import { TABLES } from '../store/tables';

/** Per-campaign counts for the admin list (all runs together). */
export interface CampaignListMetrics {
  /** Outbox rows: every recipient of every run, holdout included. */
  recipients: number;
  sent: number;
  failed: number;
  holdout: number;
  /** Sent deliveries with an open recorded (one per delivery: the open event's messageId). */
  opened: number;
  /** Sent deliveries with at least one click. */
  clicked: number;
}

const empty = (): CampaignListMetrics => ({ recipients: 0, sent: 0, failed: 0, holdout: 0, opened: 0, clicked: 0 });

/**
 * Two grouped queries for a page of campaigns: delivery counts by status (index
 * segments_deliveries_campaign_idx) and opens/clicks found through the tracking events'
 * messageIds `email_opened:<deliveryId>` / `email_clicked:<deliveryId>:…` (unique index
 * segments_events_message_unique on profile_id, message_id).
 */
export async function campaignListMetrics(knex: Knex, campaignIds: string[]): Promise<Map<string, CampaignListMetrics>> {
  const result = new Map(campaignIds.map((id) => [id, empty()]));
  if (!campaignIds.length) return result;
  const byStatus = (await knex(TABLES.deliveries)
    .select('campaign_id', 'status')
    .count({ n: '*' })
    .whereIn('campaign_id', campaignIds)
    .groupBy('campaign_id', 'status')) as Array<{ campaign_id: string; status: string; n: number | string }>;
  for (const row of byStatus) {
    const m = result.get(row.campaign_id);
    if (!m) continue;
    const n = Number(row.n);
    m.recipients += n;
    if (row.status === 'sent') m.sent += n;
    else if (row.status === 'failed') m.failed += n;
    else if (row.status === 'holdout') m.holdout += n;
  }

  // `||` is SQLite's and Postgres' string concatenation (the id is cast so Postgres accepts it).
  const id = dialectOf(knex) === 'postgres' ? 'CAST(d.id AS TEXT)' : 'd.id';
  const tracked = async (prefix: 'email_opened:' | 'email_clicked:', exact: boolean) =>
    (await knex({ d: TABLES.deliveries })
      .select('d.campaign_id')
      .countDistinct({ n: 'd.id' })
      .join({ e: TABLES.events }, function on() {
        this.on('e.profile_id', '=', 'd.profile_id').andOn(
          exact
            ? knex.raw(`e.message_id = ? || ${id}`, [prefix])
            : knex.raw(`e.message_id LIKE ? || ${id} || ':%'`, [prefix])
        );
      })
      .whereIn('d.campaign_id', campaignIds)
      .andWhere('d.status', 'sent')
      .groupBy('d.campaign_id')) as Array<{ campaign_id: string; n: number | string }>;
  const [opens, clicks] = await Promise.all([tracked('email_opened:', true), tracked('email_clicked:', false)]);
  for (const row of opens) {
    const m = result.get(row.campaign_id);
    if (m) m.opened = Number(row.n);
  }
  for (const row of clicks) {
    const m = result.get(row.campaign_id);
    if (m) m.clicked = Number(row.n);
  }
  return result;
}
