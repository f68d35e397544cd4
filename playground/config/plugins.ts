import fs from 'fs';
import path from 'path';

/**
 * Load strapi-plugin-segments from the repository root. The path is found by walking up from this
 * file (src/config or dist/config): a relative `resolve` breaks Strapi's server loader and a fixed
 * absolute path breaks the admin build.
 */
function findPluginRoot(start: string): string {
  for (let dir = start; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'strapi-plugin-segments') {
      return dir;
    }
  }
  throw new Error(`strapi-plugin-segments: no package.json named strapi-plugin-segments above ${start}`);
}

export default ({ env }: { env: any }) => ({
  // GraphQL (a devDependency) is off unless a test or demo asks for it: it slows every boot.
  ...(env.bool('PLAYGROUND_GRAPHQL', false)
    ? { graphql: { enabled: true, resolve: path.dirname(require.resolve('@strapi/plugin-graphql/package.json')) } }
    : {}),
  'users-permissions': {
    config: { jwtSecret: env('JWT_SECRET', 'playground-users-permissions-jwt-secret') },
  },
  segments: {
    enabled: env.bool('SEGMENTS_ENABLED', true),
    // SEGMENTS_PLUGIN_PATH lets a test point Strapi at a plugin folder that has not been built.
    resolve: env('SEGMENTS_PLUGIN_PATH', '') || findPluginRoot(__dirname),
    config: {
      analytics: { timeZone: env('SEGMENTS_REPORTING_TIME_ZONE', 'UTC') },
      geo: { ipDatabase: env('SEGMENTS_GEOIP_DATABASE', null) },
      targeting: {
        cacheMaxEntries: env.int('SEGMENTS_TARGETING_CACHE_ENTRIES', 5000),
        maxHiddenIds: env.int('SEGMENTS_TARGETING_MAX_HIDDEN_IDS', 1000),
      },
      segments: {
        preview: {
          exactBudgetMs: env.int('SEGMENTS_PREVIEW_BUDGET_MS', 1000),
          sampleSize: env.int('SEGMENTS_PREVIEW_SAMPLE_SIZE', 50000),
        },
        realtime: {
          maxBacklog: env.int('SEGMENTS_REALTIME_MAX_BACKLOG', 50000),
          claimTtlSeconds: env.int('SEGMENTS_REALTIME_CLAIM_TTL_SECONDS', 60),
        },
      },
      scheduler: {
        enabled: env.bool('SEGMENTS_SCHEDULER_ENABLED', true),
        leaseTtlSeconds: env.int('SEGMENTS_LEASE_TTL_SECONDS', 60),
      },
      // Campaign e-mail: a local SMTP server (maildev, or the tests' in-process sink) when given.
      email: {
        transport: env('SEGMENTS_SMTP_PORT')
          ? { host: env('SEGMENTS_SMTP_HOST', '127.0.0.1'), port: env.int('SEGMENTS_SMTP_PORT'), secure: false, ignoreTLS: true }
          : null,
        from: env('SEGMENTS_EMAIL_FROM', 'Playground Shop <news@playground.test>'),
        rateLimitPerSecond: env.int('SEGMENTS_EMAIL_RATE', 200),
        maxConnections: env.int('SEGMENTS_EMAIL_CONNECTIONS', 5),
      },
      campaigns: {
        plannerCron: env('SEGMENTS_PLANNER_CRON', '* * * * *'),
        dispatchIntervalMs: env.int('SEGMENTS_DISPATCH_INTERVAL_MS', 2000),
        batchSize: env.int('SEGMENTS_DISPATCH_BATCH', 50),
        claimTtlSeconds: env.int('SEGMENTS_CLAIM_TTL_SECONDS', 120),
        retryBaseSeconds: env.int('SEGMENTS_RETRY_BASE_SECONDS', 60),
        frequencyCap: env.json('SEGMENTS_FREQUENCY_CAP', null),
        channelCaps: env.json('SEGMENTS_CHANNEL_CAPS', {}),
      },
      // Tests and the demo talk to push services and webhook receivers on this machine.
      outbound: { allowedHosts: env.array('SEGMENTS_OUTBOUND_ALLOWED_HOSTS', []) },
    },
  },
});
