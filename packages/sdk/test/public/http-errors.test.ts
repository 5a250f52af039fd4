// Every error toLabKeyError can produce, each with its code, status and a hint naming the cause.
import { startMockServer, type MockServer } from '@lk/mock-server';
import {
  ErrorCodes,
  isAbortedError,
  isBadResponseError,
  isForbiddenError,
  isHttpError,
  isMethodNotAllowedError,
  isNetworkError,
  isNotFoundError,
  isServerError,
  isTimeoutError,
  isTooManyRedirectsError,
  isValidationError,
  isWrongContextPathError,
} from '@lk/sdk';
import { clientFor, mockWithAlice, rawServers, rejection, sendJson } from './helpers.js';

let server: MockServer;
let aliceKey: string;
const raw = rawServers();

mockWithAlice((s, k) => ((server = s), (aliceKey = k)));

function expectShape(e: any, code: string, status: number | undefined) {
  expect(isHttpError(e)).toBe(true);
  expect(e.code).toBe(code);
  expect(e.status).toBe(status);
  expect(typeof e.hint).toBe('string');
  expect(e.hint.length).toBeGreaterThan(10);
  expect(e.docsUrl).toMatch(new RegExp(`#${code.toLowerCase()}$`));
  expect(e.request).toEqual({ method: expect.any(String), url: expect.stringMatching(/^http:\/\/127\.0\.0\.1/), headerNames: expect.any(Array) });
}

test('403 Forbidden: signed in, not allowed', async () => {
  const c = clientFor(server, { apiKey: aliceKey });
  const e = await rejection(c.request({ controller: 'user', action: 'impersonateUser', method: 'POST', json: { email: 'bob@lk.test' } }));
  expect(isForbiddenError(e)).toBe(true);
  expectShape(e, ErrorCodes.FORBIDDEN, 403);
  expect(e.serverException).toMatch(/does not have permission/);
  expect(e.message).toMatch(/the apiKey option/);
  // The request is redacted: header names only, never values.
  expect(e.request.headerNames).toContain('apikey');
  expect(JSON.stringify(e.request)).not.toContain(aliceKey);
});

test('404 JSON for an unknown container → NotFoundError (container)', async () => {
  const c = clientFor(server, { apiKey: aliceKey });
  const e = await rejection(c.getContainers({ container: '/NoSuchProject' }));
  expect(isNotFoundError(e)).toBe(true);
  expectShape(e, ErrorCodes.NOT_FOUND, 404);
  expect(e.what).toBe('container');
  expect(e.serverException).toMatch(/No such project: \/NoSuchProject/);
  expect(e.hint).toMatch(/container path/);
  expect(e.problem).toBe(e.serverException);
  expect(e.detail).toBe(`${e.request.method} ${e.request.url}: ${e.problem}`);
});

test("an error names the request without the SDK's own query parameters (format, paging, total); its request keeps them", async () => {
  const c = clientFor(server, { apiKey: aliceKey });
  const e = await rejection(c.selectRows({ schemaName: 'lists', queryName: 'Nope', maxRows: 10 }));
  expect(isNotFoundError(e)).toBe(true);
  expect(e.request.url).toMatch(/respFormat=json_compact/);
  expect(e.request.url).toMatch(/query\.maxRows=10/);
  const shown = e.detail.slice(0, e.detail.indexOf(': '));
  expect(shown).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/labkey\/home\/query-selectRows\.api\?schemaName=lists&query\.queryName=Nope$/);
  expect(e.message).not.toMatch(/respFormat|maxRows|offset|includeTotalCount/);
});

test('base URL with /labkey against a root-context server → NotFound container, hint names the context path', async () => {
  const root = await startMockServer({ contextPath: '' });
  try {
    const c = clientFor(root, { baseUrl: root.origin + '/labkey', apiKey: root.state.issueApiKey('alice@lk.test').key });
    const e = await rejection(c.getContainers());
    expect(isNotFoundError(e)).toBe(true);
    expect(e.serverException).toMatch(/No such project: \/labkey/);
    expect(e.hint).toMatch(/context path: \/labkey vs none/);
  } finally {
    await root.close();
  }
});

test('base URL without /labkey against a /labkey server → WrongContextPathError', async () => {
  const c = clientFor(server, { baseUrl: server.origin, apiKey: aliceKey });
  const e = await rejection(c.getContainers());
  expect(isWrongContextPathError(e)).toBe(true);
  expectShape(e, ErrorCodes.WRONG_CONTEXT_PATH, 404);
  expect(e.hint).toMatch(/check the context path: \/labkey vs none/i);
});

test('HTML 404 (a web server without LabKey at that path) → WrongContextPathError', async () => {
  const r = await raw((_q, res) => {
    res.writeHead(404, { 'content-type': 'text/html' });
    res.end('<!doctype html><html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>');
  });
  const c = clientFor(server, { baseUrl: r.origin + '/labkey', apiKey: aliceKey });
  const e = await rejection(c.whoAmI());
  expect(isWrongContextPathError(e)).toBe(true);
  expectShape(e, ErrorCodes.WRONG_CONTEXT_PATH, 404);
  expect(e.hint).toMatch(/check the context path: \/labkey vs none/i);
  expect(e.message).toMatch(/HTML page/);
});

test('an HTML login page with 200 → WrongContextPathError', async () => {
  const r = await raw((_q, res) => {
    res.writeHead(200, { 'content-type': 'text/html;charset=UTF-8' });
    res.end('<html><head><title>Sign In</title></head><body><form action="/login-login.view"><input type="password" name="password"></form></body></html>');
  });
  const c = clientFor(server, { baseUrl: r.origin, apiKey: aliceKey });
  const e = await rejection(c.selectRows({ schemaName: 'lists', queryName: 'People' }));
  expect(isWrongContextPathError(e)).toBe(true);
  expect(e.status).toBe(200);
  expect(e.message).toMatch(/login page/);
  expect(e.hint).toMatch(/context path/);
});

test('405: GET on a mutating action → MethodNotAllowedError', async () => {
  const c = clientFor(server, { apiKey: aliceKey });
  const e = await rejection(c.request({ controller: 'security', action: 'createApiKey', method: 'GET', params: { type: 'apikey' } }));
  expect(isMethodNotAllowedError(e)).toBe(true);
  expectShape(e, ErrorCodes.METHOD_NOT_ALLOWED, 405);
  expect(e.serverException).toBe('Method Not Allowed: GET');
});

test('500 with exceptionClass → ServerError carrying both', async () => {
  const c = clientFor(server, { apiKey: aliceKey });
  const e = await rejection(c.request({ controller: 'security', action: 'createApiKey', method: 'POST', json: {} }));
  expect(isServerError(e)).toBe(true);
  expectShape(e, ErrorCodes.SERVER_ERROR, 500);
  expect(e.exceptionClass).toEqual(expect.stringMatching(/\w+\.\w+/));
  expect(e.message).toContain(e.exceptionClass);
});

test('LabKey SQL naming a table or a column the server does not have: the hint names the discovery command that lists them', async () => {
  const c = clientFor(server, { apiKey: aliceKey });
  // Before, both: "Fix the LabKey SQL (the message above is the parser's); a saved query that does not parse fails the same way."
  const table = await rejection(c.executeSql({ schemaName: 'lists', sql: 'SELECT Name FROM Peple' }));
  expect(isServerError(table)).toBe(true);
  expect(table.serverException).toMatch(/Query or table not found: Peple/);
  expect(table.hint).toBe('Check the table name after FROM (case matters for some): `lk query queries <schema>` lists the queries of a schema.');
  const column = await rejection(c.executeSql({ schemaName: 'lists', sql: 'SELECT Nope FROM People' }));
  expect(column.serverException).toMatch(/Unknown field \[Nope\]/);
  expect(column.hint).toBe('Check the column name (case matters for some): `lk query columns <schema> <query>` lists the columns of a query.');
  const syntax = await rejection(c.executeSql({ schemaName: 'lists', sql: 'SELECT Name FROM People WHERE' }));
  expect(syntax.hint).toMatch(/^Fix the LabKey SQL/);
});

test('400 with errors → ValidationError with the flattened list', async () => {
  const r = await raw((_q, res) =>
    sendJson(res, 400, {
      success: false,
      exception: 'Age: could not convert "abc"',
      errors: [{ exception: 'row 1', rowNumber: 1, errors: [{ field: 'Age', msg: 'x', message: 'Age: could not convert "abc"' }] }],
      errorCount: 1,
    }),
  );
  const c = clientFor(server, { baseUrl: r.origin + '/labkey', apiKey: aliceKey });
  const e = await rejection(c.request({ controller: 'query', action: 'selectRows', params: { schemaName: 'lists' } }));
  expect(isValidationError(e)).toBe(true);
  expectShape(e, ErrorCodes.VALIDATION, 400);
  expect(e.errors).toEqual([{ message: 'Age: could not convert "abc"', field: 'Age', rowNumber: 1 }]);
});

test('a 200 body that is not JSON → BadResponseError', async () => {
  const r = await raw((_q, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('hello');
  });
  const c = clientFor(server, { baseUrl: r.origin, apiKey: aliceKey });
  const e = await rejection(c.whoAmI());
  expect(isBadResponseError(e)).toBe(true);
  expectShape(e, ErrorCodes.BAD_RESPONSE, 200);
  expect(e.contentType).toBe('text/plain');
});

test('a truncated JSON body (connection closed mid-body) → BadResponseError', async () => {
  const r = await raw((_q, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
    res.write('{"rows":[{"Name":"a"},');
    setTimeout(() => res.socket?.destroy(), 20);
  });
  const c = clientFor(server, { baseUrl: r.origin, apiKey: aliceKey });
  const e = await rejection(c.selectRows({ schemaName: 'lists', queryName: 'People' }));
  expect(isBadResponseError(e)).toBe(true);
  expect(e.code).toBe(ErrorCodes.BAD_RESPONSE);
  expect(e.status).toBe(200);
  expect(e.message).toMatch(/broke off/);
});

test('a truncated chunked body that ends cleanly but is not complete JSON → BadResponseError', async () => {
  const r = await raw((_q, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"rows":[{"Name":"a"},');
  });
  const c = clientFor(server, { baseUrl: r.origin, apiKey: aliceKey });
  const e = await rejection(c.selectRows({ schemaName: 'lists', queryName: 'People' }));
  expect(isBadResponseError(e)).toBe(true);
  expect(e.message).toMatch(/cut off or invalid/);
});

test('connection refused → NetworkError', async () => {
  const r = await raw(() => {});
  const port = r.port;
  await r.close();
  const c = clientFor(server, { baseUrl: `http://127.0.0.1:${port}`, apiKey: aliceKey });
  const e = await rejection(c.whoAmI());
  expect(isNetworkError(e)).toBe(true);
  expectShape(e, ErrorCodes.NETWORK, undefined);
  expect(e.errno).toBe('ECONNREFUSED');
  expect(e.hint).toMatch(/server is running/);
  // The text without the request, for a caller that names the URL itself; the detail has both.
  expect(e.problem).toBe('connection refused (nothing listens at that host and port)');
  expect(e.detail).toBe(`GET http://127.0.0.1:${port}/login-whoAmI.api: ${e.problem}`);
  expect(e.message).toBe(`[lk-sdk] ${e.detail}`);
});

test('a hung connection (no headers) → TimeoutError after the headers timeout', async () => {
  const r = await raw(() => {
    /* never answer */
  });
  const c = clientFor(server, { baseUrl: r.origin, apiKey: aliceKey, timeouts: { headers: 300 } });
  const e = await rejection(c.whoAmI());
  expect(isTimeoutError(e)).toBe(true);
  expectShape(e, ErrorCodes.TIMEOUT, undefined);
  expect(e.phase).toBe('headers');
  expect(e.timeoutMs).toBe(300);
  await c.close();
});

test('a body that stalls → TimeoutError (body)', async () => {
  const r = await raw((_q, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
    res.write('{"id":');
  });
  const c = clientFor(server, { baseUrl: r.origin, apiKey: aliceKey, timeouts: { body: 300 } });
  const e = await rejection(c.whoAmI());
  expect(isTimeoutError(e)).toBe(true);
  expect(e.phase).toBe('body');
  expect(e.status).toBe(200);
  await c.close();
});

test('AbortSignal cancels a hung request → AbortedError', async () => {
  const r = await raw(() => {});
  const c = clientFor(server, { baseUrl: r.origin, apiKey: aliceKey });
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 100);
  const e = await rejection(c.whoAmI({ signal: ac.signal }));
  expect(isAbortedError(e)).toBe(true);
  expect(e.code).toBe(ErrorCodes.ABORTED);
  await c.close();
});

test('idempotent requests are retried on 503 and succeed; mutating POSTs are not retried', async () => {
  let n = 0;
  const r = await raw((q, res) => {
    n++;
    if (q.url?.includes('whoAmI') && n <= 2) return sendJson(res, 503, { exception: 'busy' });
    if (q.url?.includes('whoAmI')) return sendJson(res, 200, { id: 7, email: 'x@lk.test', displayName: 'x', CSRF: 'f'.repeat(64), success: true });
    return sendJson(res, 503, { exception: 'busy' });
  });
  const c = clientFor(server, { baseUrl: r.origin, apiKey: aliceKey, retries: 2 });
  expect((await c.whoAmI()).id).toBe(7);
  expect(r.requests.filter((q) => q.url.includes('whoAmI'))).toHaveLength(3);
  const e = await rejection(c.insertRows({ schemaName: 'lists', queryName: 'People', rows: [{ Name: 'x' }] }));
  expect(isServerError(e)).toBe(true);
  expect(e.status).toBe(503);
  expect(r.requests.filter((q) => q.url.includes('insertRows'))).toHaveLength(1);
});

test('a redirect loop → TooManyRedirectsError after 5 redirects', async () => {
  const r = await raw((q, res) => {
    res.writeHead(302, { location: q.url + 'x' });
    res.end();
  });
  const c = clientFor(server, { baseUrl: r.origin, apiKey: aliceKey });
  const e = await rejection(c.whoAmI());
  expect(isTooManyRedirectsError(e)).toBe(true);
  expect(e.code).toBe(ErrorCodes.TOO_MANY_REDIRECTS);
  expect(e.redirects).toBe(6);
  expect(r.requests).toHaveLength(6);
});
