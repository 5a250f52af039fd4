import { startMockServer, type MockServer } from '@lk/mock-server';
import { BAD_API_KEY, BAD_CREDENTIALS, basic, Client, LOGIN_REQUIRED, NO_PERMISSION } from './http';

describe('credentials (protocol §2.1, §2.6, §8.2, §8.3)', () => {
  let server: MockServer;
  let key: string;
  let aliceId: number;
  beforeAll(async () => {
    server = await startMockServer();
    key = server.state.issueApiKey('alice@lk.test', { description: 'auth test' }).key;
    aliceId = server.state.user('alice@lk.test')!.id;
  });
  afterAll(() => server.close());
  const anon = () => new Client(server.url);

  it('accepts Basic email:password', async () => {
    const r = await anon().req('/login-whoAmI.api', { headers: { authorization: basic('alice@lk.test', 'alice-password') } });
    expect(r.body).toMatchObject({ id: aliceId, email: 'alice@lk.test', displayName: 'alice', impersonated: false, success: true });
  });

  it('accepts Basic apikey:<key>', async () => {
    const r = await anon().req('/login-whoAmI.api', { headers: { authorization: basic('apikey', key) } });
    expect(r.body.id).toBe(aliceId);
  });

  it('accepts the apikey header', async () => {
    const r = await anon().req('/login-whoAmI.api', { headers: { apikey: key } });
    expect(r.body.id).toBe(aliceId);
  });

  it('treats only the lowercase user "apikey" as a key', async () => {
    const r = await anon().req('/login-whoAmI.api', { headers: { authorization: basic('APIKEY', key) } });
    expect(r.status).toBe(401);
    expect(r.body).toEqual(BAD_CREDENTIALS);
  });

  it('reads Basic first and ignores the apikey header when Basic is present', async () => {
    const good = await anon().req('/login-whoAmI.api', { headers: { authorization: basic('bob@lk.test', 'bob-password'), apikey: 'f'.repeat(64) } });
    expect(good.body.email).toBe('bob@lk.test');
    const bad = await anon().req('/login-whoAmI.api', { headers: { authorization: basic('bob@lk.test', 'nope'), apikey: key } });
    expect(bad.status).toBe(401);
    expect(bad.body).toEqual(BAD_CREDENTIALS);
  });

  it('ignores Authorization: Bearer before LabKey 26.3', async () => {
    const old = await startMockServer({ labkeyVersion: '25.7' });
    try {
      const k = old.state.issueApiKey('alice@lk.test').key;
      const who = await new Client(old.url).req('/login-whoAmI.api', { headers: { authorization: `Bearer ${k}` } });
      expect(who.status).toBe(200);
      expect(who.body).toMatchObject({ id: 0, email: 'guest' });
      const prot = await new Client(old.url).req('/home/security-ensureLogin.api', { headers: { authorization: `Bearer ${k}` } });
      expect(prot.status).toBe(401);
      expect(prot.body).toEqual(LOGIN_REQUIRED);
    } finally {
      await old.close();
    }
  });

  it.each([
    ['wrong password', { authorization: basic('alice@lk.test', 'wrong') }, BAD_CREDENTIALS],
    ['unknown user', { authorization: basic('nobody@lk.test', 'x') }, BAD_CREDENTIALS],
    ['unknown key in Basic', { authorization: basic('apikey', 'a'.repeat(64)) }, BAD_API_KEY],
    ['unknown key in the header', { apikey: 'b'.repeat(64) }, BAD_API_KEY],
  ])('answers bad credentials (%s) with the modern 401 on any URL, before routing', async (_n, headers, expected) => {
    for (const path of ['/login-whoAmI.api', '/home/project-getContainers.api', '/no/such/place-atAll.view', '/nope/login-whoAmI.api']) {
      const r = await anon().req(path, { headers });
      expect(r.status).toBe(401);
      expect(r.body).toEqual(expected);
      expect(r.headers['www-authenticate']).toBeUndefined();
    }
  });

  it('answers a Basic header that is not user:password with the modern 401', async () => {
    for (const authorization of ['Basic ' + Buffer.from('no-colon-here').toString('base64'), 'Basic !!!']) {
      const r = await anon().req('/login-whoAmI.api', { headers: { authorization } });
      expect(r.status).toBe(401);
      expect(r.body).toEqual(BAD_CREDENTIALS);
    }
  });

  it('ignores a key in the URL (?apikey= is not a credential): the request runs as guest', async () => {
    const r = await anon().req(`/login-whoAmI.api?apikey=${key}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: 0, email: 'guest' });
  });

  it('fails a key sent with a stray apikey| prefix: it is just another string', async () => {
    const r = await anon().req('/login-whoAmI.api', { headers: { apikey: `apikey|${key}` } });
    expect(r.status).toBe(401);
    expect(r.body).toEqual(BAD_API_KEY);
  });

  it('accepts a seeded legacy apikey|… key exactly as issued, and not without its prefix', async () => {
    const legacy = 'apikey|0123456789abcdef0123456789abcdef';
    server.state.seedApiKey('bob@lk.test', legacy, { description: 'legacy' });
    expect((await anon().req('/login-whoAmI.api', { headers: { apikey: legacy } })).body.email).toBe('bob@lk.test');
    expect((await anon().req('/login-whoAmI.api', { headers: { authorization: basic('apikey', legacy) } })).body.email).toBe('bob@lk.test');
    const stripped = await anon().req('/login-whoAmI.api', { headers: { apikey: legacy.slice('apikey|'.length) } });
    expect(stripped.status).toBe(401);
  });

  it('lets guests use whoAmI and getContainers', async () => {
    const w = await anon().req('/login-whoAmI.api');
    expect(w.status).toBe(200);
    expect(w.body).toMatchObject({ id: 0, displayName: 'guest', email: 'guest', impersonated: false, success: true });
    const g = await anon().req('/home/project-getContainers.api');
    expect(g.status).toBe(200);
  });

  it('answers a guest GET on a protected API with 401, WWW-Authenticate and the log-in message', async () => {
    const r = await anon().req('/home/security-ensureLogin.api');
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toBe('Basic realm="LabKey Mock Server"');
    expect(r.body).toEqual(LOGIN_REQUIRED);
  });

  it('answers a guest POST on a protected API with 401 and the permission message', async () => {
    const r = await anon().req('/home/security-createApiKey.api', { json: { type: 'apikey' } });
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toBe('Basic realm="LabKey Mock Server"');
    expect(r.body).toEqual(NO_PERMISSION);
  });

  it.each([
    ['X-Requested-With', { 'x-requested-with': 'XMLHttpRequest' }],
    ['a Mozilla/ User-Agent', { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64)' }],
    ['an Opera/ User-Agent', { 'user-agent': 'Opera/9.80' }],
    ['X-ONUNAUTHORIZED', { 'x-onunauthorized': 'UNAUTHORIZED' }],
  ])('omits WWW-Authenticate for %s and uses the permission message', async (_n, headers) => {
    const r = await anon().req('/home/security-ensureLogin.api', { headers });
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toBeUndefined();
    expect(r.body).toEqual(NO_PERMISSION);
  });

  it('answers a signed-in user without permission with 403', async () => {
    const alice = new Client(server.url, { authorization: basic('alice@lk.test', 'alice-password') });
    const r = await alice.req('/admin-customizeSite.view');
    expect(r.status).toBe(403);
    expect(r.body).toEqual(NO_PERMISSION);
    expect(r.headers['www-authenticate']).toBeUndefined();
  });

  it('uses the configured system description as the realm', async () => {
    const s = await startMockServer({ systemDescription: 'My "Lab"' });
    try {
      const r = await new Client(s.url).req('/home/security-ensureLogin.api');
      expect(r.headers['www-authenticate']).toBe('Basic realm="My Lab"');
    } finally {
      await s.close();
    }
  });

  it('treats Basic guest as the guest user', async () => {
    const r = await anon().req('/login-whoAmI.api', { headers: { authorization: basic('guest', 'anything') } });
    expect(r.body.id).toBe(0);
  });

  it('security-ensureLogin returns the can* flags as strings', async () => {
    const r = await anon().req('/home/security-ensureLogin.api', { headers: { apikey: key } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      currentUser: { id: aliceId, displayName: 'alice', email: 'alice@lk.test', canInsert: 'true', canUpdate: 'true', canUpdateOwn: 'true', canDelete: 'true', canDeleteOwn: 'true', isAdmin: 'false' },
    });
  });
});

describe('bearer mode', () => {
  let server: MockServer;
  let key: string;
  beforeAll(async () => {
    server = await startMockServer({ bearer: true });
    key = server.state.issueApiKey('bob@lk.test').key;
  });
  afterAll(() => server.close());

  it('accepts Authorization: Bearer <key>', async () => {
    const r = await new Client(server.url).req('/login-whoAmI.api', { headers: { authorization: `Bearer ${key}` } });
    expect(r.body.email).toBe('bob@lk.test');
    expect(server.requests[server.requests.length - 1]!.authForm).toBe('bearer');
  });

  it('rejects an unknown bearer token with the modern 401', async () => {
    const r = await new Client(server.url).req('/login-whoAmI.api', { headers: { authorization: `Bearer ${'c'.repeat(64)}` } });
    expect(r.status).toBe(401);
    expect(r.body).toEqual(BAD_API_KEY);
  });

  it('still prefers the apikey header over Bearer', async () => {
    const other = server.state.issueApiKey('alice@lk.test').key;
    const r = await new Client(server.url).req('/login-whoAmI.api', { headers: { authorization: `Bearer ${key}`, apikey: other } });
    expect(r.body.email).toBe('alice@lk.test');
  });
});

describe('legacyAuth (pre-2024: bad credentials silently become guest)', () => {
  let server: MockServer;
  beforeAll(async () => {
    server = await startMockServer({ legacyAuth: true });
  });
  afterAll(() => server.close());

  it('answers whoAmI with the guest user for a bad key', async () => {
    const r = await new Client(server.url).req('/login-whoAmI.api', { headers: { apikey: 'd'.repeat(64) } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: 0, email: 'guest' });
  });

  it('answers a protected API with the guest 401 for a bad password', async () => {
    const r = await new Client(server.url).req('/home/security-ensureLogin.api', { headers: { authorization: basic('alice@lk.test', 'wrong') } });
    expect(r.status).toBe(401);
    expect(r.body).toEqual(LOGIN_REQUIRED);
    expect(r.headers['www-authenticate']).toMatch(/^Basic realm=/);
  });

  it('still accepts good credentials', async () => {
    const r = await new Client(server.url).req('/login-whoAmI.api', { headers: { authorization: basic('alice@lk.test', 'alice-password') } });
    expect(r.body.email).toBe('alice@lk.test');
  });
});
