import type { Knex } from 'knex';
import { TABLES } from '../store/tables';
import { parseJsonColumn } from '../profiles/repository';
import {
  addHistogram,
  emptyHistogram,
  engagementHistogram,
  fallbackHour,
  personalHour,
  recipientZone,
  type EngagementSignal,
  type SendTimeSettings,
  type SignalKind,
} from './send-time';

/**
 * Engagement signals from the events table, and send hours for a set of recipients. No Strapi:
 * the planner and the preview call it. Reads go through the (profile_id, name, occurred_at) index.
 */
export const SIGNAL_EVENTS: Record<string, SignalKind> = {
  session_start: 'session',
  email_opened: 'open',
  email_clicked: 'click',
};

const CHUNK = 500;

export interface Recipient {
  profileId: number;
  timeZone: string | null;
}

export interface SendHourPlan {
  /** Recipient-local hour per profile. */
  hours: Map<number, number>;
  /** Profiles whose hour is their own (enough data). */
  personalised: Set<number>;
  fallbackHour: number;
}

async function signalsFor(knex: Knex, profileIds: number[], since: number): Promise<Map<number, EngagementSignal[]>> {
  const rows = await knex(TABLES.events)
    .select('profile_id', 'name', 'occurred_at', 'properties')
    .whereIn('profile_id', profileIds)
    .whereIn('name', Object.keys(SIGNAL_EVENTS))
    .andWhere('occurred_at', '>=', since);
  // Opens carry their delivery: its send time tells a prefetch from a reader.
  const deliveryIds = new Set<number>();
  const parsed = rows.map((r: Record<string, unknown>) => {
    const properties = (parseJsonColumn(r.properties) ?? {}) as Record<string, unknown>;
    if (r.name === 'email_opened' && Number.isFinite(Number(properties.deliveryId))) deliveryIds.add(Number(properties.deliveryId));
    return { profileId: Number(r.profile_id), kind: SIGNAL_EVENTS[String(r.name)], at: Number(r.occurred_at), properties };
  });
  const sentAt = new Map<number, number>();
  const ids = [...deliveryIds];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const sent = await knex(TABLES.deliveries).select('id', 'sent_at').whereIn('id', ids.slice(i, i + CHUNK)).whereNotNull('sent_at');
    for (const d of sent as Array<{ id: unknown; sent_at: unknown }>) sentAt.set(Number(d.id), Number(d.sent_at));
  }
  const byProfile = new Map<number, EngagementSignal[]>();
  for (const p of parsed) {
    const list = byProfile.get(p.profileId) ?? [];
    list.push({
      kind: p.kind,
      at: p.at,
      userAgent: typeof p.properties.userAgent === 'string' ? p.properties.userAgent : null,
      sentAt: p.kind === 'open' ? (sentAt.get(Number(p.properties.deliveryId)) ?? null) : null,
    });
    byProfile.set(p.profileId, list);
  }
  return byProfile;
}

/**
 * Each recipient's send hour: their own peak when they have enough data, else the audience's
 * peak (summed over everyone here, local hours), else the configured hour. Processes recipients
 * in chunks, keeping one number per recipient.
 */
export async function planSendHours(
  knex: Knex,
  recipients: readonly Recipient[],
  campaignZone: string,
  now: number,
  settings: SendTimeSettings
): Promise<SendHourPlan> {
  const hours = new Map<number, number>();
  const personalised = new Set<number>();
  const audience = emptyHistogram();
  const since = now - settings.lookbackDays * 86_400_000;
  for (let i = 0; i < recipients.length; i += CHUNK) {
    const chunk = recipients.slice(i, i + CHUNK);
    const signals = await signalsFor(knex, chunk.map((r) => r.profileId), since);
    for (const r of chunk) {
      const h = engagementHistogram(signals.get(r.profileId) ?? [], recipientZone(r.timeZone, campaignZone), now, settings);
      addHistogram(audience, h);
      const own = personalHour(h, settings);
      if (own !== null) {
        hours.set(r.profileId, own);
        personalised.add(r.profileId);
      }
    }
  }
  const fallback = fallbackHour(audience, settings);
  for (const r of recipients) if (!hours.has(r.profileId)) hours.set(r.profileId, fallback);
  return { hours, personalised, fallbackHour: fallback };
}

/** Pending deliveries of a run with their time zones (the audience to time). */
export async function pendingRecipients(knex: Knex, runId: number): Promise<Recipient[]> {
  const rows = await knex(`${TABLES.deliveries} as d`)
    .join(`${TABLES.profiles} as p`, 'p.id', 'd.profile_id')
    .select('d.profile_id', 'p.timezone')
    .where('d.run_id', runId)
    .andWhere('d.status', 'pending');
  return rows.map((r: Record<string, unknown>) => ({ profileId: Number(r.profile_id), timeZone: (r.timezone as string | null) ?? null }));
}
