// executeSql (protocol §4.3): plain and WAF-encoded SQL, SELECT only, paging, sort, counts,
// parse errors, and the container/schema boundary.
import { createQueryEngine, WAF_PREFIX, wafDecode, type Params, type QueryEngine, type QueryUser } from './index.js';

const bob: QueryUser = { id: 1002, email: 'bob@lk.test', displayName: 'bob', isSiteAdmin: false, impersonated: false, guest: false };

let engine: QueryEngine;
beforeAll(() => {
  engine = createQueryEngine({ generatedRows: 1000, now: () => new Date(2024, 5, 1, 0, 0, 0) });
});
afterAll(() => engine.close());

function sql(p: Record<string, string | string[]>, container = '/home') {
  const params: Params = {};
  for (const [k, v] of Object.entries(p)) params[k] = Array.isArray(v) ? v : [v];
  return engine.executeSql({ params, container, user: bob }) as Promise<{ status: number; body: any }>;
}
const lists = (s: string, p: Record<string, string> = {}) => sql({ schemaName: 'lists', sql: s, ...p });
/** What the JS client sends: prefix + base64(encodeURIComponent(sql)). */
const waf = (s: string) => WAF_PREFIX + Buffer.from(encodeURIComponent(s)).toString('base64');

test('a SELECT runs on the container lists, 8.3 shape with queryName "sql"', async () => {
  const r = await lists('SELECT Name, Age FROM People WHERE Age > 80 ORDER BY Age');
  expect(r.status).toBe(200);
  expect(r.body.queryName).toBe('sql');
  expect(r.body.schemaName).toBe('lists');
  expect(r.body.formatVersion).toBe(8.3);
  expect(r.body.rows).toEqual([
    { Name: 'Grace Hopper', Age: 85 },
    { Name: 'Katherine Johnson', Age: 101 },
  ]);
  expect(r.body.rowCount).toBe(2);
  expect(r.body.metaData.fields.map((f: any) => [f.name, f.type])).toEqual([
    ['Name', 'string'],
    ['Age', 'int'],
  ]);
  expect(r.body).not.toHaveProperty('success');
});

test('schema-qualified names, joins, aggregates and expression types', async () => {
  const r = await lists('SELECT p.Name, COUNT(*) AS n, AVG(g.Value) AS avg, MAX(g.Created) AS last, p.Age > 50 AS old FROM lists.People p JOIN lists.Generated g ON g.Key = p.Key GROUP BY p.Name, p.Age ORDER BY p.Name');
  expect(r.status).toBe(200);
  expect(r.body.rows).toHaveLength(5);
  const types = Object.fromEntries(r.body.metaData.fields.map((f: any) => [f.name, f.type]));
  expect(types).toEqual({ Name: 'string', n: 'int', avg: 'float', last: 'date', old: 'int' });
  expect(r.body.rows[0].last).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/);
});

test('boolean and date columns keep their types through SQL', async () => {
  const r = await lists('SELECT Key, Flag, Created FROM Generated WHERE Key <= 2', { apiVersion: '17.1' });
  expect(r.body.schemaName).toEqual(['lists']);
  expect(r.body.rows[0].data.Flag).toEqual({ value: true });
  expect(r.body.rows[1].data.Flag).toEqual({ value: false });
  expect(r.body.rows[0].data.Created.formattedValue).toBe(r.body.rows[0].data.Created.value.slice(0, 16));
});

test('WAF-encoded SQL is decoded; a bad payload is "Bad parameter encoding"', async () => {
  const s = "SELECT Name FROM People WHERE Name LIKE 'A%' AND Email <> 'x+y@z' ORDER BY Name";
  expect(wafDecode(waf(s))).toBe(s);
  const r = await lists(waf(s));
  expect(r.status).toBe(200);
  expect(r.body.rows.map((x: any) => x.Name)).toEqual(['Ada Lovelace', 'Alan Turing']);
  const bad = await lists(WAF_PREFIX + 'not base64!');
  expect(bad.status).toBe(500);
  expect(bad.body).toMatchObject({ exception: 'Bad parameter encoding', success: false });
});

test('maxRows, offset, query.sort, includeTotalCount', async () => {
  const r = await sql({ schemaName: 'lists', sql: 'SELECT Key, Name FROM Generated', maxRows: '3', offset: '10', 'query.sort': '-key' });
  expect(r.body.rows.map((x: any) => x.Key)).toEqual([990, 989, 988]);
  expect(r.body.rowCount).toBe(1000);
  expect(r.body.metaData.sortInfo).toEqual({ field: 'Key', direction: 'DESC' });
  expect((await sql({ schemaName: 'lists', sql: 'SELECT Key FROM Generated', maxRows: '3', includeTotalCount: 'false' })).body.rowCount).toBe(3);
  expect((await sql({ schemaName: 'lists', sql: 'SELECT Key FROM Generated', maxRows: '-1' })).body.rows).toHaveLength(1000);
  const meta = await sql({ schemaName: 'lists', sql: 'SELECT Key FROM Generated', maxRows: '0' });
  expect(meta.body.rows).toEqual([]);
  expect(meta.body).not.toHaveProperty('rowCount');
  expect(meta.body.metaData.fields[0].name).toBe('Key');
});

test('default page size is 100000 and a trailing semicolon is accepted', async () => {
  const r = await lists('WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 100005) SELECT i FROM s;');
  expect(r.status).toBe(200);
  expect(r.body.rows).toHaveLength(100000);
  expect(r.body.rowCount).toBe(100005);
});

test('the schema is checked first: missing or unknown schema is a 404, even without sql', async () => {
  for (const r of [await sql({ sql: 'SELECT 1' }), await sql({ schemaName: 'nope', sql: 'SELECT 1' }), await sql({ schemaName: 'nope' })]) {
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ exception: 'The specified schema does not exist', exceptionClass: 'org.labkey.api.view.NotFoundException', success: false });
  }
  const noSql = await sql({ schemaName: 'lists' });
  expect(noSql.status).toBe(400);
  expect(noSql.body.success).toBe(false);
});

describe('only SELECT; errors are QueryParseExceptions (500)', () => {
  const parse = 'org.labkey.api.query.QueryParseException';
  test.each([
    ['DELETE FROM People'],
    ['UPDATE People SET Age = 1'],
    ["INSERT INTO People (Name) VALUES ('x')"],
    ['DROP TABLE People'],
    ["ATTACH DATABASE ':memory:' AS x"],
    ['PRAGMA table_info(People)'],
    ['/* hi */ -- there\n DELETE FROM People'],
    ['SELECT 1; DELETE FROM People'],
    ['WITH x AS (SELECT 1) DELETE FROM People'],
  ])('%s is refused', async (s) => {
    const r = await lists(s);
    expect(r.status).toBe(500);
    expect(r.body.exceptionClass).toBe(parse);
    expect(r.body.success).toBe(false);
  });

  test('nothing was changed by the refused statements', async () => {
    expect((await lists('SELECT COUNT(*) AS n FROM People')).body.rows).toEqual([{ n: 5 }]);
  });

  test('syntax error, unknown table, unknown column', async () => {
    const a = await lists('SELECT FROM WHERE');
    expect(a.status).toBe(500);
    expect(a.body.exceptionClass).toBe(parse);
    expect(a.body.exception).toMatch(/^Syntax error near/);
    expect((await lists('SELECT * FROM Nope')).body.exception).toBe('Query or table not found: Nope');
    expect((await lists('SELECT Nope FROM People')).body.exception).toBe('Unknown field [Nope]');
  });
});

test('another container sees only its own lists', async () => {
  expect((await sql({ schemaName: 'lists', sql: 'SELECT * FROM People' }, '/Shared')).body.exception).toBe('Query or table not found: People');
});

test('SQL cannot reach a virtual schema from lists, and vice versa', async () => {
  const e = createQueryEngine({ generatedRows: 0 });
  try {
    e.registerVirtualTable('core', 'Users', {
      columns: [
        { name: 'UserId', type: 'int', keyField: true },
        { name: 'Email', type: 'string' },
      ],
      visible: () => true,
      rows: () => [{ UserId: 1002, Email: 'bob@lk.test' }],
    });
    const run = (schemaName: string, s: string) => e.executeSql({ params: { schemaName: [schemaName], sql: [s] }, container: '/home', user: bob }) as Promise<any>;
    expect((await run('core', 'SELECT Email FROM Users')).body.rows).toEqual([{ Email: 'bob@lk.test' }]);
    expect((await run('core', 'SELECT Email FROM core.Users')).body.rows).toEqual([{ Email: 'bob@lk.test' }]);
    expect((await run('lists', 'SELECT * FROM core.Users')).status).toBe(500);
    expect((await run('core', 'SELECT * FROM lists.People')).status).toBe(500);
    expect((await run('core', 'SELECT * FROM People')).body.exception).toBe('Query or table not found: People');
  } finally {
    e.close();
  }
});

test('LabKey SQL functions SQLite lacks: NOW, CURDATE, YEAR…, LCASE/UCASE, LEFT/RIGHT, USERID, USERNAME, ISEQUAL', async () => {
  const r = await lists(
    "SELECT NOW() AS n, CURDATE() AS d, YEAR(g.Created) AS y, MONTH(g.Created) AS m, DAYOFMONTH(g.Created) AS dd, HOUR(g.Created) AS h, LCASE(g.Name) AS lc, UCASE(g.Name) AS uc, LEFT(g.Name, 3) AS l, RIGHT(g.Name, 2) AS rt, USERID() AS uid, USERNAME() AS un, ISEQUAL(Category, 'beta') AS b FROM Generated g LEFT JOIN People p ON p.Key = g.Key WHERE g.Key = 1",
  );
  expect(r.body.exception).toBeUndefined();
  expect(r.status).toBe(200);
  expect(r.body.rows).toEqual([
    { n: '2024-06-01 00:00:00.000', d: '2024-06-01 00:00:00.000', y: 2024, m: 5, dd: 31, h: 7, lc: 'row 1', uc: 'ROW 1', l: 'Row', rt: ' 1', uid: 1002, un: 'bob', b: 1 },
  ]);
});

test('odd column aliases stay plain keys (no prototype games)', async () => {
  const r = await sql({ schemaName: 'lists', sql: 'SELECT 1 AS "__proto__", 2 AS "a""b", 3 AS "constructor"', apiVersion: '9.1' });
  expect(r.status).toBe(200);
  expect(Object.keys(r.body.rows[0])).toEqual(['__proto__', 'a"b', 'constructor']);
  expect(JSON.parse(JSON.stringify(r.body.rows[0]))).toEqual(JSON.parse('{"__proto__":{"value":1},"a\\"b":{"value":2},"constructor":{"value":3}}'));
});

test('SQL that never ends cannot hang the server: counts and "all rows" are capped', async () => {
  const capped = createQueryEngine({ seed: 'empty', sqlRowCap: 5000, sqlCountCap: 20000 });
  try {
    const run = (p: Record<string, string>) => capped.executeSql({ params: Object.fromEntries(Object.entries(p).map(([k, v]) => [k, [v]])), container: '/home', user: bob }) as Promise<{ status: number; body: any }>;
    const forever = 'WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s) SELECT i FROM s';
    const page = await run({ schemaName: 'lists', sql: forever, maxRows: '3' });
    expect(page.status).toBe(200);
    expect(page.body.rows).toEqual([{ i: 1 }, { i: 2 }, { i: 3 }]);
    expect(page.body.rowCount).toBe(20000);
    const all = await run({ schemaName: 'lists', sql: forever, maxRows: '-1' });
    expect(all.status).toBe(500);
    expect(all.body.exception).toMatch(/more than 5000 rows/);
    expect((await run({ schemaName: 'lists', sql: 'WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 5000) SELECT i FROM s', maxRows: '-1' })).body.rows).toHaveLength(5000);
  } finally {
    capped.close();
  }
});

test('load_extension is not available to SQL', async () => {
  const r = await lists("SELECT load_extension('/tmp/nothing')");
  expect(r.status).toBe(500);
  expect(r.body.success).toBe(false);
});
