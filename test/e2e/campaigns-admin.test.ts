import fs from 'fs';
import path from 'path';
import type { Browser, Locator, Page } from 'playwright-core';
import { AdminApi } from './helpers/admin-api';
import {
  launchChromium,
  loginToAdmin,
  mainNav,
  newDesktopPage,
  openAdminWithToken,
} from './helpers/browser';
import { waitForMail } from './helpers/mail-sink';
import { ARTIFACTS_DIR, readServerState } from './helpers/server';

/**
 * The campaign pages in a real Chromium against the built playground (global-setup.ts starts it
 * with a real SMTP sink): compose a campaign for a demo segment, preview it for a profile, send a
 * test that arrives at the sink, schedule it through the confirmation dialog; and an editor whose
 * role has no campaign permission neither sees nor calls campaign actions.
 */
const server = readServerState();
let browser: Browser;
/** One super-admin login for the whole file: /admin/login is rate limited per e-mail. */
let adminPage: Page;
let api: AdminApi;
const run = Date.now().toString(36);
let campaignId = '';

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, name);
  await page.screenshot({ path: file, fullPage: true });
  expect(fs.statSync(file).size).toBeGreaterThan(10_000);
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
    last = (
      (await locator
        .first()
        .textContent()
        .catch(() => '')) ?? ''
    ).trim();
    if (last === text) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: expected "${text}", still "${last}" after 30 s`);
}

async function expectSrcdoc(frame: Locator, text: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  let last = '';
  while (Date.now() < deadline) {
    last = (await frame.getAttribute('srcdoc').catch(() => '')) ?? '';
    if (last.includes(text)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the preview frame: expected "${text}", still ${JSON.stringify(last.slice(0, 300))} after 30 s`);
}

/** A storefront visitor in the demo segment "germany", through the real content API. */
async function germanVisitor(): Promise<number> {
  const headers = {
    'content-type': 'application/json',
    'x-segments-anonymous-id': `e2e-camp-${run}`,
  };
  const identify = await fetch(`${server.url}/api/segments/identify`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ traits: { country: 'DE', first_name: 'Greta' } }),
  });
  if (!identify.ok) throw new Error(`identify: ${identify.status} ${await identify.text()}`);
  const me = await fetch(`${server.url}/api/segments/me`, { headers });
  const body = (await me.json()) as { data: { profileId: number | null } };
  if (!body.data.profileId) throw new Error(`no profile: ${JSON.stringify(body)}`);
  return body.data.profileId;
}

beforeAll(async () => {
  browser = await launchChromium();
  api = await AdminApi.login(server.url, server.admin.email, server.admin.password);
  adminPage = await newDesktopPage(browser);
  // One super-admin login for the file: the browser reuses the API session's token.
  await openAdminWithToken(adminPage, server.url, api.bearer);
});

afterAll(async () => {
  await browser?.close();
});

test('an editor composes a campaign, previews it for a profile, sends a test that arrives, and schedules it', async () => {
  const page = adminPage;
  const profileId = await germanVisitor();

  // Main menu → Segments → the sub-navigation's Campaigns entry.
  await mainNav(page).getByRole('link', { name: 'Segments', exact: true }).click();
  await page.getByTestId('nav-campaigns').click();
  await page.waitForURL(`${server.url}/admin/plugins/segments/campaigns`);
  await expectVisible(
    page.getByRole('heading', { name: 'Campaigns', level: 1 }),
    'the campaigns page'
  );
  await page.getByRole('link', { name: 'Create campaign' }).click();
  await page.waitForURL(`${server.url}/admin/plugins/segments/campaigns/new`);

  // Compose: name, a demo segment, one variant with Liquid in subject and body.
  await page.getByLabel(/^Name\s*\*?$/).fill(`Welcome ${run}`);
  await page.getByRole('combobox', { name: 'Segment', exact: true }).click();
  await page.getByRole('option', { name: 'Visitors in Germany (germany)' }).click();
  const variant = page.getByTestId('variant-0');
  await variant.getByLabel('Subject').fill('Hallo {{ traits.first_name }}');
  // A first draft of the body; the final one is typed below while the preview watches.
  await variant.getByLabel('HTML body').fill('<p>Draft body</p>');
  // A second variant takes half of the recipients (after a 10% holdout).
  await page.getByRole('button', { name: 'Add variant' }).click();
  const second = page.getByTestId('variant-1');
  await second.getByLabel('Subject').fill('Moin {{ traits.first_name }}');
  await second.getByLabel('HTML body').fill('<p>Moin!</p>');
  await page.getByLabel('Holdout (% kept out)').fill('10');
  await expectText(
    second.getByTestId('variant-share'),
    '45% of recipients',
    'the share of variant B'
  );
  // Quiet hours and a cap, from the keyboard: the checkbox takes Space.
  await page.getByRole('checkbox', { name: /Quiet hours/ }).focus();
  await page.keyboard.press('Space');
  await expectVisible(page.getByLabel('Quiet from'), 'the quiet-hours fields');
  await shot(page, 'campaign-composer.png');

  // The live preview, before the campaign was ever saved: it follows the variant being edited
  // and renders the editor's current text for the chosen profile.
  await page.getByLabel('Profile ID').fill(String(profileId));
  await expectText(page.getByTestId('preview-subject'), 'Moin Greta', 'the unsaved subject of B');
  const frame = page.getByTestId('preview-frame');
  expect(await frame.getAttribute('srcdoc')).toContain('<p>Moin!</p>');
  // A template error shows on the preview and on the faulty field; the page keeps working.
  await variant.getByLabel('Subject').fill('Hallo {{ traits.first_name');
  await expectVisible(page.getByTestId('preview-error'), 'the template error on the preview');
  expect(await page.getByTestId('preview-error').textContent()).toMatch(/^variant\.subject: Liquid: /);
  await expectVisible(variant.getByText(/^Liquid: /), 'the template error on the subject field');
  // B's render is not passed off as A's.
  expect(await page.getByTestId('preview-subject').count()).toBe(0);
  await shot(page, 'campaign-live-preview-error.png');
  // Typed key by key (a request per pause; only the latest answer is shown).
  await variant.getByLabel('Subject').pressSequentially(' }}', { delay: 50 });
  await expectText(page.getByTestId('preview-subject'), 'Hallo Greta', 'the subject typed into A');
  await page.getByTestId('preview-error').waitFor({ state: 'detached' });
  expect(await variant.getByText(/^Liquid: /).count()).toBe(0);
  await variant
    .getByLabel('HTML body')
    .fill('<p>Hi {{ traits.first_name }}, welcome to the shop.</p>');
  await expectSrcdoc(frame, 'Hi Greta, welcome to the shop.');
  expect(await frame.getAttribute('srcdoc')).not.toContain('Draft body');
  // Nothing was saved for it.
  expect(page.url()).toBe(`${server.url}/admin/plugins/segments/campaigns/new`);
  const list = await api.call<{ data: Array<{ name: string }> }>(
    'GET',
    '/segments/campaigns?pageSize=100'
  );
  expect(list.data.map((c) => c.name)).not.toContain(`Welcome ${run}`);
  await shot(page, 'campaign-live-preview.png');

  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(
    (url) => /\/campaigns\/[a-z0-9]+$/.test(url.pathname) && !url.pathname.endsWith('/new')
  );
  campaignId = page.url().split('/').pop() as string;
  await expectVisible(
    page.getByRole('heading', { name: `Welcome ${run}`, level: 1 }),
    'the saved campaign'
  );
  await expectText(page.getByTestId('campaign-status'), 'Draft', 'the status after saving');
  const stored = await api.call<{ data: Record<string, unknown> }>(
    'GET',
    `/segments/campaigns/${campaignId}`
  );
  expect(stored.data).toMatchObject({
    segmentKey: 'germany',
    holdoutPercent: 10,
    quietHours: { start: '21:00', end: '08:00' },
    variants: [
      { name: 'A', subject: 'Hallo {{ traits.first_name }}' },
      { name: 'B', subject: 'Moin {{ traits.first_name }}' },
    ],
  });
  // An ordinary campaign: intelligent timing stays off unless the editor ticks it.
  expect(stored.data.intelligentTiming).toBe(false);

  // The live preview, rendered for the German visitor.
  await page.getByLabel('Profile ID').fill(String(profileId));
  await expectText(page.getByTestId('preview-subject'), 'Hallo Greta', 'the rendered subject');
  expect(await page.getByTestId('preview-frame').getAttribute('srcdoc')).toContain(
    'Hi Greta, welcome to the shop.'
  );
  await shot(page, 'campaign-preview.png');

  // Send a test: it arrives at the SMTP sink, rendered for that profile.
  const to = `editor-${run}@example.test`;
  await page.getByLabel('Send a test to').fill(to);
  await page.getByRole('button', { name: 'Send test' }).click();
  await expectVisible(page.getByTestId('test-sent'), 'the test-sent confirmation');
  const mail = await waitForMail(server.mailDir, to);
  expect(mail.subject).toBe('[Test] Hallo Greta');
  expect(String(mail.html)).toContain('Hi Greta, welcome to the shop.');
  await shot(page, 'campaign-test-sent.png');

  // Schedule, through the confirmation dialog (going back first changes nothing).
  await page.getByRole('button', { name: 'Schedule' }).click();
  const dialog = page.getByRole('alertdialog');
  await expectVisible(dialog, 'the schedule confirmation');
  expect(await dialog.textContent()).toContain('Schedule this campaign?');
  await shot(page, 'campaign-schedule-confirm.png');
  await dialog.getByRole('button', { name: 'Go back' }).click();
  await dialog.waitFor({ state: 'hidden' });
  expect(
    (await api.call<{ data: { state: string } }>('GET', `/segments/campaigns/${campaignId}`)).data
      .state
  ).toBe('draft');
  await page.getByRole('button', { name: 'Schedule' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Yes, schedule' }).click();
  await expectText(page.getByTestId('campaign-status'), 'Scheduled', 'the status after scheduling');
  const scheduled = await api.call<{ data: { state: string; scheduledAt: string | null } }>(
    'GET',
    `/segments/campaigns/${campaignId}`
  );
  // The planner (every minute) may already have started the run.
  expect(['scheduled', 'sending', 'sent']).toContain(scheduled.data.state);
  expect(scheduled.data.scheduledAt).not.toBeNull();
  await expectVisible(
    page.getByRole('button', { name: 'Pause' }),
    'the Pause action of a scheduled campaign'
  );
  expect(await page.getByRole('button', { name: 'Schedule' }).count()).toBe(0);
  await shot(page, 'campaign-scheduled.png');

  // The list shows it with its status and metrics.
  await page.getByTestId('nav-campaigns').click();
  const row = page.getByTestId(`campaign-row-${campaignId}`);
  await expectVisible(row, 'the campaign in the list');
  expect(['Scheduled', 'Sending', 'Sent']).toContain(
    (await row.getByTestId('campaign-status').textContent())?.trim()
  );
  await expectVisible(row.getByTestId('metric-sent'), 'the sent metric');
  await shot(page, 'campaigns-list.png');
});

test('an editor without campaign permissions can neither see nor call campaign actions', async () => {
  expect(campaignId).not.toBe('');
  const editor = { email: `segments-editor-${run}@segments.test`, password: 'Editor-pass-1' };
  await api.createUserWithRole({
    ...editor,
    actions: [
      'plugin::segments.read',
      'plugin::segments.segments.manage',
      'plugin::segments.segments.recompute',
    ],
  });
  const page = await newDesktopPage(browser);
  await loginToAdmin(page, server.url, editor.email, editor.password);
  await mainNav(page).getByRole('link', { name: 'Segments', exact: true }).click();
  await expectVisible(page.getByTestId('nav-activity'), 'the Activity entry (control)');
  expect(await page.getByTestId('nav-segments').count()).toBe(1);
  expect(await page.getByTestId('nav-campaigns').count()).toBe(0);
  expect(await page.getByRole('link', { name: 'Campaigns' }).count()).toBe(0);
  await shot(page, 'campaigns-editor-nav.png');

  for (const url of ['/campaigns', '/campaigns/new', `/campaigns/${campaignId}`]) {
    await page.goto(`${server.url}/admin/plugins/segments${url}`);
    await expectVisible(
      page.getByText("You don't have the permissions to access that content"),
      `the no-permissions page at ${url}`
    );
    expect(
      await page.getByRole('button', { name: /Schedule|Send test|Pause|Cancel campaign/ }).count()
    ).toBe(0);
  }
  await shot(page, 'campaigns-editor-no-permission.png');

  // The server refuses every manage / send route to this role.
  const limited = await AdminApi.login(server.url, editor.email, editor.password);
  const routes: Array<[string, string]> = [
    ['POST', '/segments/campaigns'],
    ['PUT', `/segments/campaigns/${campaignId}`],
    ['DELETE', `/segments/campaigns/${campaignId}`],
    ['POST', `/segments/campaigns/${campaignId}/schedule`],
    ['POST', `/segments/campaigns/${campaignId}/pause`],
    ['POST', `/segments/campaigns/${campaignId}/resume`],
    ['POST', `/segments/campaigns/${campaignId}/cancel`],
    ['POST', `/segments/campaigns/${campaignId}/test`],
    ['POST', `/segments/campaigns/${campaignId}/preview`],
    ['POST', '/segments/campaigns/render'],
  ];
  for (const [method, route] of routes) {
    expect({ method, route, status: await limited.status(method, route) }).toEqual({
      method,
      route,
      status: 403,
    });
  }
  // The control: the same session may still use what its role grants.
  expect(await limited.status('GET', '/segments/segments')).toBe(200);
  // Nothing changed: the campaign is still there and not cancelled.
  const after = await api.call<{ data: { state: string } }>(
    'GET',
    `/segments/campaigns/${campaignId}`
  );
  expect(after.data.state).not.toBe('cancelled');
});
