import fs from 'fs';
import path from 'path';
import type { Browser, Locator, Page } from 'playwright-core';
import { AdminApi } from './helpers/admin-api';
import { launchChromium, loginToAdmin, newDesktopPage } from './helpers/browser';
import { ARTIFACTS_DIR, readServerState } from './helpers/server';

/**
 * Content targeting in the admin, in a real Chromium against the built playground (`strapi
 * start`, so the Content-Type Builder is read-only there and its checkbox cannot be opened): the
 * Content Manager side panel (target an article at a demo
 * segment, then check through the content API who sees it), the list column, the Placements page
 * (what each segment gets, experiment weights) and the Settings page.
 */
const server = readServerState();
let browser: Browser;
let page: Page;
let api: AdminApi;
const run = Date.now().toString(36);
const ARTICLE = 'api::article.article';
const BANNER = 'plugin::segments.banner';
const EXPERIMENT = 'plugin::segments.experiment';
const inGermany = { 'x-segments-anonymous-id': `e2e-tgt-${run}-de` };
const inFrance = { 'x-segments-anonymous-id': `e2e-tgt-${run}-fr` };
let articleId: string;
let germanyId: string;
const articleTitle = `Berlin only ${run}`;

async function identify(headers: Record<string, string>, traits: Record<string, unknown>) {
  const res = await fetch(`${server.url}/api/segments/identify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ traits }),
  });
  if (!res.ok) throw new Error(`identify: ${res.status} ${await res.text()}`);
}

/** The article titles a storefront visitor gets from the plain content API. */
async function visibleTitles(headers: Record<string, string>): Promise<string[]> {
  const res = await fetch(`${server.url}/api/articles?pagination[pageSize]=100`, { headers });
  if (!res.ok) throw new Error(`GET /api/articles: ${res.status} ${await res.text()}`);
  const body = (await res.json()) as { data: Array<{ title: string }> };
  return body.data.map((a) => a.title);
}

/** What an admin does in Settings → Roles → Public: tick `find` on Article. */
async function grantPublicArticleFind() {
  const { roles } = await api.call<{ roles: Array<{ id: number; type: string }> }>('GET', '/users-permissions/roles');
  const publicRole = roles.find((r) => r.type === 'public');
  if (!publicRole) throw new Error('no Public role');
  const { role } = await api.call<{
    role: { name: string; description: string; permissions: Record<string, { controllers: Record<string, Record<string, { enabled: boolean }>> }> };
  }>('GET', `/users-permissions/roles/${publicRole.id}`);
  role.permissions['api::article'].controllers.article.find.enabled = true;
  await api.call('PUT', `/users-permissions/roles/${publicRole.id}`, {
    name: role.name,
    description: role.description,
    permissions: role.permissions,
  });
}

beforeAll(async () => {
  browser = await launchChromium();
  api = await AdminApi.login(server.url, server.admin.email, server.admin.password);
  page = await newDesktopPage(browser);
  await loginToAdmin(page, server.url, server.admin.email, server.admin.password);
  await identify(inGermany, { country: 'DE' });
  await identify(inFrance, { country: 'FR' });
  await grantPublicArticleFind();
  const segments = await api.call<{ data: Array<{ documentId: string; key: string }> }>('GET', '/segments/segments');
  germanyId = segments.data.find((s) => s.key === 'germany')!.documentId;
  await api.call('POST', `/segments/segments/${germanyId}/recompute`);
  const created = await api.call<{ data: { documentId: string } }>('POST', `/content-manager/collection-types/${ARTICLE}`, {
    title: articleTitle,
    body: 'A deal for visitors in Germany',
  });
  articleId = created.data.documentId;
});

afterAll(async () => {
  await browser?.close();
});

async function shot(name: string, target: Page = page): Promise<void> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, name);
  await target.screenshot({ path: file, fullPage: true });
  expect(fs.statSync(file).size).toBeGreaterThan(10_000);
}

async function expectVisible(locator: Locator, what: string): Promise<void> {
  try {
    await locator.waitFor({ state: 'visible', timeout: 30_000 });
  } catch {
    throw new Error(`Not visible after 30 s: ${what}`);
  }
}

async function expectTextMatching(locator: Locator, pattern: RegExp, what: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  let last = '';
  while (Date.now() < deadline) {
    last = ((await locator.textContent().catch(() => '')) ?? '').trim();
    if (pattern.test(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: expected ${pattern}, still "${last}" after 30 s`);
}

test('an editor targets an article at a demo segment in the Content Manager; only members get it', async () => {
  // Untargeted: everyone gets it.
  expect(await visibleTitles(inGermany)).toContain(articleTitle);
  expect(await visibleTitles(inFrance)).toContain(articleTitle);

  await page.goto(`${server.url}/admin/content-manager/collection-types/${ARTICLE}/${articleId}`);
  const panel = page.getByTestId('targeting-panel');
  await expectVisible(panel, 'the targeting side panel');
  // The raw injected fields are edited by the panel, not shown in the form.
  expect(await page.locator('input[name="segmentsPriority"]').count()).toBe(0);
  await expectTextMatching(page.getByTestId('targeting-estimate'), /^Everyone \(\d+ known profiles\)$/, 'the estimate before targeting');

  await panel.getByRole('combobox', { name: 'Target segments' }).click();
  await page.getByRole('option', { name: 'Visitors in Germany' }).click();
  await page.keyboard.press('Escape');
  const estimate = await expectTextMatching(
    page.getByTestId('targeting-estimate'),
    /^\d+ of \d+ profiles \(\d+%\)$/,
    'the estimate after choosing Germany'
  );
  // At least the visitor identified in Germany above.
  expect(Number(estimate.split(' ')[0])).toBeGreaterThanOrEqual(1);
  const priority = panel.getByRole('textbox', { name: 'Priority' });
  await priority.fill('5');
  await shot('cm-targeting-panel.png');

  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expectVisible(page.getByText('Saved document').first(), 'the save notification');

  // Through the content API: members of "germany" get it, others do not.
  const deadline = Date.now() + 15_000;
  let outside = await visibleTitles(inFrance);
  while (outside.includes(articleTitle) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    outside = await visibleTitles(inFrance);
  }
  expect(outside).not.toContain(articleTitle);
  expect(await visibleTitles(inGermany)).toContain(articleTitle);
  expect(await visibleTitles({})).not.toContain(articleTitle);
  const stored = await api.call<{ data: { segmentsPriority: number } }>('GET', `/content-manager/collection-types/${ARTICLE}/${articleId}`);
  expect(stored.data.segmentsPriority).toBe(5);

  // After a reload the panel shows the saved target.
  await page.reload();
  await expectVisible(panel.getByText('Visitors in Germany', { exact: true }).first(), 'the saved target in the panel');

  // The list view has a "Target segments" column.
  await page.goto(`${server.url}/admin/content-manager/collection-types/${ARTICLE}`);
  await expectVisible(page.locator('thead').getByText('Target segments', { exact: true }), 'the Target segments column');
  const row = page.locator('tbody tr').filter({ hasText: articleTitle });
  await expectVisible(row.getByTestId('targeting-cell').getByText('Visitors in Germany'), 'the target in the list row');
  await shot('cm-list-targeting-column.png');
});

test('the Placements page shows what each segment gets and edits experiment weights', async () => {
  const placement = `e2e-hero-${run}`;
  const publish = (data: Record<string, unknown>) =>
    api.call<{ data: { documentId: string } }>('POST', `/content-manager/collection-types/${BANNER}/actions/publish`, {
      placement,
      ...data,
    });
  const fallback = await publish({ title: `Fallback ${run}`, segmentsPriority: 1 });
  const german = await publish({
    title: `For Germany ${run}`,
    segmentsPriority: 3,
    segmentsTargets: { connect: [{ documentId: germanyId }] },
  });
  await api.call('POST', `/content-manager/collection-types/${EXPERIMENT}`, {
    name: `Hero test ${run}`,
    key: `hero-${run}`,
    placement,
    state: 'running',
    variants: [
      { banner: fallback.data.documentId, weight: 0.5 },
      { banner: german.data.documentId, weight: 0.5 },
    ],
  });

  await page.goto(`${server.url}/admin/plugins/segments/placements`);
  const card = page.getByTestId(`placement-${placement}`);
  await expectVisible(card, 'the placement card');
  const germanyRow = card.locator('tbody tr').filter({ hasText: 'Visitors in Germany' }).first();
  await expectVisible(germanyRow.getByText(`For Germany ${run}`).first(), 'the banner Germany gets');
  const everyoneRow = card.locator('tbody tr').filter({ hasText: 'Everyone else' });
  await expectVisible(everyoneRow.getByText(`Fallback ${run}`).first(), 'the banner everyone else gets');

  const experiment = card.getByTestId(`experiment-hero-${run}`);
  await expectVisible(experiment, 'the experiment');
  const weight = experiment.getByRole('textbox', { name: `Weight of For Germany ${run}` });
  await weight.fill('0.7');
  await experiment.getByRole('button', { name: 'Save experiment' }).click();
  await expectTextMatching(experiment.getByTestId('experiment-errors'), /weights must sum to 1/, 'the weight error');
  await experiment.getByRole('textbox', { name: `Weight of Fallback ${run}` }).fill('0.3');
  await experiment.getByRole('button', { name: 'Save experiment' }).click();
  await expectVisible(page.getByText('Experiment saved').first(), 'the saved notification');
  const stored = await api.call<{ results: Array<{ variants: Array<{ weight: number }> }> }>(
    'GET',
    `/content-manager/collection-types/${EXPERIMENT}?filters[$and][0][key][$eq]=hero-${run}`
  );
  expect(stored.results).toHaveLength(1);
  expect(stored.results[0].variants.map((v) => v.weight)).toEqual([0.3, 0.7]);
  await shot('placements.png');
});

test('the Settings page shows the configuration, the scheduler and runs the SMTP check', async () => {
  await page.goto(`${server.url}/admin/plugins/segments/settings`);
  await expectVisible(page.getByRole('heading', { name: 'Segments settings', level: 1 }), 'the settings page');
  await expectVisible(page.getByTestId('config-section').getByText('scheduler.leaseTtlSeconds'), 'a configuration row');
  await expectVisible(page.getByTestId('scheduler-section'), 'the scheduler section');
  await expectVisible(page.getByTestId('queue-depth'), 'the queue depth');
  // Push and webhooks: the VAPID key storefronts subscribe with, and the outbound allow-list.
  const { data: served } = (await (await fetch(`${server.url}/api/segments/push/key`)).json()) as { data: { publicKey: string } };
  await expectTextMatching(page.getByTestId('vapid-public-key'), new RegExp(`^${served.publicKey}$`), 'the VAPID public key');
  await expectTextMatching(page.getByTestId('allowed-hosts'), /127\.0\.0\.1/, 'the allowed outbound hosts');
  await page.getByRole('button', { name: 'Check SMTP connection' }).click();
  // The e2e playground sends to the run's SMTP sink: the check connects to it.
  await expectTextMatching(page.getByTestId('smtp-result'), /^Connected to 127\.0\.0\.1:\d+/, 'the SMTP check');
  await shot('settings.png');

  // Without plugin::segments.settings.read the API refuses it.
  const reader = { email: `tgt-reader-${run}@segments.test`, password: 'Reader-pass-1' };
  await api.createUserWithRole({ ...reader, actions: ['plugin::segments.read'] });
  const limited = await AdminApi.login(server.url, reader.email, reader.password);
  expect(await limited.status('GET', '/segments/settings')).toBe(403);
  expect(await limited.status('POST', '/segments/settings/smtp-check')).toBe(403);
  expect(await limited.status('GET', '/segments/placements')).toBe(200);
});
