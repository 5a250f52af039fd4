import { startMockServer, type MockServer } from '@lk/mock-server';
import { BAD_API_KEY, BAD_CREDENTIALS, basic, Client, NO_PERMISSION } from './http';

describe('sessions: loginAPI, logout, idle timeout (protocol §2.4)', () => {
  let server: MockServer;
  beforeAll(async () => {
    server = await startMockServer({ sessionTimeoutMs: 30 * 60_000 });
    server.state.updateSettings({ allowSessionKeys: true });
  });
  afterAll(() => server.close());

  async function login(email = 'alice@lk.test', password = 'alice-password'): Promise<Client> {
    const c = new Client(server.url);
    const r = await c.req('/login-loginAPI.api', { form: { email, password } });
    expect(r.status).toBe(200);
    return c;
  }

  it('logs in with email and password and sets an HttpOnly JSESSIONID cookie', async () => {
    const c = new Client(server.url);
    const r = await c.req('/login-loginAPI.api', { json: { email: 'alice@lk.test', password: 'alice-password' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ success: true, user: { email: 'alice@lk.test' } });
    const cookie = r.setCookies.find((s) => s.startsWith('JSESSIONID='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Path=\/labkey/);
    const who = await c.req('/login-whoAmI.api');
    expect(who.body.email).toBe('alice@lk.test');
    expect(server.requests[server.requests.length - 1]!.authForm).toBe('session-cookie');
  });

  it('refuses a wrong password with 400 and no session', async () => {
    const c = new Client(server.url);
    const r = await c.req('/login-loginAPI.api', { form: { email: 'alice@lk.test', password: 'nope' } });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ success: false, exception: BAD_CREDENTIALS.exception });
    expect(c.cookie('JSESSIONID')).toBeUndefined();
  });

  it('logs out: the session ends and the cookie is cleared', async () => {
    const c = await login();
    const sid = c.cookie('JSESSIONID')!;
    await c.primeCsrf();
    const r = await c.req('/login-logoutAPI.api', { method: 'POST', csrf: true });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ success: true });
    expect(r.setCookies.some((s) => /^JSESSIONID=;.*Max-Age=0/.test(s))).toBe(true);
    const stale = await new Client(server.url).req('/login-whoAmI.api', { headers: { cookie: `JSESSIONID=${sid}` } });
    expect(stale.body.id).toBe(0);
  });

  it('ends a session idle longer than the timeout', async () => {
    const c = await login();
    server.clock.advance(29 * 60_000);
    expect((await c.req('/login-whoAmI.api')).body.email).toBe('alice@lk.test'); // touches the session
    server.clock.advance(29 * 60_000);
    expect((await c.req('/login-whoAmI.api')).body.email).toBe('alice@lk.test');
    server.clock.advance(31 * 60_000);
    expect((await c.req('/login-whoAmI.api')).body.id).toBe(0);
  });

  it('a session key runs the request inside its session, and is not in core.APIKeys', async () => {
    const c = await login('bob@lk.test', 'bob-password');
    await c.primeCsrf();
    const r = await c.req('/home/security-createApiKey.api', { json: { type: 'session' }, csrf: true });
    expect(r.status).toBe(200);
    const sk = r.body.apikey as string;
    expect(sk).toMatch(/^[0-9a-f]{64}$/);
    expect(server.state.listApiKeys('bob@lk.test')).toEqual([]);
    const viaHeader = await new Client(server.url).req('/login-whoAmI.api', { headers: { apikey: sk } });
    expect(viaHeader.body.email).toBe('bob@lk.test');
    const viaBasic = await new Client(server.url).req('/login-whoAmI.api', { headers: { authorization: basic('apikey', sk) } });
    expect(viaBasic.body.email).toBe('bob@lk.test');
  });

  it('session keys die at logout', async () => {
    const c = await login('bob@lk.test', 'bob-password');
    await c.primeCsrf();
    const sk = (await c.req('/home/security-createApiKey.api', { json: { type: 'session' }, csrf: true })).body.apikey as string;
    expect((await new Client(server.url).req('/login-whoAmI.api', { headers: { apikey: sk } })).status).toBe(200);
    await c.req('/login-logoutAPI.api', { method: 'POST', csrf: true });
    const r = await new Client(server.url).req('/login-whoAmI.api', { headers: { apikey: sk } });
    expect(r.status).toBe(401);
    expect(r.body).toEqual(BAD_API_KEY);
  });

  it('session keys die at the idle timeout, and using one keeps the session alive', async () => {
    const c = await login('bob@lk.test', 'bob-password');
    await c.primeCsrf();
    const sk = (await c.req('/home/security-createApiKey.api', { json: { type: 'session' }, csrf: true })).body.apikey as string;
    const use = () => new Client(server.url).req('/login-whoAmI.api', { headers: { apikey: sk } });
    server.clock.advance(20 * 60_000);
    expect((await use()).status).toBe(200);
    server.clock.advance(20 * 60_000);
    expect((await use()).status).toBe(200);
    server.clock.advance(31 * 60_000);
    const r = await use();
    expect(r.status).toBe(401);
    expect(r.body).toEqual(BAD_API_KEY);
  });

  it('a session key made with an API key gets its own session', async () => {
    const { key } = server.state.issueApiKey('alice@lk.test');
    const c = new Client(server.url, { apikey: key });
    await c.primeCsrf();
    const r = await c.req('/home/security-createApiKey.api', { json: { type: 'session' }, csrf: true });
    expect(r.status).toBe(200);
    expect(c.cookie('JSESSIONID')).toBeDefined();
    expect((await new Client(server.url).req('/login-whoAmI.api', { headers: { apikey: r.body.apikey } })).body.email).toBe('alice@lk.test');
  });
});

describe('the default idle timeout', () => {
  it('is 30 minutes when not configured', async () => {
    const s = await startMockServer();
    try {
      const c = new Client(s.url);
      expect((await c.req('/login-loginAPI.api', { form: { email: 'alice@lk.test', password: 'alice-password' } })).status).toBe(200);
      s.clock.advance(29 * 60_000);
      expect((await c.req('/login-whoAmI.api')).body.email).toBe('alice@lk.test');
      s.clock.advance(30 * 60_000 + 1000);
      expect((await c.req('/login-whoAmI.api')).body.id).toBe(0);
    } finally {
      await s.close();
    }
  });
});

describe('impersonation', () => {
  let server: MockServer;
  beforeAll(async () => {
    server = await startMockServer();
  });
  afterAll(() => server.close());

  async function adminSession(): Promise<Client> {
    const c = new Client(server.url);
    await c.req('/login-loginAPI.api', { form: { email: 'admin@lk.test', password: 'admin-password' } });
    await c.primeCsrf();
    return c;
  }

  it('an admin impersonates a user; whoAmI reports it; stopImpersonating ends it', async () => {
    const c = await adminSession();
    const r = await c.req('/user-impersonateUser.api', { form: { email: 'alice@lk.test' }, csrf: true });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ success: true });
    const who = await c.req('/login-whoAmI.api');
    expect(who.body).toMatchObject({ id: server.state.user('alice@lk.test')!.id, email: 'alice@lk.test', impersonated: true });
    const stop = await c.req('/login-stopImpersonating.api', { method: 'POST', csrf: true });
    expect(stop.status).toBe(200);
    expect((await c.req('/login-whoAmI.api')).body).toMatchObject({ email: 'admin@lk.test', impersonated: false });
  });

  it('accepts userId too', async () => {
    const c = await adminSession();
    const r = await c.req('/user-impersonateUser.api', { json: { userId: server.state.user('bob@lk.test')!.id }, csrf: true });
    expect(r.status).toBe(200);
    expect((await c.req('/login-whoAmI.api')).body.email).toBe('bob@lk.test');
  });

  it('refuses API key creation while impersonating with 403', async () => {
    const c = await adminSession();
    await c.req('/user-impersonateUser.api', { form: { email: 'alice@lk.test' }, csrf: true });
    const r = await c.req('/home/security-createApiKey.api', { json: { type: 'apikey' }, csrf: true });
    expect(r.status).toBe(403);
    expect(r.body).toEqual({ success: false, exception: "Can't create an API key while impersonating" });
    expect(server.state.listApiKeys('alice@lk.test')).toEqual([]);
    expect(server.state.listApiKeys('admin@lk.test')).toEqual([]);
  });

  it('an admin using an API key gets a session for the impersonation', async () => {
    const { key } = server.state.issueApiKey('admin@lk.test');
    const c = new Client(server.url, { apikey: key });
    await c.primeCsrf();
    expect((await c.req('/user-impersonateUser.api', { form: { email: 'bob@lk.test' }, csrf: true })).status).toBe(200);
    expect((await c.req('/login-whoAmI.api')).body).toMatchObject({ email: 'bob@lk.test', impersonated: true });
  });

  it('refuses non-admins with 403 and guests with 401', async () => {
    const alice = new Client(server.url, { authorization: basic('alice@lk.test', 'alice-password') });
    await alice.primeCsrf();
    const r = await alice.req('/user-impersonateUser.api', { form: { email: 'bob@lk.test' }, csrf: true });
    expect(r.status).toBe(403);
    expect(r.body).toEqual(NO_PERMISSION);
    const guest = new Client(server.url);
    await guest.primeCsrf();
    const g = await guest.req('/user-impersonateUser.api', { form: { email: 'bob@lk.test' }, csrf: true });
    expect(g.status).toBe(401);
    expect(g.body).toEqual(NO_PERMISSION); // a guest POST: the permission message, with WWW-Authenticate
    expect(g.headers['www-authenticate']).toMatch(/^Basic realm=/);
  });

  it('answers unknown users with 404 and self-impersonation with 400', async () => {
    const c = await adminSession();
    const r = await c.req('/user-impersonateUser.api', { form: { email: 'nobody@lk.test' }, csrf: true });
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ success: false, exceptionClass: 'org.labkey.api.view.NotFoundException' });
    const self = await c.req('/user-impersonateUser.api', { form: { email: 'admin@lk.test' }, csrf: true });
    expect(self.status).toBe(400);
  });
});
