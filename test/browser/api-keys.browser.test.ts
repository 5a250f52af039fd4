// The key pages of the mock server, in a real browser (Debian's Chromium, headless): an admin turns
// API keys on with a 7-day expiry; a user generates a key, copies it, and the copied key works with
// @lk/sdk; the admin revokes it and the SDK's next call is refused; a key outlives its expiry and
// shows as expired. Also: sign-in redirect, escaping, the disabled message, impersonation,
// keyboard use and labels, session keys and sign-out. The tests run in order, as one story.
import { ErrorCodes, isApiKeyRejectedError, type LabKeyClient } from '@lk/sdk';
import { startMockServer, type MockServer } from '@lk/mock-server';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, newUserContext, postFromPage, removeTempHomes, screenshot, sdkClient, signIn } from './browser';

jest.setTimeout(60_000);

const DAY = 86_400_000;
const HEX64 = /^[0-9a-f]{64}$/;

let server: MockServer;
let browser: Browser | undefined;
let adminContext: BrowserContext;
let aliceContext: BrowserContext;
let admin: Page;
let alice: Page;
const clients: LabKeyClient[] = [];

const toolsUrl = () => `${server.url}/security-externalToolsView.view`;
const pathOf = (p: Page) => new URL(p.url()).pathname;
const activeId = (p: Page) => p.evaluate('document.activeElement ? document.activeElement.id : null') as Promise<string | null>;
const userMenu = (p: Page) => p.getByRole('navigation', { name: 'User menu' });

function client(apiKey: string, expiresAt?: string | null): LabKeyClient {
  const c = sdkClient(server, apiKey, expiresAt);
  clients.push(c);
  return c;
}

async function rejection(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to fail, it succeeded');
}

/** The Created / Expires / Last used cells of a key row on External Tool Access. */
async function times(page: Page, description: RegExp) {
  const row = page.getByRole('row', { name: description });
  const cell = (i: number) => row.getByRole('cell').nth(i);
  return {
    row,
    created: await cell(1).locator('time').getAttribute('datetime'),
    expires: await cell(2).locator('time').getAttribute('datetime'),
    lastUsedText: (await cell(3).textContent())?.trim(),
  };
}

beforeAll(async () => {
  server = await startMockServer({ seed: 'demo' });
  browser = await launchChromium();
  adminContext = await newUserContext(browser, server);
  aliceContext = await newUserContext(browser, server);
  admin = await adminContext.newPage();
  alice = await aliceContext.newPage();
});

afterAll(async () => {
  for (const c of clients) await c.close();
  await browser?.close();
  await server?.close();
  removeTempHomes();
});

let laptopKey = '';
let laptopClient: LabKeyClient;

test('a guest opening External Tool Access is sent to sign-in, and comes back after signing in', async () => {
  await alice.goto(toolsUrl());
  expect(pathOf(alice)).toBe('/labkey/login-login.view');
  expect(new URL(alice.url()).searchParams.get('returnUrl')).toBe('/labkey/security-externalToolsView.view');
  expect(await activeId(alice)).toBe('email');
  await screenshot(alice, 'sign-in');

  await alice.getByLabel('Email').fill('alice@lk.test');
  await alice.getByLabel('Password').fill('not-her-password');
  await alice.getByRole('button', { name: 'Sign In' }).click();
  await alice.waitForURL(/login-login\.post/);
  expect(await alice.getByRole('alert').textContent()).toBe('The email address and password you entered did not match any accounts on file.');
  expect(await alice.getByLabel('Email').inputValue()).toBe('alice@lk.test');
  expect(await activeId(alice)).toBe('password');

  await alice.getByLabel('Password').fill('alice-password');
  await alice.getByRole('button', { name: 'Sign In' }).click();
  await alice.waitForURL(toolsUrl());
  expect(await alice.getByRole('heading', { level: 1 }).textContent()).toBe('External Tool Access');
  expect(await userMenu(alice).textContent()).toContain('Signed in as alice@lk.test');
  // No admin links for a plain user.
  expect(await userMenu(alice).getByRole('link', { name: 'Site Settings' }).count()).toBe(0);
});

test('the admin turns API keys off in Site Settings: the user is told, and the API refuses', async () => {
  await signIn(admin, server, 'admin@lk.test', 'admin-password');
  expect(pathOf(admin)).toBe('/labkey/home/project-begin.view');
  await screenshot(admin, 'home');
  await userMenu(admin).getByRole('link', { name: 'Site Settings' }).click();
  expect(pathOf(admin)).toBe('/labkey/admin-customizeSite.view');
  const allow = admin.getByLabel('Let users create API keys');
  expect(await allow.isChecked()).toBe(true);
  await allow.uncheck();
  await admin.getByRole('button', { name: 'Save' }).click();
  await admin.waitForURL(/saved=1/);
  expect(await admin.getByRole('status').textContent()).toBe('Settings saved.');
  expect(server.state.settings.allowApiKeys).toBe(false);

  await alice.reload();
  expect(await alice.locator('#keys-disabled').textContent()).toMatch(/^API keys are disabled on this server/);
  expect(await alice.getByRole('button', { name: 'Generate API Key' }).count()).toBe(0);
  const r = await postFromPage(alice, `${server.url}/security-createApiKey.api`, { type: 'apikey' });
  expect(r.status).toBe(404);
  expect(r.json.exception).toBe('Creation of API keys is disabled');
  await screenshot(alice, 'external-tool-access-disabled');
});

test('the admin turns API keys on with a 7-day expiry', async () => {
  await admin.getByLabel('Let users create API keys').check();
  const expiry = admin.getByLabel('Expire API keys');
  const labels = await expiry.locator('option').allTextContents();
  expect(labels).toEqual(['Never', '7 days', '30 days', '90 days', '180 days', '365 days']);
  await expiry.selectOption({ label: '7 days' });
  await admin.getByRole('button', { name: 'Save' }).click();
  await admin.waitForURL(/saved=1/);
  expect(server.state.settings).toEqual({ allowApiKeys: true, apiKeyExpirationSeconds: 7 * 86400, allowSessionKeys: false });
  // The form shows what was saved, and focus moved to the confirmation.
  expect(await admin.getByLabel('Expire API keys').inputValue()).toBe('604800');
  expect(await admin.getByLabel('Let users create API keys').isChecked()).toBe(true);
  expect(await activeId(admin)).toBe('settings-saved');
  await screenshot(admin, 'site-settings');
});

test('the user generates a key with a description, copies it, and the copied key works with @lk/sdk', async () => {
  await alice.reload();
  expect(await alice.locator('#expiry-policy').textContent()).toBe('New API keys expire 7 days after they are created.');
  await alice.getByRole('button', { name: 'Generate API Key' }).click();
  const dialog = alice.getByRole('dialog', { name: 'Generate API Key' });
  await dialog.waitFor();
  expect(await activeId(alice)).toBe('key-description');
  await dialog.getByLabel('Description (optional)').fill('lk on my laptop');
  await dialog.getByRole('button', { name: 'Generate API Key' }).click();

  const keyField = dialog.getByLabel('Your new key');
  await keyField.waitFor();
  const shown = await keyField.inputValue();
  expect(shown).toMatch(HEX64);
  expect(await dialog.textContent()).toContain('It will not be shown again');
  expect(await activeId(alice)).toBe('key-value');
  await screenshot(alice, 'generate-api-key-dialog');

  await dialog.getByRole('button', { name: 'Copy' }).click();
  await alice.getByText('Copied to the clipboard.').waitFor();
  const copied = (await alice.evaluate('navigator.clipboard.readText()')) as string;
  expect(copied).toBe(shown);
  laptopKey = copied;

  // The copied key, through the SDK.
  laptopClient = client(copied, new Date(server.clock.now().getTime() + 7 * DAY).toISOString());
  const me = await laptopClient.whoAmI();
  expect(me.email).toBe('alice@lk.test');
  expect(me.impersonated).toBe(false);

  await dialog.getByRole('button', { name: 'Done' }).click();
  await alice.waitForURL(/generated=1/);
  expect(await alice.getByRole('dialog').count()).toBe(0);
  expect(await activeId(alice)).toBe('generated-notice');
  const t = await times(alice, /lk on my laptop/);
  expect(await t.row.count()).toBe(1);
  // Expiration = creation time + 7 days (the two instants are read from the clock a moment apart).
  expect(Math.abs(Date.parse(t.expires!) - Date.parse(t.created!) - 7 * DAY)).toBeLessThan(1000);
  expect(t.lastUsedText).not.toBe('Never'); // the SDK call above used it
  // Shown once: the key is nowhere in the page any more.
  expect(await alice.content()).not.toContain(copied);
  await screenshot(alice, 'external-tool-access');
});

test("the admin revokes the key in the API Keys list, and the SDK's next call fails with the revoked-key error", async () => {
  server.state.issueApiKey('bob@lk.test', { description: 'bob: nightly export' });
  await userMenu(admin).getByRole('link', { name: 'API Keys' }).click();
  const u = new URL(admin.url());
  expect(u.pathname).toBe('/labkey/query-executeQuery.view');
  expect(u.searchParams.get('schemaName')).toBe('core');
  expect(u.searchParams.get('query.queryName')).toBe('APIKeys');
  const headers = await admin.locator('#keys thead th').allTextContents();
  expect(headers.map((h) => h.trim())).toEqual(['', 'User', 'Description', 'Created', 'Expires', 'Last used']);
  const row = admin.getByRole('row', { name: /lk on my laptop/ });
  expect(await row.getByRole('cell').nth(1).textContent()).toBe('alice@lk.test');
  expect(await admin.getByRole('row', { name: /bob: nightly export/ }).getByRole('cell').nth(1).textContent()).toBe('bob@lk.test');
  await screenshot(admin, 'api-keys-admin');

  await row.getByRole('checkbox').check();
  expect(await admin.locator('#selection-count').textContent()).toBe('1 key selected');
  await admin.getByRole('button', { name: 'Delete Selected' }).click();
  const confirm = admin.getByRole('dialog', { name: 'Are you sure?' });
  expect(await confirm.textContent()).toContain('Delete 1 API key?');
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await admin.waitForURL(/deleted=1/);
  expect(await admin.locator('#deleted-notice').textContent()).toBe('Deleted 1 API key.');
  expect(await admin.getByRole('row', { name: /lk on my laptop/ }).count()).toBe(0);
  expect(server.state.listApiKeys('alice@lk.test')).toEqual([]);

  const e = await rejection(laptopClient.whoAmI());
  expect(isApiKeyRejectedError(e)).toBe(true);
  expect(e.code).toBe(ErrorCodes.API_KEY_REJECTED);
  expect(e.code).toBe('LK_API_KEY_REJECTED');
  expect(e.reason).toBe('revoked');
  expect(String(e.message)).not.toContain(laptopKey);

  await alice.goto(toolsUrl());
  expect(await alice.locator('#keys-empty').textContent()).toBe('You have no API keys.');
});

test('the admin selects all keys and deletes them all (after a cancelled first try)', async () => {
  server.state.issueApiKey('alice@lk.test', { description: 'alice: notebook' });
  server.state.issueApiKey('admin@lk.test', { description: 'admin: backup job' });
  await admin.reload();
  const n = server.state.listApiKeys().length;
  expect(n).toBe(3);
  expect(await admin.locator('#keys tbody tr').count()).toBe(n);
  await admin.getByLabel('Select all keys').check();
  expect(await admin.locator('#selection-count').textContent()).toBe(`${n} keys selected`);

  const del = admin.getByRole('button', { name: 'Delete Selected' });
  await del.click();
  const confirm = admin.getByRole('dialog', { name: 'Are you sure?' });
  expect(await confirm.textContent()).toContain(`Delete ${n} API keys?`);
  expect(await activeId(admin)).toBe('confirm-cancel'); // the safe choice has focus
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  expect(await confirm.isVisible()).toBe(false);
  expect(await del.evaluate((el) => el === (globalThis as any).document.activeElement)).toBe(true);
  expect(server.state.listApiKeys().length).toBe(n);

  await del.click();
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await admin.waitForURL(new RegExp(`deleted=${n}`));
  expect(await admin.locator('#deleted-notice').textContent()).toBe(`Deleted ${n} API keys.`);
  expect(server.state.listApiKeys()).toEqual([]);
  expect(await admin.locator('#keys-empty').textContent()).toBe('No user has an API key.');
});

test('descriptions are shown as text: a <script> in a description does not run', async () => {
  const evil = `<script>window.__pwned = 1</script><b>bold</b> & "quoted" 'x'`;
  server.state.issueApiKey('alice@lk.test', { description: evil });
  for (const [page, url] of [
    [alice, toolsUrl()],
    [admin, `${server.url}/query-executeQuery.view?schemaName=core&query.queryName=APIKeys`],
  ] as const) {
    await page.goto(url);
    const cell = page.locator('td.description').first();
    expect(await cell.textContent()).toBe(evil);
    expect(await cell.locator('b, script').count()).toBe(0);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
  }
  // Deleting it from the user's own page: the confirmation quotes it as text too.
  await alice.getByRole('button', { name: /^Delete API key/ }).click();
  const confirm = alice.getByRole('dialog', { name: 'Are you sure?' });
  expect(await confirm.locator('#confirm-message').textContent()).toContain(evil);
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await alice.waitForURL(/deleted=1/);
  expect(await alice.locator('#deleted-notice').textContent()).toBe('Deleted 1 API key.');
  expect(server.state.listApiKeys('alice@lk.test')).toEqual([]);
  expect(await alice.evaluate('window.__pwned')).toBeUndefined();
});

test('while impersonating, generation and the key list are hidden, and the server refuses to create a key', async () => {
  await admin.goto(toolsUrl());
  expect(await admin.getByRole('button', { name: 'Generate API Key' }).count()).toBe(1);
  const imp = await postFromPage(admin, `${server.url}/user-impersonateUser.api`, { email: 'alice@lk.test' });
  expect(imp.status).toBe(200);
  await admin.reload();
  expect(await admin.getByRole('region', { name: 'Impersonation' }).textContent()).toContain('You are impersonating alice@lk.test');
  expect(await admin.locator('#impersonating-notice').isVisible()).toBe(true);
  expect(await admin.getByRole('button', { name: 'Generate API Key' }).count()).toBe(0);
  expect(await admin.locator('#keys, #keys-empty').count()).toBe(0);
  const r = await postFromPage(admin, `${server.url}/security-createApiKey.api`, { type: 'apikey', description: 'sneaky' });
  expect(r.status).toBe(403);
  expect(r.json.exception).toBe("Can't create an API key while impersonating");
  expect(server.state.listApiKeys('alice@lk.test')).toEqual([]);
  // Impersonating a non-admin: the admin pages are closed too.
  expect(await userMenu(admin).getByRole('link', { name: 'API Keys' }).count()).toBe(0);
  await screenshot(admin, 'external-tool-access-impersonating');

  await admin.getByRole('button', { name: 'Stop Impersonating' }).click();
  await admin.waitForURL(toolsUrl());
  expect(await admin.getByRole('region', { name: 'Impersonation' }).count()).toBe(0);
  expect(await admin.getByRole('button', { name: 'Generate API Key' }).count()).toBe(1);
});

let keyboardKey = '';
let keyboardExpires = '';

test('keyboard only: open the dialog, describe, generate, copy, done; Escape cancels and focus returns', async () => {
  await alice.goto(toolsUrl());
  await alice.keyboard.press('Tab');
  expect(await alice.evaluate('document.activeElement.textContent')).toBe('Skip to main content');

  const gen = alice.getByRole('button', { name: 'Generate API Key' });
  // Escape closes the dialog and gives focus back to the button that opened it.
  await gen.focus();
  await alice.keyboard.press('Enter');
  expect(await activeId(alice)).toBe('key-description');
  await alice.keyboard.press('Escape');
  expect(await alice.getByRole('dialog').count()).toBe(0);
  expect(await activeId(alice)).toBe('generate-api-key');
  expect(server.state.listApiKeys('alice@lk.test')).toEqual([]);

  await alice.keyboard.press('Enter');
  await alice.keyboard.type('typed by keyboard');
  await alice.keyboard.press('Enter'); // submits the dialog's form
  await alice.getByLabel('Your new key').waitFor();
  expect(await activeId(alice)).toBe('key-value');
  keyboardKey = await alice.getByLabel('Your new key').inputValue();
  expect(keyboardKey).toMatch(HEX64);
  await alice.keyboard.press('Tab');
  expect(await activeId(alice)).toBe('key-copy');
  await alice.keyboard.press('Enter');
  await alice.getByText('Copied to the clipboard.').waitFor();
  expect(await alice.locator('#key-copy-status').getAttribute('aria-live')).toBe('polite');
  expect(await alice.evaluate('navigator.clipboard.readText()')).toBe(keyboardKey);
  await alice.keyboard.press('Tab');
  expect(await activeId(alice)).toBe('key-done');
  await alice.keyboard.press('Enter');
  await alice.waitForURL(/generated=1/);

  // Tables have a caption and column headers with scope.
  expect(await alice.locator('#keys caption').textContent()).toBe('Your API keys (times in UTC)');
  const ths = alice.locator('#keys thead th');
  expect(await alice.locator('#keys thead th[scope="col"]').count()).toBe(await ths.count());
  const t = await times(alice, /typed by keyboard/);
  keyboardExpires = t.expires!;
});

test('a key that outlives its expiry shows as expired (the mock clock moves 8 days)', async () => {
  const before = await times(alice, /typed by keyboard/);
  expect(await before.row.getAttribute('class')).toBeNull();
  const c = client(keyboardKey, keyboardExpires);
  expect((await c.whoAmI()).email).toBe('alice@lk.test');

  server.clock.advance(8 * DAY);
  // 8 days idle also ends the browser session: the page sends her to sign in first.
  await alice.reload();
  expect(pathOf(alice)).toBe('/labkey/login-login.view');
  await alice.getByLabel('Email').fill('alice@lk.test');
  await alice.getByLabel('Password').fill('alice-password');
  await alice.getByRole('button', { name: 'Sign In' }).click();
  await alice.waitForURL((u) => u.pathname === '/labkey/security-externalToolsView.view');
  expect(new URL(alice.url()).search).toBe(''); // the one-time "generated" notice is not carried over

  const after = await times(alice, /typed by keyboard/);
  expect(await after.row.getAttribute('class')).toBe('expired');
  expect(await after.row.getByRole('cell').nth(2).textContent()).toMatch(/^Expired /);
  await screenshot(alice, 'external-tool-access-expired');

  const e = await rejection(c.whoAmI());
  expect(isApiKeyRejectedError(e)).toBe(true);
  expect(e.reason).toBe('expired');

  await signIn(admin, server, 'admin@lk.test', 'admin-password');
  await admin.goto(`${server.url}/query-executeQuery.view?schemaName=core&query.queryName=APIKeys`);
  expect(await admin.getByRole('row', { name: /typed by keyboard/ }).getByRole('cell').nth(4).textContent()).toMatch(/^Expired /);
});

test('session keys are offered when enabled; a session key works until sign-out', async () => {
  await admin.goto(`${server.url}/admin-customizeSite.view`);
  await admin.getByLabel('Let users create session keys').check();
  await admin.getByRole('button', { name: 'Save' }).click();
  await admin.waitForURL(/saved=1/);
  expect(server.state.settings.allowSessionKeys).toBe(true);

  await alice.reload();
  const gen = alice.getByRole('button', { name: 'Generate Session Key' });
  await gen.click();
  const dialog = alice.getByRole('dialog', { name: 'Generate Session Key' });
  const field = dialog.getByLabel('Your new key');
  await field.waitFor();
  const sessionKey = await field.inputValue();
  expect(sessionKey).toMatch(HEX64);
  expect(await dialog.textContent()).toContain('It works until you sign out');
  await screenshot(alice, 'generate-session-key-dialog');
  const c = client(sessionKey);
  expect((await c.whoAmI()).email).toBe('alice@lk.test');
  await dialog.getByRole('button', { name: 'Done' }).click();
  expect(await alice.getByRole('dialog').count()).toBe(0);
  expect(await activeId(alice)).toBe('generate-session-key');
  // Session keys are never listed with the API keys.
  expect(server.state.listApiKeys('alice@lk.test').length).toBe(1);

  await userMenu(alice).getByRole('button', { name: 'Sign Out' }).click();
  await alice.waitForURL(/login-login\.view\?signedOut=1/);
  expect(await alice.getByRole('status').textContent()).toBe('You have signed out.');
  const e = await rejection(c.whoAmI());
  expect(isApiKeyRejectedError(e)).toBe(true);
  await alice.goto(toolsUrl());
  expect(pathOf(alice)).toBe('/labkey/login-login.view');
});

test('a signed-in user who is not a site admin gets a 403 page for Site Settings and a not-found page for API Keys', async () => {
  await signIn(alice, server, 'alice@lk.test', 'alice-password');
  const r = await alice.goto(`${server.url}/admin-customizeSite.view`);
  expect(r?.status()).toBe(403);
  expect(await alice.getByRole('alert').textContent()).toContain('User does not have permission to perform this operation.');
  const q = await alice.goto(`${server.url}/query-executeQuery.view?schemaName=core&query.queryName=APIKeys`);
  expect(q?.status()).toBe(404);
  expect(await alice.getByRole('alert').textContent()).toContain("The query 'APIKeys' in schema 'core' doesn't exist");
});
