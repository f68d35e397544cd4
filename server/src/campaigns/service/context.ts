import crypto from 'crypto';
import os from 'os';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Core } from '@strapi/strapi';
import type { Knex } from 'knex';
import type { PluginConfig } from '../../config';
import { toDefinition, type CampaignDefinition } from '../definition';
import { pushMissing, pushPayload, renderPush, type PushNotification, type PushVariant } from '../channels/push-content';
import { renderWebhookBody, signWebhook, webhookMissing, type WebhookVariant } from '../channels/webhook-content';
import type { InappMessage } from '../../contracts';
import { inappMissing, renderInapp, type InappVariant } from '../channels/inapp-content';
import {
  renderEmail,
  type RenderData,
  type RenderedEmail,
  type Tracking,
  type VariantContent,
} from '../render';
import { canTransition, type CampaignState } from '../state';
import { DEFAULT_SEND_TIME, type SendTimeSettings } from '../send-time';
import { createToken, deriveSecret, type TokenKind } from '../tokens';
import { ingestEvents } from '../../events/repository';
import { parseJsonColumn, type ProfileTarget } from '../../profiles/repository';
import { TABLES } from '../../store/tables';
import { CAMPAIGN_UID, SEGMENT_UID } from '../../store/uids';
import { getService } from '../../shell/get-service';

export interface ProfileForSend {
  id: number;
  email: string | null;
  traits: Record<string, unknown>;
  userId: number | null;
  anonymousId: string | null;
  emailConsent: boolean | null;
  unsubscribedAt: number | null;
}

/** What rendering needs of a campaign: a saved definition, or the composer's unsaved draft. */
export type RenderableCampaign = Pick<CampaignDefinition, 'documentId' | 'name'> &
  (
    | { channel?: 'email'; variants: VariantContent[] }
    | { channel: 'push'; variants: PushVariant[] }
    | { channel: 'webhook'; variants: WebhookVariant[]; webhook?: { url: string; secret: string | null } }
    | { channel: 'inapp'; variants: InappVariant[]; inapp?: { priority: number } }
  );

/** One recipient's message as a preview shows it, per channel. */
export type RenderedMessage =
  | ({ channel: 'email' } & RenderedEmail)
  | { channel: 'push'; notification: PushNotification; payloadBytes: number; problem: string | null; missing: string[] }
  | {
      channel: 'webhook';
      request: { method: 'POST'; url: string | null; headers: Record<string, string>; body: string };
      /** False when the campaign has no secret yet: the signature shown uses a placeholder. */
      signed: boolean;
      missing: string[];
    }
  | { channel: 'inapp'; message: InappMessage; missing: string[] };

/** Signs previews of campaigns that have no secret yet (never used for a send). */
const PREVIEW_SECRET = `whsec_${Buffer.from('segments-preview-placeholder-key!').toString('base64')}`;

export const NO_PROFILE: ProfileForSend = {
  id: 0,
  email: null,
  traits: {},
  userId: null,
  anonymousId: null,
  emailConsent: null,
  unsubscribedAt: null,
};

/**
 * What the planner, the dispatcher, tracking and the admin helpers of the campaigns service share:
 * configuration, the tracking secret and URLs, the pooled mail transport, campaign and profile
 * reads, rendering for one recipient, and recording a campaign event on a profile.
 */
export function campaignContext(strapi: Core.Strapi) {
  const owner = `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
  const config = () => strapi.config.get('plugin::segments') as PluginConfig;
  const knex = (): Knex => getService(strapi, 'store').knex();
  let transport: Transporter | null = null;

  let derived: string | null = null;
  const secret = () => {
    const configured = config().tracking.secret;
    if (configured) return configured;
    derived ??= deriveSecret((strapi.config.get('server.app.keys') as string[] | undefined) ?? []);
    return derived;
  };
  /** Strapi's public URL (`server.url`): where a browser reaches its API and uploaded media. */
  const publicUrl = () =>
    ((strapi.config.get('server.url') as string | undefined) ||
      `http://localhost:${String(strapi.config.get('server.port') ?? 1337)}`).replace(/\/$/, '');
  const trackingBase = () => {
    const base = config().tracking.baseUrl || publicUrl();
    const prefix = String(strapi.config.get('api.rest.prefix') ?? '/api');
    return `${base.replace(/\/$/, '')}${prefix}/segments/t`;
  };
  const trackUrl = (kind: TokenKind, deliveryId: number, url?: string) =>
    `${trackingBase()}/${kind[0]}/${createToken(secret(), { kind, deliveryId, url })}`;

  const profilesFor = async (ids: number[]): Promise<Map<number, ProfileForSend>> => {
    const rows = await knex()(TABLES.profiles)
      .select(
        'id',
        'email',
        'traits',
        'user_id',
        'anonymous_id',
        'email_consent',
        'unsubscribed_at'
      )
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

  const renderData = (
    campaign: Pick<CampaignDefinition, 'documentId' | 'name'>,
    variantName: string,
    profile: ProfileForSend,
    user: Record<string, unknown> | null,
    deliveryId: number | null
  ): RenderData => ({
    traits: profile.traits,
    user,
    campaign: { id: campaign.documentId, name: campaign.name, variant: variantName },
    profile: { id: profile.id, email: profile.email },
    unsubscribe_url:
      deliveryId === null ? `${trackingBase()}/u/preview` : trackUrl('unsubscribe', deliveryId),
  });

  return {
    owner,
    config,
    knex,
    trackingBase,
    publicUrl,
    trackUrl,
    profilesFor,
    usersFor,
    secret,

    sendTimeSettings: (): SendTimeSettings => ({ ...DEFAULT_SEND_TIME, ...config().sendTime }),

    /** The pooled, rate-limited SMTP transport; null while none is configured. */
    transport(): Transporter | null {
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
    },

    closeTransport(): void {
      transport?.close();
      transport = null;
    },

    messageDomain(): string {
      const m = /@([^>\s]+)>?\s*$/.exec(config().email.from);
      return m ? m[1] : 'localhost';
    },

    async loadCampaigns(where: Record<string, unknown>): Promise<CampaignDefinition[]> {
      const rows = (await strapi.db.query(CAMPAIGN_UID).findMany({ where })) as Record<
        string,
        unknown
      >[];
      return rows.map(toDefinition).filter((c): c is CampaignDefinition => c !== null);
    },

    /** System transition: compare-and-set on the row, legal only per the state machine. */
    async transition(
      documentId: string,
      from: CampaignState,
      to: CampaignState
    ): Promise<boolean> {
      if (!canTransition(from, to, 'system'))
        throw new Error(`segments: illegal system transition ${from} → ${to}`);
      const result = (await strapi.db
        .query(CAMPAIGN_UID)
        .updateMany({ where: { documentId, state: from }, data: { state: to } })) as {
        count: number;
      };
      return result.count > 0;
    },

    /** Writes fields no editor sets (the webhook secret) past the document guard. */
    async updateCampaignRow(documentId: string, data: Record<string, unknown>): Promise<void> {
      await strapi.db.query(CAMPAIGN_UID).updateMany({ where: { documentId }, data });
    },

    /** Web Push keys and contact (config, else generated once and kept in Strapi's store). */
    vapid: () => getService(strapi, 'push').vapidDetails(),

    async segmentIdOf(key: string): Promise<string | null> {
      const segment = await strapi.db
        .query(SEGMENT_UID)
        .findOne({ where: { key }, select: ['documentId', 'state'] });
      return segment && segment.state !== 'archived' ? String(segment.documentId) : null;
    },

    renderData,

    /** A variant rendered for one recipient, with tracking when it is for a real delivery. */
    renderFor(
      campaign: Pick<CampaignDefinition, 'documentId' | 'name'> & { variants: VariantContent[] },
      variantIndex: number,
      profile: ProfileForSend,
      user: Record<string, unknown> | null,
      deliveryId: number | null
    ): RenderedEmail {
      const variant = campaign.variants[variantIndex] ?? campaign.variants[0];
      const tracking: Tracking | null =
        deliveryId === null
          ? null
          : {
              openPixelUrl: `${trackUrl('open', deliveryId)}.gif`,
              clickUrl: (url) => trackUrl('click', deliveryId, url),
            };
      return renderEmail(variant, renderData(campaign, variant.name, profile, user, deliveryId), tracking);
    },

    /** A push notification for one recipient; with a delivery, its tracking URLs and tag. */
    renderPushFor(
      campaign: Pick<CampaignDefinition, 'documentId' | 'name'> & { variants: PushVariant[] },
      variantIndex: number,
      profile: ProfileForSend,
      user: Record<string, unknown> | null,
      deliveryId: number | null
    ): PushNotification {
      const variant = campaign.variants[variantIndex] ?? campaign.variants[0];
      const data = renderData(campaign, variant.name, profile, user, deliveryId);
      const tracking =
        deliveryId === null
          ? null
          : { tag: `segments-${deliveryId}`, displayedUrl: trackUrl('displayed', deliveryId), clickedUrl: trackUrl('pushclick', deliveryId) };
      return renderPush(variant, data, tracking);
    },

    /** A webhook body for one recipient (JSON, checked). */
    renderWebhookFor(
      campaign: Pick<CampaignDefinition, 'documentId' | 'name'> & { variants: WebhookVariant[] },
      variantIndex: number,
      profile: ProfileForSend,
      user: Record<string, unknown> | null,
      deliveryId: number | null
    ): string {
      const variant = campaign.variants[variantIndex] ?? campaign.variants[0];
      return renderWebhookBody(variant, renderData(campaign, variant.name, profile, user, deliveryId));
    },

    /** The preview of any channel: what a send would produce, without tracking. */
    renderMessage(
      campaign: RenderableCampaign,
      variantIndex: number,
      profile: ProfileForSend,
      user: Record<string, unknown> | null
    ): RenderedMessage {
      if (campaign.channel === 'push') {
        const variant = campaign.variants[variantIndex] ?? campaign.variants[0];
        const data = renderData(campaign, variant.name, profile, user, null);
        const notification = renderPush(variant, data, null);
        const sized = pushPayload(notification);
        return {
          channel: 'push',
          notification,
          payloadBytes: Buffer.byteLength(JSON.stringify(notification)),
          problem: sized.ok ? null : sized.error,
          missing: pushMissing(variant, data),
        };
      }
      if (campaign.channel === 'webhook') {
        const variant = campaign.variants[variantIndex] ?? campaign.variants[0];
        const data = renderData(campaign, variant.name, profile, user, null);
        const body = renderWebhookBody(variant, data);
        const secret = campaign.webhook?.secret ?? null;
        const signed = signWebhook(secret ?? PREVIEW_SECRET, 'msg_preview', body, new Date());
        return {
          channel: 'webhook',
          request: { method: 'POST', url: campaign.webhook?.url ?? null, headers: signed.headers, body },
          signed: secret !== null,
          missing: webhookMissing(variant, data),
        };
      }
      if (campaign.channel === 'inapp') {
        const variant = campaign.variants[variantIndex] ?? campaign.variants[0];
        const data = renderData(campaign, variant.name, profile, user, null);
        const meta = { id: 'preview', campaign: campaign.documentId, priority: campaign.inapp?.priority ?? 50 };
        return { channel: 'inapp', message: renderInapp(variant, data, meta), missing: inappMissing(variant, data) };
      }
      return { channel: 'email', ...this.renderFor(campaign, variantIndex, profile, user, null) };
    },

    /** Stores a campaign event (open, click, unsubscribe) on the profile, once per messageId. */
    /** True when the event was stored (false: a repeat of its messageId, or no such profile). */
    async recordEvent(
      profileId: number,
      name: string,
      properties: Record<string, unknown>,
      messageId: string,
      now: number
    ): Promise<boolean> {
      const row = await knex()(TABLES.profiles)
        .select('user_id', 'anonymous_id')
        .where('id', profileId)
        .first();
      if (!row) return false;
      const target: ProfileTarget | null =
        row.user_id !== null && row.user_id !== undefined
          ? { userId: Number(row.user_id) }
          : row.anonymous_id
            ? { anonymousId: String(row.anonymous_id) }
            : null;
      if (!target) return false; // a profile with no identity cannot own events
      const result = await ingestEvents(knex(), {
        events: [
          { index: 0, name, occurredAt: now, properties, value: null, messageId, subject: target },
        ],
        defaultTarget: null,
        context: null,
        now,
        afterWrite: (trx, eventsOf) =>
          getService(strapi, 'memberships').markEventsStored(eventsOf, trx),
      });
      getService(strapi, 'segments').invalidateProfile(profileId);
      return result.stored > 0;
    },

    log: (message: string) => strapi.log.warn(`[segments] ${message}`),

    async deliveryById(id: number) {
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
    },
  };
}

export type CampaignContext = ReturnType<typeof campaignContext>;
