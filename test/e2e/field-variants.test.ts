import fs from 'fs';
import path from 'path';
import type { Browser, Locator, Page } from 'playwright-core';
import { AdminApi } from './helpers/admin-api';
import { launchChromium, loginToAdmin, newDesktopPage } from './helpers/browser';
import { ARTIFACTS_DIR, readServerState } from './helpers/server';

/**
 * Per-segment field variants (issue 12) in a real Chromium against the built playground: an
 * editor fills two variants of the page's "headline" (a Personalised value field) in the Content
 * Manager, saves, and two storefront visitors in different segments get two different values.
 * (The playground runs `strapi start`, where the Content-Type Builder is read-only, so the field
 * comes from the playground schema; the admin registration is checked on the CTB's field list.)
 */
const server = readServerState();
const run = Date.now().toString(36);
let browser: Browser;
let api: AdminApi;
let page: Page;

async function expectVisible(locator: Locator, what: string): Promise<void> {
  try {
    await locator.waitFor({ state: 'visible', timeout: 30_000 });
  } catch {
    throw new Error(`Not visible after 30 s: ${what}`);
  }
}

async function identify(id: string, traits: Record<string, unknown>): Promise<Record<string, string>> {
  const headers = { 'content-type': 'application/json', 'x-segments-anonymous-id': `e2e-fv-${run}-${id}` };
  const res = await fetch(`${server.url}/api/segments/identify`, { method: 'POST', headers, body: JSON.stringify({ traits }) });
  if (!res.ok) throw new Error(`identify ${id}: ${res.status} ${await res.text()}`);
  return headers;
}

/** Lets the Public role read pages (what a site admin does in Users & Permissions). */
async function grantPublicPageRead(): Promise<void> {
  const roles = await api.call<{ roles: Array<{ id: number; type: string }> }>('GET', '/users-permissions/roles');
  const publicRole = roles.roles.find((r) => r.type === 'public');
  if (!publicRole) throw new Error('no public role');
  const { role } = await api.call<{ role: { name: string; description: string; permissions: Record<string, { controllers: Record<string, Record<string, { enabled: boolean }>> }> } }>(
    'GET',
    `/users-permissions/roles/${publicRole.id}`
  );
  const actions = role.permissions['api::page'].controllers.page;
  actions.find.enabled = true;
  actions.findOne.enabled = true;
  await api.call('PUT', `/users-permissions/roles/${publicRole.id}`, {
    name: role.name,
    description: role.description,
    permissions: role.permissions,
  });
}

beforeAll(async () => {
  browser = await launchChromium();
  api = await AdminApi.login(server.url, server.admin.email, server.admin.password);
  for (const [key, plan] of [
    [`fv-gold-${run}`, `gold-${run}`],
    [`fv-silver-${run}`, `silver-${run}`],
  ]) {
    await api.call('POST', '/content-manager/collection-types/plugin::segments.segment', {
      name: key,
      key,
      rule: { plan },
    });
  }
  await grantPublicPageRead();
  page = await newDesktopPage(browser);
  await loginToAdmin(page, server.url, server.admin.email, server.admin.password);
});

afterAll(async () => {
  await browser?.close();
});

test('an editor fills two variants in the Content Manager and two visitors get two values', async () => {
  const gold = await identify('gold', { plan: `gold-${run}` });
  const silver = await identify('silver', { plan: `silver-${run}` });
  const nobody = await identify('nobody', { plan: 'free' });

  await page.goto(`${server.url}/admin/content-manager/collection-types/api::page.page/create`);
  await page.getByLabel('title').fill(`Field variants ${run}`);
  const field = page.locator('[data-personalised-field="headline"]');
  await expectVisible(field, 'the headline Personalised value input');
  await field.getByLabel('Default (everyone else)').fill('Hello, everyone');

  const addVariant = async (index: number, segment: string, value: string) => {
    await field.getByRole('button', { name: 'Add a variant' }).click();
    const row = field.locator(`[data-variant-row="${index}"]`);
    await expectVisible(row, `variant row ${index}`);
    await row.getByRole('combobox').click();
    await page.getByRole('option', { name: new RegExp(`\\(${segment}\\)`) }).click();
    await row.getByLabel('Value for this segment').fill(value);
    // The segment's size is shown next to it (not computed yet for a brand-new segment).
    await expectVisible(row.locator('[data-segment-size]'), `the size of ${segment}`);
  };
  await addVariant(0, `fv-gold-${run}`, 'Hello, gold member');
  await addVariant(1, `fv-silver-${run}`, 'Hello, silver member');
  expect(await field.locator('[data-variant-error]').count()).toBe(0);

  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'field-variants-editor.png'), fullPage: true });

  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL((url) => !url.pathname.endsWith('/create'), { timeout: 30_000 });
  const documentId = page.url().split('/').pop()?.split('?')[0] ?? '';
  expect(documentId).toMatch(/^[a-z0-9]{10,}$/);

  // The stored structure, as the Content Manager keeps it.
  const stored = await api.call<{ data: { headline: unknown } }>(
    'GET',
    `/content-manager/collection-types/api::page.page/${documentId}`
  );
  expect(stored.data.headline).toEqual({
    default: 'Hello, everyone',
    variants: [
      { segment: `fv-gold-${run}`, value: 'Hello, gold member' },
      { segment: `fv-silver-${run}`, value: 'Hello, silver member' },
    ],
  });

  const headlineFor = async (headers: Record<string, string>) => {
    const res = await fetch(`${server.url}/api/pages/${documentId}`, { headers });
    if (!res.ok) throw new Error(`GET page: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { data: { headline: unknown } }).data.headline;
  };
  expect(await headlineFor(gold)).toBe('Hello, gold member');
  expect(await headlineFor(silver)).toBe('Hello, silver member');
  expect(await headlineFor(nobody)).toBe('Hello, everyone');
});

test('an unknown segment is reported on its row', async () => {
  await page.goto(`${server.url}/admin/content-manager/collection-types/api::page.page/create`);
  const field = page.locator('[data-personalised-field="headline"]');
  await expectVisible(field, 'the headline input');
  await field.getByRole('button', { name: 'Add a variant' }).click();
  await field.getByRole('button', { name: 'Add a variant' }).click();
  const second = field.locator('[data-variant-row="1"]');
  await second.getByRole('combobox').click();
  await page.getByRole('option', { name: new RegExp(`\\(fv-gold-${run}\\)`) }).click();
  await second.getByLabel('Value for this segment').fill('x');
  // Row 0 has no segment yet: its message is on row 0, and row 1 is clean.
  await expectVisible(field.locator('[data-variant-row="0"] [data-variant-error]'), 'the error on row 0');
  expect(await second.locator('[data-variant-error]').count()).toBe(0);
});
