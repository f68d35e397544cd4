import request from 'supertest';
import type { TestApp } from './strapi';

export const SEGMENT = 'plugin::segments.segment';
export const ARTICLE = 'api::article.article';
export const PAGE = 'api::page.page';
export const BANNER = 'plugin::segments.banner';

/** Grants content-API actions to the users-permissions Public (and Authenticated) role. */
export async function grantPublic(app: TestApp, actions: string[], roles = ['public', 'authenticated']) {
  const { strapi } = app;
  for (const type of roles) {
    const role = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type } });
    for (const action of actions) {
      const existing = await strapi.db
        .query('plugin::users-permissions.permission')
        .findOne({ where: { action, role: role.id } });
      if (!existing) {
        await strapi.db.query('plugin::users-permissions.permission').create({ data: { action, role: role.id } });
      }
    }
  }
}

/** Creates an active segment; returns its documentId. */
export async function createSegment(app: TestApp, key: string, rule: unknown): Promise<string> {
  const doc = await app.strapi.documents(SEGMENT).create({ data: { name: key, key, rule } as never });
  return doc.documentId;
}

/** A visitor with traits, created through the real identify route. Returns the request headers. */
export async function visitorWithTraits(
  app: TestApp,
  anonymousId: string,
  traits: Record<string, unknown>
): Promise<Record<string, string>> {
  const headers = { 'X-Segments-Anonymous-Id': anonymousId };
  await request(app.server).post('/api/segments/identify').set(headers).send({ traits }).expect(200);
  return headers;
}
