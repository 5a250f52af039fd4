import { startMockServer, type MockServer } from '@lk/mock-server';
import { request } from 'undici';
import { basic, Client } from './http';

describe('routing (protocol §1, §8.1)', () => {
  let server: MockServer;
  let alice: Client;
  beforeAll(async () => {
    server = await startMockServer();
    alice = new Client(server.url, { authorization: basic('alice@lk.test', 'alice-password') });
  });
  afterAll(() => server.close());

  it('serves on 127.0.0.1 with the /labkey context path by default', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/labkey`);
    expect(server.origin).toBe(`http://127.0.0.1:${server.port}`);
  });

  it.each([
    ['/home/login-whoAmI.api'],
    ['/login/home/whoAmI.api'],
    ['/login-whoAmI.api'],
    ['/login/whoAmI.view'],
    ['/login-whoami.view'],
    ['/LOGIN-WHOAMI.post'],
    ['/home/login-WhoAmI'],
    ['/Shared/login-whoAmI.api'],
    ['/home/Sub%20Folder/login-whoAmI.api'],
    ['/home/Sub+Folder/login-whoAmI.api'],
    ['/login/home/Sub%20Folder/whoAmI.api'],
  ])('%s reaches whoAmI', async (path) => {
    const r = await alice.req(path);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: server.state.user('alice@lk.test')!.id, email: 'alice@lk.test', success: true });
    expect(r.headers['content-type']).toBe('application/json;charset=UTF-8');
  });

  it('records controller, action and container of both URL styles', async () => {
    await alice.req('/query/home/Sub%20Folder/getQueries.api?schemaName=lists');
    const e = server.requests[server.requests.length - 1]!;
    expect(e).toMatchObject({ controller: 'query', action: 'getQueries', container: '/home/Sub Folder' });
  });

  it('matches container names case-insensitively', async () => {
    const r = await alice.req('/HOME/project-getContainers.api');
    expect(r.status).toBe(200);
    expect(r.body.path).toBe('/home');
  });

  it('answers an unknown project with the real 404 body', async () => {
    const r = await alice.req('/nope/login-whoAmI.api');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ success: false, exception: 'No such project: /nope' });
  });

  it('answers an unknown folder in a known project with the folder 404 body', async () => {
    const r = await alice.req('/home/nope/query-selectRows.api?schemaName=lists&query.queryName=People');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ success: false, exception: 'No such folder or workbook: /home/nope' });
  });

  it('answers an unknown container in an old-style URL with the same 404', async () => {
    const r = await alice.req('/query/nope/deeper/selectRows.api');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ success: false, exception: 'No such project: /nope/deeper' });
  });

  it('answers an unknown action with 404', async () => {
    const r = await alice.req('/home/login-noSuchThing.api');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ success: false, exception: "Unable to find action 'noSuchThing' to handle request in controller 'login'." });
  });

  it('answers an unknown controller with 404', async () => {
    const r = await alice.req('/home/nosuch-thing.api');
    expect(r.status).toBe(404);
    expect(r.body.success).toBe(false);
    expect(r.body.exception).toContain('nosuch');
  });

  it('answers 404 outside the context path', async () => {
    const r = await request(server.origin + '/login-whoAmI.api');
    expect(r.statusCode).toBe(404);
    await r.body.text();
  });

  it('issues no CSRF cookie outside the context path (a favicon request must not replace the token)', async () => {
    const outside = await request(server.origin + '/favicon.ico');
    await outside.body.text();
    expect(outside.headers['set-cookie']).toBeUndefined();
    const inside = await request(server.url + '/login-whoAmI.api');
    await inside.body.text();
    expect(String(inside.headers['set-cookie'])).toMatch(/^X-LABKEY-CSRF=[0-9a-f]{64}; Path=\/labkey/);
  });

  it('never redirects an .api call', async () => {
    const r = await new Client(server.url).req('/home/security-ensureLogin.api');
    expect(r.status).toBe(401);
    expect(r.headers.location).toBeUndefined();
  });

  it('compacts JSON with respFormat=json_compact', async () => {
    const r = await alice.req('/login-whoAmI.api?respFormat=json_compact');
    expect(r.text).not.toContain('\n');
    const p = await alice.req('/login-whoAmI.api');
    expect(p.text).toContain('\n');
  });
});

describe('routing with other context paths', () => {
  it('serves the root context when contextPath is empty', async () => {
    const s = await startMockServer({ contextPath: '' });
    try {
      expect(s.url).toBe(s.origin);
      const c = new Client(s.url);
      expect((await c.req('/login-whoAmI.api')).status).toBe(200);
      expect((await c.req('/home/login-whoAmI.api')).status).toBe(200);
      expect((await c.req('/login/whoAmI.view')).status).toBe(200);
      const r = await c.req('/login-whoAmI.api', { noCookies: true });
      expect(r.setCookies.join()).toContain('Path=/;');
    } finally {
      await s.close();
    }
  });

  it('serves a custom context path and nothing outside it', async () => {
    const s = await startMockServer({ contextPath: 'lk/' });
    try {
      expect(s.url).toBe(`${s.origin}/lk`);
      const who = await new Client(s.url).req('/home/login-whoAmI.api');
      expect(who.status).toBe(200);
      expect(who.setCookies).toEqual([expect.stringMatching(/^X-LABKEY-CSRF=[0-9a-f]{64}; Path=\/lk(;|$)/)]);
      const login = await new Client(s.url).req('/login-loginAPI.api', { form: { email: 'alice@lk.test', password: 'alice-password' } });
      expect(login.setCookies.find((c) => c.startsWith('JSESSIONID='))).toMatch(/; Path=\/lk(;|$)/);
      expect((await new Client(s.origin + '/labkey').req('/home/login-whoAmI.api')).status).toBe(404);
    } finally {
      await s.close();
    }
  });
});
