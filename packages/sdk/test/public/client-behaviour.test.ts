// Client behaviour beyond single calls: re-resolving a replaced key after a 401, extend() sharing
// pool, cookies and CSRF token, retries on dropped connections, client-wide AbortSignal, guards
// that work across package copies.
import { startMockServer, type MockServer } from '@lk/mock-server';
import { ErrorCodes, isAbortedError, isApiKeyRejectedError, isLabKeyError, isNetworkError, isNotFoundError, createClient } from '@lk/sdk';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { clientFor, logFor, netrcHome, rawServer, rejection, sendJson, type RawServer } from './helpers.js';

let server: MockServer;
const raws: RawServer[] = [];
beforeAll(async () => {
  server = await startMockServer();
});
afterAll(async () => {
  await server.close();
  await Promise.all(raws.map((r) => r.close()));
});

test('a rejected memoized key is re-resolved once; a replaced key is used and the request retried', async () => {
  const aliceKey = server.state.issueApiKey('alice@lk.test').key;
  const env: Record<string, string | undefined> = { LABKEY_API_KEY: aliceKey };
  const lines: string[] = [];
  const c = clientFor(server, { resolveContext: { env } }, lines);
  const first = await c.credential();
  expect((await c.whoAmI()).email).toBe('alice@lk.test');
  server.state.revokeApiKey(server.state.listApiKeys('alice@lk.test').at(-1)!.RowId as number);
  env.LABKEY_API_KEY = server.state.issueApiKey('bob@lk.test').key; // as if `lk auth login` ran
  expect((await c.whoAmI()).email).toBe('bob@lk.test');
  expect((await c.credential()).fingerprint).not.toBe(first.fingerprint);
  expect(lines.some((l) => /key [0-9a-f]{8} rejected; retrying with [0-9a-f]{8} from env:LABKEY_API_KEY/.test(l))).toBe(true);
  // The retry's debug lines name the keys by fingerprint only.
  for (const k of [aliceKey, env.LABKEY_API_KEY!]) expect(lines.join('\n')).not.toContain(k);
  // With no replacement, the rejection surfaces (one re-resolution, no loop).
  // (A rejected key gets its 401 before routing, so the log has the path but no action.)
  const whoAmIs = () => server.requests.filter((r) => r.path.endsWith('login-whoAmI.api')).length;
  const before = whoAmIs();
  env.LABKEY_API_KEY = 'c'.repeat(64);
  const c2 = clientFor(server, { resolveContext: { env } });
  expect(isApiKeyRejectedError(await rejection(c2.whoAmI()))).toBe(true);
  expect(whoAmIs() - before).toBe(1);
});

test('extend() with the same server and key shares the CSRF token; another key does not share the credential', async () => {
  const aliceKey = server.state.issueApiKey('alice@lk.test').key;
  const c = clientFor(server, { apiKey: aliceKey });
  const shared = c.extend({ container: '/Shared' });
  expect(shared.container).toBe('/Shared');
  expect(shared.baseUrl).toBe(server.url);
  const before = logFor(server, 'whoAmI').length;
  await c.request({ controller: 'security', action: 'createApiKey', json: { type: 'apikey' } });
  await shared.request({ controller: 'security', action: 'createApiKey', json: { type: 'apikey' } });
  expect(logFor(server, 'whoAmI').length - before).toBe(1);
  expect(logFor(server, 'createApiKey').at(-1)!.container).toBe('/Shared');
  const bob = c.extend({ apiKey: server.state.issueApiKey('bob@lk.test').key });
  expect((await bob.whoAmI()).email).toBe('bob@lk.test');
  expect((await c.whoAmI()).email).toBe('alice@lk.test');
  await c.close();
});

test('a connection dropped before the answer is retried for reads, not for writes', async () => {
  let n = 0;
  const r = await rawServer((q, res) => {
    n++;
    if (n % 2 === 1) {
      res.socket?.destroy(); // no response at all
      return;
    }
    if (q.url?.includes('whoAmI')) return sendJson(res, 200, { id: 3, email: 'x@lk.test', displayName: 'x', CSRF: 'a'.repeat(64) });
    return sendJson(res, 200, { rows: [], rowsAffected: 0, command: 'insert' });
  });
  raws.push(r);
  const c = clientFor(server, { baseUrl: r.origin, apiKey: 'a'.repeat(64), retries: 2 });
  expect((await c.whoAmI()).id).toBe(3); // 1st dropped, 2nd answered
  n = 0; // next request (a POST) is dropped
  const e = await rejection(c.request({ controller: 'query', action: 'insertRows', json: { rows: [{}] }, mutating: false }));
  expect(isNetworkError(e)).toBe(true);
  expect(r.requests.filter((q) => q.url.includes('insertRows'))).toHaveLength(1);
  await c.close();
});

test('the client-wide signal cancels requests', async () => {
  const r = await rawServer(() => {});
  raws.push(r);
  const ac = new AbortController();
  const c = clientFor(server, { baseUrl: r.origin, apiKey: 'a'.repeat(64), signal: ac.signal });
  setTimeout(() => ac.abort(), 50);
  const e = await rejection(c.selectRows({ schemaName: 'lists', queryName: 'People' }));
  expect(isAbortedError(e)).toBe(true);
  await c.close();
});

test('guards match on code, so an error from another copy of the package still matches', () => {
  const foreign = { name: 'NotFoundError', code: 'LK_NOT_FOUND', message: '[lk-sdk] x', hint: 'y' };
  expect(isLabKeyError(foreign)).toBe(true);
  expect(isNotFoundError(foreign)).toBe(true);
  expect(isApiKeyRejectedError(foreign)).toBe(false);
  expect(isLabKeyError({ code: 'ENOENT', message: 'x' })).toBe(false);
  expect(isLabKeyError(new Error('x'))).toBe(false);
  expect(ErrorCodes.NOT_FOUND).toBe('LK_NOT_FOUND');
});

test('a legacy key presented with a doubled prefix → prefixed', async () => {
  const legacyKey = 'apikey|' + 'fedcba9876543210'.repeat(2);
  server.state.seedApiKey('bob@lk.test', legacyKey);
  const c = clientFor(server, { apiKey: 'apikey|' + legacyKey });
  const e = await rejection(c.whoAmI());
  expect(isApiKeyRejectedError(e)).toBe(true);
  expect(e.reason).toBe('prefixed');
});

test('bad options fail fast with InvalidArgumentError', () => {
  expect(() => createClient({ baseUrl: 'https://u:p@h/labkey' })).toThrow(/user name or password/);
  expect(() => createClient({ baseUrl: 'https://h', auth: 'digest' as never })).toThrow(/Unknown auth scheme/);
  expect(() => createClient({ baseUrl: 'https://h', retries: -1 })).toThrow(/retries/);
});

test('onWarning hears, once per resolution, what the credential source noticed (never a key)', async () => {
  const key = server.state.issueApiKey('alice@lk.test').key;
  const home = netrcHome(`machine 127.0.0.1 login apikey password ${key}\n`);
  chmodSync(join(home, '.netrc'), 0o640);
  const warnings: string[] = [];
  const c = createClient({
    baseUrl: server.url,
    retries: 0,
    resolveContext: { env: { HOME: home }, homedir: home, keychain: undefined },
    onWarning: (m) => warnings.push(m),
  });
  try {
    expect((await c.whoAmI()).email).toBe('alice@lk.test');
    await c.whoAmI();
    expect(warnings).toEqual([`${join(home, '.netrc')} can be read by other users (mode 640); run: chmod 600 ${join(home, '.netrc')}`]);
    expect(warnings.join('')).not.toContain(key);
  } finally {
    await c.close();
  }
});
