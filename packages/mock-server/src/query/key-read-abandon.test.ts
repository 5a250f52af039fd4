// A 1,000,000-row maxRows=-1 answer (read from SQLite as it is written, key-read.ts) whose client
// goes away after its first bytes: a write to the container afterwards must not read the rest of
// its rows for nobody (it did while the read stayed registered with its connection until GC).
// A real socket to the real mock server; rows counted as read, not time.
import { connect } from 'node:net';
import { startMockServer, type MockServer } from '@lk/mock-server';
import { request } from 'undici';
import { keyOrderRowsRead } from './key-read.js';

const ROWS = 1_000_000;
let server: MockServer;
let key: string;
let csrf: string;

beforeAll(async () => {
  server = await startMockServer({ generatedRows: ROWS });
  key = server.state.issueApiKey('alice@lk.test').key;
  // The CSRF token comes from whoAmI, with its cookie (double submit).
  const r = await request(`${server.url}/login-whoAmI.api`, { headers: { apikey: key } });
  csrf = ((await r.body.json()) as { CSRF: string }).CSRF;
}, 120_000);
afterAll(() => server.close());

/** Asks for every row over a raw socket and closes it once `bytes` of the answer are in. */
function abandonAfter(bytes: number): Promise<void> {
  const path = `/home/query-selectRows.api?schemaName=lists&query.queryName=Generated&query.maxRows=-1`;
  return new Promise((resolve, reject) => {
    const s = connect(server.port, '127.0.0.1', () => {
      s.write(`GET ${new URL(server.url).pathname}${path} HTTP/1.1\r\nHost: localhost:${server.port}\r\napikey: ${key}\r\n\r\n`);
    });
    let got = 0;
    s.on('data', (d: Buffer) => {
      got += d.length;
      if (got >= bytes) s.destroy();
    });
    s.on('close', () => resolve());
    s.on('error', reject);
  });
}

async function insertRow(): Promise<number> {
  const r = await request(`${server.url}/home/query-insertRows.api`, {
    method: 'POST',
    headers: { apikey: key, 'content-type': 'application/json', 'x-labkey-csrf': csrf, cookie: `X-LABKEY-CSRF=${csrf}` },
    body: JSON.stringify({ schemaName: 'lists', queryName: 'Generated', rows: [{ Name: 'after' }] }),
  });
  await r.body.text();
  return r.statusCode;
}

test('a write after an abandoned 1,000,000-row answer does not read its remaining rows', async () => {
  const before = keyOrderRowsRead();
  await abandonAfter(256 * 1024);
  // The server sees the close (its 'close' event) on a later turn of its event loop.
  for (let i = 0; i < 50; i++) await new Promise((r) => setTimeout(r, 10));
  const read = keyOrderRowsRead() - before;
  expect(read).toBeGreaterThan(0); // the answer had begun
  expect(read).toBeLessThan(ROWS / 2);
  expect(await insertRow()).toBe(200);
  expect(keyOrderRowsRead() - before).toBe(read); // the insert read none of the abandoned rows
});

test('a write while an answer is still being written still makes it read the rest first', async () => {
  // A client that stops reading but stays connected: the answer is not abandoned.
  const path = `${server.url}/home/query-selectRows.api?schemaName=lists&query.queryName=Generated&query.maxRows=-1&query.columns=Key`;
  const r = await request(path, { headers: { apikey: key } });
  const before = keyOrderRowsRead();
  expect(await insertRow()).toBe(200);
  expect(keyOrderRowsRead() - before).toBeGreaterThan(ROWS / 2);
  const rows = (JSON.parse(await r.body.text()) as { rows: unknown[] }).rows;
  expect(rows).toHaveLength(ROWS + 1); // as the rows were when it came: one inserted by the test before
});
