import type { Core } from '@strapi/strapi';

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

const DEMO_SEGMENTS = [
  {
    key: 'frequent-buyers',
    name: 'Frequent buyers',
    description: 'Bought at least 3 times in the last 90 days.',
    rule: { $event: { name: 'purchase', within: { days: 90 }, count: { $gte: 3 } } },
  },
  {
    key: 'germany',
    name: 'Visitors in Germany',
    description: 'Profiles whose country is DE.',
    rule: { country: { $exists: true, $eq: 'DE' } },
  },
  {
    key: 'lapsed',
    name: 'Lapsed customers',
    description: 'Bought before, but not in the last 180 days.',
    rule: {
      $and: [
        { $event: { name: 'purchase' } },
        { $event: { name: 'purchase', within: { days: 180 }, count: { $eq: 0 } } },
      ],
    },
  },
];

/** Seeds demo records by key, so running it twice changes nothing. */
export async function seedDemo(strapi: Core.Strapi): Promise<void> {
  const segments = strapi.documents('plugin::segments.segment');
  for (const segment of DEMO_SEGMENTS) {
    const found = await segments.findFirst({ filters: { key: segment.key } });
    if (!found) {
      await segments.create({ data: segment as any });
      strapi.log.info(`[demo] seeded segment ${segment.key}`);
    }
  }
}
