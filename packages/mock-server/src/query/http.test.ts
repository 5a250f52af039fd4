// The query engine behind the real mock server, over plain HTTP (undici): the request shapes the
// official clients send for selectRows, executeSql and insertRows (protocol §4.1, §4.3, §4.4).
import { startMockServer, type MockServer } from '@lk/mock-server';
import { request } from 'undici';
import { STREAM_ABOVE } from '../json-body.js';

const AUTH = 'Basic ' + Buffer.from('alice@lk.test:alice-password').toString('base64');

let server: MockServer;
let csrf: string;

beforeAll(async () => {
  server = await startMockServer({ generatedRows: 25_000, now: new Date(2024, 0, 1, 0, 0, 0) });
  // The CSRF token comes from whoAmI, with its cookie (double submit).
  const r = await request(`${server.url}/login-whoAmI.api`, { headers: { authorization: AUTH } });
  csrf = ((await r.body.json()) as { CSRF: string }).CSRF;
  expect(csrf).toMatch(/^[0-9a-f]{64}$/);
});
afterAll(() => server.close());

async function call(path: string, o: { json?: unknown; form?: Record<string, string>; csrf?: boolean } = {}) {
  const headers: Record<string, string> = { authorization: AUTH };
  let body: string | undefined;
  if (o.json !== undefined) {
    body = JSON.stringify(o.json);
    headers['content-type'] = 'application/json';
  } else if (o.form) {
    body = new URLSearchParams(o.form).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  if (o.csrf) {
    headers['x-labkey-csrf'] = csrf;
    headers.cookie = `X-LABKEY-CSRF=${csrf}`;
  }
  const r = await request(server.url + path, { method: body === undefined ? 'GET' : 'POST', headers, body });
  const text = await r.body.text();
  return { status: r.statusCode, type: String(r.headers['content-type']), body: JSON.parse(text) as any };
}

test('JS style: GET selectRows pages through lists.Generated with maxRows + offset (17.1)', async () => {
  const seen: number[] = [];
  let rowCount = -1;
  for (let offset = 0; ; offset += 5000) {
    const r = await call(`/home/query-selectRows.api?schemaName=lists&query.queryName=Generated&query.maxRows=5000&query.offset=${offset}&apiVersion=17.1&query.columns=Key,Created`);
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^application\/json/);
    rowCount = r.body.rowCount;
    for (const row of r.body.rows) seen.push(row.data.Key.value);
    if (r.body.rows.length < 5000) break;
  }
  expect(rowCount).toBe(25_000);
  expect(seen).toHaveLength(25_000);
  expect(seen.every((k, i) => k === i + 1)).toBe(true);
});

test('Rlabkey style: JSON POST with query.maxRows -1 and apiVersion 8.3', async () => {
  const r = await call('/home/query-selectRows.api', { json: { schemaName: 'lists', queryName: 'People', apiVersion: '8.3', 'query.maxRows': -1, 'query.Age~gte': 80 } });
  expect(r.status).toBe(200);
  expect(r.body.formatVersion).toBe(8.3);
  expect(r.body.rows.map((x: any) => x.Name)).toEqual(['Grace Hopper', 'Katherine Johnson']);
  expect(r.body).not.toHaveProperty('success');
});

test('Python style: form POST to query-getQuery.api; a bad containerFilter is a 500', async () => {
  const r = await call('/home/query-getQuery.api', { form: { schemaName: 'lists', 'query.queryName': 'People', 'query.sort': '-Key', 'query.maxRows': '2' } });
  expect(r.status).toBe(200);
  expect(r.body.rows.map((x: any) => x.Key)).toEqual([5, 4]);
  expect(r.body.rowCount).toBe(5);
  const bad = await call('/home/query-getQuery.api', { form: { schemaName: 'lists', 'query.queryName': 'People', containerFilter: 'everything' } });
  expect(bad.status).toBe(500);
  expect(bad.body.exception).toBe("'containerFilter' parameter is not valid");
});

test('unknown query over HTTP: 404 NotFoundException body', async () => {
  const r = await call('/home/query-selectRows.api?schemaName=lists&query.queryName=Nope');
  expect(r.status).toBe(404);
  expect(r.body).toMatchObject({ exception: "The specified query 'Nope' does not exist in schema 'lists'", exceptionClass: 'org.labkey.api.view.NotFoundException', success: false });
});

test('executeSql: WAF-encoded JSON POST (JS), plain form POST (Python), parse error', async () => {
  const s = "SELECT Category, COUNT(*) AS n FROM lists.Generated WHERE Name LIKE 'Row 1%' GROUP BY Category ORDER BY Category";
  const waf = '/*{{base64/x-www-form-urlencoded/wafText}}*/' + Buffer.from(encodeURIComponent(s)).toString('base64');
  const a = await call('/home/query-executeSql.api', { json: { schemaName: 'lists', sql: waf, apiVersion: 17.1 } });
  expect(a.status).toBe(200);
  expect(a.body.queryName).toBe('sql');
  const total = a.body.rows.reduce((n: number, r: any) => n + r.data.n.value, 0);
  // 'Row 1', 'Row 10'-'Row 19', 'Row 100'-…: 1 + 10 + 100 + 1000 + 10000 keys below 25,000.
  expect(total).toBe(11_111);
  const b = await call('/home/query-executeSql.api', { form: { schemaName: 'lists', sql: s, maxRows: '1', offset: '1' } });
  expect(b.body.rows).toEqual([{ Category: 'beta', n: expect.any(Number) }]);
  expect(b.body.rowCount).toBe(3);
  const bad = await call('/home/query-executeSql.api', { form: { schemaName: 'lists', sql: 'DELETE FROM People' } });
  expect(bad.status).toBe(500);
  expect(bad.body.exceptionClass).toBe('org.labkey.api.query.QueryParseException');
});

test('insertRows with CSRF: the row is readable at once; no rows gives 400', async () => {
  const ins = await call('/home/query-insertRows.api', { json: { schemaName: 'lists', queryName: 'People', rows: [{ Name: 'Over HTTP', Age: 9 }] }, csrf: true });
  expect(ins.status).toBe(200);
  expect(ins.body).toMatchObject({ command: 'insert', rowsAffected: 1, rows: [{ Name: 'Over HTTP', Age: 9 }] });
  const key = ins.body.rows[0].Key;
  const sel = await call(`/home/query-selectRows.api?schemaName=lists&query.queryName=People&query.Key~eq=${key}`);
  expect(sel.body.rows).toEqual([{ Key: key, Name: 'Over HTTP', Age: 9, Email: null }]);
  const none = await call('/home/query-insertRows.api', { json: { schemaName: 'lists', queryName: 'People', rows: [] }, csrf: true });
  expect(none.status).toBe(400);
  expect(none.body.exception).toBe("No 'rows' array supplied.");
});

test('a large selectRows answer is streamed chunked, with the bytes of JSON.stringify (pretty by default, compact on request); a small one has a Content-Length', async () => {
  const get = async (qs: string) => {
    const r = await request(`${server.url}/home/query-selectRows.api?schemaName=lists&query.queryName=Generated&${qs}`, { headers: { authorization: AUTH } });
    return { headers: r.headers, text: await r.body.text() };
  };
  const pretty = await get('query.maxRows=22500&query.offset=100');
  expect(pretty.headers['transfer-encoding']).toBe('chunked');
  expect(pretty.headers['content-length']).toBeUndefined();
  const parsed = JSON.parse(pretty.text);
  expect(pretty.text).toBe(JSON.stringify(parsed, null, 2));
  expect(parsed.rows).toHaveLength(22500);
  expect(parsed.rows[0].Key).toBe(101);
  expect(Object.keys(parsed)).toEqual(['schemaName', 'queryName', 'formatVersion', 'metaData', 'columnModel', 'rows', 'rowCount']);
  const compact = await get('query.maxRows=22500&query.offset=100&respFormat=json_compact&apiVersion=17.1');
  expect(compact.headers['transfer-encoding']).toBe('chunked');
  expect(compact.text).toBe(JSON.stringify(JSON.parse(compact.text)));
  expect(JSON.parse(compact.text).rows[22499].data.Key.value).toBe(22600);
  // A page as lk asks for it (5,000 rows) is streamed too; one of at most STREAM_ABOVE rows is one write.
  const page = await get('query.maxRows=5000&respFormat=json_compact');
  expect(page.headers['transfer-encoding']).toBe('chunked');
  expect(page.text).toBe(JSON.stringify(JSON.parse(page.text)));
  expect(JSON.parse(page.text).rows).toHaveLength(5000);
  const small = await get(`query.maxRows=${STREAM_ABOVE}`);
  expect(Number(small.headers['content-length'])).toBe(Buffer.byteLength(small.text));
  expect(small.text).toBe(JSON.stringify(JSON.parse(small.text), null, 2));
});
