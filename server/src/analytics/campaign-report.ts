import type { Knex } from 'knex';
import { TABLES } from '../store/tables';
import {
  analyzeConversionExperiment,
  normalChanceToWin,
  twoProportionTest,
  type ConversionExperimentReport,
  type NormalApproximation,
  type TwoProportionResult,
} from '../experiments/statistics';
import { experimentVerdict, type Verdict } from '../experiments/verdict';

/**
 * A campaign's funnel per variant and its experiment statistics, from the deliveries outbox and
 * the tracking events the dispatcher records (`email_opened:<delivery id>`, `email_clicked:<id>:…`,
 * `unsubscribed:<id>` message ids, so each is one probe of the events' (profile_id, message_id)
 * unique index).
 *
 * Conversions use last-touch attribution: a conversion event of the recipient counts for a
 * delivery when it happens within the campaign's window after the send and no other e-mail (of
 * any campaign) was sent to that recipient in between. Holdout recipients are measured the same
 * way from the moment they were held out, which makes them the "no e-mail" baseline.
 */
export interface CampaignForReport {
  documentId: string;
  name: string;
  /** Where opens and clicks come from: e-mail pixel and links, the push service worker; webhooks report neither. */
  channel?: 'email' | 'push' | 'webhook' | 'inapp';
  variants: { name: string; weight: number }[];
  holdoutPercent: number;
  conversionEvent: string | null;
  conversionWindowHours: number;
}

export interface FunnelRow {
  /** Variant index, or null for the holdout group. */
  variant: number | null;
  name: string;
  /** Deliveries created for the variant (the outbox), whatever became of them. */
  queued: number;
  sent: number;
  failed: number;
  /** Not sent: consent, unsubscribe or frequency cap at send time, or cancelled. */
  skipped: number;
  opened: number;
  clicked: number;
  /** Converted within the window after the send (holdout: after being held out), last touch. */
  converted: number;
  unsubscribed: number;
  /** In-app only: the visitor closed the message without a click (0 on other channels). */
  dismissed: number;
}

export interface CampaignReport {
  campaign: {
    documentId: string;
    name: string;
    channel: 'email' | 'push' | 'webhook' | 'inapp';
    conversionEvent: string | null;
    conversionWindowHours: number;
  };
  funnel: FunnelRow[];
  /** Variants against variant 0 (the control), over sent e-mails; null without a conversion event. */
  statistics: ConversionExperimentReport | null;
  /** All sent e-mails against the holdout group; null without a holdout or a conversion event. */
  holdout: (TwoProportionResult & { normalApproximation: NormalApproximation | null }) | null;
  verdict: Verdict;
}

interface Row {
  variant: number | string | null;
  holdout: boolean | number | string;
  queued: number | string;
  sent: number | string | null;
  failed: number | string | null;
  skipped: number | string | null;
  opened: number | string | null;
  clicked: number | string | null;
  converted: number | string | null;
  unsubscribed: number | string | null;
  dismissed: number | string | null;
}

/**
 * Message-id prefixes of each channel's "opened" (e-mail pixel, push notification shown, in-app
 * message displayed: `inapp_displayed:<id>:<show>`, so it is matched with a suffix) and clicks.
 */
const OPENED = { email: 'email_opened:', push: 'push_displayed:', webhook: null, inapp: 'inapp_displayed:' } as const;
const CLICKED = { email: 'email_clicked:', push: 'push_clicked:', webhook: null, inapp: 'inapp_clicked:' } as const;

export async function campaignFunnel(db: Knex, campaign: CampaignForReport): Promise<FunnelRow[]> {
  const channel = campaign.channel ?? 'email';
  const windowMs = campaign.conversionWindowHours * 3_600_000;
  const touch = 'coalesce(d.sent_at, d.scheduled_at, d.created_at)';
  const tracked = (prefix: string | null, suffix: string) =>
    prefix === null ? '0' : `sum(case when exists (select 1 from ${TABLES.events} e where e.profile_id = d.profile_id and e.message_id ${
      suffix ? `like ('${prefix}' || d.id || '${suffix}')` : `= ('${prefix}' || d.id)`
    }) then 1 else 0 end)`;
  const converted = campaign.conversionEvent
    ? `sum(case when d.status in ('sent', 'holdout') and exists (
          select 1 from ${TABLES.events} e
           where e.profile_id = d.profile_id and e.name = ? and e.occurred_at >= ${touch} and e.occurred_at <= ${touch} + ?
             and not exists (select 1 from ${TABLES.deliveries} d2
                              where d2.profile_id = d.profile_id and d2.status = 'sent' and d2.id <> d.id
                                and d2.sent_at > ${touch} and d2.sent_at <= e.occurred_at)
        ) then 1 else 0 end)`
    : '0';
  const sql = `select d.variant as variant, d.holdout as holdout, count(*) as queued,
      sum(case when d.status = 'sent' then 1 else 0 end) as sent,
      sum(case when d.status = 'failed' then 1 else 0 end) as failed,
      sum(case when d.status in ('skipped', 'cancelled') then 1 else 0 end) as skipped,
      ${tracked(OPENED[channel], channel === 'inapp' ? ':%' : '')} as opened,
      ${channel === 'email' ? tracked('email_clicked:', ':%') : tracked(CLICKED[channel], '')} as clicked,
      ${converted} as converted,
      ${tracked('unsubscribed:', '')} as unsubscribed,
      ${channel === 'inapp' ? tracked('inapp_dismissed:', '') : '0'} as dismissed
    from ${TABLES.deliveries} d where d.campaign_id = ? group by d.variant, d.holdout`;
  const bindings = campaign.conversionEvent
    ? [campaign.conversionEvent, windowMs, campaign.documentId]
    : [campaign.documentId];
  const result = (await db.raw(sql, bindings)) as unknown;
  const rows = (Array.isArray(result) ? result : (result as { rows: Row[] }).rows) as Row[];
  const n = (v: number | string | null) => Number(v ?? 0);
  const empty = (variant: number | null, name: string): FunnelRow => ({
    variant,
    name,
    queued: 0,
    sent: 0,
    failed: 0,
    skipped: 0,
    opened: 0,
    clicked: 0,
    converted: 0,
    unsubscribed: 0,
    dismissed: 0,
  });
  const funnel = campaign.variants.map((v, i) => empty(i, v.name));
  const holdout = empty(null, 'Holdout');
  for (const r of rows) {
    const isHoldout = r.holdout === true || Number(r.holdout) === 1 || r.holdout === 't';
    const target = isHoldout || r.variant === null ? holdout : funnel[Number(r.variant)];
    if (!target) continue; // a variant removed after sending: not part of the current design
    target.queued += n(r.queued);
    target.sent += n(r.sent);
    target.failed += n(r.failed);
    target.skipped += n(r.skipped);
    target.opened += n(r.opened);
    target.clicked += n(r.clicked);
    target.converted += n(r.converted);
    target.unsubscribed += n(r.unsubscribed);
    target.dismissed += n(r.dismissed);
  }
  // The holdout receives nothing: it only has "queued" (held out) and "converted".
  if (holdout.queued > 0 || campaign.holdoutPercent > 0) funnel.push(holdout);
  return funnel;
}

/** Funnel, statistics and verdict for one campaign. */
export async function campaignReport(
  db: Knex,
  campaign: CampaignForReport
): Promise<CampaignReport> {
  const funnel = await campaignFunnel(db, campaign);
  const variants = funnel.filter((f) => f.variant !== null);
  const holdoutRow = funnel.find((f) => f.variant === null);
  const names = variants.map((v) => v.name);
  const metric = campaign.conversionEvent
    ? `${campaign.conversionEvent} within ${campaign.conversionWindowHours} h`
    : 'conversion';
  let statistics: ConversionExperimentReport | null = null;
  let holdout: CampaignReport['holdout'] = null;
  let verdict: Verdict;
  if (!campaign.conversionEvent) {
    verdict = {
      kind: 'no-data',
      variation: null,
      text: 'This campaign has no conversion event, so only the delivery funnel is reported. Set one to compare variants.',
    };
  } else {
    statistics = analyzeConversionExperiment(
      variants.map((v) => ({ visitors: v.sent, conversions: v.converted })),
      {
        weights: campaign.variants.map((v) => v.weight),
        srmCounts: variants.map((v) => v.sent + v.failed),
      }
    );
    verdict = experimentVerdict(statistics, { names, metric });
    if (holdoutRow && holdoutRow.queued > 0) {
      const sent = variants.reduce((s, v) => s + v.sent, 0);
      const conv = variants.reduce((s, v) => s + v.converted, 0);
      const test = twoProportionTest(
        { visitors: holdoutRow.queued, conversions: holdoutRow.converted },
        { visitors: sent, conversions: conv }
      );
      holdout = {
        ...test,
        normalApproximation: test.relativeUplift
          ? normalChanceToWin(test.relativeUplift.estimate, test.relativeUplift.se)
          : null,
      };
      if (
        verdict.kind !== 'srm' &&
        test.absoluteUplift &&
        test.pValue !== null &&
        test.pValue < 0.05
      ) {
        const rel = test.relativeUplift;
        const change = rel
          ? `${rel.estimate >= 0 ? '+' : '−'}${Math.abs(rel.estimate * 100).toFixed(1)}%`
          : '';
        verdict = {
          ...verdict,
          text: `${verdict.text} Against the holdout, the messages ${test.absoluteUplift.estimate > 0 ? 'raise' : 'lower'} ${metric} (${change}, p = ${test.pValue.toPrecision(2)}).`,
        };
      }
    }
  }
  return {
    campaign: {
      documentId: campaign.documentId,
      name: campaign.name,
      channel: campaign.channel ?? 'email',
      conversionEvent: campaign.conversionEvent,
      conversionWindowHours: campaign.conversionWindowHours,
    },
    funnel,
    statistics,
    holdout,
    verdict,
  };
}
