// CSRF: the token is fetched once (login-whoAmI.api) before the first mutating POST, sent as the
// X-LABKEY-CSRF header with its cookie, and refreshed once after a CSRF 401.
import { request as httpRequest } from 'node:http';
import type { MockServer } from '@lk/mock-server';
import { ErrorCodes, isCsrfError } from '@lk/sdk';
import { clientFor, logFor, mockWithAlice, rawServer, rejection, type RawServer } from './helpers.js';

let server: MockServer;
let key: string;
mockWithAlice((s, k) => ((server = s), (key = k)));

/** A pass-through proxy to the mock that can drop the Cookie header of chosen requests. */
async function cookieDroppingProxy(drop: (method: string, url: string, n: number) => boolean): Promise<RawServer> {
  let n = 0;
  return rawServer((req, res, body) => {
    const headers = { ...req.headers, host: `127.0.0.1:${server.port}` };
    if (req.method === 'POST' && drop(req.method, req.url ?? '', ++n)) delete headers.cookie;
    const up = httpRequest({ host: '127.0.0.1', port: server.port, method: req.method, path: req.url, headers }, (ur) => {
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      ur.pipe(res);
    });
    up.end(body);
  });
}

const createKey = { controller: 'security', action: 'createApiKey', method: 'POST' as const, json: { type: 'apikey', description: 'csrf test' } };

test('the token is fetched once for many mutating POSTs, and sent with its cookie', async () => {
  const before = logFor(server, 'whoAmI').length;
  const beforeCreate = logFor(server, 'createApiKey').length;
  const c = clientFor(server, { apiKey: key });
  for (let i = 0; i < 3; i++) {
    const r = await c.request<{ apikey: string }>(createKey);
    expect(r.apikey).toMatch(/^[0-9a-f]{64}$/);
  }
  expect(logFor(server, 'whoAmI').length - before).toBe(1);
  const creates = logFor(server, 'createApiKey').slice(beforeCreate);
  expect(creates.map((e) => e.csrf)).toEqual(['valid', 'valid', 'valid']);
  expect(creates.map((e) => e.authForm)).toEqual(['apikey-header', 'apikey-header', 'apikey-header']);
  await c.close();
});

test('a read-only POST (executeSql) does not fetch a token', async () => {
  const before = logFor(server, 'whoAmI').length;
  const c = clientFor(server, { apiKey: key });
  await rejection(c.executeSql({ schemaName: 'nosuchschema', sql: 'SELECT 1' }));
  expect(logFor(server, 'whoAmI').length - before).toBe(0);
  await c.close();
});

test('a CSRF 401 refreshes the token once and the retry succeeds', async () => {
  const proxy = await cookieDroppingProxy((_m, url, n) => url.includes('createApiKey') && n === 1);
  try {
    const before = logFor(server, 'whoAmI').length;
    const beforeCreate = logFor(server, 'createApiKey').length;
    const lines: string[] = [];
    const c = clientFor(server, { baseUrl: proxy.origin + '/labkey', apiKey: key }, lines);
    const r = await c.request<{ apikey: string }>(createKey);
    expect(r.apikey).toMatch(/^[0-9a-f]{64}$/);
    expect(logFor(server, 'whoAmI').length - before).toBe(2);
    expect(logFor(server, 'createApiKey').slice(beforeCreate).map((e) => e.csrf)).toEqual(['invalid', 'valid']);
    expect(lines.some((l) => /CSRF token refused/.test(l))).toBe(true);
    expect(lines.join('\n')).not.toContain(key); // the retry's debug lines hold no key
    await c.close();
  } finally {
    await proxy.close();
  }
});

test('a CSRF 401 that persists after the refresh → CsrfError', async () => {
  const proxy = await cookieDroppingProxy(() => true);
  try {
    const beforeCreate = logFor(server, 'createApiKey').length;
    const c = clientFor(server, { baseUrl: proxy.origin + '/labkey', apiKey: key });
    const e = await rejection(c.request(createKey));
    expect(isCsrfError(e)).toBe(true);
    expect(e.code).toBe(ErrorCodes.CSRF);
    expect(e.status).toBe(401);
    expect(e.serverException).toMatch(/invalid security context/);
    expect(e.hint).toMatch(/X-LABKEY-CSRF/);
    expect(logFor(server, 'createApiKey').length - beforeCreate).toBe(2);
    await c.close();
  } finally {
    await proxy.close();
  }
});

test('concurrent first writes share one credential resolution and one token fetch', async () => {
  const before = logFor(server, 'whoAmI').length;
  // The credential sources write to the client's debug sink (the one clientFor gives it).
  const sdkLines: string[] = [];
  const c = clientFor(server, { apiKey: key }, sdkLines);
  const results = await Promise.all(Array.from({ length: 8 }, () => c.request<{ apikey: string }>(createKey)));
  expect(new Set(results.map((r) => r.apikey)).size).toBe(8);
  await c.close();
  expect(logFor(server, 'whoAmI').length - before).toBe(1);
  expect(sdkLines.filter((l) => l.startsWith('credentials:chain => using option'))).toHaveLength(1);
});

test('a whoAmI answer without a CSRF token → a typed BadResponseError, not a bare Error', async () => {
  const srv = await rawServer((req, res) => {
    const body = JSON.stringify({ id: 1, email: 'x@lk.test', displayName: 'x' });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  try {
    const c = clientFor(server, { baseUrl: srv.origin + '/labkey', apiKey: key });
    const e = await rejection(c.insertRows({ schemaName: 'lists', queryName: 'people', rows: [{ name: 'x' }] }));
    expect(e.code).toBe(ErrorCodes.BAD_RESPONSE);
    expect(e.message).toMatch(/login-whoAmI\.api answered without a CSRF token/);
    expect(e.hint).toMatch(/lk doctor/);
    expect(e.request.method).toBe('GET');
    expect(srv.requests.map((r) => r.method)).toEqual(['GET']); // the POST was not sent without a token
    await c.close();
  } finally {
    await srv.close();
  }
});
