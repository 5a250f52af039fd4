// `oneRequest`: selectRowsRawPages / executeSqlRawPages read the whole result in ONE request (as
// LabKey's own clients do), its body cut into pages as it streams in. Against the real mock (the
// requests counted in its request log), and against node:http servers that misbehave mid-stream.
import { startMockServer, type MockServer } from '@lk/mock-server';
import type { LabKeyClient, RawRowsPage } from '@lk/sdk';
import type { ServerResponse } from 'node:http';
import { clientFor, logFor, rawServers, rejection } from './helpers.js';

jest.setTimeout(60_000);

/** More than the mock's default maxRows (100,000): all of them come only with maxRows -1. */
const N = 150_001;
let server: MockServer;
let key: string;
const raw = rawServers();

beforeAll(async () => {
  server = await startMockServer({ generatedRows: N });
  key = server.state.issueApiKey('alice@lk.test').key;
});
afterAll(() => server.close());

async function all(pages: AsyncIterable<RawRowsPage<Record<string, unknown>>>): Promise<{ counts: number[]; rows: Record<string, unknown>[] }> {
  const counts: number[] = [];
  const rows: Record<string, unknown>[] = [];
  for await (const p of pages) {
    counts.push(p.count);
    for (const r of p.rows()) rows.push(r);
  }
  return { counts, rows };
}

describe('against the mock', () => {
  let c: LabKeyClient;
  beforeAll(() => {
    c = clientFor(server, { apiKey: key });
  });
  afterAll(() => c.close());

  test('selectRows: every row in one request, cut into pages of pageSize rows, the same rows as paging gives', async () => {
    const before = logFor(server, 'selectRows').length;
    let meta: { fields: unknown[]; rowCount: number | undefined } | undefined;
    const one = await all(c.selectRowsRawPages({ schemaName: 'lists', queryName: 'Generated', oneRequest: true, pageSize: 7000, onMetadata: (m) => (meta = m) }));
    expect(logFor(server, 'selectRows').length - before).toBe(1);
    expect(one.rows.length).toBe(N);
    expect(one.counts.slice(0, -1).every((n) => n === 7000)).toBe(true);
    expect(one.counts.length).toBe(Math.ceil(N / 7000));
    // LabKey (and the mock) write rowCount after the rows: not known at the first page.
    expect(meta?.fields.length).toBeGreaterThan(0);
    expect(meta?.rowCount).toBeUndefined();

    const mid = logFor(server, 'selectRows').length;
    const paged = await all(c.selectRowsRawPages({ schemaName: 'lists', queryName: 'Generated', pageSize: 50_000 }));
    expect(logFor(server, 'selectRows').length - mid).toBe(4);
    expect(one.rows).toEqual(paged.rows);
  });

  test("selectRows: the caller's maxRows and offset go to the one request", async () => {
    const before = logFor(server, 'selectRows').length;
    const one = await all(c.selectRowsRawPages({ schemaName: 'lists', queryName: 'Generated', oneRequest: true, maxRows: 2500, offset: 100, pageSize: 1000, sort: 'Key' }));
    expect(logFor(server, 'selectRows').length - before).toBe(1);
    expect(one.counts).toEqual([1000, 1000, 500]);
    const want = await c.selectRows({ schemaName: 'lists', queryName: 'Generated', maxRows: 2500, offset: 100, sort: 'Key' });
    expect(one.rows).toEqual(want.rows);
  });

  test('executeSql: one request, every row', async () => {
    const before = logFor(server, 'executeSql').length;
    const one = await all(c.executeSqlRawPages({ schemaName: 'lists', sql: 'SELECT Key, Name FROM Generated', oneRequest: true }));
    expect(logFor(server, 'executeSql').length - before).toBe(1);
    expect(one.rows.length).toBe(N);
    expect(one.counts[0]).toBe(1000);
  });

  test('errors before the rows go the usual way: an unknown query is a NotFoundError naming the closest', async () => {
    const e = await rejection(all(c.selectRowsRawPages({ schemaName: 'lists', queryName: 'Generatd', oneRequest: true })));
    expect(e).toMatchObject({ name: 'NotFoundError', status: 404 });
    expect(e.suggestions).toContain('Generated');
  });

  test('stopping early aborts the one request; the client goes on working', async () => {
    let n = 0;
    for await (const p of c.selectRowsRawPages({ schemaName: 'lists', queryName: 'Generated', oneRequest: true, pageSize: 100 })) {
      n += p.count;
      if (n >= 300) break;
    }
    expect(n).toBe(300);
    expect((await c.selectRows({ schemaName: 'lists', queryName: 'Generated', maxRows: 1 })).rows.length).toBe(1);
  });
});

// A LabKey-shaped answer written by hand.
const PRE = '{"schemaName":"lists","queryName":"T","formatVersion":8.3,"metaData":{"root":"rows","fields":[{"name":"Key","type":"int"},{"name":"Name","type":"string"}]},"columnModel":[],"rows":[';
const row = (i: number, name = `n${i}`) => JSON.stringify({ Key: i, Name: name });
const rowsText = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => row(from + k)).join(',');

function start(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8' });
}

const pagesOf = (c: LabKeyClient, extra: object = {}) => c.selectRowsRawPages({ schemaName: 'lists', queryName: 'T', oneRequest: true, pageSize: 10, ...extra });

describe('hostile servers', () => {
  test('a body that ends inside the rows array is an error saying how many rows came, never a shorter result', async () => {
    const r = await raw((_q, res) => {
      start(res);
      res.end(PRE + rowsText(0, 25) + ',{"Key":25,"Na');
    });
    const c = clientFor(server, { baseUrl: r.origin, apiKey: key });
    const got: number[] = [];
    const e = await rejection(
      (async () => {
        for await (const p of pagesOf(c)) got.push(p.count);
      })(),
    );
    expect(e).toMatchObject({ name: 'BadResponseError', code: 'LK_BAD_RESPONSE' });
    expect(e.message).toContain("the server's answer ended after 25 rows, before the result was complete");
    // Full pages before the cut were given; the cut page never was.
    expect(got).toEqual([10, 10]);
    await c.close();
  });

  test('a body that ends after the rows array but before its end is an error too', async () => {
    const r = await raw((_q, res) => {
      start(res);
      res.end(PRE + rowsText(0, 5) + '],"rowCount":');
    });
    const c = clientFor(server, { baseUrl: r.origin, apiKey: key });
    const e = await rejection(all(pagesOf(c)));
    expect(e.name).toBe('BadResponseError');
    expect(e.message).toMatch(/ended after 5 rows, but its end is not valid JSON/);
    await c.close();
  });

  test('a connection that breaks mid-row is a BadResponseError with the row count', async () => {
    const r = await raw((_q, res) => {
      start(res);
      res.write(PRE + rowsText(0, 12) + ',{"Key":12');
      setTimeout(() => res.socket?.destroy(), 50);
    });
    const c = clientFor(server, { baseUrl: r.origin, apiKey: key });
    const e = await rejection(all(pagesOf(c)));
    expect(e.name).toBe('BadResponseError');
    expect(e.message).toMatch(/broke off after 12 rows, before the result was complete/);
    await c.close();
  });

  test('a server that stalls mid-stream is ended by the body timeout', async () => {
    const r = await raw((_q, res) => {
      start(res);
      res.write(PRE + rowsText(0, 15)); // and then silence
    });
    const c = clientFor(server, { baseUrl: r.origin, apiKey: key, timeouts: { body: 400 } });
    const e = await rejection(all(pagesOf(c)));
    expect(e).toMatchObject({ name: 'TimeoutError', phase: 'body' });
    await c.close();
  });

  test('a healthy stream longer than the total timeout completes: the total applies per page', async () => {
    const r = await raw((_q, res) => {
      start(res);
      res.write(PRE + row(0));
      let i = 1;
      const t = setInterval(() => {
        if (i === 30) {
          clearInterval(t);
          res.end('],"rowCount":30}');
          return;
        }
        res.write(',' + row(i++));
      }, 60);
    });
    // 30 rows 60 ms apart: ~1.8 s in all, each page of 5 rows well within the 1 s total.
    const c = clientFor(server, { baseUrl: r.origin, apiKey: key, timeouts: { total: 1000 } });
    const { rows, counts } = await all(pagesOf(c, { pageSize: 5 }));
    expect(rows.length).toBe(30);
    expect(counts).toEqual([5, 5, 5, 5, 5, 5]);
    await c.close();
  });

  test('a server that trickles one page slower than the total timeout is a TimeoutError (total)', async () => {
    const r = await raw((_q, res) => {
      start(res);
      res.write(PRE + row(0));
      let i = 1;
      const t = setInterval(() => {
        if (res.destroyed || i > 200) return clearInterval(t);
        res.write(',' + row(i++));
      }, 50);
    });
    const c = clientFor(server, { baseUrl: r.origin, apiKey: key, timeouts: { total: 500, body: 5000 } });
    const e = await rejection(all(pagesOf(c, { pageSize: 100 })));
    expect(e).toMatchObject({ name: 'TimeoutError', phase: 'total' });
    await c.close();
  });

  test('maxResponseBytes caps one page, not the stream: 3 MB of rows under a 256 kB cap; one row over it is ResponseTooLargeError', async () => {
    const big = 'x'.repeat(300);
    const r = await raw((q, res) => {
      start(res);
      if (q.url?.includes('Huge')) {
        res.end(PRE + rowsText(0, 3) + ',' + row(3, 'y'.repeat(300_000)) + '],"rowCount":4}');
        return;
      }
      res.write(PRE);
      for (let i = 0; i < 10_000; i++) res.write((i ? ',' : '') + row(i, big));
      res.end('],"rowCount":10000}');
    });
    const c = clientFor(server, { baseUrl: r.origin, apiKey: key, maxResponseBytes: 256 * 1024 });
    const { rows, counts } = await all(pagesOf(c, { pageSize: 5000 }));
    expect(rows.length).toBe(10_000);
    expect(rows[9999]).toEqual({ Key: 9999, Name: big });
    // Pages cut by the byte cap before pageSize.
    expect(Math.max(...counts)).toBeLessThan(5000);
    const e = await rejection(all(c.selectRowsRawPages({ schemaName: 'lists', queryName: 'Huge', oneRequest: true })));
    expect(e).toMatchObject({ name: 'ResponseTooLargeError', limitBytes: 256 * 1024 });
    expect(e.message).toContain('row 4 of the answer is larger than 262144 bytes');
    await c.close();
  });

  test('200 with an HTML page is read whole and reported as today (WrongContextPathError)', async () => {
    const r = await raw((_q, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body><form action="login-login.view">Sign in</form></body></html>');
    });
    const c = clientFor(server, { baseUrl: r.origin, apiKey: key });
    const e = await rejection(all(pagesOf(c)));
    expect(e.name).toBe('WrongContextPathError');
    await c.close();
  });

  test("LabKey's error object written where the next row would go (a failure after the response was committed) is a ServerError, not rows", async () => {
    // ApiResponseWriter.write: on an exception mid-render it writes {"exception",...,"success":false} straight after what was sent.
    const r = await raw((_q, res) => {
      start(res);
      res.end(PRE + rowsText(0, 13) + '{"exception":"canceling statement due to user request","exceptionClass":"org.postgresql.util.PSQLException","stackTrace":[],"success":false}');
    });
    const c = clientFor(server, { baseUrl: r.origin, apiKey: key });
    const e = await rejection(all(pagesOf(c)));
    expect(e).toMatchObject({ name: 'ServerError', serverException: 'canceling statement due to user request', exceptionClass: 'org.postgresql.util.PSQLException' });
    expect(e.message).toContain('failed after sending 13 rows');
    await c.close();
  });

  test('a server that echoes the key in its error object mid-rows, or in a failed end, or in a cut row: the error names it nowhere', async () => {
    const r = await raw((q, res) => {
      start(res);
      if (q.url?.includes('Mid')) res.end(PRE + rowsText(0, 5) + JSON.stringify({ exception: `bad key ${key} (apikey|${key})`, exceptionClass: 'X', success: false }));
      else if (q.url?.includes('Tail')) res.end(PRE + rowsText(0, 2) + `],"success":false,"exception":"key ${key} refused"}`);
      else res.end(PRE + rowsText(0, 2) + `,[99,"${key}`);
    });
    const c = clientFor(server, { baseUrl: r.origin, apiKey: key });
    for (const queryName of ['Mid', 'Tail', 'Cut']) {
      const e = await rejection(all(c.selectRowsRawPages({ schemaName: 'lists', queryName, oneRequest: true })));
      expect([queryName, e.name]).toEqual([queryName, queryName === 'Cut' ? 'BadResponseError' : 'ServerError']);
      const seen = `${e.message} ${String((e as { hint?: string }).hint)} ${JSON.stringify(e)} ${String((e as { serverException?: string }).serverException)}`;
      expect([queryName, seen.includes(key)]).toEqual([queryName, false]);
      // The server's words are kept, the key in them masked (so the check above reads real text).
      if (queryName === 'Mid') expect((e as { serverException?: string }).serverException).toMatch(/^bad key \[key fp=[0-9a-f]{8}\] \(apikey\|\[key fp=[0-9a-f]{8}\]\)$/);
    }
    await c.close();
  });

  test('an end that says the query failed ({"success":false} after the rows) is a ServerError', async () => {
    const r = await raw((_q, res) => {
      start(res);
      res.end(PRE + rowsText(0, 3) + '],"success":false,"exception":"boom"}');
    });
    const c = clientFor(server, { baseUrl: r.origin, apiKey: key });
    const e = await rejection(all(pagesOf(c)));
    expect(e).toMatchObject({ name: 'ServerError', serverException: 'boom' });
    await c.close();
  });

  test("the caller's signal stops the stream, before the rows and mid-stream (AbortedError)", async () => {
    const r = await raw((q, res) => {
      start(res);
      if (q.url?.includes('Before')) res.write(PRE.slice(0, 30));
      else res.write(PRE + rowsText(0, 12));
      // and then silence: only the signal ends it
    });
    const c = clientFor(server, { baseUrl: r.origin, apiKey: key, timeouts: { body: 20_000 } });
    const ac = new AbortController();
    let n = 0;
    const mid = await rejection(
      (async () => {
        for await (const p of pagesOf(c, { signal: ac.signal })) {
          n += p.count;
          setTimeout(() => ac.abort(), 50);
        }
      })(),
    );
    expect(mid.name).toBe('AbortedError');
    expect(n).toBe(10);
    const ac2 = new AbortController();
    setTimeout(() => ac2.abort(), 100);
    const before = await rejection(all(c.selectRowsRawPages({ schemaName: 'lists', queryName: 'Before', oneRequest: true, signal: ac2.signal })));
    expect(before.name).toBe('AbortedError');
    await c.close();
  });

  test('a non-2xx answer is read whole, as today (401 with a key: ApiKeyRejectedError)', async () => {
    const r = await raw((_q, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ exception: 'The API key is not valid', success: false }));
    });
    const c = clientFor(server, { baseUrl: r.origin, apiKey: key });
    const e = await rejection(all(pagesOf(c)));
    expect(e.name).toBe('ApiKeyRejectedError');
    await c.close();
  });
});
