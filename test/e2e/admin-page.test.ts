import fs from 'fs';
import path from 'path';
import type { Browser } from 'playwright-core';
import { AdminApi } from './helpers/admin-api';
import { launchChromium, loginToAdmin, mainNav, newDesktopPage } from './helpers/browser';
import { ARTIFACTS_DIR, readServerState } from './helpers/server';

/**
 * The plugin's admin page in a real Chromium against the built playground started by
 * global-setup.ts (SEGMENTS_DEMO=true: a demo super admin and 3 seeded segments; other files add more).
 */
const server = readServerState();
let browser: Browser;
/** One API session for the file: /admin/login is rate limited per e-mail. */
let adminApi: AdminApi | undefined;
const superAdminApi = async () =>
  (adminApi ??= await AdminApi.login(server.url, server.admin.email, server.admin.password));

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

test('a super admin reaches the Segments page from the main menu and sees the overview', async () => {
  const page = await newDesktopPage(browser);
  await loginToAdmin(page, server.url, server.admin.email, server.admin.password);

  const link = mainNav(page).getByRole('link', { name: 'Segments', exact: true });
  await expectVisible(link, 'the "Segments" link in the main navigation');
  await link.click();

  await page.waitForURL(`${server.url}/admin/plugins/segments`);
  await expectVisible(page.getByRole('heading', { name: 'Segments', level: 1 }), 'the page header "Segments"');
  const segments = page.getByTestId('segments-count');
  const profiles = page.getByTestId('profiles-count');
  await expectVisible(segments, 'the segments-count stat');
  // Other e2e files add segments and visitors; the page must show what the server counts now.
  const api = await superAdminApi();
  const { data: overview } = await api.call<{ data: { segments: number; profiles: number } }>('GET', '/segments/overview');
  expect(overview.segments).toBeGreaterThanOrEqual(3); // the demo's three
  expect((await segments.textContent())?.trim()).toBe(overview.segments.toLocaleString('en-US'));
  expect((await profiles.textContent())?.trim()).toBe(overview.profiles.toLocaleString('en-US'));
  // The real-time memberships status: the backlog and its bound, as the server reports them.
  const realtime = page.getByTestId('realtime-backlog');
  await expectVisible(realtime, 'the real-time memberships status');
  expect(await realtime.textContent()).toMatch(/profiles waiting for a re-evaluation .* past 50,?000 due/);

  // Take focus and pointer off the menu link so its tooltip does not cover the screenshot.
  await page.getByRole('heading', { name: 'Segments', level: 1 }).click();
  await page.keyboard.press('Escape');
  await page.waitForTimeout(300);
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, 'admin-segments-page.png');
  await page.screenshot({ path: file, fullPage: true });
  expect(fs.statSync(file).size).toBeGreaterThan(10_000);
});

test('an admin whose role lacks plugin::segments.read gets no Segments menu link nor page', async () => {
  const api = await superAdminApi();
  const user = { email: `no-segments-${Date.now()}@segments.test`, password: 'No-segments-1' };
  // Media Library access gives a visible menu link. Strapi filters all plugin menu links in one
  // pass, so once that control link shows, a Segments link would show too if it were allowed.
  await api.createUserWithRole({ ...user, actions: ['plugin::upload.read'] });

  const page = await newDesktopPage(browser);
  await loginToAdmin(page, server.url, user.email, user.password);
  const nav = mainNav(page);
  await expectVisible(nav.getByRole('link', { name: 'Media Library', exact: true }), 'the Media Library link (control)');
  expect(await nav.getByRole('link', { name: 'Segments', exact: true }).count()).toBe(0);

  // Typing the URL does not show the page either, and its API refuses this user.
  await page.goto(`${server.url}/admin/plugins/segments`);
  await expectVisible(
    page.getByText("You don't have the permissions to access that content"),
    'the "no permissions" page at /admin/plugins/segments',
  );
  expect(await page.getByTestId('segments-count').count()).toBe(0);
  const limited = await AdminApi.login(server.url, user.email, user.password);
  expect(await limited.status('GET', '/segments/overview')).toBe(403);
});

/** Waits for a locator to be visible, failing with a readable message instead of a timeout. */
async function expectVisible(locator: import('playwright-core').Locator, what: string): Promise<void> {
  try {
    await locator.waitFor({ state: 'visible', timeout: 30_000 });
  } catch {
    throw new Error(`Not visible after 30 s: ${what}`);
  }
}
