import fs from 'fs';
import path from 'path';
import type { Browser, Page } from 'playwright-core';
import { AdminApi } from './helpers/admin-api';
import { launchChromium, newDesktopPage } from './helpers/browser';
import { ARTIFACTS_DIR, readServerState } from './helpers/server';

/**
 * The demo storefront (demo/storefront, served by scripts/storefront-server.js) in Chromium
 * against the e2e playground: the plugin's browser client tracks events, and the home-hero
 * placement shows a segment's banner to a member and not to anyone else.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startStorefront } = require('../../scripts/storefront-server.js') as {
  startStorefront(options: { port?: number; strapiUrl: string }): Promise<{ url: string; close(): Promise<void> }>;
};

const server = readServerState();
const run = Date.now().toString(36);
const segmentKey = `e2e-vip-${run}`;
const vipTitle = `VIP offer ${run}`;
let browser: Browser;
let storefront: { url: string; close(): Promise<void> };

/** Everything Strapi stored about an anonymous visitor (the content API's own export). */
async function storedEventNames(anonymousId: string): Promise<string[]> {
  const res = await fetch(`${server.url}/api/segments/me/export`, { headers: { 'x-segments-anonymous-id': anonymousId } });
  if (res.status === 404) return [];
  const body = (await res.json()) as { data: { events: { name: string }[] } };
  return body.data.events.map((e) => e.name);
}

async function until<T>(what: string, probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, `${name}.png`), fullPage: true });
}

async function openAs(visitor: string): Promise<Page> {
  const page = await newDesktopPage(browser);
  page.on('pageerror', (error) => process.stdout.write(`[storefront page error] ${error.message}\n`));
  await page.goto(`${storefront.url}/?visitor=${visitor}`);
  await page.locator('body[data-ready="true"]').waitFor({ timeout: 20_000 });
  return page;
}

beforeAll(async () => {
  browser = await launchChromium();
  storefront = await startStorefront({ strapiUrl: server.url });
  const api = await AdminApi.login(server.url, server.admin.email, server.admin.password);
  const segment = await api.call<{ data: { documentId: string } }>('POST', '/segments/segments', {
    name: `E2E VIPs ${run}`,
    key: segmentKey,
    rule: { plan: { $exists: true, $eq: 'vip' } },
  });
  const banners = '/content-manager/collection-types/plugin::segments.banner';
  const banner = await api.call<{ data: { documentId: string } }>('POST', banners, {
    placement: 'home-hero',
    title: vipTitle,
    ctaLabel: 'See the offer',
    ctaUrl: '/vip',
    segmentsTargets: [segment.data.documentId],
    segmentsPriority: 100,
  });
  await api.call('POST', `${banners}/${banner.data.documentId}/actions/publish`, {});
});

afterAll(async () => {
  await browser?.close();
  await storefront?.close();
});

describe('demo storefront', () => {
  it('tracks the visitor and shows the segment banner once the visitor joins the segment', async () => {
    const visitor = `e2e-in-${run}`;
    const page = await openAs(visitor);
    await page.getByRole('button', { name: 'View a product' }).click();
    await page.getByRole('button', { name: 'Buy (purchase, 20)' }).click();
    await until('stored events', () => storedEventNames(visitor), (names) => names.includes('purchase'));
    expect(await storedEventNames(visitor)).toEqual(expect.arrayContaining(['session_start', 'page_view', 'view_item', 'purchase']));
    await page.locator('#sent').filter({ hasNotText: /^0$/ }).waitFor();
    expect(await page.locator('#hero').getAttribute('data-banner-title')).not.toBe(vipTitle);

    await page.getByRole('button', { name: 'Become VIP (identify plan=vip)' }).click();
    await page.locator(`#hero[data-banner-title="${vipTitle}"]`).waitFor({ timeout: 15_000 });
    await expect(page.locator('#segments').textContent()).resolves.toContain(segmentKey);
    await expect(page.locator('#hero a').textContent()).resolves.toBe('See the offer');
    await shot(page, 'storefront-vip-visitor');

    // An event still queued when the page goes away is sent on page hide (keepalive fetch).
    await page.evaluate(() => (globalThis as unknown as { storefrontClient: { track(n: string): void } }).storefrontClient.track('leave_page'));
    await page.goto('about:blank');
    await until('leave_page stored', () => storedEventNames(visitor), (names) => names.includes('leave_page'));
    await page.close();
  });

  it('does not show that banner to a visitor outside the segment', async () => {
    const visitor = `e2e-out-${run}`;
    const page = await openAs(visitor);
    await page.getByRole('button', { name: 'Move to Germany (identify country=DE)' }).click();
    await page.locator('#segments').filter({ hasText: 'germany' }).waitFor({ timeout: 15_000 });
    expect(await page.locator('#segments').textContent()).not.toContain(segmentKey);
    expect(await page.locator('#hero').getAttribute('data-banner-title')).not.toBe(vipTitle);
    await expect(page.locator('#hero').textContent()).resolves.not.toContain(vipTitle);
    await until('stored events', () => storedEventNames(visitor), (names) => names.includes('page_view'));
    await shot(page, 'storefront-other-visitor');
    await page.close();
  });
});
