/** lk api end to end: reads, a POST with --input, typed fields, --paginate, a misspelt action, errors. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withMockServer } from '../helpers/with-mock-server.js';
import { createTempHome, useTempHome } from '../helpers/temp-home.js';
import { expectNoLeaks, runLk, trackSecret } from '../helpers/run-lk.js';

expectNoLeaks();
jest.setTimeout(120_000);

describe('lk api, end to end', () => {
  const mock = withMockServer({ generatedRows: 2500 });
  const home = useTempHome();
  beforeEach(async () => {
    const key = trackSecret(mock.server.state.issueApiKey('alice@lk.test').key);
    expect((await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: key })).code).toBe(0);
  });
  const since = (n: number) => mock.server.requests.slice(n);

  it('query-selectRows.api with -f fields prints the answer as compact JSON in a pipe', async () => {
    const r = await runLk(['api', 'query-selectRows.api', '-f', 'schemaName=lists', '-f', 'query.queryName=People'], { home });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(1); // compact: one line
    const j = JSON.parse(r.stdout);
    expect(j.rows.map((x: { Name: string }) => x.Name)).toContain('Ada Lovelace');
    expect(j.rowCount).toBe(j.rows.length);
  });

  it('a POST query-insertRows.api --input rows.json inserts (CSRF handled), and the row is there after', async () => {
    const file = join(home.dir, 'rows.json');
    writeFileSync(file, JSON.stringify({ schemaName: 'lists', queryName: 'People', rows: [{ Name: 'Barbara Liskov', Age: 86 }] }));
    const before = mock.server.requests.length;
    const r = await runLk(['api', 'query-insertRows.api', '--input', file], { home });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(r.stdout)).toMatchObject({ command: 'insert', rowsAffected: 1, rows: [{ Name: 'Barbara Liskov', Age: 86 }] });
    const insert = since(before).find((q) => q.action === 'insertRows');
    expect(insert).toMatchObject({ method: 'POST', status: 200, csrf: 'valid' });
    const back = await runLk(['api', 'query-selectRows', '-f', 'schemaName=lists', '-f', 'query.queryName=People', '-f', 'query.Name~eq=Barbara Liskov', '--method', 'GET'], { home });
    expect(JSON.parse(back.stdout).rows).toEqual([expect.objectContaining({ Name: 'Barbara Liskov', Age: 86 })]);
  });

  it('-F rows=@file sends typed JSON; stdin works with --input -', async () => {
    const rows = join(home.dir, 'more.json');
    writeFileSync(rows, JSON.stringify([{ Name: 'Frances Allen', Age: 88 }]));
    const r = await runLk(['api', 'query-insertRows', '-f', 'schemaName=lists', '-f', 'queryName=People', '-F', `rows=@${rows}`], { home });
    expect(r).toMatchObject({ code: 0 });
    expect(JSON.parse(r.stdout).rows[0]).toMatchObject({ Name: 'Frances Allen', Age: 88 });
    const s = await runLk(['api', 'query-executeSql', '--input', '-'], { home, stdin: JSON.stringify({ schemaName: 'lists', sql: 'SELECT Name FROM People WHERE Age = 88' }) });
    expect(JSON.parse(s.stdout).rows).toEqual([{ Name: 'Frances Allen' }]);
  });

  it('--paginate follows offset/maxRows until rowCount, concatenating rows', async () => {
    const before = mock.server.requests.length;
    const r = await runLk(['api', 'query-selectRows', '/home', '-f', 'schemaName=lists', '-f', 'query.queryName=Generated', '-f', 'query.columns=Key', '-F', 'query.maxRows=1000', '--paginate'], { home });
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.rows).toHaveLength(2500);
    expect(j.rows.map((x: { Key: number }) => x.Key)).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1));
    expect(since(before).filter((q) => q.action === 'selectRows')).toHaveLength(3);
  });

  it('a misspelt action gets a suggestion (exit 1); a URL or a .view is a usage error (exit 2)', async () => {
    const r = await runLk(['api', 'query-selctRows.api', '-f', 'schemaName=lists'], { home });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Unable to find action 'selctRows' to handle request in controller 'query'");
    expect(r.stderr).toContain('hint: Did you mean query-selectRows?');
    const c = await runLk(['api', 'qurey-getSchemas', '--json'], { home });
    expect(JSON.parse(c.stdout).error).toMatchObject({ code: 'LK_NOT_FOUND', what: 'action', suggestions: ['query-getSchemas'] });
    expect((await runLk(['api', 'query-executeQuery.view'], { home })).code).toBe(2);
    expect((await runLk(['api', `${mock.url}/home/query-selectRows.api`], { home })).code).toBe(2);
  });

  it('403: the SDK says the key works but its user lacks the permission (exit 1)', async () => {
    const r = await runLk(['api', 'admin-customizeSite', '-f', 'x=1'], { home });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('admin-customizeSite.api is forbidden for the owner of the key');
    expect(r.stderr).toContain('hint: The key works but its user lacks permission here');
  });

  it('a revoked key: the 401 explained with its cause, exit 4', async () => {
    const { key, rowId } = mock.server.state.issueApiKey('alice@lk.test');
    trackSecret(key);
    mock.server.state.revokeApiKey(rowId);
    const r = await runLk(['api', 'login-whoAmI'], { home, env: { LABKEY_API_KEY: key } });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('The server did not accept the API key from the environment variable LABKEY_API_KEY');
  });

  it('no key: the 401 explained, exit 4', async () => {
    const nokey = createTempHome();
    try {
      const r = await runLk(['api', 'query-insertRows', '-f', 'schemaName=lists', '--server', mock.url], { home: nokey });
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(/^lk: /);
      expect(r.stderr).toContain('hint: ');
    } finally {
      nokey.cleanup();
    }
  });
});
