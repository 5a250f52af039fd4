import { LABKEY_VERSIONS, startMockServer, type MockServer } from '@lk/mock-server';
import { basic, Client } from './http';

// executeSql saveInSession=true, as LabKey's ExecuteSqlAction and QueryServiceImpl.saveSessionQuery /
// getSessionQuery do it (LabKey/platform, read at develop 2024-10-24; the name format is unchanged
// since 2013): the SQL is saved in the caller's HTTP session as `<schemaName>_temp_<n>`, the answer
// carries that name instead of "sql", and selectRows and getQueryDetails find it by that name in the
// same session (JSESSIONID) only.
describe('executeSql saveInSession (QueryServiceImpl.saveSessionQuery, protocol §4.3)', () => {
  let server: MockServer;
  let key: string;
  beforeAll(async () => {
    server = await startMockServer({ sessionTimeoutMs: 30 * 60_000 });
    key = server.state.issueApiKey('alice@lk.test').key;
  });
  afterAll(() => server.close());

  /** A client with the key that keeps its cookies, as labkey-api-python's requests.Session does. */
  const keyed = () => new Client(server.url, { apikey: key });
  const save = async (c: Client, sql: string, extra: Record<string, string> = {}) => {
    const r = await c.req('/home/query-executeSql.api', { form: { schemaName: 'lists', sql, saveInSession: 'True', ...extra } });
    expect(r.status).toBe(200);
    return r.body;
  };
  const select = (c: Client, name: string, query = '', o: { noCookies?: boolean } = {}) =>
    c.req(`/home/query-selectRows.api?schemaName=lists&query.queryName=${encodeURIComponent(name)}${query}`, o);

  it('answers the generated name <schemaName>_temp_<n> in every format, and "sql" without saveInSession', async () => {
    const c = keyed();
    for (const apiVersion of ['8.3', '9.1', '17.1']) {
      const body = await save(c, `SELECT Name FROM People -- ${apiVersion}`, { apiVersion });
      expect(body.queryName).toMatch(/^lists_temp_\d+$/);
      expect(body.rows).toHaveLength(5);
    }
    const plain = await c.req('/home/query-executeSql.api', { form: { schemaName: 'lists', sql: 'SELECT Name FROM People' } });
    expect(plain.body.queryName).toBe('sql');
    const off = await c.req('/home/query-executeSql.api', { form: { schemaName: 'lists', sql: 'SELECT Name FROM People', saveInSession: 'false' } });
    expect(off.body.queryName).toBe('sql');
  });

  it('keeps one name for the same SQL in one session, a new one for other SQL, and the schema name as sent', async () => {
    const c = keyed();
    const a = (await save(c, 'SELECT Name, Age FROM People')).queryName;
    expect((await save(c, 'SELECT Name, Age FROM People')).queryName).toBe(a);
    const b = (await save(c, 'SELECT Name FROM People WHERE Age > 80')).queryName;
    expect(b).not.toBe(a);
    const r = await c.req('/home/query-executeSql.api', { form: { schemaName: 'Lists', sql: 'SELECT Name FROM People', saveInSession: 'true' } });
    expect(r.body.queryName).toMatch(/^Lists_temp_\d+$/);
  });

  it('lets selectRows read the saved query by name in the same session: filters, sort, columns, paging', async () => {
    const c = keyed();
    const name = (await save(c, 'SELECT Name, Age FROM People')).queryName as string;
    const all = await select(c, name);
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ schemaName: 'lists', queryName: name, formatVersion: 8.3, rowCount: 5 });
    expect(all.body.metaData.fields.map((f: { name: string }) => f.name)).toEqual(['Name', 'Age']);

    const old = await select(c, name, '&query.Age~gt=50&query.sort=-Age&query.columns=Name');
    expect(old.body.rows).toEqual([{ Name: 'Katherine Johnson' }, { Name: 'Grace Hopper' }, { Name: 'Edsger Dijkstra' }]);
    expect(old.body.rowCount).toBe(3);
    expect(old.body.metaData.sortInfo).toEqual({ field: 'Age', direction: 'DESC' });

    const page = await select(c, name, '&query.sort=Age&query.maxRows=2&query.offset=1');
    expect([page.body.rows.map((r: { Age: number }) => r.Age), page.body.rowCount]).toEqual([[41, 72], 5]);

    const ignored = await select(c, name, '&query.Nope~eq=1');
    expect(ignored.body.rowCount).toBe(5);
    expect(ignored.body.messages).toEqual([{ area: 'filter', content: "Ignoring filter/sort on column 'Nope' because it does not exist.", type: 'WARNING' }]);
  });

  it('matches the name in any case: 8.3 and 9.1 answer it as sent, 13.2 by its saved name', async () => {
    const c = keyed();
    const name = (await save(c, 'SELECT Name FROM People ORDER BY Name')).queryName as string;
    const upper = name.toUpperCase();
    expect((await select(c, upper)).body.queryName).toBe(upper);
    const v9 = await select(c, upper, '&apiVersion=9.1&query.maxRows=1');
    expect([v9.body.queryName, v9.body.rows[0].Name]).toEqual([upper, { value: 'Ada Lovelace' }]);
    const v17 = await select(c, upper, '&apiVersion=17.1&query.maxRows=1');
    expect([v17.body.queryName, v17.body.schemaName, v17.body.rows[0].data.Name.value]).toEqual([name, ['lists'], 'Ada Lovelace']);
  });

  it('binds a saved PARAMETERS query from query.param.<name> when selectRows reads it', async () => {
    const c = keyed();
    const name = (await save(c, 'PARAMETERS (MinAge INTEGER DEFAULT 0) SELECT Name FROM People WHERE Age > MinAge')).queryName as string;
    expect((await select(c, name)).body.rowCount).toBe(5);
    const r = await select(c, name, '&query.param.MinAge=100');
    expect(r.body.rows).toEqual([{ Name: 'Katherine Johnson' }]);
  });

  it('is not there for another session, nor for the bare API key without the session cookie', async () => {
    const c = keyed();
    const name = (await save(c, 'SELECT Name FROM People WHERE Age < 50')).queryName as string;
    const notFound = { status: 404, exception: `The specified query '${name}' does not exist in schema 'lists'` };
    const other = await select(keyed(), name);
    expect({ status: other.status, exception: other.body.exception }).toEqual(notFound);
    const bare = await select(c, name, '', { noCookies: true });
    expect({ status: bare.status, exception: bare.body.exception }).toEqual(notFound);
    // Basic with the user's password starts a session of its own, too.
    const pw = await select(new Client(server.url, { authorization: basic('alice@lk.test', 'alice-password') }), name);
    expect(pw.status).toBe(404);
    expect((await select(c, name)).status).toBe(200);
  });

  it('is kept per container: saved in /home, unknown in /Shared', async () => {
    const c = keyed();
    const name = (await save(c, 'SELECT Name FROM People WHERE Age = 36')).queryName as string;
    expect((await select(c, name)).body.rows).toEqual([{ Name: 'Ada Lovelace' }]);
    const r = await c.req(`/Shared/query-selectRows.api?schemaName=lists&query.queryName=${name}`);
    expect([r.status, r.body.exception]).toEqual([404, `The specified query '${name}' does not exist in schema 'lists'`]);
  });

  it('ends with the session: logout, and the idle timeout', async () => {
    const c = new Client(server.url);
    await c.req('/login-loginAPI.api', { form: { email: 'alice@lk.test', password: 'alice-password' } });
    await c.primeCsrf();
    const name = (await save(c, 'SELECT Name FROM People WHERE Age = 41')).queryName as string;
    expect((await select(c, name)).status).toBe(200);
    await c.req('/login-logoutAPI.api', { method: 'POST', csrf: true });
    await c.req('/login-loginAPI.api', { form: { email: 'alice@lk.test', password: 'alice-password' } });
    expect((await select(c, name)).status).toBe(404);

    const k = keyed();
    const idle = (await save(k, 'SELECT Name FROM People WHERE Age = 72')).queryName as string;
    server.clock.advance(29 * 60_000);
    expect((await select(k, idle)).status).toBe(200); // touches the session
    server.clock.advance(31 * 60_000);
    expect((await select(k, idle)).status).toBe(404);
  });

  it('is seen through a session key, which runs the request in its session', async () => {
    server.state.updateSettings({ allowSessionKeys: true });
    try {
      const c = new Client(server.url);
      await c.req('/login-loginAPI.api', { form: { email: 'alice@lk.test', password: 'alice-password' } });
      await c.primeCsrf();
      const name = (await save(c, 'SELECT Name FROM People WHERE Age = 85')).queryName as string;
      const sk = (await c.req('/home/security-createApiKey.api', { json: { type: 'session' }, csrf: true })).body.apikey as string;
      const r = await new Client(server.url, { apikey: sk }).req(`/home/query-selectRows.api?schemaName=lists&query.queryName=${name}`);
      expect([r.status, r.body.rows]).toEqual([200, [{ Name: 'Grace Hopper' }]]);
    } finally {
      server.state.updateSettings({ allowSessionKeys: false });
    }
  });

  it('getQueryDetails describes it in the same session (temporary, its result columns); getQueries leaves it out', async () => {
    const c = keyed();
    const name = (await save(c, 'SELECT Name, Age * 2 AS Twice FROM People')).queryName as string;
    const d = await c.req(`/home/query-getQueryDetails.api?schemaName=lists&queryName=${name}`);
    expect(d.status).toBe(200);
    expect(d.body).toMatchObject({ schemaName: 'lists', name, isUserDefined: true, isTemporary: true });
    expect(d.body.columns.map((f: { name: string }) => f.name)).toEqual(['Name', 'Twice']);
    expect(d.body.columns[0]).toMatchObject({ name: 'Name', type: 'string' });
    const other = await keyed().req(`/home/query-getQueryDetails.api?schemaName=lists&queryName=${name}`);
    expect(other.status).toBe(404);
    const qs = await c.req('/home/query-getQueries.api?schemaName=lists');
    expect(qs.body.queries.map((q: { name: string }) => q.name)).toEqual(['Generated', 'People']);
  });

  it('saves SQL that does not run: executeSql fails, and so does reading the saved query', async () => {
    const c = keyed();
    const r = await c.req('/home/query-executeSql.api', { form: { schemaName: 'lists', sql: 'SELECT Nope FROM People', saveInSession: 'true' } });
    expect(r.status).toBe(500);
    // The name never reached the client; the query was still saved (LabKey saves before it runs).
    const again = await save(c, 'SELECT Name FROM People WHERE Age = 101');
    const n = Number(/_(\d+)$/.exec(again.queryName)![1]);
    const failed = `lists_temp_${n - 1}`;
    const sel = await select(c, failed);
    expect([sel.status, sel.body.exceptionClass]).toEqual([500, 'org.labkey.api.query.QueryParseException']);
    const d = await c.req(`/home/query-getQueryDetails.api?schemaName=lists&queryName=${failed}`);
    expect(d.status).toBe(200);
    expect(d.body).toMatchObject({ name: failed, isTemporary: true, exception: 'Unknown field [Nope]' });
    expect(d.body.columns).toBeUndefined();
  });
});

describe('saveInSession in every generation (no release changed it)', () => {
  it.each(LABKEY_VERSIONS.map((v) => [v]))('%s: named, then read back in the same session', async (labkeyVersion) => {
    const s = await startMockServer({ labkeyVersion });
    try {
      const c = new Client(s.url, { apikey: s.state.issueApiKey('bob@lk.test').key });
      const r = await c.req('/home/query-executeSql.api', { form: { schemaName: 'lists', sql: 'SELECT Name FROM People WHERE Age > 80', saveInSession: 'True' } });
      expect(r.body.queryName).toMatch(/^lists_temp_\d+$/);
      const back = await c.req(`/home/query-selectRows.api?schemaName=lists&query.queryName=${r.body.queryName}&query.sort=Name`);
      expect(back.body.rows).toEqual([{ Name: 'Grace Hopper' }, { Name: 'Katherine Johnson' }]);
    } finally {
      await s.close();
    }
  });
});
