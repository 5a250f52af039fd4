// The SDK on every LabKey generation the mock can be (protocol §10): a rejected key is explained by
// its cause whatever 401 text the server sends; the session LabKey starts for a key is never
// ridden, so revocation bites on the next request; role-restricted keys (26.7).
import { startMockServer, type MockServer } from '@lk/mock-server';
import { ErrorCodes, isApiKeyRejectedError, type KeyInfo, type LabKeyClient } from '@lk/sdk';
import { clientFor, rejection } from './helpers.js';

/** The oldest (pre-23.3 keys, silent guest), a middle one, and the newest. */
const GENERATIONS = ['22.11', '24.11', '26.7'] as const;
const DAY = 86_400_000;

describe.each(GENERATIONS.map((v) => [v]))('LabKey %s', (version) => {
  let server: MockServer;
  beforeAll(async () => {
    server = await startMockServer({ labkeyVersion: version });
  });
  afterAll(() => server.close());
  const silent = version === '22.11';

  /** A client whose key-info store knows `info` (what `lk keys create` records). */
  const withInfo = (apiKey: string, info: Partial<KeyInfo>): LabKeyClient =>
    clientFor(server, { apiKey, keyInfo: { get: (fp) => ({ fingerprint: fp, ...info }) }, resolveContext: { now: () => server.clock.now() } });

  test('the 401 text the server sends, and lk\'s reason for an expired, a revoked and a prefixed key', async () => {
    const raw = await fetch(`${server.url}/login-whoAmI.api`, { headers: { apikey: 'e'.repeat(64) } });
    const body = (await raw.json()) as Record<string, unknown>;
    const texts: Record<string, unknown> = {
      '22.11': undefined, // silent guest: 200, id 0
      '24.11': 'The email address and password you entered did not match any accounts on file.',
      '26.7': 'The API key you provided is invalid.',
    };
    if (silent) expect([raw.status, body.id]).toEqual([200, 0]);
    else expect([raw.status, body.exception]).toEqual([401, texts[version]]);

    // Expired: lk recorded the expiry; the server's clock passed it.
    const exp = server.state.issueApiKey('alice@lk.test', { expirationSeconds: 7 * 86400 });
    const expired = withInfo(exp.key, { rowId: exp.rowId, expiresAt: new Date(server.clock.now().getTime() + 7 * DAY).toISOString() });
    expect((await expired.whoAmI()).email).toBe('alice@lk.test');
    server.clock.advance(8 * DAY);
    const e1 = await rejection(expired.whoAmI());
    expect(isApiKeyRejectedError(e1)).toBe(true);
    expect(e1.reason).toBe(silent ? 'legacy-guest' : 'expired');
    expect(e1.message).toMatch(/expired at \d{4}-/);

    // Revoked: known not to expire, deleted on the server.
    const rev = server.state.issueApiKey('alice@lk.test');
    const revoked = withInfo(rev.key, { rowId: rev.rowId, expiresAt: null });
    expect((await revoked.whoAmI()).email).toBe('alice@lk.test');
    server.state.revokeApiKey(rev.rowId);
    const e2 = await rejection(revoked.whoAmI());
    expect(e2.reason).toBe(silent ? 'legacy-guest' : 'revoked');
    expect(e2.message).toMatch(/revoked/);

    // Prefixed: a pre-23.3 key works on every generation exactly as issued, never with its
    // prefix added to a modern key.
    const legacy = `apikey|${'0123456789abcdef'.repeat(2)}`;
    server.state.seedApiKey('bob@lk.test', legacy);
    const asIssued = clientFor(server, { apiKey: legacy });
    expect((await asIssued.whoAmI()).email).toBe('bob@lk.test');
    const wrongPrefix = clientFor(server, { apiKey: `apikey|${server.state.issueApiKey('bob@lk.test').key}` });
    const e3 = await rejection(wrongPrefix.whoAmI());
    expect(e3.reason).toBe(silent ? 'legacy-guest' : 'prefixed');
    expect(e3.message).toMatch(/apikey\|/);
    for (const c of [expired, revoked, asIssued, wrongPrefix]) await c.close();
  });

  test('the SDK sends the key on every request and never rides the session LabKey starts for it: revocation bites at once', async () => {
    const { key, rowId } = server.state.issueApiKey('alice@lk.test');
    const c = clientFor(server, { apiKey: key, keyInfo: { get: (fp) => ({ fingerprint: fp, rowId, expiresAt: null }) } });
    expect((await c.whoAmI()).email).toBe('alice@lk.test');
    // CSRF still works without the session: a mutating call succeeds.
    await c.insertRows({ schemaName: 'lists', queryName: 'People', rows: [{ Name: `gen ${version}` }] });
    const setCookies = server.requests.filter((r) => r.credentialFingerprint !== undefined && r.authForm === 'session-cookie');
    expect(setCookies).toEqual([]);
    server.state.revokeApiKey(rowId);
    const e = await rejection(c.selectRows({ schemaName: 'lists', queryName: 'People' }));
    expect(e.code).toBe(ErrorCodes.API_KEY_REJECTED);
    await c.close();
  });
});

test('24.11: a session LabKey started for a key outlives its revocation (the reason the SDK does not keep it)', async () => {
  const server = await startMockServer({ labkeyVersion: '24.11' });
  try {
    const { key, rowId } = server.state.issueApiKey('alice@lk.test');
    const first = await fetch(`${server.url}/login-whoAmI.api`, { headers: { apikey: key } });
    const sid = /JSESSIONID=([^;]+)/.exec(first.headers.get('set-cookie') ?? '')?.[1];
    expect(sid).toBeDefined();
    server.state.revokeApiKey(rowId);
    const ridden = await fetch(`${server.url}/login-whoAmI.api`, { headers: { apikey: key, cookie: `JSESSIONID=${sid}` } });
    expect(((await ridden.json()) as { email: string }).email).toBe('alice@lk.test');
    const c = clientFor(server, { apiKey: key });
    expect((await rejection(c.whoAmI())).code).toBe(ErrorCodes.API_KEY_REJECTED);
    await c.close();
  } finally {
    await server.close();
  }
});

describe('26.7: role-restricted keys', () => {
  let server: MockServer;
  beforeAll(async () => {
    server = await startMockServer({ labkeyVersion: '26.7' });
  });
  afterAll(() => server.close());

  test('getApiKeyRoles lists the four roles; createApiKey({ role }) records it; a 403 past it names the role', async () => {
    const alice = clientFor(server, { apiKey: server.state.issueApiKey('alice@lk.test').key });
    expect((await alice.getApiKeyRoles()).map((r) => r.name)).toEqual(['reader', 'author', 'editor-without-delete', 'editor']);
    const made = await alice.createApiKey({ role: 'reader', description: 'reader' });
    expect(made.info.role).toBe('org.labkey.api.security.roles.ReaderRole');
    expect((await alice.listApiKeys()).find((r) => r.rowId === made.info.rowId)?.role).toBe('org.labkey.api.security.roles.ReaderRole');
    const reader = clientFor(server, { apiKey: made.apiKey.reveal(), keyInfo: { get: () => made.info } });
    expect((await reader.selectRows({ schemaName: 'lists', queryName: 'People' })).rows.length).toBeGreaterThan(0);
    const e = await rejection(reader.insertRows({ schemaName: 'lists', queryName: 'People', rows: [{ Name: 'no' }] }));
    expect(e.code).toBe(ErrorCodes.FORBIDDEN);
    expect(e.keyRole).toBe('org.labkey.api.security.roles.ReaderRole');
    expect(e.message).toMatch(/restricted to the reader role/);
    expect(e.hint).toMatch(/--role editor/);
    const bad = await rejection(alice.createApiKey({ role: 'owner' }));
    expect(bad.code).toBe(ErrorCodes.INVALID_ARGUMENT);
    expect(bad.message).toMatch(/reader, author, editor-without-delete, editor/);
    for (const c of [alice, reader]) await c.close();
  });

  test('on 26.3 createApiKey({ role }) throws UnsupportedError and creates nothing', async () => {
    const old = await startMockServer({ labkeyVersion: '26.3' });
    try {
      const c = clientFor(old, { apiKey: old.state.issueApiKey('alice@lk.test').key });
      const e = await rejection(c.createApiKey({ role: 'reader' }));
      expect(e.code).toBe(ErrorCodes.UNSUPPORTED);
      expect(e.feature).toBe('key-roles');
      expect(old.state.listApiKeys('alice@lk.test')).toHaveLength(1);
      await c.close();
    } finally {
      await old.close();
    }
  });
});

test('deactivated: the server\'s own word is the reason, on 26.7', async () => {
  const server = await startMockServer();
  try {
    const { key } = server.state.issueApiKey('bob@lk.test');
    server.state.setUserActive('bob@lk.test', false);
    const c = clientFor(server, { apiKey: key });
    const e = await rejection(c.whoAmI());
    expect(e.reason).toBe('deactivated');
    expect(e.hint).toMatch(/reactivate/);
    await c.close();
  } finally {
    await server.close();
  }
});
