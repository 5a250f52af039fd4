// Helpers for the browser tests: Debian's Chromium driven by playwright-core, the SDK client for
// keys copied out of the page, sign-in, and screenshots under test-results/screenshots/.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createClient, type KeyInfo, type LabKeyClient } from '@lk/sdk';
import type { MockServer } from '@lk/mock-server';

/** Debian's Chromium (apt package `chromium`); LK_CHROMIUM overrides the path. */
export const CHROMIUM = process.env.LK_CHROMIUM ?? '/usr/bin/chromium';

/** Flags that keep the browser off the network and quiet (and runnable as root in CI). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const SCREENSHOT_DIR = join(__dirname, '..', '..', 'test-results', 'screenshots');

/**
 * Launch headless Chromium. Missing Chromium is a failure with the fix in the message, never a
 * skip. Playwright's `launch` always gives the browser a fresh temporary `--user-data-dir`
 * (created in the OS temp folder and deleted on close); each user then gets its own context
 * (cookies, storage), like two separate browser profiles.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}. The browser tests need Debian's chromium package: run \`scripts/setup.sh --test\` (or \`sudo apt-get install chromium\`), or set LK_CHROMIUM to a Chromium binary.`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
}

/** A fresh context (own cookies) that may use the clipboard on the mock server's origin. */
export async function newUserContext(browser: Browser, server: MockServer): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: 'en-US', timezoneId: 'UTC' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.origin });
  context.setDefaultTimeout(10_000);
  return context;
}

/** Sign in through the page, by its labels, and wait for the landing page. */
export async function signIn(page: Page, server: MockServer, email: string, password: string): Promise<void> {
  await page.goto(`${server.url}/login-login.view`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign In' }).click();
  await page.waitForURL((u) => !u.pathname.includes('/login-login.'));
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

const homes: string[] = [];

/**
 * An SDK client using exactly this key and nothing from this machine (empty env, empty temp home,
 * no keychain). `expiresAt` (as the page showed it) lets the SDK tell expired from revoked.
 */
export function sdkClient(server: MockServer, apiKey: string, expiresAt?: string | null): LabKeyClient {
  const home = mkdtempSync(join(tmpdir(), 'lk-browser-test-'));
  homes.push(home);
  return createClient({
    baseUrl: server.url,
    apiKey,
    retries: 0,
    ...(expiresAt !== undefined ? { keyInfo: { get: (fingerprint: string): KeyInfo => ({ fingerprint, expiresAt }) } } : {}),
    resolveContext: { env: {}, homedir: home, keychain: undefined, now: () => server.clock.now() },
  });
}

export function removeTempHomes(): void {
  for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true });
}

/** POST to an `.api` action from inside the page, as the page's own script would (CSRF header from the page). */
export async function postFromPage(page: Page, url: string, body: Record<string, unknown>): Promise<{ status: number; json: any }> {
  return page.evaluate(
    async ({ url, body }) => {
      const doc = (globalThis as any).document;
      const csrf: string = doc.querySelector('meta[name="csrf-token"]').getAttribute('content');
      const r = await fetch(url, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-LABKEY-CSRF': csrf },
        body: JSON.stringify(body),
      });
      return { status: r.status, json: await r.json() };
    },
    { url, body },
  );
}
