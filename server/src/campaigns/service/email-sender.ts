import type { Transporter } from 'nodemailer';
import type { ChannelSender } from '../channels/sender';
import { afterFailure } from '../outcome';
import type { RenderedEmail } from '../render';
import type { CampaignContext } from './context';

/** E-mail through the pooled nodemailer transport (its pool and rate limit bound concurrency). */
export function emailSender(ctx: CampaignContext, mailer: Transporter): ChannelSender {
  const cfg = ctx.config();
  return {
    async prepare() {},

    async finish() {},

    skipReason(_d, profile) {
      if (!profile.email) return 'no e-mail address';
      if (profile.unsubscribedAt !== null) return 'unsubscribed';
      if (
        profile.emailConsent === false ||
        (cfg.campaigns.requireConsent && profile.emailConsent !== true)
      )
        return 'no consent';
      return null;
    },

    async send(d, campaign, profile, user, { now, policy }) {
      if (campaign.channel !== 'email')
        return { id: d.id, status: 'failed', error: 'not an e-mail campaign' };
      let rendered: RenderedEmail;
      try {
        rendered = ctx.renderFor(campaign, d.variant ?? 0, profile, user, d.id);
      } catch (error) {
        return {
          id: d.id,
          status: 'failed',
          error: `render: ${(error as Error).message}`.slice(0, 1000),
        };
      }
      const unsubscribe = ctx.trackUrl('unsubscribe', d.id);
      try {
        const info = (await mailer.sendMail({
          from: cfg.email.from,
          ...(cfg.email.replyTo ? { replyTo: cfg.email.replyTo } : {}),
          to: profile.email as string,
          subject: rendered.subject,
          html: rendered.html,
          text: rendered.text,
          // The same Message-ID on every attempt lets receivers drop a repeated message.
          messageId: `<segments.${d.id}@${ctx.messageDomain()}>`,
          headers: {
            'List-Unsubscribe': `<${unsubscribe}>`,
            'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
            'X-Segments-Campaign': campaign.documentId,
          },
        })) as { messageId?: string };
        return {
          id: d.id,
          status: 'sent',
          messageId: String(info.messageId ?? ''),
          sentAt: Date.now(),
        };
      } catch (error) {
        const outcome = afterFailure(error, d.attempts, now, policy);
        return outcome.kind === 'retry'
          ? {
              id: d.id,
              status: 'queued',
              error: outcome.error,
              nextAttemptAt: outcome.nextAttemptAt,
            }
          : { id: d.id, status: 'failed', error: outcome.kind === 'failed' ? outcome.error : '' };
      }
    },
  };
}
