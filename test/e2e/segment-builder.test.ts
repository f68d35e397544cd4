import fs from 'fs';
import path from 'path';
import type { Browser, Locator, Page } from 'playwright-core';
import { AdminApi } from './helpers/admin-api';
import { launchChromium, loginToAdmin, mainNav, newDesktopPage } from './helpers/browser';
import { ARTIFACTS_DIR, readServerState } from './helpers/server';

/**
 * The segment pages in a real Chromium against the built playground (global-setup.ts): build a
 * nested segment with a behavioural and a geo condition, watch its live size, save it, open its
 * detail page; the activity page; and what editors without permissions can see.
 */
const server = readServerState();
let browser: Browser;
/** One super-admin session for the whole file: /admin/login is rate limited per e-mail. */
let adminPage: Page;
let api: AdminApi;
const run = Date.now().toString(36);
// This run's own event name: other e2e files and the demo data also record purchases near Berlin
// in the shared playground, so the expected size counts only this file's visitors.
const PURCHASE = `purchase_${run}`;

/** Storefront traffic through the real content API: four anonymous visitors. */
async function visitor(id: string, traits: Record<string, unknown>, purchases: number) {
  const headers = {
    'content-type': 'application/json',
    'x-segments-anonymous-id': `e2e-${run}-${id}`,
  };
  const identify = await fetch(`${server.url}/api/segments/identify`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ traits }),
  });
  if (!identify.ok) throw new Error(`identify ${id}: ${identify.status} ${await identify.text()}`);
  const events = Array.from({ length: purchases }, () => ({
    name: PURCHASE,
    properties: { total: 20 },
  }));
  const sent = await fetch(`${server.url}/api/segments/events`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ events: [{ name: 'page_view' }, ...events] }),
  });
  if (sent.status !== 202) throw new Error(`events ${id}: ${sent.status} ${await sent.text()}`);
}

beforeAll(async () => {
  browser = await launchChromium();
  api = await AdminApi.login(server.url, server.admin.email, server.admin.password);
  adminPage = await newDesktopPage(browser);
  await loginToAdmin(adminPage, server.url, server.admin.email, server.admin.password);
  await visitor('berlin-buyer', { latitude: 52.51, longitude: 13.39, country: 'DE' }, 3); // matches
  await visitor('berlin-once', { latitude: 52.5, longitude: 13.4, country: 'DE' }, 1); // too few purchases
  await visitor('munich-buyer', { latitude: 48.14, longitude: 11.58, country: 'DE' }, 3); // too far
  await visitor('vip-buyer', { plan: 'vip', country: 'FR' }, 2); // matches through the OR branch
});

afterAll(async () => {
  await browser?.close();
});

async function shot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, name);
  await page.screenshot({ path: file, fullPage: true });
  expect(fs.statSync(file).size).toBeGreaterThan(10_000);
  return file;
}

async function expectVisible(locator: Locator, what: string): Promise<void> {
  try {
    await locator.waitFor({ state: 'visible', timeout: 30_000 });
  } catch {
    throw new Error(`Not visible after 30 s: ${what}`);
  }
}

async function expectText(locator: Locator, text: string, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  let last = '';
  while (Date.now() < deadline) {
    last = ((await locator.textContent().catch(() => '')) ?? '').trim();
    if (last === text) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: expected "${text}", still "${last}" after 30 s`);
}

/** Opens a group's "Add condition" menu and picks a row kind. */
async function addCondition(page: Page, group: Locator, kind: string) {
  await group.getByRole('button', { name: 'Add condition' }).last().click();
  await page.getByRole('menuitem', { name: kind, exact: true }).click();
}

test('an editor builds a nested segment with a behavioural and a geo condition, sees its size, saves it and opens it', async () => {
  const page = adminPage;
  await mainNav(page).getByRole('link', { name: 'Segments', exact: true }).click();
  await page.getByRole('link', { name: 'Create segment' }).click();
  await page.waitForURL(`${server.url}/admin/plugins/segments/new`);

  await page.getByLabel('Name').fill(`Buyers near Berlin ${run}`);
  expect(await page.getByLabel('Key').inputValue()).toBe(`buyers-near-berlin-${run}`);

  // ALL of: purchased at least twice in the last 30 days, and ANY of (near Berlin, plan is vip).
  const root = page.getByTestId('group-root');
  await addCondition(page, root, 'Behaviour (event)');
  const event = root.getByTestId('condition-event');
  await event.getByLabel('Event').fill(PURCHASE);
  await event.getByLabel('Amount').fill('2');
  await root.getByRole('button', { name: 'Add group' }).last().click();
  const nested = root.getByTestId('group');
  await expectVisible(nested, 'the nested group');
  await addCondition(page, nested, 'Near a place');
  await addCondition(page, nested, 'Trait');
  const trait = nested.getByTestId('condition-trait');
  await trait.getByLabel('Trait').fill('plan');
  await trait.getByLabel('plan Value').fill('vip');

  await expectText(page.getByTestId('live-size'), '2', 'the live size');
  await expectVisible(page.getByTestId('explanation'), 'the plain-language explanation');
  const explanation = (await page.getByTestId('explanation').textContent()) ?? '';
  expect(explanation).toContain('purchase');
  expect(explanation).toContain('50');
  expect(await page.getByTestId('sample-members').getByRole('listitem').count()).toBe(2);
  await shot(page, 'segment-builder.png');

  // A bad radius is reported on the geo row inside the nested group, and clears when fixed.
  const geo = nested.getByTestId('condition-geo');
  await geo.getByLabel('Radius (km)').fill('-5');
  await expectVisible(geo.getByTestId('row-errors'), 'the error on the geo row');
  expect(await event.getByTestId('row-errors').count()).toBe(0);
  await expectVisible(page.getByTestId('live-invalid'), 'the invalid-rule notice');
  await shot(page, 'segment-builder-row-error.png');
  await geo.getByLabel('Radius (km)').fill('50');
  await expectText(page.getByTestId('live-size'), '2', 'the live size after fixing the radius');
  expect(await geo.getByTestId('row-errors').count()).toBe(0);

  // The JSON view shows the rule; applying it unchanged gives the same builder and size.
  await page.getByRole('tab', { name: 'JSON' }).click();
  const json = JSON.parse(await page.getByLabel('Rule (JSON)').inputValue()) as Record<
    string,
    unknown
  >;
  expect(json).toEqual({
    $and: [
      { $event: { name: PURCHASE, within: { days: 30 }, count: { $gte: 2 } } },
      {
        $or: [{ $geo: { near: { lat: 52.52, lng: 13.405 }, radiusKm: 50 } }, { plan: 'vip' }],
      },
    ],
  });
  await shot(page, 'segment-builder-json.png');
  await page.getByRole('button', { name: 'Apply JSON' }).click();
  await expectVisible(nested.getByTestId('condition-geo'), 'the geo row after applying the JSON');
  await expectText(page.getByTestId('live-size'), '2', 'the live size after the JSON round trip');

  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(
    (url) =>
      /\/admin\/plugins\/segments\/[a-z0-9]+$/.test(url.pathname) && !url.pathname.endsWith('/new')
  );
  await expectVisible(
    page.getByRole('heading', { name: `Buyers near Berlin ${run}`, level: 1 }),
    'the detail page'
  );
  await page.getByRole('button', { name: 'Recompute' }).click();
  await expectText(page.getByTestId('detail-size'), '2', 'the size after recompute');
  await expectVisible(page.getByRole('heading', { name: 'Members (2)' }), 'the members heading');
  await expectVisible(page.getByTestId('line-chart'), 'the size-history chart');
  await shot(page, 'segment-detail.png');

  // The list shows it with its size.
  await page.goto(`${server.url}/admin/plugins/segments`);
  const row = page.getByTestId(`segment-row-buyers-near-berlin-${run}`);
  await expectVisible(row, 'the new segment in the list');
  await expectText(row.getByTestId('segment-size'), '2', 'the size in the list');
  await shot(page, 'segments-list.png');

  // Keyboard only: open the builder, add a condition through the menu, type into it.
  await page.getByRole('link', { name: 'Create segment' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(`${server.url}/admin/plugins/segments/new`);
  await page.getByTestId('group-root').getByRole('button', { name: 'Add condition' }).focus();
  await page.keyboard.press('Enter');
  await expectVisible(
    page.getByRole('menuitem', { name: 'Trait', exact: true }),
    'the condition menu'
  );
  await page.keyboard.press('Enter'); // the first item: Trait
  const added = page.getByTestId('condition-trait');
  await expectVisible(added, 'the trait row added from the keyboard');
  await added.getByLabel('Trait').focus();
  await page.keyboard.type('country');
  await page.keyboard.press('Tab'); // the operator select
  await page.keyboard.press('Tab'); // the value
  await page.keyboard.type('DE');
  expect(await added.getByLabel('country Value').inputValue()).toBe('DE');
  await expectVisible(
    page.getByTestId('explanation'),
    'the explanation of the keyboard-built rule'
  );
  await expectText(page.getByTestId('explanation'), 'country is DE', 'the explanation');
});

test('the activity page charts DAU, WAU, MAU and stickiness', async () => {
  const page = adminPage;
  await page.goto(`${server.url}/admin/plugins/segments`);
  await page.getByRole('link', { name: 'Activity' }).click();
  await page.waitForURL(`${server.url}/admin/plugins/segments/activity`);
  await expectVisible(page.getByTestId('line-chart'), 'the activity chart');
  // The four visitors of beforeAll were active today (other test files may add more).
  const dau = Number((await page.getByTestId('activity-dau').textContent())?.replace(/\D/g, ''));
  expect(dau).toBeGreaterThanOrEqual(4);
  expect((await page.getByTestId('activity-stickiness').textContent())?.trim()).toMatch(/^\d+%$/);
  await shot(page, 'activity.png');
});

test('editors see only what their role allows', async () => {
  // Read-only (no plugin::segments.segments.manage): the pages, but no Create / Recompute buttons
  // and no builder.
  const reader = { email: `reader-${run}@segments.test`, password: 'Reader-pass-1' };
  await api.createUserWithRole({ ...reader, actions: ['plugin::segments.read'] });
  const page = await newDesktopPage(browser);
  await loginToAdmin(page, server.url, reader.email, reader.password);
  await mainNav(page).getByRole('link', { name: 'Segments', exact: true }).click();
  await expectVisible(
    page.getByRole('link', { name: 'Activity' }),
    'the Activity link for a reader'
  );
  await expectVisible(page.getByTestId('segment-row-germany'), 'a demo segment in the list');
  expect(await page.getByRole('link', { name: 'Create segment' }).count()).toBe(0);
  expect(await page.getByRole('button', { name: /Recompute/ }).count()).toBe(0);
  await shot(page, 'segments-list-read-only.png');
  await page.goto(`${server.url}/admin/plugins/segments/new`);
  await expectVisible(
    page.getByText("You don't have the permissions to access that content"),
    'the no-permissions page for the builder'
  );
  const limited = await AdminApi.login(server.url, reader.email, reader.password);
  expect(await limited.status('GET', '/segments/segments/catalog')).toBe(200);
  expect(await limited.status('POST', `/segments/segments/x/recompute`)).toBe(403);

  // Without plugin::segments.read: no menu entry, no pages, no API.
  const outsider = { email: `outsider-${run}@segments.test`, password: 'Outsider-pass-1' };
  await api.createUserWithRole({ ...outsider, actions: ['plugin::upload.read'] });
  const other = await newDesktopPage(browser);
  await loginToAdmin(other, server.url, outsider.email, outsider.password);
  await expectVisible(
    mainNav(other).getByRole('link', { name: 'Media Library', exact: true }),
    'the control link'
  );
  expect(await mainNav(other).getByRole('link', { name: 'Segments', exact: true }).count()).toBe(0);
  for (const url of ['', '/new', '/activity']) {
    await other.goto(`${server.url}/admin/plugins/segments${url}`);
    await expectVisible(
      other.getByText("You don't have the permissions to access that content"),
      `the no-permissions page at /admin/plugins/segments${url}`
    );
  }
  await shot(other, 'segments-no-permission.png');
  const refused = await AdminApi.login(server.url, outsider.email, outsider.password);
  for (const route of [
    '/segments/segments',
    '/segments/segments/catalog',
    '/segments/activity?from=2024-01-01&to=2024-01-02',
  ]) {
    expect({ route, status: await refused.status('GET', route) }).toEqual({ route, status: 403 });
  }
});
