import { seedChannelCampaigns } from './demo-channels';
import path from 'path';
import { Readable } from 'stream';
import type { Core } from '@strapi/strapi';
import { DAY_MS, appUserId, cdnowEvents, generateAppUsers, readCdnow, type DemoEvent } from './demo-data';

export const DEMO_ADMIN = {
  email: process.env.DEMO_ADMIN_EMAIL ?? 'admin@segments.demo',
  password: process.env.DEMO_ADMIN_PASSWORD ?? 'Segments-demo-1',
  firstname: 'Demo',
  lastname: 'Admin',
};

/** Creates the demo super admin if no user with that e-mail exists yet. */
export async function ensureDemoAdmin(strapi: Core.Strapi): Promise<void> {
  const existing = await strapi.db.query('admin::user').findOne({ where: { email: DEMO_ADMIN.email } });
  if (existing) return;
  const superAdminRole = await strapi.service('admin::role').getSuperAdmin();
  if (!superAdminRole) throw new Error('demo: the Super Admin role does not exist yet');
  await strapi.service('admin::user').create({
    ...DEMO_ADMIN,
    registrationToken: null,
    isActive: true,
    roles: [superAdminRole.id],
  });
  strapi.log.info(`[demo] created admin ${DEMO_ADMIN.email}`);
}

export const DEMO_SEGMENTS = [
  {
    key: 'daily-task-completers',
    name: 'Daily task completers',
    description: 'Completed a task on at least 5 of the last 7 days.',
    rule: { $event: { name: 'task_done', within: { days: 7 }, activeDays: { $gte: 5 } } },
  },
  {
    key: 'big-spenders',
    name: 'Big spenders (90 days)',
    description: 'Spent more than $100 in the last 90 days.',
    rule: { $event: { name: 'purchase', within: { days: 90 }, sum: { $gt: 100 } } },
  },
  {
    key: 'frequent-buyers',
    name: 'Frequent buyers',
    description: 'Bought at least 3 times in the last 90 days.',
    rule: { $event: { name: 'purchase', within: { days: 90 }, count: { $gte: 3 } } },
  },
  {
    key: 'lapsed',
    name: 'Lapsed buyers',
    description: 'Bought before, but not in the last 180 days.',
    rule: {
      $and: [
        { $event: { name: 'purchase' } },
        { $event: { name: 'purchase', within: { days: 180 }, count: { $eq: 0 } } },
      ],
    },
  },
  {
    key: 'near-berlin',
    name: 'Near Berlin',
    description: 'Within 50 km of Berlin.',
    rule: { $geo: { near: { lat: 52.52, lng: 13.405 }, radiusKm: 50 } },
  },
  {
    key: 'germany',
    name: 'Visitors in Germany',
    description: 'Profiles whose country is DE.',
    rule: { country: { $exists: true, $eq: 'DE' } },
  },
  {
    key: 'new-this-week',
    name: 'New this week',
    description: 'First seen in the last 7 days.',
    rule: { $date: { attribute: 'firstSeenAt', newerThan: { days: 7 } } },
  },
  {
    key: 'cart-starters',
    name: 'Started a cart',
    description: 'Added something to the cart at least once (the in-app offer shows to them).',
    rule: { $event: { name: 'add_to_cart', count: { $gte: 1 } } },
  },
];

/** `home-hero` banners: one per segment, and an untargeted fallback. */
const HERO_BANNERS: { title: string; segment: string | null; priority: number; ctaLabel: string; ctaUrl: string }[] = [
  { title: 'Welcome to the demo shop', segment: null, priority: 0, ctaLabel: 'Browse', ctaUrl: '/shop' },
  { title: 'VIP early access: the winter sale opens for you today', segment: 'big-spenders', priority: 10, ctaLabel: 'Shop early', ctaUrl: '/sale?vip=1' },
  { title: 'New here? Your starter kit ships free', segment: 'new-this-week', priority: 8, ctaLabel: 'Get started', ctaUrl: '/starter' },
  { title: 'Five days in a row! 20% off training gear', segment: 'daily-task-completers', priority: 6, ctaLabel: 'Claim 20%', ctaUrl: '/gear' },
  { title: 'Same-day delivery in Berlin', segment: 'near-berlin', priority: 4, ctaLabel: 'Order now', ctaUrl: '/berlin' },
  { title: 'We miss you: 15% back on your next order', segment: 'lapsed', priority: 3, ctaLabel: 'Come back', ctaUrl: '/welcome-back' },
];

/** Two banners of `home-promo`, A/B-tested by a running experiment. */
const PROMO_BANNERS = [
  { title: 'Free shipping on orders over $50', ctaLabel: 'Shop', ctaUrl: '/shop?promo=shipping' },
  { title: '10% off your next order', ctaLabel: 'Shop', ctaUrl: '/shop?promo=ten' },
];
const EXPERIMENT_KEY = 'home-promo-test';

const SEED_VERSION = 2;
const MARKER = { type: 'plugin', name: 'segments-demo' } as const;

export interface SeedOptions {
  /** App users to generate (default 2,000). */
  appUsers?: number;
  /** Only CDNOW customers with an id up to this (default: all 23,570). */
  cdnowCustomers?: number;
  /** "Now" for the data (default: Date.now()). */
  now?: number;
}

export interface SeedReport {
  /** False when the data was already there (content is still checked and completed). */
  seededData: boolean;
  events: number;
  rejected: number;
  appUsers: number;
  created: string[];
  skipped: string[];
  ms: number;
}

type Marker = { version: number; state: 'seeding' | 'done'; asOfDay: number; appUsers: number; cdnowCustomers: number | null };

/**
 * Seeds the demo shop. Idempotent: data (CDNOW purchases, app users' events and traits) is
 * imported once, recorded by a marker in Strapi's core store; content (segments, banners, the
 * experiment, campaigns) is created by key when missing. A run interrupted during the data
 * import leaves the marker at 'seeding'; the next run erases the demo profiles and imports again.
 */
export async function seedDemo(strapi: Core.Strapi, options: SeedOptions = {}): Promise<SeedReport> {
  const started = Date.now();
  const now = options.now ?? Date.now();
  const asOfDay = Math.floor(now / DAY_MS) * DAY_MS;
  const appUsers = options.appUsers ?? 2000;
  const cdnowCustomers = options.cdnowCustomers ?? null;
  const log = (message: string) => strapi.log.info(`[demo] ${message}`);
  const report: SeedReport = { seededData: false, events: 0, rejected: 0, appUsers, created: [], skipped: [], ms: 0 };

  const store = strapi.store(MARKER);
  const marker = (await store.get({ key: 'seed' })) as Marker | null;
  if (marker?.state === 'done' && marker.version === SEED_VERSION) {
    log(`demo data already present (as of ${new Date(marker.asOfDay).toISOString().slice(0, 10)}); delete the database to re-seed with today's dates`);
  } else {
    if (marker) await eraseDemoProfiles(strapi, log);
    await store.set({ key: 'seed', value: { version: SEED_VERSION, state: 'seeding', asOfDay, appUsers, cdnowCustomers } satisfies Marker });
    const imported = await importData(strapi, { now, asOfDay, appUsers, cdnowCustomers }, log);
    report.events = imported.events;
    report.rejected = imported.rejected;
    report.seededData = true;
    await store.set({ key: 'seed', value: { version: SEED_VERSION, state: 'done', asOfDay, appUsers, cdnowCustomers } satisfies Marker });
  }

  await seedContent(strapi, report, log);
  if (report.seededData || report.created.length) {
    const t = Date.now();
    const results = await strapi.plugin('segments').service('segments').recomputeAll();
    log(`recomputed ${results?.length ?? 0} segments in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  report.ms = Date.now() - started;
  log(`seeding done in ${(report.ms / 1000).toFixed(1)} s (${report.seededData ? `${report.events} events imported` : 'data kept'}, ${report.created.length} records created)`);
  return report;
}

/** Tables of the plugin that may hold rows of a profile (checked at run time: newer plugin builds add some). */
const PROFILE_TABLES = [
  'segments_events',
  'segments_event_rollups',
  'segments_activity_days',
  'segments_experiment_exposures',
  'segments_memberships',
  'segments_membership_transitions',
  'segments_deliveries',
  'segments_identities',
];

async function eraseDemoProfiles(strapi: Core.Strapi, log: (m: string) => void) {
  // Set-based, not the plugin's per-profile erasure: 25,000 one-by-one transactions take minutes.
  const knex = strapi.db.connection;
  const demoProfiles = () =>
    knex('segments_profiles').select('id').where('anonymous_id', 'like', 'cdnow-%').orWhere('anonymous_id', 'like', 'demo-user-%');
  const n = Number((await knex('segments_profiles').count({ n: '*' }).whereIn('id', demoProfiles()).first())?.n ?? 0);
  log(`a previous seeding was interrupted: erasing its ${n} profiles`);
  await knex.transaction(async (trx) => {
    for (const table of PROFILE_TABLES) {
      if ((await trx.schema.hasTable(table)) && (await trx.schema.hasColumn(table, 'profile_id'))) {
        await trx(table).whereIn('profile_id', demoProfiles()).delete();
      }
    }
    await trx('segments_profiles').whereIn('id', demoProfiles()).delete();
  });
}

async function importData(
  strapi: Core.Strapi,
  { now, asOfDay, appUsers, cdnowCustomers }: { now: number; asOfDay: number; appUsers: number; cdnowCustomers: number | null },
  log: (m: string) => void
): Promise<{ events: number; rejected: number }> {
  const t0 = Date.now();
  const cdnowFile = path.join(strapi.dirs.app.root, 'data', 'cdnow', 'CDNOW_master.txt');
  const purchases = cdnowEvents(readCdnow(cdnowFile, cdnowCustomers ?? Infinity), asOfDay);
  const users = generateAppUsers({ count: appUsers, asOfDay, now });
  const total = purchases.length + users.reduce((n, u) => n + u.events.length, 0);
  log(`importing ${purchases.length} CDNOW purchases and ${total - purchases.length} events of ${users.length} app users…`);

  function* lines(): Generator<string> {
    const line = (e: DemoEvent) => `${JSON.stringify(e)}\n`;
    for (const e of purchases) yield line(e);
    for (const u of users) for (const e of u.events) yield line(e);
  }
  // The plugin's bulk importer: the same validation as POST /events, stored in batches.
  const result = await strapi.plugin('segments').service('importer').importStream(Readable.from(lines()), 'ndjson', now);
  if (result.rejectedCount) log(`${result.rejectedCount} events rejected, e.g. ${JSON.stringify(result.rejected.slice(0, 3))}`);
  const t1 = Date.now();
  log(`imported ${result.accepted} events in ${((t1 - t0) / 1000).toFixed(1)} s`);

  // Traits in one transaction: 2,000 identify calls (a transaction each) took 40–80 s on a
  // loaded machine. The columns are the ones identify promotes; everything else is JSON traits.
  const knex = strapi.db.connection;
  await knex.transaction(async (trx) => {
    for (const u of users) {
      const { email, emailConsent, timezone, locale, country, region, city, latitude, longitude, ...traits } = u.traits;
      await trx('segments_profiles')
        .where('anonymous_id', u.anonymousId)
        .update({
          email,
          email_consent: emailConsent,
          timezone,
          locale,
          country,
          region,
          city,
          latitude,
          longitude,
          traits: JSON.stringify(traits),
          updated_at: now,
        });
    }
  });
  log(`traits of ${users.length} app users set in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
  return { events: result.accepted, rejected: result.rejectedCount };
}

/** Creates what is missing, found by key / title / name. */
async function seedContent(strapi: Core.Strapi, report: SeedReport, log: (m: string) => void) {
  const segments = strapi.documents('plugin::segments.segment');
  const segmentIds = new Map<string, string>();
  for (const segment of DEMO_SEGMENTS) {
    const found = await segments.findFirst({ filters: { key: segment.key } });
    if (found) segmentIds.set(segment.key, found.documentId);
    else {
      const doc = await segments.create({ data: segment as never });
      segmentIds.set(segment.key, doc.documentId);
      report.created.push(`segment ${segment.key}`);
    }
  }

  const banners = strapi.documents('plugin::segments.banner' as never);
  const bannerId = async (placement: string, title: string, data: Record<string, unknown>) => {
    const found = (await banners.findFirst({ filters: { placement, title } } as never)) as { documentId: string } | null;
    if (found) return found.documentId;
    const doc = (await banners.create({ data: { placement, title, ...data }, status: 'published' } as never)) as { documentId: string };
    report.created.push(`banner ${placement}: ${title}`);
    return doc.documentId;
  };
  for (const b of HERO_BANNERS) {
    await bannerId('home-hero', b.title, {
      ctaLabel: b.ctaLabel,
      ctaUrl: b.ctaUrl,
      segmentsPriority: b.priority,
      ...(b.segment ? { segmentsTargets: [segmentIds.get(b.segment)] } : {}),
    });
  }
  const promo: string[] = [];
  for (const b of PROMO_BANNERS) promo.push(await bannerId('home-promo', b.title, { ctaLabel: b.ctaLabel, ctaUrl: b.ctaUrl }));

  const experiments = strapi.documents('plugin::segments.experiment' as never);
  if (!(await experiments.findFirst({ filters: { key: EXPERIMENT_KEY } } as never))) {
    await experiments.create({
      data: {
        key: EXPERIMENT_KEY,
        name: 'Home promo: free shipping vs 10% off',
        placement: 'home-promo',
        state: 'running',
        variants: promo.map((banner) => ({ banner, weight: 0.5 })),
        conversionEvent: 'purchase',
        conversionWindowHours: 168,
      },
    } as never);
    report.created.push(`experiment ${EXPERIMENT_KEY}`);
  }

  await seedCampaigns(strapi, report, log);
}

const variantHtml = (headline: string) =>
  `<html><body><h1>${headline}</h1><p>Hi {{ traits.first_name | default: "there" }}, here is what we picked for you this week.</p>` +
  '<p><a href="https://shop.example/picks">See your picks</a></p></body></html>';

/**
 * A weekly campaign sent at each recipient's own engaged hour, and a triggered welcome e-mail.
 * A campaign the plugin refuses is reported and skipped rather than failing the demo.
 */
async function seedCampaigns(strapi: Core.Strapi, report: SeedReport, log: (m: string) => void) {
  const uid = 'plugin::segments.campaign';
  const campaigns = strapi.documents(uid as never);
  const ensure = async (name: string, data: Record<string, unknown>, schedule: boolean) => {
    const found = await strapi.db.query(uid as never).findOne({ where: { name } });
    if (found) return;
    try {
      const doc = (await campaigns.create({ data: { name, ...data } } as never)) as { documentId: string };
      if (schedule) await campaigns.update({ documentId: doc.documentId, data: { state: 'scheduled' } } as never);
      report.created.push(`campaign ${name}`);
    } catch (error) {
      const details = (error as { details?: unknown }).details;
      report.skipped.push(`campaign ${name}`);
      log(`skipped campaign "${name}": ${(error as Error).message}${details ? ` ${JSON.stringify(details)}` : ''}`);
    }
  };

  await ensure(
    'Weekly picks',
    {
      segmentKey: 'daily-task-completers',
      variants: [
        { name: 'A', weight: 1, subject: 'Your picks for this week', html: variantHtml('Your weekly picks') },
        { name: 'B', weight: 1, subject: '{{ traits.first_name | default: "Hey" }}, 5 things you will like', html: variantHtml('Picked for you') },
      ],
      holdoutPercent: 10,
      scheduleType: 'recurring',
      cron: '0 10 * * 1',
      timezone: 'Europe/Berlin',
      conversionEvent: 'purchase',
      conversionWindowHours: 72,
      // Each recipient at their own most engaged hour (from their session_start history).
      intelligentTiming: true,
    },
    true
  );

  // Fire `signup` from the storefront page as a new visitor: the e-mail follows a minute later.
  await ensure(
    'Welcome e-mail',
    {
      segmentKey: 'new-this-week',
      variants: [{ name: 'Welcome', weight: 1, subject: 'Welcome to the demo shop', html: variantHtml('Welcome!') }],
      scheduleType: 'triggered',
      trigger: { event: 'signup' },
      triggerDelayMinutes: 1,
      reentry: { policy: 'once' },
    },
    true
  );

  await seedChannelCampaigns(strapi, ensure);
}

export { appUserId };
