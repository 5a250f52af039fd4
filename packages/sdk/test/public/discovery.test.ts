// Discovery (getSchemas, getQueries, getQueryDetails) and the "did you mean" of not-found
// schemas, queries and actions, against the mock server.
import { startMockServer, type MockServer } from '@lk/mock-server';
import { isNotFoundError, isWrongContextPathError, type LabKeyClient } from '@lk/sdk';
import { clientFor, logFor, rawServer, rejection } from './helpers.js';

let server: MockServer;
let alice: LabKeyClient;

beforeAll(async () => {
  server = await startMockServer({ generatedRows: 10 });
  alice = clientFor(server, { apiKey: server.state.issueApiKey('alice@lk.test').key });
});
afterAll(async () => {
  await alice.close();
  await server.close();
});

describe('discovery', () => {
  test('getSchemas lists the folder schemas', async () => {
    const names = (await alice.getSchemas()).map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining(['core', 'lists']));
  });

  test('getQueries lists a schema', async () => {
    const qs = await alice.getQueries({ schemaName: 'lists' });
    expect(qs.map((q) => q.name)).toEqual(expect.arrayContaining(['People', 'Generated']));
    expect(qs.every((q) => q.hidden === false && q.isUserDefined === false)).toBe(true);
  });

  test('getQueryDetails: Key is the key of lists.People; core lookups name their target', async () => {
    const d = await alice.getQueryDetails({ schemaName: 'lists', queryName: 'People' });
    expect(d.name).toBe('People');
    const key = d.columns.find((c) => c.name === 'Key');
    expect(key).toMatchObject({ keyField: true, type: 'int' });
    expect(d.columns.filter((c) => c.keyField).map((c) => c.name)).toEqual(['Key']);
    expect(d.columns.find((c) => c.name === 'Name')).toMatchObject({ keyField: false, type: 'string', hidden: false });
    const lookups = d.columns.filter((c) => c.lookup);
    for (const c of lookups) expect(c.lookup).toMatchObject({ schemaName: expect.any(String), queryName: expect.any(String) });
  });
});

describe('not found: the closest names the server has', () => {
  test('selectRows on a misspelt query suggests People', async () => {
    const e = await rejection(alice.selectRows({ schemaName: 'lists', queryName: 'Peple' }));
    expect(isNotFoundError(e)).toBe(true);
    expect(e).toMatchObject({ what: 'query', missing: 'Peple', suggestions: ['People'] });
    expect(e.hint).toMatch(/^Did you mean People\?/);
    // The names came from the server: it was asked for the schema's queries.
    expect(logFor(server, 'getQueries').length).toBeGreaterThan(0);
  });

  test('selectRows and selectRowsIter on a misspelt schema suggest lists', async () => {
    const e = await rejection(alice.selectRows({ schemaName: 'lsts', queryName: 'People' }));
    expect(e).toMatchObject({ what: 'schema', missing: 'lsts', suggestions: ['lists'] });
    const it = alice.selectRowsIter({ schemaName: 'List', queryName: 'People' });
    const e2 = await rejection(it.next());
    expect(e2).toMatchObject({ what: 'schema', suggestions: ['lists'] });
  });

  test('getQueries and getQueryDetails suggest too', async () => {
    expect(await rejection(alice.getQueries({ schemaName: 'lits' }))).toMatchObject({ what: 'schema', suggestions: ['lists'] });
    expect(await rejection(alice.getQueryDetails({ schemaName: 'lists', queryName: 'peopl' }))).toMatchObject({ what: 'query', suggestions: ['People'] });
    expect(await rejection(alice.getQueryDetails({ schemaName: 'lsts', queryName: 'People' }))).toMatchObject({ what: 'schema', suggestions: ['lists'] });
  });

  test('a name nothing resembles gets an empty list and the plain hint', async () => {
    const e = await rejection(alice.selectRows({ schemaName: 'lists', queryName: 'Zzzzzzzz' }));
    expect(e).toMatchObject({ what: 'query', suggestions: [] });
    expect(e.hint).not.toMatch(/Did you mean/);
  });

  test('an unknown action (JSON answer) suggests the action LabKey has', async () => {
    const e = await rejection(alice.request({ controller: 'query', action: 'selctRows' }));
    expect(isNotFoundError(e)).toBe(true);
    expect(e).toMatchObject({ what: 'action', missing: 'query-selctRows', suggestions: ['query-selectRows'] });
    expect(e.hint).toMatch(/^Did you mean query-selectRows\?/);
    const c = await rejection(alice.request({ controller: 'qurey', action: 'selectRows' }));
    expect(c).toMatchObject({ what: 'action', missing: 'qurey-selectRows', suggestions: ['query-selectRows'] });
  });

  test("an unknown action answered with LabKey's HTML error page is an unknown action, not a wrong base URL", async () => {
    const raw = await rawServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html;charset=UTF-8' });
      res.end("<html><body><h1>Oops! The requested page cannot be found.</h1><div>Unable to find action &#039;getQuerys&#039; to handle request in controller &#039;query&#039;.</div></body></html>");
    });
    const c = clientFor({ url: raw.origin } as MockServer, { apiKey: server.state.issueApiKey('alice@lk.test').key });
    try {
      const e = await rejection(c.request({ controller: 'query', action: 'getQuerys' }));
      expect(isWrongContextPathError(e)).toBe(false);
      expect(e).toMatchObject({ what: 'action', missing: 'query-getQuerys', suggestions: ['query-getQuery', 'query-getQueries'] });
    } finally {
      await c.close();
      await raw.close();
    }
  });
});

describe('columns the query does not have: a warning with the closest names', () => {
  test('asked for, filtered on or sorted on: one warning each; a clean request asks nothing more', async () => {
    const warnings: string[] = [];
    const c = clientFor(server, { apiKey: server.state.issueApiKey('alice@lk.test').key, onWarning: (w) => warnings.push(w) });
    try {
      const before = logFor(server, 'getQueryDetails').length;
      await c.selectRows({ schemaName: 'lists', queryName: 'People', columns: ['Name', 'Age'], sort: '-Age' });
      expect(warnings).toEqual([]);
      expect(logFor(server, 'getQueryDetails').length).toBe(before);

      const r = await c.selectRows({ schemaName: 'lists', queryName: 'People', columns: 'Name,Nmae', sort: 'Agee' });
      expect(r.rows.length).toBeGreaterThan(0); // the server still answers
      expect(warnings).toEqual([
        'lists.People has no column Nmae (asked for; the server left it out). Did you mean Name?',
        'lists.People has no column Agee (filtered or sorted on; the server ignored it). Did you mean Age?',
      ]);
      warnings.length = 0;
      // An iterator checks its first page only.
      const rows: unknown[] = [];
      for await (const row of c.selectRowsIter({ schemaName: 'lists', queryName: 'Generated', columns: ['Key', 'Zzzzzz'], pageSize: 4 })) rows.push(row);
      expect(rows).toHaveLength(10);
      expect(warnings).toEqual(['lists.Generated has no column Zzzzzz (asked for; the server left it out).']);
    } finally {
      await c.close();
    }
  });
});

test('executeSql on a misspelt schema suggests lists', async () => {
  const e = await rejection(alice.executeSql({ schemaName: 'lsts', sql: 'SELECT 1 AS x' }));
  expect(e).toMatchObject({ code: 'LK_NOT_FOUND', what: 'schema', missing: 'lsts', suggestions: ['lists'] });
});
