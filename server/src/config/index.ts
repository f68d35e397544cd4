import { z } from 'zod';
import cron from 'node-cron';
import { isValidTimeZone } from '../rules/time';

const frequencyCapSchema = z
  .object({
    max: z.number().int().min(1).max(1000),
    periodHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 365),
  })
  .strict();

/**
 * Plugin configuration (`config/plugins.ts` → `segments.config`). Validated at boot: a bad value
 * stops Strapi with a message naming the field, instead of failing later at request or send time.
 */
export const pluginConfigSchema = z
  .object({
    identity: z
      .object({
        /** Header a storefront sends with its anonymous visitor id. */
        anonymousIdHeader: z.string().min(1).default('x-segments-anonymous-id'),
        /** First-party cookie holding the anonymous id (read, and set when `setCookie`). */
        cookie: z
          .object({
            enabled: z.boolean().default(false),
            name: z
              .string()
              .regex(/^[A-Za-z0-9_-]+$/)
              .default('segments_aid'),
            maxAgeDays: z.number().int().positive().max(3650).default(365),
            setCookie: z.boolean().default(true),
          })
          .strict()
          .default({}),
      })
      .strict()
      .default({}),
    retention: z
      .object({
        /** Raw events are kept this many days; daily rollups live longer. */
        rawEventsDays: z.number().int().min(1).max(3650).default(90),
        rollupDays: z.number().int().min(1).max(36500).default(730),
        /** Run the purge daily (03:17 UTC) on one instance, through the distributed scheduler. */
        scheduledPurge: z.boolean().default(true),
      })
      .strict()
      .default({}),
    identify: z
      .object({
        /**
         * users-permissions user fields copied into the profile's traits on identify (`email`
         * fills the promoted e-mail column). Secrets are refused whatever is listed.
         */
        userFields: z
          .array(
            z
              .string()
              .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
              .refine((f) => !/password|token|secret|provider_?id/i.test(f), {
                message: 'passwords, tokens and secrets may not become traits',
              })
          )
          .max(50)
          .default(['email', 'username']),
      })
      .strict()
      .default({}),
    segments: z
      .object({
        /** Batch memberships of active segments are recomputed this often (minutes, UTC cron). */
        recomputeEveryMinutes: z.number().int().min(1).max(1440).default(15),
        /** `/me` keeps a visitor's profile and rollups this long (their own events clear it). */
        cacheTtlSeconds: z.number().int().min(0).max(3600).default(30),
        cacheMaxProfiles: z.number().int().min(1).max(1_000_000).default(10_000),
        /** Real-time memberships: changed profiles are re-evaluated within seconds (issue 22). */
        realtime: z
          .object({
            enabled: z.boolean().default(true),
            /** Each instance looks for due re-evaluations this often. */
            intervalMs: z.number().int().min(50).max(60_000).default(1000),
            /** Profiles one instance claims and re-evaluates at once. */
            batchSize: z.number().int().min(1).max(10_000).default(500),
            /** A claim not released within this time is taken over by another instance. */
            claimTtlSeconds: z.number().int().min(5).max(3600).default(60),
            /**
             * Past this many due profiles (a burst, an import) the loop stops re-evaluating one by
             * one and recomputes the segments instead, once, then carries on.
             */
            maxBacklog: z.number().int().min(1).max(100_000_000).default(50_000),
          })
          .strict()
          .default({}),
        preview: z
          .object({
            /** Above this predicted time the builder's preview estimates the size. */
            exactBudgetMs: z.number().int().min(0).max(60_000).default(1000),
            /** Profiles in the estimation sample (the estimate is within ±0.44% of all profiles at this size). */
            sampleSize: z.number().int().min(1000).max(1_000_000).default(50_000),
          })
          .strict()
          .default({}),
      })
      .strict()
      .default({}),
    targeting: z
      .object({
        /**
         * What content-API lists of targeting-enabled types leave out is cached per instance,
         * per (type, visitor's set of segments): one entry per such combination seen, holding up
         * to `maxHiddenIds` ids (see README, "Configuration", for the memory this costs).
         */
        cacheMaxEntries: z.number().int().min(1).max(1_000_000).default(5000),
        /** Bounds what the content version does not see (writes straight to the database). */
        cacheTtlSeconds: z.number().int().min(1).max(3600).default(60),
        /** Above this many hidden rows a list filters with a subquery instead of a cached id list. */
        maxHiddenIds: z.number().int().min(1).max(100_000).default(1000),
      })
      .strict()
      .default({}),
    analytics: z
      .object({
        /**
         * IANA time zone whose midnight starts a reporting day: activity days (DAU/WAU/MAU) are
         * recorded in it. Changing it applies to activity recorded from then on.
         */
        timeZone: z
          .string()
          .refine(isValidTimeZone, {
            message: 'must be an IANA time zone such as UTC or Europe/Paris',
          })
          .default('UTC'),
        /**
         * How often (ms) an instance folds the days its own ingestion touched into the analytics
         * pre-aggregates; reads also fold them first. 0 switches the timer off.
         */
        refreshIntervalMs: z.number().int().min(0).max(3_600_000).default(60_000),
        /** Cron (UTC) of the full pre-aggregate rebuild, which reconciles merges and purges. */
        rebuildCron: z
          .string()
          .refine((v) => cron.validate(v), { message: 'must be a valid cron expression' })
          .default('17 3 * * *'),
      })
      .strict()
      .default({}),
    geo: z
      .object({
        /**
         * Path to a DB-IP "IP to City Lite" or "IP to Country Lite" CSV (`.csv` or `.csv.gz`),
         * loaded at boot: requests without CDN geo headers are located by their address. Null:
         * CDN headers only.
         */
        ipDatabase: z.string().min(1).nullable().default(null),
      })
      .strict()
      .default({}),
    scheduler: z
      .object({
        /**
         * Run scheduled jobs (recomputes, purges, campaign ticks) on this instance. Several
         * instances may all enable it: each job or cron fire runs on one of them, through a
         * database lease. Switch it off on instances that should only serve requests.
         */
        enabled: z.boolean().default(true),
        /** How long a job's lease lasts without renewal: the takeover delay when a worker dies. */
        leaseTtlSeconds: z.number().int().min(5).max(3600).default(60),
      })
      .strict()
      .default({}),
    /** E-mail transport for campaigns: nodemailer SMTP options, pooled and rate-limited. */
    email: z
      .object({
        /**
         * nodemailer transport options (host, port, secure, auth, tls, …). Null disables sending:
         * deliveries stay queued until a transport is configured.
         */
        transport: z.record(z.unknown()).nullable().default(null),
        from: z.string().min(3).max(320).default('no-reply@localhost'),
        replyTo: z.string().min(3).max(320).optional(),
        /** Pooled SMTP connections per instance. */
        maxConnections: z.number().int().min(1).max(100).default(5),
        /** Messages per second per instance (nodemailer's pool rate limit). */
        rateLimitPerSecond: z.number().int().min(1).max(100_000).default(20),
      })
      .strict()
      .default({}),
    /** Open/click/unsubscribe links in campaign e-mails. */
    tracking: z
      .object({
        /** Public URL of this Strapi (links point at `<baseUrl>/api/segments/t/…`). Default: server.url or http://localhost:1337. */
        baseUrl: z.string().url().optional(),
        /** HMAC secret for tracking tokens. Default: derived from the app keys. */
        secret: z.string().min(32).optional(),
      })
      .strict()
      .default({}),
    campaigns: z
      .object({
        /** Plan due campaign runs on this cron expression (UTC; seconds field allowed). */
        plannerCron: z
          .string()
          .refine((e) => cron.validate(e), { message: 'not a valid cron expression' })
          .default('* * * * *'),
        /** Each instance looks for due deliveries this often. */
        dispatchIntervalMs: z.number().int().min(50).max(600_000).default(2000),
        /** Deliveries claimed at once by one instance (the duplicate bound if it dies mid-send). */
        batchSize: z.number().int().min(1).max(1000).default(50),
        /** A claimed batch not acknowledged within this time is taken over by another instance. */
        claimTtlSeconds: z.number().int().min(5).max(3600).default(120),
        maxAttempts: z.number().int().min(1).max(20).default(5),
        /** Transient failures wait base × 2^(attempt−1), at most retryMaxSeconds. */
        retryBaseSeconds: z.number().min(0).max(86_400).default(60),
        retryMaxSeconds: z
          .number()
          .min(0)
          .max(7 * 86_400)
          .default(3600),
        /** Only profiles with email_consent = true are sent to (else: all but opted-out). */
        requireConsent: z.boolean().default(false),
        /** Global cap across campaigns and channels: at most `max` messages per profile per `periodHours`. */
        frequencyCap: frequencyCapSchema.nullable().default(null),
        /** A cap per channel (counts only that channel's messages), on top of the global one. */
        channelCaps: z
          .object({
            email: frequencyCapSchema.nullable().default(null),
            push: frequencyCapSchema.nullable().default(null),
            webhook: frequencyCapSchema.nullable().default(null),
          })
          .strict()
          .default({}),
      })
      .strict()
      .default({}),
    /** Web Push (campaigns with channel `push`). */
    push: z
      .object({
        /**
         * VAPID key pair (base64url, as `web-push generate-vapid-keys` prints it). Default:
         * generated once at first boot and kept in Strapi's store.
         */
        vapid: z
          .object({ publicKey: z.string().min(80).max(100), privateKey: z.string().min(40).max(50) })
          .strict()
          .optional(),
        /** VAPID contact (RFC 8292 §2.1): `mailto:` or an https URL. Default: mailto: the e-mail sender. */
        subject: z
          .string()
          .regex(/^(mailto:|https:\/\/)/, 'must start with mailto: or https://')
          .optional(),
        /** Devices (subscriptions) kept per profile; the oldest goes when a new one comes. */
        maxSubscriptionsPerProfile: z.number().int().min(1).max(100).default(10),
      })
      .strict()
      .default({}),
    /** Outbound HTTP of push and webhook campaigns. */
    outbound: z
      .object({
        /**
         * Hosts (names, addresses or CIDR ranges) that may be reached although private, loopback
         * or link-local, and over plain http. Everything else must be public https.
         */
        allowedHosts: z.array(z.string().min(1).max(255)).max(100).default([]),
        /** One request's deadline (a webhook campaign may set a shorter one). */
        timeoutSeconds: z.number().int().min(1).max(120).default(10),
        /** Requests in flight at once per instance. */
        concurrency: z.number().int().min(1).max(1000).default(20),
      })
      .strict()
      .default({}),
    /** Intelligent timing (campaigns with `intelligentTiming`) and triggered campaigns. */
    sendTime: z
      .object({
        /** Engagement (sessions, human opens, clicks) counted this far back. */
        lookbackDays: z.number().int().min(1).max(3650).default(90),
        /** A signal this old weighs half of one from today. */
        halfLifeDays: z.number().min(1).max(3650).default(30),
        /** Signals a profile needs for its own hour; below it the audience's hour is used. */
        minSignals: z.number().int().min(1).max(1000).default(5),
        /** Opens within this many seconds of the send are machine opens and ignored. */
        machineOpenSeconds: z.number().int().min(0).max(86_400).default(60),
        /** Recipient-local hour when neither the profile nor the audience has data. */
        fallbackHour: z.number().int().min(0).max(23).default(10),
      })
      .strict()
      .default({}),
    /**
     * On first boot, grant the storefront routes (`/me`, later `/events`, `/identify`) to the
     * users-permissions Public and Authenticated roles. Done once; revocations are respected.
     */
    grantStorefrontPermissions: z.boolean().default(true),
  })
  .strict();

export type PluginConfig = z.infer<typeof pluginConfigSchema>;

/** Turns zod issues into one message naming every offending field. */
export function describeConfigError(error: z.ZodError): string {
  const problems = error.issues.map((issue) => {
    const where = issue.path.length ? issue.path.join('.') : '(root)';
    return `segments.config.${where}: ${issue.message}`;
  });
  return `Invalid strapi-plugin-segments configuration:\n  ${problems.join('\n  ')}`;
}

export function parsePluginConfig(input: unknown): PluginConfig {
  const result = pluginConfigSchema.safeParse(input ?? {});
  if (!result.success) throw new Error(describeConfigError(result.error));
  return result.data;
}

export default {
  default: () => pluginConfigSchema.parse({}),
  validator(config: unknown) {
    parsePluginConfig(config);
  },
};
