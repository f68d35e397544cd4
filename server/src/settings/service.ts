import nodemailer from 'nodemailer';
import type { Core } from '@strapi/strapi';
import type { PluginConfig } from '../config';
import { maskSecrets, schedulerJobs, type LeaseRow } from './effective';
import { TABLES } from '../store/tables';
import { getService } from '../shell/get-service';

/** Delivery states still to be sent (the outbox queue). */
const WAITING = ['pending', 'queued', 'sending'] as const;

/** The Settings page: effective configuration, SMTP check, scheduler status. */
const settingsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const config = () => strapi.config.get('plugin::segments') as PluginConfig;
  const knex = () => getService(strapi, 'store').knex();

  return {
    /** The validated configuration this instance runs with, secrets masked. */
    effective() {
      const current = config();
      return {
        config: maskSecrets(current) as Record<string, unknown>,
        derived: {
          // Said explicitly: an unset secret is not a missing one.
          trackingSecret: current.tracking.secret ? 'configured' : 'derived from the app keys',
          emailTransport: current.email.transport ? 'configured' : 'not configured (campaigns stay queued)',
        },
      };
    },

    /**
     * What the channels beyond e-mail run with: the VAPID public key storefronts subscribe with
     * (and where it comes from), the devices subscribed, and the outbound policy that push and
     * webhook requests obey.
     */
    async channels() {
      const current = config();
      const push = getService(strapi, 'push');
      const details = await push.vapidDetails();
      return {
        push: {
          publicKey: details.publicKey,
          keySource: current.push.vapid ? ('config' as const) : ('generated' as const),
          subject: details.subject,
          devices: await push.stats(),
        },
        outbound: {
          allowedHosts: current.outbound.allowedHosts,
          timeoutSeconds: current.outbound.timeoutSeconds,
          concurrency: current.outbound.concurrency,
        },
      };
    },

    /**
     * Opens one SMTP connection with the configured transport options (not the sending pool, so
     * a check never takes a pooled connection) and runs nodemailer's `verify()`: connect, TLS,
     * EHLO and authentication.
     */
    async smtpCheck(): Promise<{ ok: boolean; error?: string; host?: string; port?: number }> {
      const options = config().email.transport;
      if (!options) return { ok: false, error: 'No e-mail transport is configured (segments.email.transport)' };
      const transporter = nodemailer.createTransport({
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 15_000,
        ...options,
        pool: false,
      } as Parameters<typeof nodemailer.createTransport>[0]);
      const where = {
        host: typeof options.host === 'string' ? options.host : undefined,
        port: typeof options.port === 'number' ? options.port : undefined,
      };
      try {
        await transporter.verify();
        return { ok: true, ...where };
      } catch (error) {
        return { ok: false, error: error instanceof Error ? error.message : String(error), ...where };
      } finally {
        transporter.close();
      }
    },

    /** Which instance ran / holds each job, when it last ticked, and the outbox queue depth. */
    async scheduler() {
      const db = knex();
      const now = Date.now();
      const leases = (await db(TABLES.leases)
        .select('name', 'owner', 'acquired_at', 'renewed_at', 'expires_at')
        .orderBy('acquired_at', 'desc')
        .limit(1000)) as LeaseRow[];
      const counts = (await db(TABLES.deliveries)
        .whereIn('status', [...WAITING])
        .groupBy('status')
        .select('status')
        .count({ n: '*' })) as Array<{ status: string; n: number | string }>;
      const due = (await db(TABLES.deliveries)
        .where('status', 'queued')
        .andWhere('next_attempt_at', '<=', now)
        .count({ n: '*' })) as Array<{ n: number | string }>;
      const byStatus = Object.fromEntries(WAITING.map((s) => [s, 0])) as Record<(typeof WAITING)[number], number>;
      for (const row of counts) byStatus[row.status as (typeof WAITING)[number]] = Number(row.n);
      const scheduler = getService(strapi, 'scheduler');
      return {
        thisInstance: { owner: scheduler.owner, schedulerEnabled: scheduler.enabled() },
        jobs: schedulerJobs(leases, now),
        queue: { ...byStatus, due: Number(due[0]?.n ?? 0), total: WAITING.reduce((sum, s) => sum + byStatus[s], 0) },
        now,
      };
    },
  };
};

export default settingsService;
export type SettingsService = ReturnType<typeof settingsService>;
declare module '../shell/get-service' {
  interface PluginServices {
    settings: SettingsService;
  }
}
