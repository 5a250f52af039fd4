// A rejected key's error names the real cause: expired, revoked, prefixed, malformed, wrong host
// entry, shadowed by the environment, or a pre-2024 server's silent guest fallback.
import { join } from 'node:path';
import { startMockServer, type MockServer } from '@lk/mock-server';
import { ErrorCodes, isApiKeyRejectedError, type KeyInfo } from '@lk/sdk';
import { clientFor, netrcHome, rejection } from './helpers.js';

let server: MockServer;
beforeAll(async () => {
  server = await startMockServer();
});
afterAll(() => server.close());

const now = () => server.clock.now();

function expectRejected(e: any, reason: string) {
  expect(isApiKeyRejectedError(e)).toBe(true);
  expect(e.code).toBe(ErrorCodes.API_KEY_REJECTED);
  expect(e.status).toBe(401);
  expect(e.reason).toBe(reason);
  expect(typeof e.hint).toBe('string');
}

test('expired: keyInfo from createApiKey knows the expiry, the server clock passes it', async () => {
  server.state.updateSettings({ apiKeyExpirationSeconds: 604800 });
  try {
    const alice = clientFor(server, { apiKey: server.state.issueApiKey('alice@lk.test').key });
    const created = await alice.createApiKey({ description: 'expiring key' });
    expect(created.info.rowId).toBeGreaterThan(0);
    expect(created.info.expiresAt).toEqual(expect.any(String));
    const infos = new Map<string, KeyInfo>([[created.info.fingerprint, created.info]]);
    const c = clientFor(server, { apiKey: created.apiKey, keyInfo: { get: (fp) => infos.get(fp) }, resolveContext: { now } });
    expect((await c.whoAmI()).email).toBe('alice@lk.test');
    server.clock.advance(8 * 24 * 3600 * 1000);
    const e = await rejection(c.selectRows({ schemaName: 'lists', queryName: 'People' }));
    expectRejected(e, 'expired');
    expect(e.message).toMatch(/expired at \d{4}-/);
    expect(e.message).toMatch(/the apiKey option/);
    expect(e.hint).toMatch(/lk auth login/);
    await alice.close();
    await c.close();
  } finally {
    server.state.updateSettings({ apiKeyExpirationSeconds: -1 });
  }
});

test('revoked: known not expired, deleted on the server', async () => {
  const { key, rowId } = server.state.issueApiKey('bob@lk.test', { description: 'to revoke' });
  const c = clientFor(server, {
    apiKey: key,
    keyInfo: { get: async (fp) => ({ fingerprint: fp, rowId, expiresAt: null }) },
    resolveContext: { now },
  });
  expect((await c.whoAmI()).email).toBe('bob@lk.test');
  expect(server.state.revokeApiKey(rowId)).toBe(true);
  const e = await rejection(c.whoAmI());
  expectRejected(e, 'revoked');
  expect(e.message).toMatch(/never expires/);
  expect(e.message).toMatch(/revoked/);
  await c.close();
});

test('unknown: nothing known locally, both causes named', async () => {
  const c = clientFor(server, { apiKey: 'f'.repeat(64) });
  const e = await rejection(c.whoAmI());
  expectRejected(e, 'unknown');
  expect(e.message).toMatch(/expired or been revoked/);
});

test('prefixed: a 64-hex key presented with a stray apikey| prefix; the legacy key as issued works', async () => {
  const legacy = 'apikey|' + '0123456789abcdef'.repeat(2);
  server.state.seedApiKey('alice@lk.test', legacy, { description: 'legacy' });
  const ok = clientFor(server, { apiKey: legacy });
  expect((await ok.whoAmI()).email).toBe('alice@lk.test');
  const { key } = server.state.issueApiKey('alice@lk.test');
  const c = clientFor(server, { apiKey: 'apikey|' + key });
  const e = await rejection(c.whoAmI());
  expectRejected(e, 'prefixed');
  expect(e.message).toMatch(/keys issued before LabKey 23\.3 carried this prefix/);
  expect(e.hint).toMatch(/lk doctor/);
  expect(e.hint).toMatch(/remove "apikey\|"/);
});

test('malformed: a key in quotes from LABKEY_API_KEY names the variable', async () => {
  const { key } = server.state.issueApiKey('alice@lk.test');
  const c = clientFor(server, { resolveContext: { env: { LABKEY_API_KEY: `"${key}"` } } });
  const e = await rejection(c.whoAmI());
  expectRejected(e, 'malformed');
  expect(e.source).toBe('env:LABKEY_API_KEY');
  expect(e.message).toMatch(/the environment variable LABKEY_API_KEY/);
  expect(e.message).toMatch(/quotes/);
  expect(e.hint).toMatch(/LABKEY_API_KEY/);
});

test('malformed: a short key is named as not 64 hex', async () => {
  const c = clientFor(server, { apiKey: 'lk_test_0000000000000001' });
  const e = await rejection(c.whoAmI());
  expectRejected(e, 'malformed');
  expect(e.message).toMatch(/24 characters long and not 64 hex/);
});

test('wrong-host: the key came from the netrc default entry; file, line and the machines are named', async () => {
  const home = netrcHome(
    ['machine labkey.example.org', '  login apikey', '  password ' + 'b'.repeat(64), 'default login apikey password ' + 'c'.repeat(64), ''].join('\n'),
  );
  const c = clientFor(server, { resolveContext: { homedir: home } });
  const cred = await c.credential();
  expect(cred.source).toBe(`netrc:${join(home, '.netrc')}:4`);
  const e = await rejection(c.whoAmI());
  expectRejected(e, 'wrong-host');
  expect(e.message).toContain(`${join(home, '.netrc')} line 4`);
  expect(e.message).toMatch(/default/);
  expect(e.message).toContain('"labkey.example.org"');
  expect(e.hint).toMatch(/machine 127\.0\.0\.1 login apikey password <key>/);
});

test('shadowed: LABKEY_API_KEY hides a different key stored in netrc for this host', async () => {
  const good = server.state.issueApiKey('alice@lk.test').key;
  const home = netrcHome(`machine 127.0.0.1 login apikey password ${good}\n`);
  const c = clientFor(server, { resolveContext: { homedir: home, env: { LABKEY_API_KEY: 'd'.repeat(64) } } });
  const e = await rejection(c.whoAmI());
  expectRejected(e, 'shadowed');
  expect(e.message).toMatch(/LABKEY_API_KEY/);
  expect(e.message).toContain(`netrc:${join(home, '.netrc')}:1`);
  expect(e.hint).toMatch(/Unset LABKEY_API_KEY/);
  // The stored key itself works.
  const stored = clientFor(server, { resolveContext: { homedir: home } });
  expect((await stored.whoAmI()).email).toBe('alice@lk.test');
});

describe('pre-2024 server (legacyAuth): a rejected key silently becomes guest', () => {
  let legacy: MockServer;
  beforeAll(async () => {
    legacy = await startMockServer({ legacyAuth: true });
  });
  afterAll(() => legacy.close());

  test('whoAmI answering guest although a key was sent → legacy-guest', async () => {
    const c = clientFor(legacy, { apiKey: 'e'.repeat(64) });
    const e = await rejection(c.whoAmI());
    expectRejected(e, 'legacy-guest');
    expect(e.message).toMatch(/treated the request as guest/);
  });

  test('a guest 401 on a protected query although a key was sent → legacy-guest', async () => {
    const c = clientFor(legacy, { apiKey: 'e'.repeat(64) });
    const e = await rejection(c.selectRows({ schemaName: 'core', queryName: 'UserAPIKeys' }));
    expectRejected(e, 'legacy-guest');
  });

  test('a valid key still works there', async () => {
    const c = clientFor(legacy, { apiKey: legacy.state.issueApiKey('bob@lk.test').key });
    expect((await c.whoAmI()).email).toBe('bob@lk.test');
  });
});

test('a netrc machine that never matches (scheme and port in it) → NoCredentialsError whose trail says which line to fix', async () => {
  const home = netrcHome(`machine ${server.origin} login apikey password ${server.state.issueApiKey('alice@lk.test').key}\n`);
  const c = clientFor(server, { resolveContext: { homedir: home } });
  const e = await rejection(c.selectRows({ schemaName: 'core', queryName: 'UserAPIKeys' }));
  expect(e.code).toBe(ErrorCodes.NO_CREDENTIALS);
  expect(e.message).toContain(`${join(home, '.netrc')}:1 has machine "${server.origin}"`);
  expect(e.message).toMatch(/bare hostname/);
  // lk doctor --fix renames the machine (after a backup): no new key is needed.
  expect(e.hint).toMatch(/lk doctor --fix/);
  expect(e.hint).not.toMatch(/lk auth login/);
});

test('bearer-unsupported: a Bearer key to a server that does not read Bearer (before 26.3) comes back as guest', async () => {
  const old = await startMockServer({ labkeyVersion: '25.7' });
  try {
    const c = clientFor(old, { apiKey: old.state.issueApiKey('alice@lk.test').key, auth: 'bearer' });
    const e = await rejection(c.whoAmI());
    expectRejected(e, 'bearer-unsupported');
    expect(e.authScheme).toBe('bearer');
    expect(e.hint).toMatch(/apikey/);
    const e2 = await rejection(c.selectRows({ schemaName: 'core', queryName: 'UserAPIKeys' }));
    expectRejected(e2, 'bearer-unsupported');
    await c.close();
  } finally {
    await old.close();
  }
});
