/**
 * The mock's --control endpoint against a browser page (issue 12, finding 5): a cross-site
 * simple POST, a DNS-rebound name (foreign Host) and a cross-site fetch are refused before they
 * can create a user or read a key; a local program's JSON request still works.
 */
import { request as httpRequest } from 'node:http';
import { startMockServer, type MockServer } from '@lk/mock-server';

let mock: MockServer;
beforeAll(async () => {
  mock = await startMockServer({ control: true });
});
afterAll(() => mock.close());

function send(path: string, method: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: string }> {
  const u = new URL(mock.origin);
  return new Promise((resolve, reject) => {
    const r = httpRequest({ host: u.hostname, port: u.port, path, method, headers, setHost: false }, (res) => {
      let b = '';
      res.setEncoding('utf8').on('data', (d: string) => (b += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: b }));
    });
    r.on('error', reject);
    r.end(body);
  });
}

const ADMIN = JSON.stringify({ email: 'evil@lk.test', password: 'pw-evil-123', siteAdmin: true });

describe('the control endpoint refuses what a browser page can send', () => {
  const host = () => new URL(mock.origin).host;
  const users = () => mock.state.allUsers().map((u) => u.email);

  it('a foreign Host (DNS rebinding) is refused, for reads and writes', async () => {
    for (const h of ['evil.example:80', `evil.example:${new URL(mock.origin).port}`, '']) {
      expect((await send('/_mock/state', 'GET', { host: h })).status).toBe(403);
      expect((await send('/_mock/users', 'POST', { host: h, 'content-type': 'application/json' }, ADMIN)).status).toBe(403);
    }
    expect(users()).not.toContain('evil@lk.test');
  });

  it('a cross-site Origin or Sec-Fetch-Site is refused', async () => {
    for (const extra of [{ origin: 'https://evil.example' }, { origin: 'null' }, { 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }]) {
      const r = await send('/_mock/users', 'POST', { host: host(), 'content-type': 'application/json', ...extra }, ADMIN);
      expect(r.status).toBe(403);
      expect((await send('/_mock/keys', 'POST', { host: host(), 'content-type': 'application/json', ...extra }, JSON.stringify({ email: 'alice@lk.test' }))).body).not.toMatch(/"key"/);
    }
    expect(users()).not.toContain('evil@lk.test');
  });

  it('a simple cross-site POST (text/plain or a form, no preflight) is refused: JSON content type required', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      expect((await send('/_mock/users', 'POST', { host: host(), 'content-type': type }, ADMIN)).status).toBe(415);
    }
    expect((await send('/_mock/users', 'POST', { host: host() }, ADMIN)).status).toBe(415);
    expect(users()).not.toContain('evil@lk.test');
  });

  it("a local program's request still works (127.0.0.1 or localhost, same-origin fetch)", async () => {
    const port = new URL(mock.origin).port;
    const ok = await send('/_mock/keys', 'POST', { host: `localhost:${port}`, 'content-type': 'application/json; charset=utf-8' }, JSON.stringify({ email: 'alice@lk.test' }));
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body).key).toEqual(expect.any(String));
    const same = await send('/_mock/state', 'GET', { host: host(), origin: mock.origin, 'sec-fetch-site': 'same-origin' });
    expect(same.status).toBe(200);
  });
});

describe('answers that hold a key are not cacheable', () => {
  it('createApiKey and the control endpoint say Cache-Control: no-store', async () => {
    const host = new URL(mock.origin).host;
    const { key } = mock.state.issueApiKey('alice@lk.test');
    // As a browser would: whoAmI for the CSRF token and the session cookie, then createApiKey.
    const who = await fetch(`${mock.url}/home/login-whoAmI.api`, { headers: { apikey: key } });
    const { CSRF } = (await who.json()) as { CSRF: string };
    const r = await fetch(`${mock.url}/home/security-createApiKey.api`, {
      method: 'POST',
      headers: { apikey: key, 'content-type': 'application/json', 'X-LABKEY-CSRF': CSRF, cookie: who.headers.get('set-cookie')?.split(';')[0] ?? '' },
      body: JSON.stringify({ type: 'apikey' }),
    });
    expect(r.status).toBe(200);
    expect(((await r.json()) as { apikey: string }).apikey).toEqual(expect.any(String));
    expect(r.headers.get('cache-control')).toBe('no-store');
    const u = new URL(mock.origin);
    const ctl = await new Promise<string | undefined>((resolve, reject) => {
      const r = httpRequest({ host: u.hostname, port: u.port, path: '/_mock/keys', method: 'POST', headers: { host, 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.headers['cache-control']);
      });
      r.on('error', reject);
      r.end(JSON.stringify({ email: 'alice@lk.test' }));
    });
    expect(ctl).toBe('no-store');
  });
});
