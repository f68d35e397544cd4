import type { CampaignDefinition } from '../definition';
import { localParts, recipientSendAt } from '../timing';
import { intelligentSendAt, recipientZone } from '../send-time';
import { planSendHours } from '../engagement';
import { TABLES } from '../../store/tables';
import { newWebhookSecret } from '../channels/webhook-content';
import {
  NO_PROFILE,
  type CampaignContext,
  type ProfileForSend,
  type RenderableCampaign,
} from './context';

/** What the admin pages ask of campaigns: definitions, previews, send hours, test sends, the log. */
export function campaignAdmin(ctx: CampaignContext) {
  return {
    async definition(documentId: string): Promise<CampaignDefinition | null> {
      const [c] = await ctx.loadCampaigns({ documentId });
      return c ?? null;
    },

    /** Whether a campaign has a run that is not finished (resume goes back to `sending`). */
    async hasUnfinishedRun(documentId: string): Promise<boolean> {
      return Boolean(
        await ctx
          .knex()(TABLES.campaignRuns)
          .where('campaign_id', documentId)
          .whereIn('status', ['planned', 'ready'])
          .first()
      );
    },

    /**
     * Renders a variant for a profile exactly as a send would, minus tracking (no delivery):
     * links stay as written, no pixel, the unsubscribe link points at a preview URL.
     */
    async preview(campaign: RenderableCampaign, variantIndex: number, profileId: number | null) {
      const profile: ProfileForSend =
        (profileId !== null ? (await ctx.profilesFor([profileId])).get(profileId) : undefined) ??
        NO_PROFILE;
      const user =
        profile.userId === null
          ? null
          : ((await ctx.usersFor([profile.userId])).get(profile.userId) ?? null);
      return ctx.renderMessage(campaign, variantIndex, profile, user);
    },

    /**
     * Send-hour preview: the campaign's would-be recipients (segment members as of the last
     * recompute, e-mailable and consenting) per send hour in the campaign's zone, and how many
     * have enough engagement data for an hour of their own.
     */
    async sendHours(c: CampaignDefinition, now = Date.now()) {
      const db = ctx.knex();
      const segmentId = await ctx.segmentIdOf(c.segmentKey);
      const consent = ctx.config().campaigns.requireConsent;
      const rows = segmentId
        ? await db(`${TABLES.memberships} as m`)
            .join(`${TABLES.profiles} as p`, 'p.id', 'm.profile_id')
            .select('p.id', 'p.timezone')
            .where('m.segment_id', segmentId)
            .whereNotNull('p.email')
            .andWhere('p.email', '<>', '')
            .whereNull('p.unsubscribed_at')
            .andWhere((q) =>
              consent
                ? q.where('p.email_consent', true)
                : q.whereNull('p.email_consent').orWhere('p.email_consent', true)
            )
        : [];
      const recipients = rows.map((r: Record<string, unknown>) => ({
        profileId: Number(r.id),
        timeZone: (r.timezone as string | null) ?? null,
      }));
      const plan = await planSendHours(db, recipients, c.timezone, now, ctx.sendTimeSettings());
      const start =
        c.scheduleType === 'at' && c.sendAt && Date.parse(c.sendAt) > now
          ? Date.parse(c.sendAt)
          : now;
      const hours = new Array<number>(24).fill(0);
      for (const r of recipients) {
        const at = c.intelligentTiming
          ? intelligentSendAt(
              start,
              plan.hours.get(r.profileId) ?? plan.fallbackHour,
              recipientZone(r.timeZone, c.timezone),
              c.quietHours
            )
          : recipientSendAt({
              runAt: start,
              localTime: c.localTime,
              quietHours: c.quietHours,
              timeZone: r.timeZone,
              fallbackTimeZone: c.timezone,
            });
        hours[localParts(at, c.timezone).hour] += 1;
      }
      return {
        recipients: recipients.length,
        personalised: plan.personalised.size,
        personalisedShare: recipients.length ? plan.personalised.size / recipients.length : 0,
        fallbackHour: plan.fallbackHour,
        timeZone: c.timezone,
        hours,
      };
    },

    /** A new signing secret for a webhook campaign; the old one stops working at once. */
    async rotateWebhookSecret(documentId: string): Promise<string> {
      const secret = newWebhookSecret();
      await ctx.updateCampaignRow(documentId, { webhookSecret: secret });
      return secret;
    },

    async profileExists(id: number): Promise<boolean> {
      return Boolean(await ctx.knex()(TABLES.profiles).select('id').where('id', id).first());
    },

    /** Sends one rendered variant to an address (no outbox row, no tracking). */
    async sendTest(
      campaign: CampaignDefinition,
      variantIndex: number,
      profileId: number | null,
      to: string
    ) {
      const mailer = ctx.transport();
      if (!mailer)
        throw new Error('no e-mail transport configured (segments.config.email.transport)');
      const rendered = await this.preview(campaign, variantIndex, profileId);
      if (rendered.channel !== 'email') throw new Error(`test sends are for e-mail campaigns (this one is ${rendered.channel})`);
      const info = (await mailer.sendMail({
        from: ctx.config().email.from,
        to,
        subject: `[Test] ${rendered.subject}`,
        html: rendered.html,
        text: rendered.text,
      })) as { messageId?: string };
      return { messageId: String(info.messageId ?? ''), missing: rendered.missing };
    },

    async deliveries(documentId: string, page: number, pageSize: number, status: string | null) {
      const base = ctx.knex()(TABLES.deliveries).where('campaign_id', documentId);
      if (status) base.andWhere('status', status);
      const [{ n }] = (await base.clone().count({ n: '*' })) as Array<{ n: number | string }>;
      const rows = await base
        .clone()
        .select(
          'id',
          'run_id',
          'profile_id',
          'variant',
          'holdout',
          'status',
          'scheduled_at',
          'attempts',
          'next_attempt_at',
          'message_id',
          'error',
          'sent_at'
        )
        .orderBy('id')
        .limit(pageSize)
        .offset((page - 1) * pageSize);
      const iso = (v: unknown) =>
        v === null || v === undefined ? null : new Date(Number(v)).toISOString();
      return {
        total: Number(n),
        rows: rows.map((r: Record<string, unknown>) => ({
          id: Number(r.id),
          runId: Number(r.run_id),
          profileId: Number(r.profile_id),
          variant: r.variant === null ? null : Number(r.variant),
          holdout: Boolean(r.holdout),
          status: String(r.status),
          scheduledAt: iso(r.scheduled_at),
          attempts: Number(r.attempts),
          nextAttemptAt: iso(r.next_attempt_at),
          messageId: (r.message_id as string | null) ?? null,
          error: (r.error as string | null) ?? null,
          sentAt: iso(r.sent_at),
        })),
      };
    },
  };
}
