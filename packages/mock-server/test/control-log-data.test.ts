import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { startMockServer, type MockServer } from '@lk/mock-server';
import { request } from 'undici';
import { basic, Client } from './http';

async function control(server: MockServer, method: string, path: string, body?: unknown) {
  const r = await request(`${server.origin}/_mock/${path}`, {
    method: method as 'GET' | 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.statusCode, body: (await r.body.json()) as any };
}

describe('the /_mock/ control endpoint', () => {
  it('is refused when control is off', async () => {
    const s = await startMockServer();
    try {
      for (const [m, p] of [['GET', 'state'], ['POST', 'clock']] as const) {
        const r = await control(s, m, p, m === 'POST' ? { advanceDays: 1 } : undefined);
        expect(r.status).toBe(404);
        expect(r.body.exception).toMatch(/disabled/);
      }
      const under = await request(`${s.url}/_mock/state`);
      expect(under.statusCode).toBe(404);
      await under.body.text();
    } finally {
      await s.close();
    }
  });

  describe('when on', () => {
    let s: MockServer;
    beforeAll(async () => {
      s = await startMockServer({ control: true });
    });
    afterAll(() => s.close());

    it('advances the clock, so keys expire', async () => {
      const before = s.clock.now().getTime();
      const issued = await control(s, 'POST', 'keys', { email: 'alice@lk.test', expirationSeconds: 604800 });
      expect(issued.status).toBe(200);
      expect(issued.body.key).toMatch(/^[0-9a-f]{64}$/);
      const who = () => new Client(s.url).req('/login-whoAmI.api', { headers: { apikey: issued.body.key } });
      expect((await who()).status).toBe(200);
      const r = await control(s, 'POST', 'clock', { advanceDays: 8 });
      expect(new Date(r.body.now).getTime() - before).toBeGreaterThanOrEqual(8 * 86400000);
      expect((await who()).status).toBe(401);
    });

    it('changes settings, seeds keys as given, revokes keys and adds users', async () => {
      expect((await control(s, 'POST', 'settings', { allowSessionKeys: true, apiKeyExpirationSeconds: 7776000 })).body.settings).toMatchObject({ allowSessionKeys: true, apiKeyExpirationSeconds: 7776000 });
      expect(s.state.settings.allowSessionKeys).toBe(true);
      const legacy = 'apikey|' + 'ab'.repeat(16);
      const seeded = await control(s, 'POST', 'keys', { email: 'bob@lk.test', rawKey: legacy });
      expect((await new Client(s.url).req('/login-whoAmI.api', { headers: { apikey: legacy } })).body.email).toBe('bob@lk.test');
      expect((await control(s, 'POST', 'keys/revoke', { rowId: seeded.body.rowId })).body).toEqual({ revoked: true });
      expect((await new Client(s.url).req('/login-whoAmI.api', { headers: { apikey: legacy } })).status).toBe(401);
      expect((await control(s, 'POST', 'users', { email: 'carol@lk.test', password: 'carol-password' })).status).toBe(200);
      expect((await new Client(s.url).req('/login-whoAmI.api', { headers: { authorization: basic('carol@lk.test', 'carol-password') } })).body.email).toBe('carol@lk.test');
      const state = await control(s, 'GET', 'state');
      expect(state.body.users.map((u: any) => u.email)).toContain('carol@lk.test');
      expect(JSON.stringify(state.body)).not.toMatch(/password|salt|crypt/i);
    });

    it('deactivates and reactivates a user, and turns secondary authentication on', async () => {
      const { key } = s.state.issueApiKey('bob@lk.test');
      const who = () => new Client(s.url).req('/login-whoAmI.api', { headers: { apikey: key } });
      expect((await control(s, 'POST', 'users/active', { email: 'bob@lk.test', active: false })).body).toEqual({ email: 'bob@lk.test', active: false });
      expect((await who()).body).toEqual({ success: false, exception: 'Your account has been deactivated.' });
      expect((await control(s, 'GET', 'state')).body.users.find((u: any) => u.email === 'bob@lk.test').active).toBe(false);
      await control(s, 'POST', 'users/active', { email: 'bob@lk.test', active: true });
      expect((await who()).body.email).toBe('bob@lk.test');
      expect((await control(s, 'POST', 'users/active', { email: 'bob@lk.test' })).status).toBe(400);
      await control(s, 'POST', 'settings', { secondaryAuth: true });
      const pw = await new Client(s.url).req('/login-whoAmI.api', { headers: { authorization: basic('bob@lk.test', 'bob-password') } });
      expect(pw.body.exception).toMatch(/^Authentication failed because secondary authentication is enabled/);
      await control(s, 'POST', 'settings', { secondaryAuth: false });
    });

    it('reports bad input with 400 and unknown routes with 404', async () => {
      expect((await control(s, 'POST', 'settings', { apiKeyExpirationSeconds: -5 })).status).toBe(400);
      expect((await control(s, 'POST', 'keys', { email: 'nobody@lk.test' })).status).toBe(400);
      expect((await control(s, 'GET', 'nothing')).status).toBe(404);
    });
  });
});

describe('the request log', () => {
  it('records the auth form and a fingerprint, never the credential', async () => {
    const s = await startMockServer({ bearer: true });
    try {
      s.state.updateSettings({ allowSessionKeys: true });
      const { key } = s.state.issueApiKey('alice@lk.test');
      // Each credential on its own: key and Basic authentication start a session (JSESSIONID),
      // which would otherwise carry the next request.
      const c = new Client(s.url);
      await c.req('/login-whoAmI.api');
      await c.req('/login-whoAmI.api', { headers: { apikey: key }, noCookies: true });
      await c.req('/login-whoAmI.api', { headers: { authorization: basic('apikey', key) }, noCookies: true });
      await c.req('/login-whoAmI.api', { headers: { authorization: `Bearer ${key}` }, noCookies: true });
      await c.req('/login-whoAmI.api', { headers: { authorization: basic('bob@lk.test', 'bob-password') }, noCookies: true });
      await c.req('/login-whoAmI.api', { headers: { authorization: basic('bob@lk.test', 'not-bobs-password') }, noCookies: true });
      const login = new Client(s.url);
      await login.req('/login-loginAPI.api', { form: { email: 'alice@lk.test', password: 'alice-password' } });
      await login.primeCsrf();
      const sk = (await login.req('/home/security-createApiKey.api', { json: { type: 'session' }, csrf: true })).body.apikey;
      await new Client(s.url).req('/login-whoAmI.api', { headers: { apikey: sk } });
      const forms = s.requests.map((r) => r.authForm);
      expect(forms.slice(0, 7)).toEqual(['none', 'apikey-header', 'basic-apikey', 'bearer', 'basic-password', 'basic-password', 'none']);
      expect(forms).toContain('session-cookie');
      const e = s.requests[1]!;
      expect(e).toMatchObject({ method: 'GET', path: '/labkey/login-whoAmI.api', controller: 'login', action: 'whoAmI', container: '/', user: 'alice@lk.test', status: 200, csrf: 'none' });
      expect(e.credentialFingerprint).toMatch(/^[0-9a-f]{8}$/);
      expect(s.requests[2]!.credentialFingerprint).toBe(e.credentialFingerprint);
      expect(s.requests[5]!).toMatchObject({ status: 401 });
      expect(s.requests[5]!.user).toBeUndefined();
      const dumped = JSON.stringify(s.requests) + inspect(s.requests, { depth: 10 });
      const sid = login.cookie('JSESSIONID')!;
      for (const secret of [key, sk, 'bob-password', 'not-bobs-password', 'alice-password', sid, Buffer.from(`apikey:${key}`).toString('base64')]) {
        expect(dumped).not.toContain(secret);
      }
    } finally {
      await s.close();
    }
  });

  it('keeps at most maxLogEntries entries in the same live array', async () => {
    const s = await startMockServer({ maxLogEntries: 5 });
    try {
      const log = s.requests;
      for (let i = 0; i < 8; i++) await new Client(s.url).req(`/login-whoAmI.api?i=${i}`);
      expect(s.requests).toBe(log);
      expect(log).toHaveLength(5);
    } finally {
      await s.close();
    }
  });
});

describe('--data persistence', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lk-mock-data-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a user deactivated in the data file (active: false) gets the deactivated 401; a file without active means active', async () => {
    const file = join(dir, 'mock.json');
    const a = await startMockServer({ dataFile: file, labkeyVersion: '24.11' });
    const { key } = a.state.issueApiKey('bob@lk.test');
    await a.close();
    const data = JSON.parse(readFileSync(file, 'utf8'));
    for (const u of data.users) delete u.active; // files written before deactivation existed
    data.users.find((u: any) => u.email === 'bob@lk.test').active = false;
    writeFileSync(file, JSON.stringify(data));
    const b = await startMockServer({ dataFile: file, labkeyVersion: '24.11' });
    try {
      const r = await new Client(b.url).req('/login-whoAmI.api', { headers: { apikey: key } });
      expect(r.status).toBe(401);
      expect(r.body.exception).toBe('Your account has been deactivated.');
      expect(b.state.user('alice@lk.test')?.active).toBe(true);
    } finally {
      await b.close();
    }
  });

  it('keeps users, settings, keys and rows across a restart, and stores no secret', async () => {
    const file = join(dir, 'mock.json');
    const a = await startMockServer({ dataFile: file });
    const alice = new Client(a.url, { authorization: basic('alice@lk.test', 'alice-password') });
    await alice.primeCsrf();
    const key = (await alice.req('/home/security-createApiKey.api', { json: { type: 'apikey', description: 'persisted' }, csrf: true })).body.apikey as string;
    a.state.updateSettings({ apiKeyExpirationSeconds: 2592000, allowSessionKeys: true });
    a.state.addUser({ email: 'dave@lk.test', password: 'dave-password' });
    const ins = await alice.req('/home/query-insertRows.api', { json: { schemaName: 'lists', queryName: 'People', rows: [{ Name: 'Persisted Person', Age: 77 }] }, csrf: true });
    expect(ins.status).toBe(200);
    const revoked = a.state.issueApiKey('bob@lk.test');
    a.state.revokeApiKey(revoked.rowId);
    await a.close();

    const text = readFileSync(file, 'utf8');
    for (const secret of [key, revoked.key, 'alice-password', 'dave-password']) expect(text).not.toContain(secret);
    expect(readdirSync(dir)).toEqual(['mock.json']); // no temporary file left behind

    const b = await startMockServer({ dataFile: file });
    try {
      expect(b.state.settings).toEqual({ allowApiKeys: true, apiKeyExpirationSeconds: 2592000, allowSessionKeys: true });
      expect((await new Client(b.url).req('/login-whoAmI.api', { headers: { apikey: key } })).body.email).toBe('alice@lk.test');
      expect((await new Client(b.url).req('/login-whoAmI.api', { headers: { apikey: revoked.key } })).status).toBe(401);
      expect((await new Client(b.url).req('/login-whoAmI.api', { headers: { authorization: basic('dave@lk.test', 'dave-password') } })).body.email).toBe('dave@lk.test');
      const rows = await new Client(b.url, { apikey: key }).req('/home/query-selectRows.api?schemaName=lists&query.queryName=People&query.Name~eq=Persisted%20Person');
      expect(rows.body.rows).toHaveLength(1);
      expect(rows.body.rows[0].Age).toBe(77);
      const again = b.state.issueApiKey('alice@lk.test');
      expect(again.rowId).toBeGreaterThan(revoked.rowId); // row ids are not reused
      expect(b.state.listApiKeys('alice@lk.test').find((r) => r.Description === 'persisted')).toBeDefined();
    } finally {
      await b.close();
    }
  });

  it('saves after each change, not only at close', async () => {
    const file = join(dir, 'live.json');
    const a = await startMockServer({ dataFile: file });
    try {
      const { key } = a.state.issueApiKey('bob@lk.test');
      await new Promise((r) => setImmediate(r)); // in-process changes are saved on the next turn
      const saved = JSON.parse(readFileSync(file, 'utf8'));
      expect(saved.keys).toHaveLength(1);
      expect(saved.keys[0].crypt).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(saved.keys[0].lastUsed).toBeNull();
      await new Client(a.url).req('/login-whoAmI.api', { headers: { apikey: key } }); // LastUsed changes: saved after the request
      expect(JSON.parse(readFileSync(file, 'utf8')).keys[0].lastUsed).toEqual(expect.any(String));
      const ins = await new Client(a.url, { apikey: key });
      await ins.primeCsrf();
      await ins.req('/home/query-insertRows.api', { json: { schemaName: 'lists', queryName: 'People', rows: [{ Name: 'Saved Now' }] }, csrf: true });
      expect(readFileSync(file, 'utf8')).toContain('Saved Now');
    } finally {
      await a.close();
    }
  });

  it('refuses to start on a malformed data file, and leaves it alone', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, '{"format": "lk-mock-server/1", "users": [');
    await expect(startMockServer({ dataFile: file })).rejects.toThrow(/not valid JSON/);
    expect(readFileSync(file, 'utf8')).toBe('{"format": "lk-mock-server/1", "users": [');
    writeFileSync(file, '{"hello": 1}');
    await expect(startMockServer({ dataFile: file })).rejects.toThrow(/not an lk-mock-server data file/);
  });
});
