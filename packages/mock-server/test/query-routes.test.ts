import { startMockServer, type MockServer } from '@lk/mock-server';
import { BAD_API_KEY, basic, Client, LOGIN_REQUIRED, NO_PERMISSION } from './http';

// The router's part of the query API: permissions, CSRF, methods, and the core key tables served
// from the server's state. (The engine's formats, filters and SQL are tested in src/query/.)
describe('query routes and the core tables (protocol §4, §6.2, §8.8)', () => {
  let server: MockServer;
  let aliceId: number;
  beforeAll(async () => {
    server = await startMockServer();
    aliceId = server.state.user('alice@lk.test')!.id;
  });
  afterAll(() => server.close());

  const as = async (email: string, password: string) => {
    const c = new Client(server.url, { authorization: basic(email, password) });
    await c.primeCsrf();
    return c;
  };

  it('lets a signed-in user read lists.People in /home (GET and POST)', async () => {
    const c = await as('alice@lk.test', 'alice-password');
    const g = await c.req('/home/query-selectRows.api?schemaName=lists&query.queryName=People');
    expect(g.status).toBe(200);
    expect(g.body.rows.length).toBeGreaterThan(0);
    expect(g.body.rows[0]).toHaveProperty('Name');
    const p = await c.req('/home/query-getQuery.api', { form: { schemaName: 'lists', 'query.queryName': 'People' } });
    expect(p.status).toBe(200);
    expect(p.body.rowCount).toBe(g.body.rowCount);
  });

  it('reads apiVersion from the LABKEY-apiVersion header', async () => {
    const c = await as('alice@lk.test', 'alice-password');
    const r = await c.req('/home/query-selectRows.api?schemaName=lists&query.queryName=People', { headers: { 'LABKEY-apiVersion': '17.1' } });
    expect(Array.isArray(r.body.schemaName)).toBe(true);
    expect(r.body.rows[0]).toHaveProperty('data');
  });

  it('refuses guests every query action with the guest 401', async () => {
    const c = new Client(server.url);
    for (const path of ['/home/query-selectRows.api?schemaName=lists&query.queryName=People', '/home/query-executeSql.api?schemaName=lists&sql=SELECT%201', '/home/query-getQueries.api?schemaName=lists', '/home/query-getSchemas.api']) {
      const r = await c.req(path);
      expect([path, r.status, r.body]).toEqual([path, 401, LOGIN_REQUIRED]);
    }
  });

  it('inserts, updates and deletes list rows with CSRF, and refuses them without', async () => {
    const c = await as('bob@lk.test', 'bob-password');
    const ins = await c.req('/home/query-insertRows.api', { json: { schemaName: 'lists', queryName: 'People', rows: [{ Name: 'Zed', Age: 40 }] }, csrf: true });
    expect(ins.status).toBe(200);
    expect(ins.body).toMatchObject({ command: 'insert', rowsAffected: 1 });
    const key = ins.body.rows[0].Key;
    const up = await c.req('/home/query-updateRows.api', { json: { schemaName: 'lists', queryName: 'People', rows: [{ Key: key, Age: 41 }] }, csrf: true });
    expect(up.status).toBe(200);
    const del = await c.req('/home/query-delRows.api', { json: { schemaName: 'lists', queryName: 'People', rows: [{ Key: key }] }, csrf: true });
    expect(del.status).toBe(200);
    expect(del.body.command).toBe('delete');
  });

  it('resolves a body containerPath and 404s an unknown one', async () => {
    const c = await as('bob@lk.test', 'bob-password');
    const r = await c.req('/Shared/query-insertRows.api', { json: { schemaName: 'lists', queryName: 'People', containerPath: '/nowhere', rows: [{ Name: 'x' }] }, csrf: true });
    expect(r.status).toBe(404);
    expect(r.body.exception).toBe('No such project: /nowhere');
  });

  it('core.Users is readable by signed-in users', async () => {
    const c = await as('alice@lk.test', 'alice-password');
    const r = await c.req('/home/query-selectRows.api?schemaName=core&query.queryName=Users');
    expect(r.status).toBe(200);
    expect(r.body.rows.map((x: any) => x.Email).sort()).toEqual(['admin@lk.test', 'alice@lk.test', 'bob@lk.test']);
  });

  it('core.UserAPIKeys lists only your own keys, without Crypt', async () => {
    const mine = server.state.issueApiKey('alice@lk.test', { description: 'mine' });
    server.state.issueApiKey('bob@lk.test', { description: 'bobs' });
    const c = new Client(server.url, { apikey: mine.key });
    const r = await c.req('/home/query-selectRows.api?schemaName=core&query.queryName=UserAPIKeys&query.columns=RowId,CreatedBy,Created,Expiration,LastUsed,Description');
    expect(r.status).toBe(200);
    expect(r.body.rows.length).toBeGreaterThan(0);
    for (const row of r.body.rows) expect(row.CreatedBy).toBe(aliceId);
    expect(r.body.rows.map((x: any) => x.Description)).toContain('mine');
    expect(r.body.rows.map((x: any) => x.Description)).not.toContain('bobs');
    expect(r.text).not.toMatch(/crypt|sha256:/i);
    expect(r.text).not.toContain(mine.key);
  });

  it('deleting your own key through core.UserAPIKeys revokes it on the very next request', async () => {
    const { key, rowId } = server.state.issueApiKey('alice@lk.test', { description: 'to revoke' });
    const c = new Client(server.url, { apikey: key });
    await c.primeCsrf();
    const r = await c.req('/home/query-deleteRows.api', { json: { schemaName: 'core', queryName: 'UserAPIKeys', rows: [{ rowId }] }, csrf: true });
    expect(r.status).toBe(200);
    const next = await c.req('/login-whoAmI.api');
    expect(next.status).toBe(401);
    expect(next.body).toEqual(BAD_API_KEY);
    expect(server.state.listApiKeys().some((k) => k.RowId === rowId)).toBe(false);
  });

  it("refuses to delete another user's key through core.UserAPIKeys", async () => {
    const bobs = server.state.issueApiKey('bob@lk.test', { description: 'bob keeps this' });
    const c = await as('alice@lk.test', 'alice-password');
    const r = await c.req('/home/query-deleteRows.api', { json: { schemaName: 'core', queryName: 'UserAPIKeys', rows: [{ RowId: bobs.rowId }] }, csrf: true });
    expect(r.status).toBe(403);
    expect(r.body.exception).toBe('You do not have permission to delete the selected row.');
    expect((await new Client(server.url).req('/login-whoAmI.api', { headers: { apikey: bobs.key } })).status).toBe(200);
  });

  it('refuses core.UserAPIKeys while impersonating', async () => {
    const c = new Client(server.url);
    await c.req('/login-loginAPI.api', { form: { email: 'admin@lk.test', password: 'admin-password' } });
    await c.primeCsrf();
    await c.req('/user-impersonateUser.api', { form: { email: 'alice@lk.test' }, csrf: true });
    const r = await c.req('/home/query-selectRows.api?schemaName=core&query.queryName=UserAPIKeys');
    expect(r.status).toBe(403);
  });

  it('core.UserAPIKeys over HTTP: dates as yyyy-MM-dd HH:mm:ss.SSS (local time) in 8.3, 9.1 and 17.1; CreatedBy hidden by default, the hidden key RowId forced in (protocol §10.2)', async () => {
    const { key, rowId } = server.state.issueApiKey('alice@lk.test', { description: 'dated', expirationSeconds: 604800 });
    const c = new Client(server.url, { apikey: key });
    await c.req('/login-whoAmI.api'); // sets LastUsed
    const row = server.state.listApiKeys('alice@lk.test').find((r) => r.RowId === rowId)!;
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    const fmt = (d: Date) =>
      `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
    const q = '/home/query-selectRows.api?schemaName=core&query.queryName=UserAPIKeys&query.Description~eq=dated';
    const classic = await c.req(q);
    expect(classic.status).toBe(200);
    expect(classic.body.formatVersion).toBe(8.3);
    expect(classic.body.rows).toEqual([{ RowId: rowId, Created: fmt(row.Created), Expiration: fmt(row.Expiration!), LastUsed: fmt(row.LastUsed!), Description: 'dated', RestrictionRole: null }]);
    expect(classic.body.metaData.id).toBe('RowId');
    expect(classic.body.metaData.fields.find((f: any) => f.name === 'RowId')).toMatchObject({ hidden: true, isKeyField: true });
    expect(classic.body.rows[0].Created).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/);
    const extended = await c.req(q + '&apiVersion=9.1');
    expect(extended.body.formatVersion).toBe(9.1);
    expect(extended.body.rows).toEqual([
      { RowId: { value: rowId }, Created: { value: fmt(row.Created) }, Expiration: { value: fmt(row.Expiration!) }, LastUsed: { value: fmt(row.LastUsed!) }, Description: { value: 'dated' }, RestrictionRole: { value: null } },
    ]);
    const reporting = await c.req(q + '&apiVersion=17.1');
    expect(reporting.body.schemaName).toEqual(['core']);
    expect(reporting.body).not.toHaveProperty('formatVersion');
    expect(reporting.body).not.toHaveProperty('columnModel');
    expect(reporting.body.rows[0].data.Created).toEqual({ value: fmt(row.Created), formattedValue: fmt(row.Created).slice(0, 16) });
    expect(reporting.body.rows[0].data.Description).toEqual({ value: 'dated' });
  });

  it('refuses deleting through core.UserAPIKeys while impersonating, and the key keeps working', async () => {
    const alices = server.state.issueApiKey('alice@lk.test', { description: 'impersonation must not delete this' });
    const c = new Client(server.url);
    await c.req('/login-loginAPI.api', { form: { email: 'admin@lk.test', password: 'admin-password' } });
    await c.primeCsrf();
    expect((await c.req('/user-impersonateUser.api', { form: { email: 'alice@lk.test' }, csrf: true })).status).toBe(200);
    const r = await c.req('/home/query-deleteRows.api', { json: { schemaName: 'core', queryName: 'UserAPIKeys', rows: [{ RowId: alices.rowId }] }, csrf: true });
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ success: false, exception: NO_PERMISSION.exception });
    expect(server.state.listApiKeys('alice@lk.test').some((k) => k.RowId === alices.rowId)).toBe(true);
    expect((await new Client(server.url).req('/login-whoAmI.api', { headers: { apikey: alices.key } })).status).toBe(200);
  });

  it('core.APIKeys shows every key to admins and is "not found" for others', async () => {
    server.state.issueApiKey('bob@lk.test', { description: 'visible to admin' });
    const admin = await as('admin@lk.test', 'admin-password');
    const r = await admin.req('/query-selectRows.api?schemaName=core&query.queryName=APIKeys&query.columns=RowId,CreatedBy,Description');
    expect(r.status).toBe(200);
    expect(new Set(r.body.rows.map((x: any) => x.CreatedBy)).size).toBeGreaterThan(1);
    const alice = await as('alice@lk.test', 'alice-password');
    const a = await alice.req('/query-selectRows.api?schemaName=core&query.queryName=APIKeys');
    expect(a.status).toBe(404);
    expect(a.body).toMatchObject({ exception: "The specified query 'APIKeys' does not exist in schema 'core'", exceptionClass: 'org.labkey.api.view.NotFoundException', success: false });
  });

  it('getQueries lists core.APIKeys (with LastUsed, never Crypt) only for admins, and never core.UserAPIKeys', async () => {
    const admin = await as('admin@lk.test', 'admin-password');
    const a = await admin.req('/home/query-getQueries.api?schemaName=core');
    expect(a.status).toBe(200);
    const names = a.body.queries.map((q: any) => q.name);
    expect(names).toContain('APIKeys');
    expect(names).not.toContain('UserAPIKeys');
    expect(a.body.queries.find((q: any) => q.name === 'APIKeys').columns.map((c: any) => c.name)).toEqual(['RowId', 'CreatedBy', 'Created', 'Expiration', 'LastUsed', 'Description', 'RestrictionRole']);
    const alice = await as('alice@lk.test', 'alice-password');
    const b = await alice.req('/home/query-getQueries.api?schemaName=core');
    expect(b.body.queries.map((q: any) => q.name)).not.toContain('APIKeys');
    expect(b.body.queries.map((q: any) => q.name)).not.toContain('UserAPIKeys');
  });

  it('core.UserAPIKeys and core.APIKeys are read and delete only: insertRows and updateRows give the 500 "not updatable"', async () => {
    const mine = server.state.issueApiKey('alice@lk.test', { description: 'not editable' });
    const alice = await as('alice@lk.test', 'alice-password');
    const admin = await as('admin@lk.test', 'admin-password');
    for (const [c, q] of [[alice, 'UserAPIKeys'], [admin, 'APIKeys']] as const) {
      for (const a of ['insertRows', 'updateRows']) {
        const r = await c.req(`/home/query-${a}.api`, { json: { schemaName: 'core', queryName: q, rows: [{ RowId: mine.rowId, Description: 'changed' }] }, csrf: true });
        expect([q, a, r.status]).toEqual([q, a, 500]);
        expect(r.body).toMatchObject({ success: false, exception: `The query '${q}' in the schema 'core' is not updatable via the HTTP-based APIs.` });
      }
    }
    expect(server.state.listApiKeys('alice@lk.test').find((k) => k.RowId === mine.rowId)!.Description).toBe('not editable');
  });

  it('an admin revokes any key through core.APIKeys, effective at once', async () => {
    const bobs = server.state.issueApiKey('bob@lk.test');
    const admin = await as('admin@lk.test', 'admin-password');
    const r = await admin.req('/query-deleteRows.api', { json: { schemaName: 'core', queryName: 'APIKeys', rows: [{ RowId: bobs.rowId }] }, csrf: true });
    expect(r.status).toBe(200);
    expect((await new Client(server.url).req('/login-whoAmI.api', { headers: { apikey: bobs.key } })).status).toBe(401);
  });

  it('a non-admin cannot delete through core.APIKeys: to them the query does not exist (500, as §4.4)', async () => {
    const bobs = server.state.issueApiKey('bob@lk.test');
    const alice = await as('alice@lk.test', 'alice-password');
    const r = await alice.req('/query-deleteRows.api', { json: { schemaName: 'core', queryName: 'APIKeys', rows: [{ RowId: bobs.rowId }] }, csrf: true });
    expect(r.status).toBe(500);
    expect(r.body).toMatchObject({ success: false, exception: "The query 'APIKeys' in the schema 'core' does not exist." });
    expect((await new Client(server.url).req('/login-whoAmI.api', { headers: { apikey: bobs.key } })).status).toBe(200);
  });

  it("passes the engine's own error bodies through: 400 validation, 404 not found", async () => {
    const c = await as('bob@lk.test', 'bob-password');
    const empty = await c.req('/home/query-insertRows.api', { json: { schemaName: 'lists', queryName: 'People', rows: [] }, csrf: true });
    expect(empty.status).toBe(400);
    expect(empty.body).toMatchObject({ success: false, exception: "No 'rows' array supplied." });
    const missing = await c.req('/home/query-selectRows.api?schemaName=lists&query.queryName=Nope');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ exception: "The specified query 'Nope' does not exist in schema 'lists'", exceptionClass: 'org.labkey.api.view.NotFoundException', success: false });
    expect(Array.isArray(missing.body.stackTrace)).toBe(true);
  });

  it('refuses list writes in the root container with 403', async () => {
    const c = await as('alice@lk.test', 'alice-password');
    const r = await c.req('/query-insertRows.api', { json: { schemaName: 'lists', queryName: 'People', rows: [{ Name: 'x' }] }, csrf: true });
    expect(r.status).toBe(403);
    expect(r.body).toEqual(NO_PERMISSION);
  });
});

describe('selectRows page size over HTTP (protocol §4.1, §8.6)', () => {
  let server: MockServer;
  beforeAll(async () => {
    server = await startMockServer({ generatedRows: 100_005 });
  });
  afterAll(() => server.close());

  it('returns at most 100000 rows by default, with the total in rowCount; maxRows=-1 returns all', async () => {
    const c = new Client(server.url, { authorization: basic('alice@lk.test', 'alice-password') });
    const base = '/home/query-selectRows.api?schemaName=lists&query.queryName=Generated&query.columns=Key&respFormat=json_compact';
    const dflt = await c.req(base);
    expect(dflt.status).toBe(200);
    expect(dflt.body.rows).toHaveLength(100000);
    expect(dflt.body.rowCount).toBe(100_005);
    const all = await c.req(base + '&query.maxRows=-1');
    expect(all.body.rows).toHaveLength(100_005);
    expect(all.body.rows[100_004]).toEqual({ Key: 100_005 });
  });
});
