import fs from 'fs';
import path from 'path';
import type { Browser, Locator, Page } from 'playwright-core';
import { AdminApi } from './helpers/admin-api';
import { launchChromium, newDesktopPage, openAdminWithToken } from './helpers/browser';
import { ARTIFACTS_DIR, readServerState } from './helpers/server';

/**
 * The composer's push and webhook channels in Chromium: an editor picks the channel, writes the
 * variant (a push notification with a button; a JSON body), sees the live preview each channel
 * has (the notification as a browser shows it; the signed request), saves, and finds what was
 * stored — the push button kept, the webhook secret shown once; an in-app message previewed in its
 * three layouts. The report names each channel's stages.
 */
const server = readServerState();
const run = Date.now().toString(36);
let browser: Browser;
let page: Page;
let api: AdminApi;
let profileId = 0;

async function shot(name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS_DIR, name), fullPage: true });
}

async function expectText(locator: Locator, pattern: RegExp, what: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  let last = '';
  while (Date.now() < deadline) {
    last = (
      (await locator
        .first()
        .textContent()
        .catch(() => '')) ?? ''
    ).trim();
    if (pattern.test(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: expected ${pattern}, still "${last.slice(0, 300)}" after 30 s`);
}

async function compose(
  name: string,
  channel: 'Web Push' | 'Webhook' | 'In-app message'
): Promise<void> {
  await page.goto(`${server.url}/admin/plugins/segments/campaigns/new`);
  await page.getByLabel(/^Name\s*\*?$/).waitFor({ timeout: 30_000 });
  await page.getByLabel(/^Name\s*\*?$/).fill(name);
  await page.getByRole('combobox', { name: 'Segment', exact: true }).click();
  await page.getByRole('option', { name: 'Visitors in Germany (germany)' }).click();
  await page.getByRole('combobox', { name: 'Channel', exact: true }).click();
  await page.getByRole('option', { name: channel, exact: true }).click();
}

async function save(): Promise<string> {
  await page.getByRole('button', { name: 'Save' }).click();
  await page.waitForURL(
    (url) => /\/campaigns\/[a-z0-9]+$/.test(url.pathname) && !url.pathname.endsWith('/new')
  );
  return page.url().split('/').pop() as string;
}

beforeAll(async () => {
  browser = await launchChromium();
  api = await AdminApi.login(server.url, server.admin.email, server.admin.password);
  page = await newDesktopPage(browser);
  await openAdminWithToken(page, server.url, api.bearer);
  const headers = {
    'content-type': 'application/json',
    'x-segments-anonymous-id': `e2e-ch-${run}`,
  };
  await fetch(`${server.url}/api/segments/identify`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ traits: { country: 'DE', first_name: 'Greta' } }),
  });
  const me = (await (await fetch(`${server.url}/api/segments/me`, { headers })).json()) as {
    data: { profileId: number };
  };
  profileId = me.data.profileId;
});

afterAll(async () => {
  await browser?.close();
});

test('a push campaign: notification fields and a button, previewed as a browser shows it, stored whole', async () => {
  await compose(`Cart push ${run}`, 'Web Push');
  const variant = page.getByTestId('variant-0');
  await variant.getByLabel(/^Title/).fill('Hallo {{ traits.first_name }}');
  await variant.getByLabel(/^Text/).fill('Dein Warenkorb wartet');
  await variant.getByLabel('Opens on click').fill('/cart');
  await variant.getByRole('button', { name: 'Add a button' }).click();
  await variant.getByLabel(/^Button 1 label/).fill('Zum Warenkorb');
  await variant.getByLabel('Button 1 opens').fill('/cart?open=1');
  await page.getByLabel('Profile ID').fill(String(profileId));
  await expectText(
    page.getByTestId('preview-push-title'),
    /^Hallo Greta$/,
    'the notification title'
  );
  await expectText(
    page.getByTestId('preview-push'),
    /Zum Warenkorb/,
    'the button on the notification'
  );
  await expectText(
    page.getByTestId('preview-push-size'),
    /^Payload \d+ bytes of the 3993/,
    'the payload size'
  );
  await shot('campaign-push-composer.png');

  const id = await save();
  const stored = await api.call<{ data: Record<string, unknown> }>(
    'GET',
    `/segments/campaigns/${id}`
  );
  expect(stored.data).toMatchObject({
    channel: 'push',
    variants: [
      {
        title: 'Hallo {{ traits.first_name }}',
        body: 'Dein Warenkorb wartet',
        url: '/cart',
        actions: [{ action: 'button-1', title: 'Zum Warenkorb', url: '/cart?open=1' }],
      },
    ],
  });
  // Reloaded, the button is still there, and a second save keeps it.
  await page.reload();
  await expectText(page.getByTestId('push-action-0'), /./, 'the button after reload');
  expect(await page.getByLabel(/^Button 1 label/).inputValue()).toBe('Zum Warenkorb');
  await page.getByLabel('Opens on click').fill('/cart?from=push');
  await page.getByRole('button', { name: 'Save' }).click();
  const deadline = Date.now() + 15_000;
  let saved: { url: string; actions?: unknown[] } | undefined;
  do {
    await new Promise((r) => setTimeout(r, 250));
    saved = (
      await api.call<{ data: { variants: Array<{ url: string; actions?: unknown[] }> } }>(
        'GET',
        `/segments/campaigns/${id}`
      )
    ).data.variants[0];
  } while (saved.url !== '/cart?from=push' && Date.now() < deadline);
  expect(saved).toMatchObject({
    url: '/cart?from=push',
    actions: [{ action: 'button-1', title: 'Zum Warenkorb' }],
  });

  // The report speaks push: delivered and displayed, no unsubscribe column.
  await page.goto(`${server.url}/admin/plugins/segments/campaigns/${id}/report`);
  const table = page.locator('thead').first();
  await expectText(table, /Delivered.*Displayed.*Clicked.*Display rate/, 'the push report columns');
  expect(await table.textContent()).not.toContain('Unsubscribed');
  await shot('campaign-push-report.png');
});

test('a webhook campaign: the signed request previewed before saving, the secret shown once after', async () => {
  await compose(`CRM sync ${run}`, 'Webhook');
  await page.getByLabel(/^Webhook URL/).fill('https://crm.example.com/hooks/segments');
  const variant = page.getByTestId('variant-0');
  await variant
    .getByLabel(/^JSON body/)
    .fill('{"profile": {{ profile.id }}, "name": "{{ traits.first_name }}"}');
  await page.getByLabel('Profile ID').fill(String(profileId));
  const request = await expectText(
    page.getByTestId('preview-webhook'),
    /"name": ?"Greta"/,
    'the rendered body'
  );
  expect(request).toContain('POST https://crm.example.com/hooks/segments');
  expect(request).toMatch(/webhook-signature: v1,[A-Za-z0-9+/=]+/);
  expect(request).toMatch(/webhook-id: msg_/);
  await expectText(
    page.getByText(/Signed with a placeholder key/),
    /placeholder/,
    'the unsaved-signature note'
  );
  await shot('campaign-webhook-composer.png');

  const id = await save();
  const secret = await expectText(
    page.getByTestId('webhook-secret'),
    /whsec_[A-Za-z0-9+/]{43}=/,
    'the secret, once'
  );
  const stored = await api.call<{ data: Record<string, unknown> }>(
    'GET',
    `/segments/campaigns/${id}`
  );
  expect(stored.data).toMatchObject({
    channel: 'webhook',
    hasWebhookSecret: true,
    webhook: { url: 'https://crm.example.com/hooks/segments' },
  });
  expect(JSON.stringify(stored.data)).not.toContain(/whsec_[^\s"]+/.exec(secret)![0].slice(6, 30));
  // Shown only once: a reload does not bring it back.
  await page.reload();
  await page.getByLabel(/^Webhook URL/).waitFor({ timeout: 30_000 });
  expect(await page.getByTestId('webhook-secret').count()).toBe(0);
});

test('an in-app message: content, options and buttons, previewed in all three layouts, stored whole; its report', async () => {
  await compose(`Welcome in-app ${run}`, 'In-app message');
  await page.getByLabel(/^Priority/).fill('80');
  // Send-time rules do not apply to an in-app message: that section is gone.
  expect(await page.getByText('Delivery rules', { exact: true }).count()).toBe(0);
  await page.getByLabel(/^Shows per visitor/).fill('2');
  const variant = page.getByTestId('variant-0');
  await variant.getByLabel(/^Title/).fill('Willkommen {{ traits.first_name }}');
  await variant.getByLabel(/^Body/).fill('**10% Rabatt** mit dem Code `HALLO10`. <b>no html</b>');
  await variant.getByRole('button', { name: 'Add a button' }).click();
  await variant.getByLabel(/^Button 1 label/).fill('Zum Angebot');
  await variant.getByLabel('Button 1 opens').fill('/angebot');
  await variant.getByLabel('Button 1 event').fill('offer_opened');
  await page.getByLabel('Profile ID').fill(String(profileId));
  await expectText(
    page.getByTestId('preview-inapp-title'),
    /^Willkommen Greta$/,
    'the message title'
  );
  const body = page.getByTestId('preview-inapp-body');
  await expectText(body, /10% Rabatt/, 'the rendered body');
  expect(await body.locator('strong').textContent()).toBe('10% Rabatt');
  expect(await body.locator('b').count()).toBe(0); // raw HTML stays text
  const preview = page.getByTestId('preview-inapp');
  expect(await preview.getAttribute('data-layout')).toBe('modal');
  await shot('campaign-inapp-modal-preview.png');
  for (const [label, layout] of [
    ['Slide-up', 'slideup'],
    ['Top banner', 'banner-top'],
  ] as const) {
    await page
      .getByRole('group', { name: 'Preview as' })
      .getByRole('button', { name: label })
      .click();
    expect(await preview.getAttribute('data-layout')).toBe(layout);
    await expectText(
      page.getByTestId('preview-inapp-message'),
      /Zum Angebot/,
      `the ${layout} preview`
    );
  }
  await shot('campaign-inapp-banner-preview.png');

  const id = await save();
  const stored = await api.call<{ data: Record<string, unknown> }>(
    'GET',
    `/segments/campaigns/${id}`
  );
  expect(stored.data).toMatchObject({
    channel: 'inapp',
    inapp: { priority: 80, maxShows: 2, periodHours: 24 },
    variants: [
      {
        layout: 'modal',
        title: 'Willkommen {{ traits.first_name }}',
        buttons: [{ label: 'Zum Angebot', url: '/angebot', event: 'offer_opened' }],
      },
    ],
  });

  // The report speaks in-app: qualified, shown, clicked, dismissed; no open rate, no unsubscribe.
  await page.goto(`${server.url}/admin/plugins/segments/campaigns/${id}/report`);
  const table = page.locator('thead').first();
  await expectText(
    table,
    /Qualified.*Shown.*Clicked.*Dismissed.*Converted/,
    'the in-app report columns'
  );
  expect(await table.textContent()).not.toMatch(/Unsubscribed|Open rate/);
});
