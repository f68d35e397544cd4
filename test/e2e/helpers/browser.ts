import fs from 'fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`); CHROMIUM_PATH overrides. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install it with \`apt-get install chromium\` or set CHROMIUM_PATH.`);
  }
  // playwright's launch() gives every browser a fresh temporary profile (--user-data-dir).
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** A desktop-sized page (the main navigation collapses into a burger menu on small screens). */
export async function newDesktopPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
  return context.newPage();
}

/** Logs in through the real admin login form and waits until the admin home has loaded. */
export async function loginToAdmin(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/admin/auth/login`);
  await page.locator('form input[name="email"]').fill(email);
  await page.locator('form input[name="password"]').fill(password);
  await page.locator('form button[type="submit"]').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/admin/auth/'), { timeout: 30_000 });
  await mainNav(page).waitFor({ state: 'visible', timeout: 30_000 });
}

/** The admin panel's left main navigation. */
export function mainNav(page: Page) {
  return page.locator('nav').filter({ has: page.getByRole('link', { name: 'Home' }) }).first();
}

/**
 * Opens the admin signed in with an existing admin session's JWT, the way the panel stores it
 * after "remember me" (localStorage `jwtToken`): a file that needs both the API and the browser
 * logs the super admin in once (/admin/login is rate limited per e-mail).
 */
export async function openAdminWithToken(page: Page, baseUrl: string, token: string): Promise<void> {
  await page.goto(`${baseUrl}/admin/auth/login`);
  await page.evaluate((jwt) => {
    localStorage.setItem('jwtToken', JSON.stringify(jwt));
    localStorage.setItem('isLoggedIn', 'true');
  }, token);
  await page.goto(`${baseUrl}/admin`);
  await mainNav(page).waitFor({ state: 'visible', timeout: 30_000 });
}
