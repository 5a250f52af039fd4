// `labkeyVersion`: each LabKey generation's rules (protocol §10), and the rules every generation
// shares (§10.1 sessions made by key authentication, §10.2 the primary key in selectRows).
import { LABKEY_VERSIONS, startMockServer, type MockServer } from '@lk/mock-server';
import { BAD_API_KEY, BAD_CREDENTIALS, basic, Client, LOGIN_REQUIRED, NO_PERMISSION } from './http';

const READER = 'org.labkey.api.security.roles.ReaderRole';
const sessionOf = (r: { headers: Record<string, unknown> }): string | undefined => {
  const sc = r.headers['set-cookie'];
  const lines = Array.isArray(sc) ? (sc as string[]) : typeof sc === 'string' ? [sc] : [];
  return lines.map((l) => /^JSESSIONID=([^;]+)/.exec(l)?.[1]).find((v) => v !== undefined);
};

async function withServer<T>(labkeyVersion: string, fn: (s: MockServer) => Promise<T>): Promise<T> {
  const s = await startMockServer({ labkeyVersion });
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

describe('one switch per generation (labkeyVersion)', () => {
  it('defaults to the newest, 26.7, and refuses a version it does not know', async () => {
    await withServer('26.7', async (s) => expect(s.state.labkeyVersion).toBe('26.7'));
    const d = await startMockServer();
    expect(d.state.labkeyVersion).toBe('26.7');
    await d.close();
    await expect(startMockServer({ labkeyVersion: '25.1' })).rejects.toThrow(/labkeyVersion must be one of 22.11, 23.3, 24.3, 24.11, 25.7, 26.3, 26.7/);
    await expect(startMockServer({ labkeyVersion: '26.7', bearer: true })).rejects.toThrow(/replaces legacyAuth and bearer/);
  });

  it('keeps legacyAuth and bearer as shorthands for 24.3 and 26.3', async () => {
    const a = await startMockServer({ legacyAuth: true });
    const b = await startMockServer({ bearer: true });
    expect([a.state.labkeyVersion, b.state.labkeyVersion]).toEqual(['24.3', '26.3']);
    await Promise.all([a.close(), b.close()]);
  });

  // What a bad key gets, and what a good key's format is, in each generation.
  const expected: Record<string, { status: number; body: unknown; prefixed: boolean }> = {
    '22.11': { status: 200, body: { id: 0, email: 'guest' }, prefixed: true },
    '23.3': { status: 200, body: { id: 0, email: 'guest' }, prefixed: false },
    '24.3': { status: 200, body: { id: 0, email: 'guest' }, prefixed: false },
    '24.11': { status: 401, body: BAD_CREDENTIALS, prefixed: false },
    '25.7': { status: 401, body: BAD_API_KEY, prefixed: false },
    '26.3': { status: 401, body: BAD_API_KEY, prefixed: false },
    '26.7': { status: 401, body: BAD_API_KEY, prefixed: false },
  };
  it.each(LABKEY_VERSIONS.map((v) => [v]))('%s: key format, the answer to a bad key and to a bad password, Bearer, key roles, key columns', async (v) => {
    await withServer(v, async (s) => {
      const e = expected[v]!;
      const { key } = s.state.issueApiKey('alice@lk.test');
      expect(key).toMatch(e.prefixed ? /^apikey\|[0-9a-f]{32}$/ : /^[0-9a-f]{64}$/);
      const bad = await new Client(s.url).req('/login-whoAmI.api', { headers: { apikey: 'e'.repeat(64) } });
      expect(bad.status).toBe(e.status);
      expect(bad.body).toMatchObject(e.body as object);
      const pw = await new Client(s.url).req('/home/security-ensureLogin.api', { headers: { authorization: basic('alice@lk.test', 'wrong') } });
      expect(pw.body).toEqual(e.status === 401 ? BAD_CREDENTIALS : LOGIN_REQUIRED);

      const bearer = await new Client(s.url).req('/login-whoAmI.api', { headers: { authorization: `Bearer ${key}` } });
      expect(bearer.body.email).toBe(v === '26.3' || v === '26.7' ? 'alice@lk.test' : 'guest');

      const roles = await new Client(s.url, { apikey: key }).req('/home/security-getApiKeyRoles.api');
      expect(roles.status).toBe(v === '26.7' ? 200 : 404);

      const cols = await new Client(s.url, { apikey: key }).req('/home/query-selectRows.api?schemaName=core&query.queryName=UserAPIKeys');
      const names = cols.body.metaData.fields.map((f: { name: string }) => f.name);
      expect(names.includes('Description')).toBe(!['22.11', '23.3'].includes(v));
      expect(names.includes('LastUsed')).toBe(!['22.11', '23.3'].includes(v));
      expect(names.includes('RestrictionRole')).toBe(v === '26.7');
    });
  });

  // §2.3: before 23.3 a session key is `session|` + 32 hex, as an API key is `apikey|` + 32 hex.
  // Found by running labkey-api-python against every generation (its createApiKey type=session).
  it.each(LABKEY_VERSIONS.map((v) => [v]))('%s: security-createApiKey type=session gives the generation\'s session-key format, and it works', async (v) => {
    await withServer(v, async (s) => {
      s.state.updateSettings({ allowSessionKeys: true });
      const c = new Client(s.url, { apikey: s.state.issueApiKey('alice@lk.test').key });
      await c.req('/login-whoAmI.api');
      const r = await c.req('/home/security-createApiKey.api', { json: { type: 'session' }, csrf: true });
      expect(r.status).toBe(200);
      expect(r.body.apikey).toMatch(v === '22.11' ? /^session\|[0-9a-f]{32}$/ : /^[0-9a-f]{64}$/);
      const who = await new Client(s.url, { apikey: r.body.apikey }).req('/login-whoAmI.api');
      expect(who.body.email).toBe('alice@lk.test');
    });
  });

  it('26.3 and later: Basic, then the apikey header, then Bearer', async () => {
    await withServer('26.3', async (s) => {
      const a = s.state.issueApiKey('alice@lk.test').key;
      const b = s.state.issueApiKey('bob@lk.test').key;
      const c = new Client(s.url);
      expect((await c.req('/login-whoAmI.api', { headers: { apikey: a, authorization: `Bearer ${b}` }, noCookies: true })).body.email).toBe('alice@lk.test');
      // Basic wins over the apikey header (a Basic header is read first; Bearer is then not even looked at).
      expect((await c.req('/login-whoAmI.api', { headers: { authorization: basic('apikey', b), apikey: a }, noCookies: true })).body.email).toBe('bob@lk.test');
    });
  });
});

describe('every generation: the primary key in selectRows (§10.2)', () => {
  it('a default selectRows on core.UserAPIKeys lists RowId (hidden) and metaData.id is RowId; query.columns=Name on lists.People still reports metaData.id', async () => {
    await withServer('26.7', async (s) => {
      const { key, rowId } = s.state.issueApiKey('alice@lk.test', { description: 'listed' });
      const c = new Client(s.url, { apikey: key });
      const r = await c.req('/home/query-selectRows.api?schemaName=core&query.queryName=UserAPIKeys');
      expect(r.body.rows.map((x: { RowId: number }) => x.RowId)).toEqual([rowId]);
      expect(r.body.metaData.id).toBe('RowId');
      expect(r.body.metaData.fields.find((f: { name: string }) => f.name === 'RowId')).toMatchObject({ hidden: true });
      const p = await c.req('/home/query-selectRows.api?schemaName=lists&query.queryName=People&query.columns=Name');
      expect(Object.keys(p.body.rows[0])).toEqual(['Name']);
      expect(p.body.metaData.id).toBe('Key');
    });
  });
});

describe('every generation: key and Basic authentication start a session (§10.1)', () => {
  it('key auth sets JSESSIONID, and a cookie-only whoAmI after security-ensureLogin answers with the user (the Java client)', async () => {
    await withServer('26.7', async (s) => {
      const { key } = s.state.issueApiKey('alice@lk.test');
      const c = new Client(s.url);
      const challenge = await c.req('/home/security-ensureLogin.api');
      expect(challenge.status).toBe(401);
      expect(challenge.headers['www-authenticate']).toMatch(/^Basic realm=/);
      const login = await c.req('/home/security-ensureLogin.api', { headers: { apikey: key } });
      expect(login.body.currentUser.email).toBe('alice@lk.test');
      const sid = sessionOf(login);
      expect(sid).toMatch(/^[0-9A-F]{32}$/);
      const who = await new Client(s.url).req('/login-whoAmI.api', { headers: { cookie: `JSESSIONID=${sid}` } });
      expect(who.body).toMatchObject({ email: 'alice@lk.test' });
      // Basic with a password starts one too.
      expect(sessionOf(await new Client(s.url).req('/login-whoAmI.api', { headers: { authorization: basic('bob@lk.test', 'bob-password') } }))).toBeDefined();
    });
  });

  it.each([
    ['24.11', 'alice@lk.test'],
    ['26.7', 'guest'],
  ])('%s: after the key is revoked, its session answers as %s; the key itself fails at once', async (v, after) => {
    await withServer(v, async (s) => {
      const { key, rowId } = s.state.issueApiKey('alice@lk.test');
      const sid = sessionOf(await new Client(s.url).req('/login-whoAmI.api', { headers: { apikey: key } }));
      s.state.revokeApiKey(rowId);
      const bySession = await new Client(s.url).req('/login-whoAmI.api', { headers: { cookie: `JSESSIONID=${sid}` } });
      expect(bySession.body.email).toBe(after);
      // A session user takes precedence over credentials: the revoked key rides the live session.
      const both = await new Client(s.url).req('/login-whoAmI.api', { headers: { cookie: `JSESSIONID=${sid}`, apikey: key } });
      expect(both.status).toBe(v === '24.11' ? 200 : 401);
      const keyOnly = await new Client(s.url).req('/login-whoAmI.api', { headers: { apikey: key } });
      expect(keyOnly.status).toBe(401);
    });
  });
});

describe('deactivated users and secondary authentication', () => {
  it('a deactivated user\'s key and password get "Your account has been deactivated." (silent guest before 24.8)', async () => {
    await withServer('26.7', async (s) => {
      const { key } = s.state.issueApiKey('bob@lk.test');
      s.state.setUserActive('bob@lk.test', false);
      for (const headers of [{ apikey: key }, { authorization: basic('bob@lk.test', 'bob-password') }]) {
        const r = await new Client(s.url).req('/login-whoAmI.api', { headers });
        expect(r.status).toBe(401);
        expect(r.body).toEqual({ success: false, exception: 'Your account has been deactivated.' });
      }
      s.state.setUserActive('bob@lk.test', true);
      expect((await new Client(s.url).req('/login-whoAmI.api', { headers: { apikey: key } })).body.email).toBe('bob@lk.test');
    });
    await withServer('24.3', async (s) => {
      const { key } = s.state.issueApiKey('bob@lk.test');
      s.state.setUserActive('bob@lk.test', false);
      expect((await new Client(s.url).req('/login-whoAmI.api', { headers: { apikey: key } })).body).toMatchObject({ id: 0 });
    });
  });

  it('with secondary authentication on, a right password over Basic gets its 401; an API key is exempt', async () => {
    await withServer('26.7', async (s) => {
      s.state.updateSettings({ secondaryAuth: true });
      const r = await new Client(s.url).req('/login-whoAmI.api', { headers: { authorization: basic('alice@lk.test', 'alice-password') } });
      expect(r.status).toBe(401);
      expect(r.body.exception).toBe('Authentication failed because secondary authentication is enabled on this server. Consider using an API key instead.');
      const { key } = s.state.issueApiKey('alice@lk.test');
      expect((await new Client(s.url).req('/login-whoAmI.api', { headers: { apikey: key } })).body.email).toBe('alice@lk.test');
    });
  });
});

describe('26.7: role-restricted keys', () => {
  it('lists the roles; a Reader key reads lists.People, gets the ordinary 403 on insertRows; an unknown role is a 404', async () => {
    await withServer('26.7', async (s) => {
      const c = new Client(s.url);
      await c.req('/login-loginAPI.api', { form: { email: 'alice@lk.test', password: 'alice-password' } });
      await c.primeCsrf();
      const roles = await c.req('/home/security-getApiKeyRoles.api');
      expect(roles.body.map((r: { displayName: string }) => r.displayName)).toEqual(['Reader', 'Author', 'Editor without Delete', 'Editor']);
      const made = await c.req('/home/security-createApiKey.api', { json: { type: 'apikey', role: READER }, csrf: true });
      const key = made.body.apikey as string;
      expect(s.state.listApiKeys('alice@lk.test').at(-1)!.RestrictionRole).toBe(READER);
      const reader = new Client(s.url, { apikey: key });
      const read = await reader.req('/home/query-selectRows.api?schemaName=lists&query.queryName=People');
      expect(read.status).toBe(200);
      expect((await reader.req('/home/security-ensureLogin.api')).body.currentUser).toMatchObject({ canInsert: 'false', canUpdate: 'false', canDelete: 'false' });
      expect((await reader.req('/home/project-getContainers.api')).body.userPermissions).toBe(1); // Read only
      await reader.primeCsrf();
      const ins = await reader.req('/home/query-insertRows.api', { json: { schemaName: 'lists', queryName: 'People', rows: [{ Name: 'X' }] }, csrf: true });
      expect(ins.status).toBe(403);
      expect(ins.body).toEqual(NO_PERMISSION);
      const wrong = await c.req('/home/security-createApiKey.api', { json: { type: 'apikey', role: 'org.labkey.api.security.roles.NopeRole' }, csrf: true });
      expect(wrong.status).toBe(404);
      expect(wrong.body.exception).toBe('Restiction role was not found!');
    });
  });

  it('before 26.7 the server ignores role and makes an unrestricted key', async () => {
    await withServer('26.3', async (s) => {
      const c = new Client(s.url);
      await c.req('/login-loginAPI.api', { form: { email: 'alice@lk.test', password: 'alice-password' } });
      await c.primeCsrf();
      const made = await c.req('/home/security-createApiKey.api', { json: { type: 'apikey', role: READER }, csrf: true });
      expect(made.status).toBe(200);
      expect(s.state.listApiKeys('alice@lk.test').at(-1)!.RestrictionRole).toBeNull();
    });
  });
});

describe('executeSql and WAF-encoded SQL (§4.3: decoded from 23.9)', () => {
  // The request labkey-api-python 3.x sends for execute_sql("lists", sql): a form POST whose
  // `sql` is WAF-encoded by default, with the apikey header and the CSRF token it got from
  // GET login-whoami.api.
  const sql = 'SELECT Name FROM People WHERE Age > 40 ORDER BY Name';
  const waf = '/*{{base64/x-www-form-urlencoded/wafText}}*/' + Buffer.from(encodeURIComponent(sql), 'utf8').toString('base64');
  it.each(LABKEY_VERSIONS.map((v) => [v]))('%s: the Python client\'s default execute_sql, and the same SQL sent plain', async (v) => {
    await withServer(v, async (s) => {
      const { key } = s.state.issueApiKey('alice@lk.test');
      const c = new Client(s.url, { apikey: key, 'user-agent': 'LabKey Python API/3.4.0' });
      const csrf = (await c.req('/home/login-whoami.api')).body.CSRF as string;
      const send = (text: string) => c.req('/home/query-executeSql.api', { form: { schemaName: 'lists', sql: text }, headers: { 'X-LABKEY-CSRF': csrf } });
      const plain = await send(sql);
      expect(plain.status).toBe(200);
      const encoded = await send(waf);
      if (v === '22.11' || v === '23.3') {
        // The server sees a comment, then base64 text where a SELECT should be.
        expect(encoded.status).toBe(500);
        expect(encoded.body).toMatchObject({ success: false, exceptionClass: 'org.labkey.api.query.QueryParseException' });
      } else {
        expect(encoded.status).toBe(200);
        expect(encoded.body.rows).toEqual(plain.body.rows);
      }
    });
  });
});
