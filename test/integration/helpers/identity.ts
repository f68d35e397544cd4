import type { TestApp } from './strapi';

let counter = 0;

/** A users-permissions user and a JWT for it, as a storefront login would produce. */
export async function userWithJwt(
  app: TestApp,
  fields: Record<string, unknown> = {}
): Promise<{ id: number; jwt: string }> {
  counter += 1;
  const { strapi } = app;
  const role = await strapi.db
    .query('plugin::users-permissions.role')
    .findOne({ where: { type: 'authenticated' } });
  const user = await strapi
    .plugin('users-permissions')
    .service('user')
    .add({
      username: `user${counter}-${Date.now()}`,
      email: `user${counter}-${Date.now()}@segments.test`,
      password: 'Test-password-1',
      provider: 'local',
      confirmed: true,
      role: role.id,
      ...fields,
    });
  const jwt = strapi.plugin('users-permissions').service('jwt').issue({ id: user.id });
  return { id: Number(user.id), jwt };
}

/** A full-access Strapi API token (server-side integrations). */
export async function apiToken(app: TestApp): Promise<string> {
  counter += 1;
  const token = await app.strapi
    .service('admin::api-token')
    .create({ name: `token-${counter}-${Date.now()}`, type: 'full-access', lifespan: null });
  return token.accessKey as string;
}

/** Row counts of the plugin's data tables, to prove a rejected request wrote nothing. */
export async function tableCounts(app: TestApp): Promise<Record<string, number>> {
  const { TABLES } = await import('../../../server/src/store/tables');
  const out: Record<string, number> = {};
  const { profiles, identities, events, rollups, activityDays } = TABLES;
  for (const [key, table] of Object.entries({ profiles, identities, events, rollups, activityDays })) {
    const row = await app.knex(table).count({ n: '*' }).first();
    out[key] = Number(row?.n ?? 0);
  }
  return out;
}
