import request from 'supertest';
import type { TestApp } from './strapi';

let counter = 0;

/**
 * Creates an admin user in a new role holding exactly `actions` (or the Super Admin role) and
 * logs in through the real /admin/login route. Returns the bearer token.
 */
export async function adminToken(
  app: TestApp,
  options: { superAdmin?: boolean; actions?: string[] } = {},
): Promise<string> {
  const { strapi } = app;
  counter += 1;
  const email = `admin${counter}-${Date.now()}@segments.test`;
  const password = 'Test-password-1';
  let roleId: number;
  if (options.superAdmin) {
    roleId = (await strapi.service('admin::role').getSuperAdmin()).id;
  } else {
    const role = await strapi
      .service('admin::role')
      .create({ name: `role-${counter}-${Date.now()}`, description: 'test role' });
    roleId = role.id;
    if (options.actions?.length) {
      await strapi.service('admin::role').assignPermissions(
        role.id,
        options.actions.map((action) => ({ action, subject: null, properties: {}, conditions: [] })),
      );
    }
  }
  await strapi.service('admin::user').create({
    email,
    password,
    firstname: 'Test',
    lastname: 'Admin',
    registrationToken: null,
    isActive: true,
    roles: [roleId],
  });
  const response = await request(app.server).post('/admin/login').send({ email, password });
  if (response.status !== 200) throw new Error(`admin login failed: ${response.status} ${response.text}`);
  return response.body.data.token as string;
}
