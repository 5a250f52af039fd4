import { startMockServer, type MockServer } from '@lk/mock-server';
import { BAD_API_KEY, basic, Client, DAY, NO_PERMISSION } from './http';

const NOT_FOUND = 'org.labkey.api.view.NotFoundException';

async function signedIn(server: MockServer, email = 'alice@lk.test', password = 'alice-password'): Promise<Client> {
  const c = new Client(server.url, { authorization: basic(email, password) });
  await c.primeCsrf();
  return c;
}

describe('security-createApiKey (protocol §2.3, §8.8)', () => {
  let server: MockServer;
  beforeAll(async () => {
    server = await startMockServer();
  });
  afterAll(() => server.close());

  it('returns a fresh 64-hex key once, with no success field, that authenticates', async () => {
    const c = await signedIn(server);
    const a = await c.req('/home/security-createApiKey.api', { json: { type: 'apikey', description: 'laptop' }, csrf: true });
    const b = await c.req('/home/security-createApiKey.api', { json: { type: 'apikey' }, csrf: true });
    expect(a.status).toBe(200);
    expect(Object.keys(a.body)).toEqual(['apikey']);
    expect(a.body.apikey).toMatch(/^[0-9a-f]{64}$/);
    expect(b.body.apikey).not.toBe(a.body.apikey);
    const who = await new Client(server.url).req('/login-whoAmI.api', { headers: { apikey: a.body.apikey } });
    expect(who.body.email).toBe('alice@lk.test');
    const rows = server.state.listApiKeys('alice@lk.test');
    expect(rows.find((r) => r.Description === 'laptop')).toMatchObject({ CreatedBy: server.state.user('alice@lk.test')!.id, Expiration: null, LastUsed: expect.any(Date) });
  });

  it('trims the description and cuts it to 256 characters', async () => {
    const c = await signedIn(server, 'bob@lk.test', 'bob-password');
    const long = '  ' + 'x'.repeat(300) + '  ';
    await c.req('/home/security-createApiKey.api', { json: { type: 'apikey', description: long }, csrf: true });
    await c.req('/home/security-createApiKey.api', { json: { type: 'apikey', description: '  padded  ' }, csrf: true });
    const descs = server.state.listApiKeys('bob@lk.test').map((r) => r.Description);
    expect(descs).toContain('x'.repeat(256));
    expect(descs).toContain('padded');
  });

  it('answers 404 with the real body when API keys are disabled', async () => {
    server.state.updateSettings({ allowApiKeys: false });
    try {
      const r = await (await signedIn(server)).req('/home/security-createApiKey.api', { json: { type: 'apikey' }, csrf: true });
      expect(r.status).toBe(404);
      expect(r.body).toMatchObject({ exception: 'Creation of API keys is disabled', exceptionClass: NOT_FOUND, success: false });
      expect(Array.isArray(r.body.stackTrace)).toBe(true);
      expect(Object.keys(r.body).sort()).toEqual(['exception', 'exceptionClass', 'stackTrace', 'success']);
    } finally {
      server.state.updateSettings({ allowApiKeys: true });
    }
  });

  it('answers 404 when session keys are disabled', async () => {
    const r = await (await signedIn(server)).req('/home/security-createApiKey.api', { json: { type: 'session' }, csrf: true });
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ exception: 'Creation of session keys is disabled', exceptionClass: NOT_FOUND, success: false });
  });

  it('answers 404 "Invalid type specified" for an unknown type', async () => {
    const r = await (await signedIn(server)).req('/home/security-createApiKey.api', { json: { type: 'token' }, csrf: true });
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ exception: 'Invalid type specified', exceptionClass: NOT_FOUND, success: false });
  });

  it('answers 500 for a missing type', async () => {
    const r = await (await signedIn(server)).req('/home/security-createApiKey.api', { json: {}, csrf: true });
    expect(r.status).toBe(500);
    expect(r.body).toMatchObject({ exceptionClass: 'java.lang.NullPointerException', success: false });
  });

  it('answers 401 for guests', async () => {
    const c = new Client(server.url);
    await c.primeCsrf();
    const r = await c.req('/home/security-createApiKey.api', { json: { type: 'apikey' }, csrf: true });
    expect(r.status).toBe(401);
    expect(r.body).toEqual(NO_PERMISSION);
  });

  it('still authenticates existing keys after creation is turned off (the setting does not revoke)', async () => {
    const { key } = server.state.issueApiKey('alice@lk.test');
    server.state.updateSettings({ allowApiKeys: false });
    try {
      expect((await new Client(server.url).req('/login-whoAmI.api', { headers: { apikey: key } })).body.email).toBe('alice@lk.test');
    } finally {
      server.state.updateSettings({ allowApiKeys: true });
    }
  });

  it('stores only sha256:<hex> of each key', async () => {
    const { key } = server.state.issueApiKey('alice@lk.test');
    const internal = (server.state as unknown as { serialize(): { keys: Array<{ crypt: string }> } }).serialize();
    const text = JSON.stringify(internal);
    expect(text).not.toContain(key);
    const { createHash } = await import('node:crypto');
    expect(internal.keys.map((k) => k.crypt)).toContain('sha256:' + createHash('sha256').update(key).digest('hex'));
  });
});

describe('expiry (protocol §6.1): fixed at creation, checked against the clock', () => {
  let server: MockServer;
  beforeAll(async () => {
    server = await startMockServer();
  });
  afterAll(() => server.close());

  const who = (key: string) => new Client(server.url).req('/login-whoAmI.api', { headers: { apikey: key } });

  it.each([
    [7, 604800],
    [30, 2592000],
    [90, 7776000],
    [180, 15552000],
    [365, 31536000],
  ])('a key created under %i days works until then and fails after', async (days, seconds) => {
    server.state.updateSettings({ apiKeyExpirationSeconds: seconds });
    const c = await signedIn(server);
    const created = await c.req('/home/security-createApiKey.api', { json: { type: 'apikey', description: `exp ${days}` }, csrf: true });
    const key = created.body.apikey as string;
    const row = server.state.listApiKeys('alice@lk.test').find((r) => r.Description === `exp ${days}`)!;
    expect(row.Expiration!.getTime() - row.Created.getTime()).toBe(seconds * 1000);
    // Changing the setting afterwards does not touch the existing key.
    server.state.updateSettings({ apiKeyExpirationSeconds: -1 });
    server.clock.advance(days * DAY - 60_000);
    expect((await who(key)).body.email).toBe('alice@lk.test');
    server.clock.advance(2 * 60_000);
    const after = await who(key);
    expect(after.status).toBe(401);
    expect(after.body).toEqual(BAD_API_KEY);
  });

  it('a key created under "never" has no expiration and still works ten years later', async () => {
    server.state.updateSettings({ apiKeyExpirationSeconds: -1 });
    const c = await signedIn(server);
    const key = (await c.req('/home/security-createApiKey.api', { json: { type: 'apikey', description: 'forever' }, csrf: true })).body.apikey;
    expect(server.state.listApiKeys('alice@lk.test').find((r) => r.Description === 'forever')!.Expiration).toBeNull();
    server.clock.advance(3650 * DAY);
    expect((await who(key)).body.email).toBe('alice@lk.test');
  });

  it('issueApiKey and seedApiKey honour their own expiry', async () => {
    const a = server.state.issueApiKey('bob@lk.test', { expirationSeconds: 60 });
    const b = 'apikey|' + 'a1'.repeat(16);
    server.state.seedApiKey('bob@lk.test', b, { expiresAt: new Date(server.clock.now().getTime() + 120_000) });
    expect((await who(a.key)).status).toBe(200);
    expect((await who(b)).status).toBe(200);
    server.clock.advance(90_000);
    expect((await who(a.key)).status).toBe(401);
    expect((await who(b)).status).toBe(200);
    server.clock.advance(60_000);
    expect((await who(b)).status).toBe(401);
  });
});

describe('revocation and LastUsed', () => {
  let server: MockServer;
  beforeAll(async () => {
    server = await startMockServer();
  });
  afterAll(() => server.close());

  it('a revoked key fails on the very next request', async () => {
    const { key, rowId } = server.state.issueApiKey('alice@lk.test');
    const c = new Client(server.url, { apikey: key });
    expect((await c.req('/login-whoAmI.api')).status).toBe(200);
    expect(server.state.revokeApiKey(rowId)).toBe(true);
    const r = await c.req('/login-whoAmI.api');
    expect(r.status).toBe(401);
    expect(r.body).toEqual(BAD_API_KEY);
    expect(server.state.revokeApiKey(rowId)).toBe(false);
  });

  it('records LastUsed at first use, then at most once per 10 minutes', async () => {
    const { key, rowId } = server.state.issueApiKey('bob@lk.test');
    const lastUsed = () => server.state.listApiKeys('bob@lk.test').find((r) => r.RowId === rowId)!.LastUsed;
    expect(lastUsed()).toBeNull();
    const c = new Client(server.url, { apikey: key });
    await c.req('/login-whoAmI.api', { noCookies: true });
    const first = lastUsed()!;
    expect(first).toBeInstanceOf(Date);
    expect(Math.abs(first.getTime() - server.clock.now().getTime())).toBeLessThan(5000);
    server.clock.advance(9 * 60_000);
    await c.req('/login-whoAmI.api', { noCookies: true });
    expect(lastUsed()!.getTime()).toBe(first.getTime());
    server.clock.advance(2 * 60_000);
    await c.req('/login-whoAmI.api', { noCookies: true });
    expect(lastUsed()!.getTime()).toBeGreaterThanOrEqual(first.getTime() + 11 * 60_000);
  });

  it('a failed lookup does not touch LastUsed of other keys', async () => {
    const { rowId } = server.state.issueApiKey('bob@lk.test');
    await new Client(server.url).req('/login-whoAmI.api', { headers: { apikey: '9'.repeat(64) } });
    expect(server.state.listApiKeys().find((r) => r.RowId === rowId)!.LastUsed).toBeNull();
  });
});
