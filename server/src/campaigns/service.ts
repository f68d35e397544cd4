import crypto from 'crypto';
import os from 'os';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import type { PluginConfig } from '../config';
import { cronFields, toDefinition, type CampaignDefinition } from './definition';
import {
  acknowledge,
  assignPending,
  claimBatch,
  countRunDeliveries,
  createRun,
  lastRunDue,
  materialiseAudience,
  reclaimExpired,
  runsWithStatus,
  sentCounts,
  setRunStatus,
  type Acknowledgement,
  type ClaimedDelivery,
} from './outbox';
import { afterFailure } from './outcome';
import { renderEmail, type RenderData, type RenderedEmail, type Tracking, type VariantContent } from './render';
import { canTransition, type CampaignStatus } from './status';
import { latestCronFire, localParts, recipientSendAt } from './timing';
import { DEFAULT_SEND_TIME, intelligentSendAt, recipientZone, type SendTimeSettings } from './send-time';
import { pendingRecipients, planSendHours, type SendHourPlan } from './engagement';
import { processTriggers, scanTriggers } from './triggers';
import { createToken, deriveSecret, verifyToken, type TokenKind } from './tokens';
import { ingestEvents } from '../events/repository';
import { parseJsonColumn, type ProfileTarget } from '../profiles/repository';
import { TABLES } from '../store/tables';
import { getService } from '../shell/get-service';
import { CAMPAIGN_UID, SEGMENT_UID } from '../store/uids';

interface ProfileForSend {
  id: number;
  email: string | null;
  traits: Record<string, unknown>;
  userId: number | null;
  anonymousId: string | null;
  emailConsent: boolean | null;
  unsubscribedAt: number | null;
}

export interface DispatchReport {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
  skipped: number;
}

export interface PlanReport {
  created: number;
  materialised: number;
  finished: number;
  /** Triggered campaigns: new trigger occurrences, sends queued, sends cancelled (exit, segment). */
  triggered: number;
  triggerQueued: number;
  triggerCancelled: number;
}

const MINUTE = 60_000;

/** What rendering needs of a campaign: a saved definition, or the composer's unsaved draft. */
type RenderableCampaign = Pick<CampaignDefinition, 'documentId' | 'name'> & { variants: VariantContent[] };

/**
 * Campaign pipeline, Strapi shell: planner (due runs → audience → outbox, on one instance per
 * tick), dispatcher (every instance claims and sends batches), tracking and admin helpers.
 */
const campaignsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const owner = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
  const config = () => strapi.config.get('plugin::segments') as PluginConfig;
  const knex = (): Knex => getService(strapi, 'store').knex();
  let transport: Transporter | null = null;
  let dispatchTimer: NodeJS.Timeout | null = null;
  let dispatching: Promise<unknown> | null = null;
  let stopped = false;

  let derived: string | null = null;
  const secret = () => {
    const configured = config().tracking.secret;
    if (configured) return configured;
    derived ??= deriveSecret((strapi.config.get('server.app.keys') as string[] | undefined) ?? []);
    return derived;
  };
  const trackingBase = () => {
    const base =
      config().tracking.baseUrl ||
      (strapi.config.get('server.url') as string | undefined) ||
      `http://localhost:${String(strapi.config.get('server.port') ?? 1337)}`;
    const prefix = String(strapi.config.get('api.rest.prefix') ?? '/api');
    return `${base.replace(/\/$/, '')}${prefix}/segments/t`;
  };
  const trackUrl = (kind: TokenKind, deliveryId: number, url?: string) =>
    `${trackingBase()}/${kind[0]}/${createToken(secret(), { kind, deliveryId, url })}`;

  const sendTimeSettings = (): SendTimeSettings => ({ ...DEFAULT_SEND_TIME, ...config().sendTime });

  const getTransport = (): Transporter | null => {
    const options = config().email.transport;
    if (!options) return null;
    transport ??= nodemailer.createTransport({
      pool: true,
      maxConnections: config().email.maxConnections,
      rateDelta: 1000,
      rateLimit: config().email.rateLimitPerSecond,
      // The outbox owns retries (counted, backed off, visible in the log): no silent requeues.
      maxRequeues: 0,
      ...options,
    } as Parameters<typeof nodemailer.createTransport>[0]);
    return transport;
  };

  const loadCampaigns = async (where: Record<string, unknown>): Promise<CampaignDefinition[]> => {
    const rows = (await strapi.db.query(CAMPAIGN_UID).findMany({ where })) as Record<string, unknown>[];
    return rows.map(toDefinition).filter((c): c is CampaignDefinition => c !== null);
  };

  /** System transition: compare-and-set on the row, legal only per the status machine. */
  const transition = async (documentId: string, from: CampaignStatus, to: CampaignStatus): Promise<boolean> => {
    if (!canTransition(from, to, 'system')) throw new Error(`segments: illegal system transition ${from} → ${to}`);
    const result = (await strapi.db
      .query(CAMPAIGN_UID)
      .updateMany({ where: { documentId, status: from }, data: { status: to } })) as { count: number };
    return result.count > 0;
  };

  const segmentIdOf = async (key: string): Promise<string | null> => {
    const segment = await strapi.db
      .query(SEGMENT_UID)
      .findOne({ where: { key }, select: ['documentId', 'state'] });
    return segment && segment.state !== 'archived' ? String(segment.documentId) : null;
  };

  /** The run due for a scheduled campaign at `now`, if any. */
  const dueRun = async (c: CampaignDefinition, now: number): Promise<{ key: string; dueAt: number } | null> => {
    const scheduledAt = c.scheduledAt ? Date.parse(c.scheduledAt) : now;
    if (c.scheduleType === 'triggered') return null;
    if (c.scheduleType === 'now') return scheduledAt <= now ? { key: 'once', dueAt: scheduledAt } : null;
    if (c.scheduleType === 'at') {
      const at = Date.parse(c.sendAt as string);
      return at <= now ? { key: 'once', dueAt: at } : null;
    }
    // Recurring: the latest fire since the last run (or since scheduling); missed older fires
    // are not replayed, so an outage does not end in a burst of stale runs.
    const last = await lastRunDue(knex(), c.documentId);
    const after = Math.max(last ?? -Infinity, Math.floor(scheduledAt / MINUTE) * MINUTE - 1);
    const fire = latestCronFire(cronFields(c.cron as string), c.timezone, after, now);
    return fire === null ? null : { key: new Date(fire).toISOString().slice(0, 16), dueAt: fire };
  };

  const profilesFor = async (ids: number[]): Promise<Map<number, ProfileForSend>> => {
    const rows = await knex()(TABLES.profiles)
      .select('id', 'email', 'traits', 'user_id', 'anonymous_id', 'email_consent', 'unsubscribed_at')
      .whereIn('id', ids);
    return new Map(
      rows.map((r: Record<string, unknown>) => [
        Number(r.id),
        {
          id: Number(r.id),
          email: (r.email as string | null) ?? null,
          traits: parseJsonColumn(r.traits) ?? {},
          userId: r.user_id === null ? null : Number(r.user_id),
          anonymousId: (r.anonymous_id as string | null) ?? null,
          emailConsent: r.email_consent === null ? null : Boolean(r.email_consent),
          unsubscribedAt: r.unsubscribed_at === null ? null : Number(r.unsubscribed_at),
        },
      ])
    );
  };

  /** users-permissions fields listed in `identify.userFields` (never secrets), by user id. */
  const usersFor = async (ids: number[]): Promise<Map<number, Record<string, unknown>>> => {
    const users = new Map<number, Record<string, unknown>>();
    if (!ids.length || !strapi.contentTypes['plugin::users-permissions.user']) return users;
    const fields = ['id', ...config().identify.userFields];
    const rows = (await strapi.db
      .query('plugin::users-permissions.user')
      .findMany({ where: { id: { $in: ids } }, select: fields })) as Record<string, unknown>[];
    for (const row of rows) users.set(Number(row.id), row);
    return users;
  };

  const renderFor = (
    campaign: RenderableCampaign,
    variantIndex: number,
    profile: ProfileForSend,
    user: Record<string, unknown> | null,
    deliveryId: number | null
  ): RenderedEmail => {
    const variant = campaign.variants[variantIndex] ?? campaign.variants[0];
    const data: RenderData = {
      traits: profile.traits,
      user,
      campaign: { id: campaign.documentId, name: campaign.name, variant: variant.name },
      profile: { id: profile.id, email: profile.email },
      unsubscribe_url: deliveryId === null ? `${trackingBase()}/u/preview` : trackUrl('unsubscribe', deliveryId),
    };
    const tracking: Tracking | null =
      deliveryId === null
        ? null
        : {
            openPixelUrl: `${trackUrl('open', deliveryId)}.gif`,
            clickUrl: (url) => trackUrl('click', deliveryId, url),
          };
    return renderEmail(variant, data, tracking);
  };

  const messageDomain = () => {
    const m = /@([^>\s]+)>?\s*$/.exec(config().email.from);
    return m ? m[1] : 'localhost';
  };

  const recordEvent = async (
    profileId: number,
    name: string,
    properties: Record<string, unknown>,
    messageId: string,
    now: number
  ) => {
    const row = await knex()(TABLES.profiles).select('user_id', 'anonymous_id').where('id', profileId).first();
    if (!row) return;
    const target: ProfileTarget | null =
      row.user_id !== null && row.user_id !== undefined
        ? { userId: Number(row.user_id) }
        : row.anonymous_id
          ? { anonymousId: String(row.anonymous_id) }
          : null;
    if (!target) return; // a profile with no identity cannot own events
    await ingestEvents(knex(), {
      events: [{ index: 0, name, occurredAt: now, properties, value: null, messageId, subject: target }],
      defaultTarget: null,
      context: null,
      now,
    });
    getService(strapi, 'segments').invalidateProfile(profileId);
  };

  const deliveryById = async (id: number) => {
    const row = await knex()(TABLES.deliveries).where('id', id).first();
    return row
      ? {
          id: Number(row.id),
          campaignId: String(row.campaign_id),
          profileId: Number(row.profile_id),
          variant: row.variant === null ? null : Number(row.variant),
          runId: Number(row.run_id),
        }
      : null;
  };

  return {
    owner,

    /**
     * One planner pass: create due runs (unique per campaign × run key), materialise planned runs
     * into the outbox, and close finished runs. Runs on one instance at a time.
     */
    async plan(now = Date.now()): Promise<PlanReport | null> {
      const run = await getService(strapi, 'scheduler').runExclusive('campaign-planner', async () => {
        const report: PlanReport = { created: 0, materialised: 0, finished: 0, triggered: 0, triggerQueued: 0, triggerCancelled: 0 };
        const db = knex();
        for (const c of await loadCampaigns({ status: 'scheduled' })) {
          // A triggered campaign is live (sending) from scheduling until paused or cancelled.
          if (c.scheduleType === 'triggered') {
            await transition(c.documentId, 'scheduled', 'sending');
            continue;
          }
          const due = await dueRun(c, now);
          if (!due) continue;
          if (await createRun(db, c.documentId, due.key, due.dueAt, now)) report.created += 1;
          await transition(c.documentId, 'scheduled', 'sending');
        }

        const active = new Map(
          (await loadCampaigns({ status: { $in: ['scheduled', 'sending', 'paused'] } })).map((c) => [c.documentId, c])
        );
        for (const r of await runsWithStatus(db, ['planned'])) {
          const c = active.get(r.campaignId);
          if (!c) {
            await setRunStatus(db, r.id, 'cancelled', { finishedAt: now });
            continue;
          }
          const segmentId = await segmentIdOf(c.segmentKey);
          if (segmentId) {
            // A fresh audience: memberships as of the run, not as of the last scheduled recompute.
            await getService(strapi, 'segments').recompute(segmentId);
            await materialiseAudience(
              db,
              r,
              { segmentId, requireConsent: config().campaigns.requireConsent },
              now
            );
          }
          // Intelligent timing: each recipient's hour from their engagement, within 24 h of the run.
          const hourPlan: SendHourPlan | null = c.intelligentTiming
            ? await planSendHours(db, await pendingRecipients(db, r.id), c.timezone, now, sendTimeSettings())
            : null;
          await assignPending(
            db,
            r.id,
            {
              seed: c.documentId,
              weights: c.variants.map((v) => v.weight),
              holdoutPercent: c.holdoutPercent,
              sendAt: ({ profileId, timeZone }) =>
                hourPlan
                  ? intelligentSendAt(
                      r.dueAt,
                      hourPlan.hours.get(profileId) ?? hourPlan.fallbackHour,
                      recipientZone(timeZone, c.timezone),
                      c.quietHours
                    )
                  : recipientSendAt({
                  runAt: r.dueAt,
                  localTime: c.localTime,
                  quietHours: c.quietHours,
                  timeZone,
                  fallbackTimeZone: c.timezone,
                }),
            },
            now
          );
          const audience = await countRunDeliveries(db, r.id, ['queued', 'holdout', 'sending', 'sent', 'failed', 'skipped']);
          await setRunStatus(db, r.id, 'ready', { audience });
          report.materialised += 1;
        }

        const live = [...active.values()].filter((c) => c.status === 'sending' && c.scheduleType === 'triggered');
        for (const c of live) {
          report.triggered += (await scanTriggers(db, c, { now, segmentIdOf, settings: sendTimeSettings() })).created;
        }
        const processed = await processTriggers(db, new Map(live.map((c) => [c.documentId, c])), { now, segmentIdOf });
        report.triggerQueued += processed.queued;
        report.triggerCancelled += processed.cancelled;

        for (const r of await runsWithStatus(db, ['ready'])) {
          if ((await countRunDeliveries(db, r.id, ['pending', 'queued', 'sending'])) > 0) continue;
          await setRunStatus(db, r.id, 'done', { finishedAt: now });
          report.finished += 1;
          const c = active.get(r.campaignId);
          if (!c || c.status !== 'sending' || c.scheduleType === 'triggered') continue;
          const unfinished = await db(TABLES.campaignRuns)
            .where('campaign_id', c.documentId)
            .whereIn('status', ['planned', 'ready'])
            .first();
          if (!unfinished) await transition(c.documentId, 'sending', c.scheduleType === 'recurring' ? 'scheduled' : 'sent');
        }
        return report;
      });
      return run.ran ? (run.result ?? null) : null;
    },

    /**
     * Claims and sends due deliveries until none is left (or `maxBatches`). Safe on every
     * instance at once: claims are disjoint. Returns counts for this call.
     */
    async dispatch(now?: number, options: { maxBatches?: number } = {}): Promise<DispatchReport> {
      const report: DispatchReport = { claimed: 0, sent: 0, retried: 0, failed: 0, skipped: 0 };
      const mailer = getTransport();
      if (!mailer) return report;
      const cfg = config();
      const db = knex();
      // Claim expiries are real time whatever `now` says: a claim must outlive the batch it
      // covers, and another instance compares it with its own clock.
      await reclaimExpired(db, Date.now());
      const policy = {
        maxAttempts: cfg.campaigns.maxAttempts,
        baseMs: cfg.campaigns.retryBaseSeconds * 1000,
        maxMs: cfg.campaigns.retryMaxSeconds * 1000,
      };
      for (let batch = 0; batch < (options.maxBatches ?? Infinity) && !stopped; batch++) {
        // Re-read each batch: a pause or cancel stops further claims at once.
        const campaigns = new Map((await loadCampaigns({ status: 'sending' })).map((c) => [c.documentId, c]));
        const token = `${owner}:${crypto.randomBytes(6).toString('hex')}`;
        // `now` (tests pass a clock) decides what is due; a long loop otherwise reads the clock per batch.
        const due = now ?? Date.now();
        const claimed = await claimBatch(db, {
          token,
          campaignIds: [...campaigns.keys()],
          limit: cfg.campaigns.batchSize,
          now: due,
          claimExpires: Date.now() + cfg.campaigns.claimTtlSeconds * 1000,
        });
        if (!claimed.length) break;
        report.claimed += claimed.length;
        const acks = await this.sendBatch(claimed, campaigns, mailer, due, policy);
        await acknowledge(db, token, acks, Date.now(), messageDomain());
        for (const ack of acks) {
          if (ack.status === 'sent') report.sent += 1;
          else if (ack.status === 'queued') report.retried += 1;
          else if (ack.status === 'failed') report.failed += 1;
          else report.skipped += 1;
        }
      }
      return report;
    },

    /** Re-checks, renders and sends one claimed batch; returns what to record. */
    async sendBatch(
      claimed: ClaimedDelivery[],
      campaigns: Map<string, CampaignDefinition>,
      mailer: Transporter,
      now: number,
      policy: { maxAttempts: number; baseMs: number; maxMs: number }
    ): Promise<Acknowledgement[]> {
      const cfg = config();
      const profiles = await profilesFor(claimed.map((d) => d.profileId));
      const users = await usersFor(
        [...profiles.values()].map((p) => p.userId).filter((id): id is number => id !== null)
      );
      // Frequency caps count messages already sent in each window, plus those sent in this batch.
      const windows = new Map<number, Map<number, number>>();
      const caps = [cfg.campaigns.frequencyCap, ...[...campaigns.values()].map((c) => c.frequencyCap)];
      for (const cap of caps) {
        if (cap && !windows.has(cap.periodHours)) {
          windows.set(cap.periodHours, await sentCounts(knex(), [...profiles.keys()], now - cap.periodHours * 3_600_000));
        }
      }
      const overCap = (profileId: number, campaign: CampaignDefinition) =>
        [cfg.campaigns.frequencyCap, campaign.frequencyCap].some(
          (cap) => cap && (windows.get(cap.periodHours)?.get(profileId) ?? 0) >= cap.max
        );
      const countSend = (profileId: number) => {
        for (const counts of windows.values()) counts.set(profileId, (counts.get(profileId) ?? 0) + 1);
      };

      const acks: Acknowledgement[] = [];
      const sends: Promise<void>[] = [];
      for (const d of claimed) {
        const campaign = campaigns.get(d.campaignId);
        const profile = profiles.get(d.profileId);
        const skip = (error: string) => acks.push({ id: d.id, status: 'skipped', error });
        if (!campaign) {
          skip('campaign not sending');
          continue;
        }
        if (!profile || !profile.email) {
          skip('no e-mail address');
          continue;
        }
        if (profile.unsubscribedAt !== null) {
          skip('unsubscribed');
          continue;
        }
        if (profile.emailConsent === false || (cfg.campaigns.requireConsent && profile.emailConsent !== true)) {
          skip('no consent');
          continue;
        }
        if (overCap(profile.id, campaign)) {
          skip('frequency cap');
          continue;
        }
        countSend(profile.id);
        let rendered: RenderedEmail;
        try {
          rendered = renderFor(campaign, d.variant ?? 0, profile, profile.userId === null ? null : (users.get(profile.userId) ?? null), d.id);
        } catch (error) {
          acks.push({ id: d.id, status: 'failed', error: `render: ${(error as Error).message}`.slice(0, 1000) });
          continue;
        }
        const unsubscribe = trackUrl('unsubscribe', d.id);
        sends.push(
          mailer
            .sendMail({
              from: cfg.email.from,
              ...(cfg.email.replyTo ? { replyTo: cfg.email.replyTo } : {}),
              to: profile.email,
              subject: rendered.subject,
              html: rendered.html,
              text: rendered.text,
              // The same Message-ID on every attempt lets receivers drop a repeated message.
              messageId: `<segments.${d.id}@${messageDomain()}>`,
              headers: {
                'List-Unsubscribe': `<${unsubscribe}>`,
                'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
                'X-Segments-Campaign': campaign.documentId,
              },
            })
            .then(
              (info: { messageId?: string }) => {
                acks.push({ id: d.id, status: 'sent', messageId: String(info.messageId ?? ''), sentAt: Date.now() });
              },
              (error: unknown) => {
                const outcome = afterFailure(error, d.attempts, now, policy);
                acks.push(
                  outcome.kind === 'retry'
                    ? { id: d.id, status: 'queued', error: outcome.error, nextAttemptAt: outcome.nextAttemptAt }
                    : { id: d.id, status: 'failed', error: outcome.kind === 'failed' ? outcome.error : '' }
                );
              }
            )
        );
      }
      await Promise.all(sends);
      return acks;
    },

    /** Starts this instance's planner (cron, one instance per fire) and dispatcher loop. */
    start(): void {
      const scheduler = getService(strapi, 'scheduler');
      if (!scheduler.enabled()) return;
      stopped = false;
      scheduler.schedule('campaign-planner', config().campaigns.plannerCron, async () => {
        await this.plan();
      });
      const loop = () => {
        if (stopped) return;
        dispatching = this.dispatch()
          .catch((error) => strapi.log.error(`[segments] campaign dispatch failed: ${String(error)}`))
          .finally(() => {
            dispatching = null;
            if (!stopped) dispatchTimer = setTimeout(loop, config().campaigns.dispatchIntervalMs);
          });
      };
      dispatchTimer = setTimeout(loop, config().campaigns.dispatchIntervalMs);
    },

    async stop(): Promise<void> {
      stopped = true;
      if (dispatchTimer) clearTimeout(dispatchTimer);
      dispatchTimer = null;
      await dispatching;
      transport?.close();
      transport = null;
    },

    // ---- tracking ---------------------------------------------------------------------------

    async trackOpen(token: string, now = Date.now(), userAgent: string | null = null): Promise<boolean> {
      const payload = verifyToken(secret(), token, 'open');
      if (!payload) return false;
      const d = await deliveryById(payload.deliveryId);
      if (d) {
        // The agent lets send-time optimisation drop mail-proxy prefetches (not a reader's open).
        const properties = { campaignId: d.campaignId, variant: d.variant, deliveryId: d.id, ...(userAgent ? { userAgent: userAgent.slice(0, 300) } : {}) };
        await recordEvent(d.profileId, 'email_opened', properties, `email_opened:${d.id}`, now);
      }
      return true;
    },

    async trackClick(token: string, now = Date.now()): Promise<string | null> {
      const payload = verifyToken(secret(), token, 'click');
      if (!payload?.url) return null;
      const d = await deliveryById(payload.deliveryId);
      if (d) {
        const linkId = crypto.createHash('sha256').update(payload.url).digest('hex').slice(0, 16);
        await recordEvent(
          d.profileId,
          'email_clicked',
          { campaignId: d.campaignId, variant: d.variant, deliveryId: d.id, url: payload.url },
          `email_clicked:${d.id}:${linkId}`,
          now
        );
      }
      return payload.url;
    },

    /** Valid token → the delivery it names (or null when the delivery is gone); invalid → false. */
    async checkUnsubscribeToken(token: string) {
      const payload = verifyToken(secret(), token, 'unsubscribe');
      if (!payload) return false;
      return deliveryById(payload.deliveryId);
    },

    async unsubscribe(token: string, now = Date.now()): Promise<'ok' | 'invalid' | 'unknown'> {
      const d = await this.checkUnsubscribeToken(token);
      if (d === false) return 'invalid';
      if (!d) return 'unknown';
      await knex()(TABLES.profiles).where('id', d.profileId).whereNull('unsubscribed_at').update({ unsubscribed_at: now, updated_at: now });
      await knex()(TABLES.deliveries)
        .where('profile_id', d.profileId)
        .whereIn('status', ['pending', 'queued'])
        .update({ status: 'skipped', error: 'unsubscribed', updated_at: now });
      await recordEvent(d.profileId, 'unsubscribed', { campaignId: d.campaignId, variant: d.variant, deliveryId: d.id }, `unsubscribed:${d.id}`, now);
      return 'ok';
    },

    // ---- admin ------------------------------------------------------------------------------

    async definition(documentId: string): Promise<CampaignDefinition | null> {
      const [c] = await loadCampaigns({ documentId });
      return c ?? null;
    },

    /** Whether a campaign has a run that is not finished (resume goes back to `sending`). */
    async hasUnfinishedRun(documentId: string): Promise<boolean> {
      return Boolean(
        await knex()(TABLES.campaignRuns).where('campaign_id', documentId).whereIn('status', ['planned', 'ready']).first()
      );
    },

    /**
     * Renders a variant for a profile exactly as a send would, minus tracking (no delivery):
     * links stay as written, no pixel, the unsubscribe link points at a preview URL.
     */
    async preview(campaign: RenderableCampaign, variantIndex: number, profileId: number | null) {
      const profile: ProfileForSend = (profileId !== null ? (await profilesFor([profileId])).get(profileId) : undefined) ?? {
        id: 0,
        email: null,
        traits: {},
        userId: null,
        anonymousId: null,
        emailConsent: null,
        unsubscribedAt: null,
      };
      const user = profile.userId === null ? null : ((await usersFor([profile.userId])).get(profile.userId) ?? null);
      return renderFor(campaign, variantIndex, profile, user, null);
    },

    /**
     * Send-hour preview: the campaign's would-be recipients (segment members as of the last
     * recompute, e-mailable and consenting) per send hour in the campaign's zone, and how many
     * have enough engagement data for an hour of their own.
     */
    async sendHours(c: CampaignDefinition, now = Date.now()) {
      const db = knex();
      const segmentId = await segmentIdOf(c.segmentKey);
      const consent = config().campaigns.requireConsent;
      const rows = segmentId
        ? await db(`${TABLES.memberships} as m`)
            .join(`${TABLES.profiles} as p`, 'p.id', 'm.profile_id')
            .select('p.id', 'p.timezone')
            .where('m.segment_id', segmentId)
            .whereNotNull('p.email')
            .andWhere('p.email', '<>', '')
            .whereNull('p.unsubscribed_at')
            .andWhere((q) => (consent ? q.where('p.email_consent', true) : q.whereNull('p.email_consent').orWhere('p.email_consent', true)))
        : [];
      const recipients = rows.map((r: Record<string, unknown>) => ({ profileId: Number(r.id), timeZone: (r.timezone as string | null) ?? null }));
      const plan = await planSendHours(db, recipients, c.timezone, now, sendTimeSettings());
      const start = c.scheduleType === 'at' && c.sendAt && Date.parse(c.sendAt) > now ? Date.parse(c.sendAt) : now;
      const hours = new Array<number>(24).fill(0);
      for (const r of recipients) {
        const at = c.intelligentTiming
          ? intelligentSendAt(start, plan.hours.get(r.profileId) ?? plan.fallbackHour, recipientZone(r.timeZone, c.timezone), c.quietHours)
          : recipientSendAt({ runAt: start, localTime: c.localTime, quietHours: c.quietHours, timeZone: r.timeZone, fallbackTimeZone: c.timezone });
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

    async profileExists(id: number): Promise<boolean> {
      return Boolean(await knex()(TABLES.profiles).select('id').where('id', id).first());
    },

    /** Sends one rendered variant to an address (no outbox row, no tracking). */
    async sendTest(campaign: CampaignDefinition, variantIndex: number, profileId: number | null, to: string) {
      const mailer = getTransport();
      if (!mailer) throw new Error('no e-mail transport configured (segments.config.email.transport)');
      const rendered = await this.preview(campaign, variantIndex, profileId);
      const info = (await mailer.sendMail({
        from: config().email.from,
        to,
        subject: `[Test] ${rendered.subject}`,
        html: rendered.html,
        text: rendered.text,
      })) as { messageId?: string };
      return { messageId: String(info.messageId ?? ''), missing: rendered.missing };
    },

    async deliveries(documentId: string, page: number, pageSize: number, status: string | null) {
      const base = knex()(TABLES.deliveries).where('campaign_id', documentId);
      if (status) base.andWhere('status', status);
      const [{ n }] = (await base.clone().count({ n: '*' })) as Array<{ n: number | string }>;
      const rows = await base
        .clone()
        .select('id', 'run_id', 'profile_id', 'variant', 'holdout', 'status', 'scheduled_at', 'attempts', 'next_attempt_at', 'message_id', 'error', 'sent_at')
        .orderBy('id')
        .limit(pageSize)
        .offset((page - 1) * pageSize);
      const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(Number(v)).toISOString());
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
};

export default campaignsService;
export type CampaignsService = ReturnType<typeof campaignsService>;
declare module '../shell/get-service' {
  interface PluginServices {
    campaigns: CampaignsService;
  }
}
