import { spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import knex from 'knex';
import type { Browser, Locator, Page } from 'playwright-core';
import { AdminApi } from './helpers/admin-api';
import { launchChromium, newDesktopPage, openAdminWithToken } from './helpers/browser';
import { playground } from './helpers/playground';
import { ARTIFACTS_DIR, E2E_TMP, ROOT, removeSqliteFile } from './helpers/server';

/**
 * The Content-Type Builder steps, in a real Chromium against the playground run with `strapi
 * develop` (the shared e2e playground runs `strapi start`, where the CTB is read-only):
 *
 * 1. the "Segment targeting" checkbox the plugin adds to a content type's advanced settings:
 *    ticking it and saving makes Strapi restart with the targeting fields injected (Content
 *    Manager side panel) while schema.json only gets `pluginOptions.segments.enabled`; unticking
 *    it removes them again;
 * 2. the "Personalised value" custom field added from the CTB's Custom tab, then filled with a
 *    default and two segment variants in the Content Manager; the content API gives each visitor
 *    their value.
 *
 * `strapi develop` writes schema files into the app, so it runs on a copy of the built playground
 * in the system temp folder, outside this repository: Strapi's CLI looks for a tsconfig.json in
 * the app and every folder above it, and inside the repository it would find the root solution
 * config and try to compile the JavaScript copy with it. node_modules is a link to this
 * repository's, and SEGMENTS_PLUGIN_PATH points config/plugins at the plugin.
 */
jest.setTimeout(300_000);

const PAGE = 'api::page.page';
const run = Date.now().toString(36);
const WORK = path.join(os.tmpdir(), `segments-e2e-ctb-${process.pid}`);
const APP = path.join(WORK, 'app');
const DB_FILE = path.join(WORK, 'data.db');
// Kept for post-mortems; the next run's global setup removes run-<dead pid>.* files.
const LOG_FILE = path.join(E2E_TMP, `run-${process.pid}.ctb-develop.log`);
const PAGE_SCHEMA = path.join(APP, 'src', 'api', 'page', 'content-types', 'page', 'schema.json');
const admin = {
  email: `ctb-${run}@e2e.test`,
  password: 'Ctb-e2e-pass-1',
  firstname: 'Ctb',
  lastname: 'E2E',
};

let baseUrl = '';
let strapiPid = 0;
let logTail = '';
let exited: string | null = null;
let api: AdminApi;
let browser: Browser;
let page: Page;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The playground as a JavaScript app: its compiled config/ and src/ from playground/dist (global
 * setup builds it; schema.json files included) and the admin bundle built with it. `strapi
 * develop` on the TypeScript sources type-checks and compiles the app twice per restart — about
 * a minute per CTB save on 2 cores — for code this test does not change.
 */
function copyPlayground(): void {
  const source = path.join(ROOT, 'playground');
  const dist = path.join(source, 'dist');
  for (const needed of [
    'build/index.html',
    'src/index.js',
    'src/api/page/content-types/page/schema.json',
    'config/plugins.js',
  ]) {
    if (!fs.existsSync(path.join(dist, needed))) {
      throw new Error(
        `No ${needed} in ${dist}: global-setup builds the playground (npm run test:e2e).`
      );
    }
  }
  fs.mkdirSync(APP, { recursive: true });
  for (const file of ['package.json', 'favicon.png'])
    fs.copyFileSync(path.join(source, file), path.join(APP, file));
  fs.cpSync(path.join(source, 'public'), path.join(APP, 'public'), { recursive: true });
  for (const dir of ['config', 'src', 'build']) {
    fs.cpSync(path.join(dist, dir), path.join(APP, dir), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(APP, 'node_modules'), 'dir');
}

/** The `strapi` CLI entry point, resolved the way the playground resolves @strapi/strapi. */
function strapiCli(): string {
  const manifestPath = require.resolve('@strapi/strapi/package.json', {
    paths: [path.join(ROOT, 'playground')],
  });
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as {
    bin: string | Record<string, string>;
  };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin.strapi;
  return path.resolve(path.dirname(manifestPath), bin);
}

async function health(): Promise<number> {
  try {
    const res = await fetch(`${baseUrl}/_health`, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

async function waitForHealth(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`strapi develop exited (${exited})\n${logTail}`);
    if ((await health()) === 204) return;
    await sleep(500);
  }
  throw new Error(
    `strapi develop did not answer /_health within ${timeoutMs / 1000} s\n${logTail}`
  );
}

async function startDevelop(): Promise<void> {
  const port = await playground.freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  fs.mkdirSync(E2E_TMP, { recursive: true });
  const log = fs.createWriteStream(LOG_FILE);
  const cli = strapiCli();
  // --no-watch-admin --no-build-admin: serve the built panel (build/) rather than compile it with
  // vite; autoReload stays on (develop), so a CTB save restarts the server.
  const child = spawn(
    process.execPath,
    [cli, 'develop', '--no-watch-admin', '--no-build-admin', '--no-install-deps'],
    {
      cwd: APP,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        NODE_ENV: 'development',
        HOST: '127.0.0.1',
        PORT: String(port),
        BROWSER: 'none',
        STRAPI_TELEMETRY_DISABLED: 'true',
        DATABASE_CLIENT: 'sqlite',
        DATABASE_FILENAME: DB_FILE,
        ADMIN_LOGIN_RATE_MAX: '100',
        SEGMENTS_SCHEDULER_ENABLED: 'false',
        SEGMENTS_DEMO: 'false',
        SEGMENTS_PLUGIN_PATH: ROOT,
      },
    }
  );
  strapiPid = child.pid ?? 0;
  const collect = (chunk: Buffer) => {
    logTail = (logTail + chunk.toString()).slice(-6000);
    log.write(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  child.on('exit', (code, signal) => {
    exited = signal ?? `exit code ${code}`;
    log.end();
  });
  await waitForHealth(240_000);
}

async function stopDevelop(): Promise<void> {
  if (!strapiPid) return;
  playground.killGroup(strapiPid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (!exited && Date.now() < deadline) await sleep(200);
  // The cluster worker is in the same group; make sure nothing outlives the test.
  playground.killGroup(strapiPid, 'SIGKILL');
}

/** The CTB's update status; null while nothing answers (a request can hang across the restart). */
async function isUpdating(): Promise<boolean | null> {
  try {
    const res = await fetch(`${baseUrl}/content-type-builder/update-schema-status`, {
      headers: { authorization: `Bearer ${api.bearer}` },
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) return null;
    return ((await res.json()) as { data: { isUpdating: boolean } }).data.isUpdating;
  } catch {
    return null;
  }
}

/**
 * After a CTB save: the old server answers "isUpdating" until develop replaces it with a new
 * process, which answers false.
 */
async function waitForRestart(): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`strapi develop exited during a restart (${exited})\n${logTail}`);
    if ((await isUpdating()) === false && (await health()) === 204) return;
    await sleep(1000);
  }
  throw new Error(`no restart within 180 s after the CTB save\n${logTail}`);
}

async function expectVisible(locator: Locator, what: string, timeout = 60_000): Promise<void> {
  try {
    await locator.waitFor({ state: 'visible', timeout });
  } catch {
    throw new Error(`Not visible after ${timeout / 1000} s: ${what}`);
  }
}

async function shot(name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, name);
  await page.screenshot({ path: file, fullPage: true });
  expect(fs.statSync(file).size).toBeGreaterThan(10_000);
}

type Schema = {
  pluginOptions?: { segments?: { enabled?: unknown } };
  attributes: Record<string, Record<string, unknown>>;
};
const pageSchemaFile = (): Schema => JSON.parse(fs.readFileSync(PAGE_SCHEMA, 'utf8')) as Schema;

/** The Page attributes the running server has (what the Content Manager edits). */
async function liveAttributes(): Promise<string[]> {
  const { data } = await api.call<{
    data: Array<{ uid: string; attributes: Record<string, unknown> }>;
  }>('GET', '/content-manager/content-types');
  const model = data.find((m) => m.uid === PAGE);
  if (!model) throw new Error(`${PAGE} is not a content type of the running server`);
  return Object.keys(model.attributes);
}

/** The pages table's columns and the page tables in the database (what Strapi's schema sync made). */
async function pageTables(): Promise<{ columns: string[]; tables: string[] }> {
  const db = knex({
    client: 'better-sqlite3',
    connection: { filename: DB_FILE, options: { readonly: true } } as never,
    useNullAsDefault: true,
  });
  try {
    const columns = (await db.raw('PRAGMA table_info(pages)')) as Array<{ name: string }>;
    const tables = (await db.raw(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'pages%'"
    )) as Array<{ name: string }>;
    return { columns: columns.map((c) => c.name), tables: tables.map((t) => t.name) };
  } finally {
    await db.destroy();
  }
}

async function openPageInCtb(): Promise<void> {
  await page.goto(`${baseUrl}/admin/plugins/content-type-builder/content-types/${PAGE}`);
  await expectVisible(
    page.getByRole('heading', { name: 'Page', exact: true }),
    'the Page content type in the CTB'
  );
}

/** Opens Page → Edit → Advanced settings and returns the plugin's checkbox. */
async function targetingCheckbox(): Promise<{ dialog: Locator; checkbox: Locator }> {
  await openPageInCtb();
  await page.getByRole('button', { name: 'Edit', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await expectVisible(dialog, 'the Edit Page dialog');
  await dialog.getByRole('tab', { name: /Advanced settings/i }).click();
  const checkbox = dialog.getByRole('checkbox', { name: 'Segment targeting' });
  await expectVisible(checkbox, 'the Segment targeting checkbox');
  return { dialog, checkbox };
}

/** Finish the dialog, press the CTB's Save and wait until develop has restarted. */
async function finishAndSave(dialog: Locator, screenshot: string): Promise<void> {
  await dialog.getByRole('button', { name: 'Finish' }).click();
  await dialog.waitFor({ state: 'hidden' });
  const saved = page.waitForResponse(
    (r) => r.url().endsWith('/content-type-builder/update-schema'),
    { timeout: 60_000 }
  );
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  const response = await saved;
  expect(response.status()).toBe(200);
  await shot(screenshot);
  await waitForRestart();
}

async function createPage(title: string): Promise<string> {
  const created = await api.call<{ data: { documentId: string } }>(
    'POST',
    `/content-manager/collection-types/${PAGE}`,
    { title }
  );
  return created.data.documentId;
}

/** The Content Manager edit view of a page, once its form has loaded. */
async function openPageEditView(documentId: string): Promise<void> {
  await page.goto(`${baseUrl}/admin/content-manager/collection-types/${PAGE}/${documentId}`);
  await expectVisible(page.getByLabel('title'), 'the page edit form');
}

/** Lets the Public role read pages (what a site admin does in Users & Permissions). */
async function grantPublicPageRead(): Promise<void> {
  const { roles } = await api.call<{ roles: Array<{ id: number; type: string }> }>(
    'GET',
    '/users-permissions/roles'
  );
  const publicRole = roles.find((r) => r.type === 'public');
  if (!publicRole) throw new Error('no public role');
  const { role } = await api.call<{
    role: {
      name: string;
      description: string;
      permissions: Record<
        string,
        { controllers: Record<string, Record<string, { enabled: boolean }>> }
      >;
    };
  }>('GET', `/users-permissions/roles/${publicRole.id}`);
  role.permissions['api::page'].controllers.page.findOne.enabled = true;
  await api.call('PUT', `/users-permissions/roles/${publicRole.id}`, {
    name: role.name,
    description: role.description,
    permissions: role.permissions,
  });
}

async function identify(
  id: string,
  traits: Record<string, unknown>
): Promise<Record<string, string>> {
  const headers = {
    'content-type': 'application/json',
    'x-segments-anonymous-id': `e2e-ctb-${run}-${id}`,
  };
  const res = await fetch(`${baseUrl}/api/segments/identify`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ traits }),
  });
  if (!res.ok) throw new Error(`identify ${id}: ${res.status} ${await res.text()}`);
  return headers;
}

beforeAll(async () => {
  fs.rmSync(WORK, { recursive: true, force: true });
  copyPlayground();
  removeSqliteFile(DB_FILE);
  const started = Date.now();
  await startDevelop();
  process.stdout.write(
    `[e2e ctb] strapi develop up at ${baseUrl} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`
  );
  // A fresh database has no admin: register the first one (what the admin's welcome form does).
  const res = await fetch(`${baseUrl}/admin/register-admin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(admin),
  });
  if (!res.ok) throw new Error(`register-admin: ${res.status} ${await res.text()}`);
  api = await AdminApi.login(baseUrl, admin.email, admin.password);
  browser = await launchChromium();
  page = await newDesktopPage(browser);
  await openAdminWithToken(page, baseUrl, api.bearer);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stopDevelop();
  fs.rmSync(WORK, { recursive: true, force: true });
}, 60_000);

test('the CTB targeting checkbox injects the targeting fields on save and removes them on untick', async () => {
  // Before: Page is not targeted.
  expect(pageSchemaFile().pluginOptions?.segments?.enabled).toBeUndefined();
  expect(await liveAttributes()).not.toContain('segmentsPriority');
  const before = await pageTables();
  expect(before.columns).not.toContain('segments_priority');

  const on = await targetingCheckbox();
  expect(await on.checkbox.getAttribute('aria-checked')).toBe('false');
  await on.checkbox.click();
  expect(await on.checkbox.getAttribute('aria-checked')).toBe('true');
  await shot('ctb-targeting-checkbox.png');
  await finishAndSave(on.dialog, 'ctb-targeting-saving.png');

  // schema.json records the opt-in only; the fields are injected by the plugin at boot.
  const enabled = pageSchemaFile();
  expect(enabled.pluginOptions?.segments?.enabled).toBe(true);
  expect(Object.keys(enabled.attributes)).not.toContain('segmentsTargets');
  expect(Object.keys(enabled.attributes)).not.toContain('segmentsPriority');
  expect(await liveAttributes()).toEqual(
    expect.arrayContaining(['segmentsTargets', 'segmentsPriority'])
  );
  // The database got the priority column and a join table to segments.
  const withTargeting = await pageTables();
  expect(withTargeting.columns).toContain('segments_priority');
  const joinTables = withTargeting.tables.filter((t) => !before.tables.includes(t));
  expect(joinTables).toEqual([expect.stringMatching(/^pages_segments_targets/)]);

  const documentId = await createPage(`Targeted ${run}`);
  await openPageEditView(documentId);
  const panel = page.getByTestId('targeting-panel');
  await expectVisible(panel, 'the targeting side panel');
  await expectVisible(
    panel.getByRole('combobox', { name: 'Target segments' }),
    'the Target segments select'
  );
  await shot('ctb-targeting-cm-panel.png');

  // Untick: the CTB sends the schema without the injected fields, and they are gone after restart.
  const off = await targetingCheckbox();
  expect(await off.checkbox.getAttribute('aria-checked')).toBe('true');
  await off.checkbox.click();
  expect(await off.checkbox.getAttribute('aria-checked')).toBe('false');
  await finishAndSave(off.dialog, 'ctb-targeting-unticked.png');

  const disabled = pageSchemaFile();
  expect(disabled.pluginOptions?.segments?.enabled).not.toBe(true);
  expect(Object.keys(disabled.attributes)).not.toContain('segmentsTargets');
  expect(Object.keys(disabled.attributes)).not.toContain('segmentsPriority');
  const live = await liveAttributes();
  expect(live).not.toContain('segmentsTargets');
  expect(live).not.toContain('segmentsPriority');
  // Strapi's schema sync dropped the column and the join table again.
  const withoutTargeting = await pageTables();
  expect(withoutTargeting.columns).not.toContain('segments_priority');
  expect(withoutTargeting.tables).toEqual(expect.not.arrayContaining(joinTables));

  await openPageEditView(documentId);
  // The form and the other side panels are there; the targeting panel is not.
  await expectVisible(page.getByRole('button', { name: 'Save', exact: true }), 'the Entry panel');
  await sleep(2000);
  expect(await page.getByTestId('targeting-panel').count()).toBe(0);
  await shot('ctb-targeting-removed-cm.png');
});

test('a Personalised value field added in the CTB gives two segments two values and everyone else the default', async () => {
  const field = 'greeting';
  expect(pageSchemaFile().attributes[field]).toBeUndefined();

  await openPageInCtb();
  await page.getByRole('button', { name: 'Add another field', exact: true }).click();
  const dialog = page.getByRole('dialog');
  await expectVisible(dialog, 'the add-field dialog');
  await dialog.getByRole('tab', { name: 'Custom' }).click();
  await dialog.getByRole('button', { name: /Personalised value/ }).click();
  await dialog.getByRole('textbox', { name: 'Name' }).fill(field);
  // The field's own option: the kind of value, Short text by default.
  await expect(
    dialog.getByRole('combobox', { name: 'Kind of value' }).textContent()
  ).resolves.toContain('Short text');
  await shot('ctb-custom-field-dialog.png');
  await finishAndSave(dialog, 'ctb-custom-field-saving.png');

  expect(pageSchemaFile().attributes[field]).toEqual({
    type: 'customField',
    customField: 'plugin::segments.personalised',
    options: { kind: 'string' },
  });
  expect(await liveAttributes()).toContain(field);

  // Two segments by trait, a visitor in each and one in neither.
  for (const plan of ['gold', 'silver']) {
    await api.call('POST', '/content-manager/collection-types/plugin::segments.segment', {
      name: `ctb-${plan}-${run}`,
      key: `ctb-${plan}-${run}`,
      rule: { plan: `${plan}-${run}` },
    });
  }
  await grantPublicPageRead();
  const gold = await identify('gold', { plan: `gold-${run}` });
  const silver = await identify('silver', { plan: `silver-${run}` });
  const nobody = await identify('nobody', { plan: 'free' });

  await page.goto(`${baseUrl}/admin/content-manager/collection-types/${PAGE}/create`);
  await expectVisible(page.getByLabel('title'), 'the page create form');
  await page.getByLabel('title').fill(`Custom field ${run}`);
  const input = page.locator(`[data-personalised-field="${field}"]`);
  await expectVisible(input, `the ${field} Personalised value input`);
  await input.getByLabel('Default (everyone else)').fill('Hello, everyone');
  const addVariant = async (index: number, segment: string, value: string) => {
    await input.getByRole('button', { name: 'Add a variant' }).click();
    const row = input.locator(`[data-variant-row="${index}"]`);
    await expectVisible(row, `variant row ${index}`);
    await row.getByRole('combobox').click();
    await page.getByRole('option', { name: new RegExp(`\\(${segment}\\)`) }).click();
    await row.getByLabel('Value for this segment').fill(value);
  };
  await addVariant(0, `ctb-gold-${run}`, 'Hello, gold member');
  await addVariant(1, `ctb-silver-${run}`, 'Hello, silver member');
  expect(await input.locator('[data-variant-error]').count()).toBe(0);
  await shot('ctb-custom-field-editor.png');

  // Page has no draft & publish: saving publishes.
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.waitForURL((url) => !url.pathname.endsWith('/create'), { timeout: 30_000 });
  const documentId = page.url().split('/').pop()?.split('?')[0] ?? '';
  expect(documentId).toMatch(/^[a-z0-9]{10,}$/);
  await shot('ctb-custom-field-saved.png');

  const valueFor = async (headers: Record<string, string>) => {
    const res = await fetch(`${baseUrl}/api/pages/${documentId}`, { headers });
    if (!res.ok) throw new Error(`GET /api/pages/${documentId}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { data: Record<string, unknown> }).data[field];
  };
  expect(await valueFor(gold)).toBe('Hello, gold member');
  expect(await valueFor(silver)).toBe('Hello, silver member');
  expect(await valueFor(nobody)).toBe('Hello, everyone');
  expect(await valueFor({})).toBe('Hello, everyone');
});
