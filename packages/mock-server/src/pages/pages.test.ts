// The pages over plain HTTP (undici, no browser): who gets a redirect and who gets the API's 401/403,
// CSRF on page posts, safe returnUrl handling, deletion rules, and that `.api` URLs of the same
// action names still reach the JSON actions. The browser flows are in test/browser.
import { request } from 'undici';
import { startMockServer } from '../index.js';
import type { MockServer } from '../types.js';
import { safeReturnUrl } from './html.js';

const BROWSER = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) test' };

let server: MockServer;
beforeAll(async () => {
  server = await startMockServer({ seed: 'demo' });
});
afterAll(() => server.close());

/** A cookie-keeping session against the mock server. */
class Browser {
  readonly jar = new Map<string, string>();
  constructor(readonly headers: Record<string, string> = BROWSER) {}

  async go(path: string, form?: Record<string, string | string[]>) {
    const headers: Record<string, string> = { ...this.headers };
    if (this.jar.size) headers.cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (form) {
      const p = new URLSearchParams();
      for (const [k, v] of Object.entries(form)) for (const one of Array.isArray(v) ? v : [v]) p.append(k, one);
      body = p.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const r = await request(server.origin + path, { method: form ? 'POST' : 'GET', headers, ...(body !== undefined ? { body } : {}) });
    const raw = r.headers['set-cookie'];
    for (const c of Array.isArray(raw) ? raw : raw ? [raw] : []) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (/Max-Age=0/i.test(c)) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    const text = await r.body.text();
    return { status: r.statusCode, location: r.headers.location as string | undefined, text, type: String(r.headers['content-type'] ?? '') };
  }

  get csrf(): string {
    return this.jar.get('X-LABKEY-CSRF')!;
  }

  async signIn(email: string, password: string) {
    await this.go('/labkey/login-login.view');
    const r = await this.go('/labkey/login-login.post', { email, password, 'X-LABKEY-CSRF': this.csrf });
    expect(r.status).toBe(302);
    return r;
  }
}

describe('guests', () => {
  it('are redirected to sign-in from a browser, with the page as returnUrl', async () => {
    const r = await new Browser().go('/labkey/security-externalToolsView.view?x=1');
    expect(r.status).toBe(302);
    expect(r.location).toBe('/labkey/login-login.view?returnUrl=%2Flabkey%2Fsecurity-externalToolsView.view%3Fx%3D1');
  });

  it('get the API 401 with WWW-Authenticate from a non-browser client', async () => {
    const r = await new Browser({ 'user-agent': 'curl/8' }).go('/labkey/security-externalToolsView.view');
    expect(r.status).toBe(401);
    expect(JSON.parse(r.text)).toEqual({ success: false, exception: 'You must log in to view this content.' });
  });

  it('can open the sign-in page, which carries the CSRF token of its cookie', async () => {
    const b = new Browser();
    const r = await b.go('/labkey/login-login.view');
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^text\/html/);
    expect(r.text).toContain(`<input type="hidden" name="X-LABKEY-CSRF" value="${b.csrf}">`);
    expect(r.text).toContain('<label for="email">Email</label>');
  });
});

describe('sign-in and sign-out', () => {
  it('refuses a sign-in post without the CSRF token', async () => {
    const b = new Browser();
    await b.go('/labkey/login-login.view');
    const r = await b.go('/labkey/login-login.post', { email: 'alice@lk.test', password: 'alice-password' });
    expect(r.status).toBe(401);
    expect(b.jar.has('JSESSIONID')).toBe(false);
  });

  it('follows a returnUrl on this server, and ignores one to another origin', async () => {
    const b = new Browser();
    await b.go('/labkey/login-login.view');
    const ok = await b.go('/labkey/login-login.post', { email: 'alice@lk.test', password: 'alice-password', returnUrl: '/labkey/admin-customizeSite.view', 'X-LABKEY-CSRF': b.csrf });
    expect(ok.location).toBe('/labkey/admin-customizeSite.view');
    for (const evil of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', '/other-app/page', 'javascript:alert(1)']) {
      const r = await b.go('/labkey/login-login.post', { email: 'alice@lk.test', password: 'alice-password', returnUrl: evil, 'X-LABKEY-CSRF': b.csrf });
      expect(r.location).toBe('/labkey/home/project-begin.view');
    }
  });

  it('escapes what it echoes back after a failed sign-in', async () => {
    const b = new Browser();
    await b.go('/labkey/login-login.view');
    const r = await b.go('/labkey/login-login.post', { email: '"><script>x()</script>', password: 'p', 'X-LABKEY-CSRF': b.csrf });
    expect(r.status).toBe(200);
    expect(r.text).toContain('value="&quot;&gt;&lt;script&gt;x()&lt;/script&gt;"');
    expect(r.text).not.toContain('<script>x()');
  });

  it('signs out with a POST to login-logout.post; login-logout.api is still the JSON action', async () => {
    const b = new Browser();
    await b.signIn('bob@lk.test', 'bob-password');
    expect((await b.go('/labkey/security-externalToolsView.view')).status).toBe(200);
    const page = await b.go('/labkey/login-logout.view');
    expect(page.status).toBe(200); // a confirmation form: GET changes nothing
    expect((await b.go('/labkey/security-externalToolsView.view')).status).toBe(200);
    const out = await b.go('/labkey/login-logout.post', { 'X-LABKEY-CSRF': b.csrf });
    expect(out.location).toBe('/labkey/login-login.view?signedOut=1');
    expect((await b.go('/labkey/security-externalToolsView.view')).status).toBe(302);

    await b.signIn('bob@lk.test', 'bob-password');
    const api = await b.go('/labkey/login-logout.api', { 'X-LABKEY-CSRF': b.csrf });
    expect(api.status).toBe(200);
    expect(JSON.parse(api.text)).toEqual({ success: true });
  });
});

describe('admin pages', () => {
  it('give a signed-in non-admin the 403 page in a browser and the 403 JSON otherwise', async () => {
    const b = new Browser();
    await b.signIn('alice@lk.test', 'alice-password');
    const page = await b.go('/labkey/admin-customizeSite.view');
    expect(page.status).toBe(403);
    expect(page.type).toMatch(/^text\/html/);
    const api = new Browser({ 'user-agent': 'curl/8', authorization: 'Basic ' + Buffer.from('alice@lk.test:alice-password').toString('base64') });
    const r = await api.go('/labkey/admin-customizeSite.view');
    expect(r.status).toBe(403);
    expect(JSON.parse(r.text)).toEqual({ success: false, exception: 'User does not have permission to perform this operation.' });
  });

  it('answer the API Keys list with query-not-found for non-admins, and refuse their delete post', async () => {
    const { rowId } = server.state.issueApiKey('bob@lk.test', { description: 'keep me' });
    const b = new Browser();
    await b.signIn('alice@lk.test', 'alice-password');
    expect((await b.go('/labkey/query-executeQuery.view?schemaName=core&query.queryName=APIKeys')).status).toBe(404);
    const del = await b.go('/labkey/query-deleteQueryRows.post', { schemaName: 'core', 'query.queryName': 'APIKeys', '.select': String(rowId), 'X-LABKEY-CSRF': b.csrf });
    expect(del.status).toBe(404);
    // Through her own table, someone else's key is refused as a whole.
    const own = await b.go('/labkey/query-deleteQueryRows.post', { schemaName: 'core', 'query.queryName': 'UserAPIKeys', '.select': String(rowId), 'X-LABKEY-CSRF': b.csrf });
    expect(own.status).toBe(403);
    expect(server.state.listApiKeys('bob@lk.test').map((k) => k.RowId)).toContain(rowId);
    server.state.revokeApiKey(rowId);
  });

  it('let a site admin delete several keys in one post, and need the CSRF token for it', async () => {
    const a = server.state.issueApiKey('alice@lk.test', { description: 'a' }).rowId;
    const c = server.state.issueApiKey('bob@lk.test', { description: 'b' }).rowId;
    const b = new Browser();
    await b.signIn('admin@lk.test', 'admin-password');
    const list = await b.go('/labkey/query-executeQuery.view?schemaName=core&query.queryName=APIKeys');
    expect(list.text).toContain(`value="${a}"`);
    const form = { schemaName: 'core', 'query.queryName': 'APIKeys', '.select': [String(a), String(c)], returnUrl: '/labkey/query-executeQuery.view?schemaName=core&query.queryName=APIKeys' };
    expect((await b.go('/labkey/query-deleteQueryRows.post', form)).status).toBe(401);
    expect(server.state.listApiKeys().length).toBe(2);
    const r = await b.go('/labkey/query-deleteQueryRows.post', { ...form, 'X-LABKEY-CSRF': b.csrf });
    expect(r.status).toBe(302);
    expect(r.location).toBe('/labkey/query-executeQuery.view?schemaName=core&query.queryName=APIKeys&deleted=2');
    expect(server.state.listApiKeys()).toEqual([]);
  });
});

describe('escaping (issue 6: pages escape every value they show)', () => {
  it('shows descriptions, emails and display names as text on External Tool Access, the API Keys list and the start page', async () => {
    const evil = `<img src=x onerror=alert(1)>"q" 'a' & <b>`;
    const email = `"><i>mallory</i>@lk.test`;
    server.state.addUser({ email, password: 'mallory-password', displayName: `<u>Mal</u>` });
    const { rowId } = server.state.issueApiKey(email, { description: evil });
    const escaped = '&lt;img src=x onerror=alert(1)&gt;&quot;q&quot; &#39;a&#39; &amp; &lt;b&gt;';
    try {
      const m = new Browser();
      await m.signIn(email, 'mallory-password');
      const own = await m.go('/labkey/security-externalToolsView.view');
      expect(own.status).toBe(200);
      expect(own.text).toContain(`<td class="description">${escaped}</td>`);
      expect(own.text).toContain('&quot;&gt;&lt;i&gt;mallory&lt;/i&gt;@lk.test');
      const begin = await m.go('/labkey/home/project-begin.view');
      expect(begin.text).toContain('Welcome, &lt;u&gt;Mal&lt;/u&gt;.');
      const admin = new Browser();
      await admin.signIn('admin@lk.test', 'admin-password');
      const list = await admin.go('/labkey/query-executeQuery.view?schemaName=core&query.queryName=APIKeys');
      expect(list.text).toContain(`<td class="description">${escaped}</td>`);
      expect(list.text).toContain('<td>&quot;&gt;&lt;i&gt;mallory&lt;/i&gt;@lk.test</td>');
      for (const t of [own.text, begin.text, list.text]) {
        expect(t).not.toContain('<img src=x');
        expect(t).not.toContain('<i>mallory');
        expect(t).not.toContain('<u>Mal');
      }
    } finally {
      server.state.revokeApiKey(rowId);
    }
  });

  it('every form on the key pages carries the CSRF token of the cookie', async () => {
    const { rowId } = server.state.issueApiKey('admin@lk.test', { description: 'csrf forms' });
    try {
      const b = new Browser();
      await b.signIn('admin@lk.test', 'admin-password');
      for (const path of ['/labkey/security-externalToolsView.view', '/labkey/admin-customizeSite.view', '/labkey/query-executeQuery.view?schemaName=core&query.queryName=APIKeys', '/labkey/login-logout.view']) {
        const r = await b.go(path);
        expect([path, r.status]).toEqual([path, 200]);
        const forms = r.text.match(/<form method="post"[\s\S]*?<\/form>/g) ?? [];
        expect([path, forms.length > 0]).toEqual([path, true]);
        for (const f of forms) expect([path, f.includes(`<input type="hidden" name="X-LABKEY-CSRF" value="${b.csrf}">`)]).toEqual([path, true]);
        expect(r.text).toContain(`<meta name="csrf-token" content="${b.csrf}">`);
      }
    } finally {
      server.state.revokeApiKey(rowId);
    }
  });
});

describe('page headers', () => {
  it('are not cached, cannot be framed, and run only scripts with their nonce', async () => {
    const b = new Browser();
    await b.signIn('alice@lk.test', 'alice-password');
    const r = await request(server.origin + '/labkey/security-externalToolsView.view', { headers: { ...BROWSER, cookie: [...b.jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
    await r.body.text();
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(String(r.headers['content-security-policy'])).toMatch(/script-src 'nonce-[A-Za-z0-9+/=]+'/);
  });
});

describe('safeReturnUrl', () => {
  it.each([
    ['/labkey/home/project-begin.view', '/labkey', '/labkey/home/project-begin.view'],
    ['/labkey/query-executeQuery.view?schemaName=core&query.queryName=APIKeys', '/labkey', '/labkey/query-executeQuery.view?schemaName=core&query.queryName=APIKeys'],
    ['/labkey', '/labkey', '/labkey'],
    ['/anything.view', '', '/anything.view'],
    ['/labkeyX/x.view', '/labkey', undefined],
    ['//evil.example/labkey/x', '/labkey', undefined],
    ['/\\evil.example', '/labkey', undefined],
    ['https://evil.example/labkey/x', '/labkey', undefined],
    ['/labkey/x\r\nSet-Cookie: a=b', '/labkey', undefined],
    ['', '/labkey', undefined],
  ])('%s under context %s → %s', (raw, ctx, want) => {
    expect(safeReturnUrl(raw, ctx)).toBe(want);
  });
});
