import type { CampaignChannel as Channel } from '../../api/contracts';

/**
 * Which funnel stages a campaign's channel reports, and what they are called. E-mail reports
 * opens (pixel), clicks and unsubscribes; push reports notifications shown ("displayed") and
 * clicked; a webhook only knows whether the receiver accepted the request.
 */
export type Stage =
  | 'queued'
  | 'sent'
  | 'failed'
  | 'skipped'
  | 'opened'
  | 'clicked'
  | 'converted'
  | 'unsubscribed'
  | 'dismissed';

const BY_CHANNEL: Record<Channel, readonly Stage[]> = {
  email: ['queued', 'sent', 'failed', 'skipped', 'opened', 'clicked', 'converted', 'unsubscribed'],
  push: ['queued', 'sent', 'failed', 'skipped', 'opened', 'clicked', 'converted'],
  webhook: ['queued', 'sent', 'failed', 'skipped', 'converted'],
  // Queued: visitors who qualified; sent: who saw it at least once (the first displayed report).
  inapp: ['queued', 'sent', 'clicked', 'dismissed', 'converted'],
};

/** The table's stages for this channel, in funnel order. */
export const stagesFor = (channel: Channel | undefined): readonly Stage[] =>
  BY_CHANNEL[channel ?? 'email'];

/** The bar chart's stages: the table's without the side exits (failed, skipped, unsubscribed). */
export const funnelStagesFor = (channel: Channel | undefined): readonly Stage[] =>
  stagesFor(channel).filter(
    (s) => s !== 'failed' && s !== 'skipped' && s !== 'unsubscribed' && s !== 'dismissed'
  );

/** Stages named differently on this channel: push "opened" is the notification shown; a push
 * service or receiver accepting the message is its delivery. */
export function stageRename(
  stage: Stage,
  channel: Channel | undefined
): 'displayed' | 'delivered' | 'qualified' | 'shown' | null {
  if (channel === 'inapp' && stage === 'queued') return 'qualified';
  if (channel === 'inapp' && stage === 'sent') return 'shown';
  if (channel === 'push' && stage === 'opened') return 'displayed';
  if ((channel === 'push' || channel === 'webhook') && stage === 'sent') return 'delivered';
  return null;
}

/** The rate column after the stages: open rate (e-mail), display rate (push), none (webhook, in-app). */
export function engagementRate(channel: Channel | undefined): 'open' | 'display' | null {
  if (channel === 'webhook' || channel === 'inapp') return null;
  return channel === 'push' ? 'display' : 'open';
}
