import fs from 'fs';
import path from 'path';
import type { Browser, Locator } from 'playwright-core';
import { AdminApi } from './helpers/admin-api';
import { launchChromium, loginToAdmin, newDesktopPage } from './helpers/browser';
import { ARTIFACTS_DIR, readServerState } from './helpers/server';

/**
 * The Analytics page and a campaign report page (issue 9) in a real Chromium against the built
 * playground started by global-setup.ts. One super-admin login for the file (rate limited).
 */
const server = readServerState();
let browser: Browser;
let adminApi: AdminApi | undefined;
const superAdminApi = async () =>
  (adminApi ??= await AdminApi.login(server.url, server.admin.email, server.admin.password));

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

async function expectVisible(locator: Locator, what: string): Promise<void> {
  try {
    await locator.waitFor({ state: 'visible', timeout: 30_000 });
  } catch {
    throw new Error(`Not visible after 30 s: ${what}`);
  }
}

async function screenshot(page: import('playwright-core').Page, name: string) {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, name);
  await page.screenshot({ path: file, fullPage: true });
  expect(fs.statSync(file).size).toBeGreaterThan(10_000);
}

test('the Analytics page shows the API numbers, the charts and the retention heat map; the campaign report shows its verdict', async () => {
  const api = await superAdminApi();
  const today = new Date().toISOString().slice(0, 10);
  const from = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
  const { data: activity } = await api.call<{
    data: { days: { day: string; dau: number; mau: number }[] };
  }>('GET', `/segments/analytics/activity?from=${from}&to=${today}`);

  const page = await newDesktopPage(browser);
  await loginToAdmin(page, server.url, server.admin.email, server.admin.password);
  await page.goto(`${server.url}/admin/plugins/segments/analytics`);
  await expectVisible(
    page.getByRole('heading', { name: 'Analytics', level: 1 }),
    'the page header "Analytics"'
  );
  const dau = page.getByTestId('analytics-dau');
  await expectVisible(dau, 'the DAU card');
  const last = activity.days[activity.days.length - 1];
  expect((await dau.textContent())?.trim()).toBe(last.dau.toLocaleString('en-US'));
  expect((await page.getByTestId('analytics-mau').textContent())?.trim()).toBe(
    last.mau.toLocaleString('en-US')
  );
  await expectVisible(page.getByTestId('line-chart').first(), 'the activity chart');
  await expectVisible(page.getByTestId('retention-heatmap'), 'the retention heat map');
  await expectVisible(page.locator('[aria-label="Top events"]'), 'the top events table');
  await screenshot(page, 'analytics-page.png');

  // A campaign without sends: the report says so in plain language.
  const { data: segments } = await api.call<{ data: { key: string }[] }>(
    'GET',
    '/segments/segments'
  );
  const { data: campaign } = await api.call<{ data: { documentId: string } }>(
    'POST',
    '/segments/campaigns',
    {
      data: {
        name: `E2E report ${Date.now()}`,
        segmentKey: segments[0].key,
        variants: [
          { name: 'A', subject: 'A', html: '<p>A</p>' },
          { name: 'B', subject: 'B', html: '<p>B</p>' },
        ],
        conversionEvent: 'purchase',
      },
    }
  );
  const { data: report } = await api.call<{ data: { verdict: { text: string } } }>(
    'GET',
    `/segments/campaigns/${campaign.documentId}/report`
  );
  await page.goto(`${server.url}/admin/plugins/segments/campaigns/${campaign.documentId}/report`);
  const verdict = page.getByTestId('report-verdict');
  await expectVisible(verdict, 'the verdict');
  expect(await verdict.textContent()).toContain(report.verdict.text);
  await expectVisible(page.getByTestId('funnel-0'), 'the funnel row of variant A');
  expect((await page.getByTestId('funnel-0-queued').textContent())?.trim()).toBe('0');
  await expectVisible(page.getByTestId('stats-1'), 'the statistics row of variant B');
  await screenshot(page, 'campaign-report-page.png');
});
