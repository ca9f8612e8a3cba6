// Drives Debian's chromium (never a downloaded browser) through playwright-core for the browser tests.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS });
}

export const PHONE = { width: 375, height: 740 };
export const DESKTOP = { width: 1280, height: 860 };

export interface OpenedPage {
  context: BrowserContext;
  page: Page;
  dialogs: string[];
  errors: string[];
}

/**
 * A fresh context (own cookies) with a page that records any dialog (alert/confirm/prompt) and page error, so a test
 * can assert that nothing fired: the XSS test relies on it.
 */
export async function openPage(browser: Browser, baseURL: string, viewport = DESKTOP): Promise<OpenedPage> {
  const context = await browser.newContext({ baseURL, viewport });
  const page = await context.newPage();
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return { context, page, dialogs, errors };
}

/** Signs in through the real form, then waits for the app shell. */
export async function signIn(page: Page, email: string, password: string, hash = ''): Promise<void> {
  await page.goto(`/${hash}`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('nav.nav').waitFor();
  if (hash)
    await page.evaluate((h) => {
      location.hash = h;
    }, hash);
}

/** Waits until the live socket is up, so events published after this point reach the page. */
export async function waitLive(page: Page): Promise<void> {
  await page.locator('.conn-live').waitFor({ timeout: 10_000 });
}
