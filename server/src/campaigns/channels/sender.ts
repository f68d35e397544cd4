import type { CampaignDefinition } from '../definition';
import type { Acknowledgement, ClaimedDelivery } from '../outbox';
import type { RetryPolicy } from '../outcome';

/** The recipient fields a channel reads (see service/context.ts for how they are loaded). */
export interface Recipient {
  id: number;
  email: string | null;
  traits: Record<string, unknown>;
  userId: number | null;
  anonymousId: string | null;
  emailConsent: boolean | null;
  unsubscribedAt: number | null;
}

/**
 * One channel's half of the dispatcher (DESIGN §8a): planning, A/B, timing, caps and claims are
 * channel-blind; a channel says who it cannot reach, and sends and classifies one message.
 */
export interface ChannelSender {
  /** Loads what the batch's sends need at once (push: the devices and what they already have). */
  prepare(claimed: ClaimedDelivery[]): Promise<void>;
  /** Why this recipient cannot get this message (recorded as skipped), or null. */
  skipReason(delivery: ClaimedDelivery, recipient: Recipient): string | null;
  send(
    delivery: ClaimedDelivery,
    campaign: CampaignDefinition,
    recipient: Recipient,
    user: Record<string, unknown> | null,
    context: { now: number; policy: RetryPolicy }
  ): Promise<Acknowledgement>;
  /**
   * Writes what the batch's sends recorded (push: devices served, devices gone) in one go,
   * before the batch is acknowledged: a retry is claimed only after that, so it sees them.
   */
  finish(): Promise<void>;
}
