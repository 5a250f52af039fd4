import { startMockServer, type MockServer } from '@lk/mock-server';
import { basic, Client, CSRF_FAILURE } from './http';

describe('CSRF (protocol §2.5, §8.4, §8.5)', () => {
  let server: MockServer;
  let key: string;
  beforeAll(async () => {
    server = await startMockServer();
    key = server.state.issueApiKey('alice@lk.test').key;
  });
  afterAll(() => server.close());

  it('sets a 64-hex X-LABKEY-CSRF cookie when the request has none, and whoAmI returns it', async () => {
    const c = new Client(server.url);
    const r = await c.req('/login-whoAmI.api');
    const cookie = r.setCookies.find((s) => s.startsWith('X-LABKEY-CSRF='))!;
    expect(cookie).toMatch(/^X-LABKEY-CSRF=[0-9a-f]{64}; Path=\/labkey/);
    expect(cookie).not.toMatch(/HttpOnly/i);
    expect(r.body.CSRF).toBe(c.cookie('X-LABKEY-CSRF'));
  });

  it('keeps a valid cookie (no new Set-Cookie) and replaces an invalid one', async () => {
    const c = new Client(server.url);
    const token = await c.primeCsrf();
    const again = await c.req('/login-whoAmI.api');
    expect(again.setCookies.filter((s) => s.startsWith('X-LABKEY-CSRF'))).toEqual([]);
    expect(again.body.CSRF).toBe(token);
    const bad = await new Client(server.url).req('/login-whoAmI.api', { headers: { cookie: 'X-LABKEY-CSRF=not-hex' } });
    expect(bad.body.CSRF).toMatch(/^[0-9a-f]{64}$/);
    expect(bad.setCookies.some((s) => s.startsWith(`X-LABKEY-CSRF=${bad.body.CSRF}`))).toBe(true);
    // Any other response sets it too, not only whoAmI.
    const other = await new Client(server.url).req('/home/project-getContainers.api');
    expect(other.setCookies.some((s) => /^X-LABKEY-CSRF=[0-9a-f]{64}/.test(s))).toBe(true);
  });

  it('refuses a mutating POST without the token with 401, even with an API key', async () => {
    const c = new Client(server.url, { apikey: key });
    await c.primeCsrf();
    const r = await c.req('/home/security-createApiKey.api', { json: { type: 'apikey' } });
    expect(r.status).toBe(401);
    expect(r.body).toEqual(CSRF_FAILURE);
    expect(r.headers['www-authenticate']).toBeUndefined();
    expect(server.requests[server.requests.length - 1]!.csrf).toBe('invalid');
  });

  it('refuses a header that does not match the cookie', async () => {
    const c = new Client(server.url, { apikey: key });
    await c.primeCsrf();
    const r = await c.req('/home/security-createApiKey.api', { json: { type: 'apikey' }, headers: { 'X-LABKEY-CSRF': 'e'.repeat(64) } });
    expect(r.status).toBe(401);
    expect(r.body).toEqual(CSRF_FAILURE);
  });

  it('refuses a header without the cookie (the server compares with a fresh token)', async () => {
    const c = new Client(server.url, { apikey: key });
    const token = await c.primeCsrf();
    const r = await c.req('/home/security-createApiKey.api', { json: { type: 'apikey' }, headers: { 'X-LABKEY-CSRF': token }, noCookies: true });
    expect(r.status).toBe(401);
    expect(r.body).toEqual(CSRF_FAILURE);
  });

  it('accepts the header equal to the cookie', async () => {
    const c = new Client(server.url, { apikey: key });
    await c.primeCsrf();
    const r = await c.req('/home/security-createApiKey.api', { json: { type: 'apikey' }, csrf: true });
    expect(r.status).toBe(200);
    expect(r.body.apikey).toMatch(/^[0-9a-f]{64}$/);
    expect(server.requests[server.requests.length - 1]!.csrf).toBe('valid');
  });

  it('accepts the token as a form field', async () => {
    const c = new Client(server.url, { authorization: basic('alice@lk.test', 'alice-password') });
    const token = await c.primeCsrf();
    const r = await c.req('/home/security-createApiKey.api', { form: { type: 'apikey', 'X-LABKEY-CSRF': token } });
    expect(r.status).toBe(200);
    expect(r.body.apikey).toMatch(/^[0-9a-f]{64}$/);
  });

  it('exempts selectRows and executeSql from the CSRF check', async () => {
    const c = new Client(server.url, { apikey: key });
    const sel = await c.req('/home/query-selectRows.api', { json: { schemaName: 'core', 'query.queryName': 'Users' } });
    expect(sel.body).not.toEqual(CSRF_FAILURE);
    expect(sel.status).not.toBe(401);
    const sql = await c.req('/home/query-executeSql.api', { form: { schemaName: 'core', sql: 'SELECT 1 AS x' } });
    expect(sql.body).not.toEqual(CSRF_FAILURE);
    expect(sql.status).not.toBe(401);
  });

  it('checks the CSRF token on insertRows, updateRows, deleteRows and saveRows', async () => {
    const c = new Client(server.url, { apikey: key });
    await c.primeCsrf();
    for (const a of ['insertRows', 'updateRows', 'deleteRows', 'saveRows']) {
      const r = await c.req(`/home/query-${a}.api`, { json: { schemaName: 'lists', queryName: 'People', rows: [{ Name: 'x' }] } });
      expect([a, r.status, r.body]).toEqual([a, 401, CSRF_FAILURE]);
    }
  });

  it('answers a guest without the token on a guest-allowed action with the CSRF 401 and WWW-Authenticate', async () => {
    const r = await new Client(server.url).req('/login-logoutAPI.api', { method: 'POST' });
    expect(r.status).toBe(401);
    expect(r.body).toEqual(CSRF_FAILURE);
    expect(r.headers['www-authenticate']).toMatch(/^Basic realm=/);
  });

  it('answers a guest on a protected action with the permission 401, not the CSRF one', async () => {
    const r = await new Client(server.url).req('/home/security-createApiKey.api', { json: { type: 'apikey' } });
    expect(r.status).toBe(401);
    expect(r.body.exception).toBe('User does not have permission to perform this operation.');
  });

  it('checks permission before the method: a guest GET on a mutating action gets the guest 401, not 405', async () => {
    const r = await new Client(server.url).req('/home/security-createApiKey.api');
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ success: false, exception: 'You must log in to view this content.' });
    expect(r.headers['www-authenticate']).toMatch(/^Basic realm=/);
  });

  it('sets the CSRF cookie on error answers too (bad credentials 401, unknown container 404)', async () => {
    for (const [path, headers, status] of [
      ['/login-whoAmI.api', { apikey: '7'.repeat(64) }, 401],
      ['/nope/login-whoAmI.api', {}, 404],
    ] as const) {
      const r = await new Client(server.url).req(path, { headers });
      expect(r.status).toBe(status);
      expect(r.setCookies.some((s) => /^X-LABKEY-CSRF=[0-9a-f]{64}; Path=\/labkey/.test(s))).toBe(true);
    }
  });

  it.each(['security-createApiKey', 'query-insertRows', 'query-updateRows', 'query-deleteRows', 'query-saveRows', 'login-logoutAPI', 'user-impersonateUser', 'login-stopImpersonating', 'login-loginAPI'])(
    'answers GET on the mutating action %s with 405',
    async (action) => {
      const c = new Client(server.url, { authorization: basic('admin@lk.test', 'admin-password') });
      const r = await c.req(`/home/${action}.api`);
      expect(r.status).toBe(405);
      expect(r.body).toEqual({ success: false, exception: 'Method Not Allowed: GET' });
    },
  );
});
