// How the transport reads an answer (undici's dispatch handler API, no response stream): a body in
// many chunks, 1xx answers before the real one, the size cap from Content-Length, redirect bodies
// dropped (a long one without reading it all: its connection is closed), and the caller's signal or the overall deadline
// stopping a request before it is sent, mid-body, or during a retry's backoff.
import type { MockServer } from '@lk/mock-server';
import { ErrorCodes, isAbortedError, isTimeoutError } from '@lk/sdk';
import { clientFor, mockWithAlice, rawServers, rejection, sendJson } from './helpers.js';

let server: MockServer;
let aliceKey: string;
const raw = rawServers();

mockWithAlice((s, k) => ((server = s), (aliceKey = k)));

const action = { controller: 'test', action: 'answer', container: '/' } as const;

test('a body written in many chunks arrives whole', async () => {
  const rows = Array.from({ length: 3000 }, (_, i) => ({ i, text: `row ${i} ✓ ${'x'.repeat(i % 50)}` }));
  const text = JSON.stringify({ rows });
  const r = await raw((_q, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    // Pieces that split multi-byte characters too.
    const bytes = Buffer.from(text);
    for (let at = 0; at < bytes.length; at += 1001) res.write(bytes.subarray(at, at + 1001));
    res.end();
  });
  const c = clientFor(server, { baseUrl: r.origin, apiKey: aliceKey });
  expect(await c.request(action)).toEqual({ rows });
  await c.close();
});

test('1xx answers before the real one are skipped', async () => {
  const r = await raw((_q, res) => {
    res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' });
    sendJson(res, 200, { success: true, n: 1 });
  });
  const c = clientFor(server, { baseUrl: r.origin, apiKey: aliceKey });
  expect(await c.request(action)).toEqual({ success: true, n: 1 });
  await c.close();
});

test('a Content-Length over maxResponseBytes fails at the headers, before any of the body is read', async () => {
  const r = await raw((_q, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024) });
    res.write('{"rows":['); // and then nothing: reading the body would end in the body timeout
  });
  const c = clientFor(server, { baseUrl: r.origin, apiKey: aliceKey, maxResponseBytes: 1024 * 1024, timeouts: { body: 20_000 } });
  const t0 = Date.now();
  const e = await rejection(c.request(action));
  expect(e).toMatchObject({ name: 'ResponseTooLargeError', status: 200, limitBytes: 1024 * 1024 });
  expect(Date.now() - t0).toBeLessThan(10_000);
  await c.close();
});

test('a redirect with a short body is followed; one with a long body is followed without reading it all', async () => {
  const long = Buffer.alloc(4 * 1024 * 1024, 'r');
  let longSent = 0;
  const r = await raw((q, res) => {
    if (q.url.startsWith('/short/')) {
      res.writeHead(302, { location: '/done/x.api', 'content-length': '15' });
      return res.end('<p>moved</p>\n\n\n');
    }
    if (q.url.startsWith('/long/')) {
      res.writeHead(302, { location: '/done/x.api' });
      const pump = (): void => {
        while (!res.destroyed && longSent < long.length) {
          const piece = long.subarray(longSent, longSent + 64 * 1024);
          longSent += piece.length;
          if (!res.write(piece)) return void res.once('drain', pump);
        }
        if (!res.destroyed) res.end();
      };
      return pump();
    }
    sendJson(res, 200, { success: true, at: q.url });
  });
  const c = clientFor(server, { baseUrl: r.origin, apiKey: aliceKey });
  expect(await c.request({ controller: 'a', action: 'b', container: '/short' })).toEqual({ success: true, at: '/done/x.api' });
  expect(r.requests.map((q) => q.url)).toEqual(['/short/a-b.api', '/done/x.api']);
  expect(await c.request({ controller: 'a', action: 'b', container: '/long' })).toEqual({ success: true, at: '/done/x.api' });
  // The long body was dropped after 128 KiB and its connection closed, so the server never sent it all.
  expect(longSent).toBeLessThan(long.length);
  await c.close();
});

test('an aborted signal sends nothing', async () => {
  const r = await raw((_q, res) => sendJson(res, 200, { success: true }));
  const c = clientFor(server, { baseUrl: r.origin, apiKey: aliceKey });
  const ac = new AbortController();
  ac.abort();
  const e = await rejection(c.request({ ...action, signal: ac.signal }));
  expect(isAbortedError(e)).toBe(true);
  expect(r.requests).toHaveLength(0);
  await c.close();
});

test('a signal that fires mid-body stops the read and closes the connection', async () => {
  let closed = false;
  const r = await raw((_q, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"rows":[');
    const t = setInterval(() => res.write('1,'), 20);
    res.on('close', () => {
      clearInterval(t);
      closed = true;
    });
  });
  const c = clientFor(server, { baseUrl: r.origin, apiKey: aliceKey });
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 150);
  const e = await rejection(c.request({ ...action, signal: ac.signal }));
  expect(isAbortedError(e)).toBe(true);
  expect(e.code).toBe(ErrorCodes.ABORTED);
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(closed).toBe(true);
  await c.close();
});

test('a signal that fires during a retry backoff stops it at once', async () => {
  const r = await raw((_q, res) => sendJson(res, 503, { exception: 'busy' }, { 'retry-after': '3' }));
  const c = clientFor(server, { baseUrl: r.origin, apiKey: aliceKey, retries: 2 });
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 200);
  const t0 = Date.now();
  const e = await rejection(c.request({ ...action, signal: ac.signal }));
  expect(isAbortedError(e)).toBe(true);
  expect(Date.now() - t0).toBeLessThan(2500);
  expect(r.requests).toHaveLength(1);
  await c.close();
});

test('the overall deadline ends a retry backoff with a TimeoutError (total)', async () => {
  const r = await raw((_q, res) => sendJson(res, 503, { exception: 'busy' }, { 'retry-after': '3' }));
  const c = clientFor(server, { baseUrl: r.origin, apiKey: aliceKey, retries: 2, timeouts: { total: 300 } });
  const t0 = Date.now();
  const e = await rejection(c.request(action));
  expect(isTimeoutError(e)).toBe(true);
  expect(e).toMatchObject({ phase: 'total', timeoutMs: 300 });
  expect(Date.now() - t0).toBeLessThan(2500);
  await c.close();
});
