/**
 * One signed-in user against the mock (issue 12, finding 6): a runaway executeSql (recursive CTE)
 * is stopped at the statement time cap with a 500 and the mock answers again right after; blob
 * functions that would allocate past the cap are refused instead of aborting the process; 40
 * concurrent 15 MB bodies are held at most 64 MiB at a time (the rest get 503).
 */
import { request } from 'undici';
import { createClient, type LabKeyError } from '@lk/sdk';
import { startMockServer, type MockServer } from '@lk/mock-server';

let mock: MockServer;
let key: string;
beforeAll(async () => {
  mock = await startMockServer({ generatedRows: 10 });
  key = mock.state.issueApiKey('alice@lk.test').key;
});
afterAll(() => mock.close());

const RUNAWAY = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x, printf(\'%0100d\', x) AS pad FROM c';

describe('the mock caps what one user can make it do', () => {
  it('stops a runaway recursive CTE at the time cap, then answers others again', async () => {
    const client = createClient({ baseUrl: mock.url, apiKey: key, retries: 0 });
    const other = createClient({ baseUrl: mock.url, apiKey: mock.state.issueApiKey('bob@lk.test').key, retries: 0 });
    try {
      const t0 = Date.now();
      const e = (await client.executeSql({ schemaName: 'lists', sql: RUNAWAY, maxRows: -1 } as never).catch((err: unknown) => err)) as LabKeyError;
      const ms = Date.now() - t0;
      expect(e.code).toBe('LK_SERVER_ERROR');
      expect(e.message).toMatch(/ran longer than 5000 ms|larger than \d+ bytes/);
      expect(ms).toBeLessThan(20_000);
      const t1 = Date.now();
      expect((await other.whoAmI()).email).toBe('bob@lk.test');
      expect(Date.now() - t1).toBeLessThan(200);
    } finally {
      await client.close();
      await other.close();
    }
  }, 60_000);

  it('refuses zeroblob/randomblob past the cap instead of aborting the process', async () => {
    const client = createClient({ baseUrl: mock.url, apiKey: key, retries: 0 });
    try {
      for (const sql of ['SELECT length(zeroblob(300000000)) AS n', 'SELECT length(randomblob(300000000)) AS n']) {
        const e = (await client.executeSql({ schemaName: 'lists', sql } as never).catch((err: unknown) => err)) as LabKeyError;
        expect(e.code).toMatch(/^LK_/);
        expect(e.message).toMatch(/larger than 16777216 bytes/);
      }
      const small = await client.executeSql({ schemaName: 'lists', sql: 'SELECT length(zeroblob(1000)) AS n' } as never);
      expect(small.rows[0]).toMatchObject({ n: 1000 });
      expect((await client.whoAmI()).email).toBe('alice@lk.test');
    } finally {
      await client.close();
    }
  });

  it('holds at most 64 MiB of request bodies at once: 40 concurrent 15 MB bodies get 200/4xx or 503, none hang', async () => {
    const body = Buffer.alloc(15 * 1024 * 1024, 'a');
    let peak = 0;
    const watch = setInterval(() => (peak = Math.max(peak, mock.bodiesInFlight())), 2);
    try {
      const statuses = await Promise.all(
        Array.from({ length: 40 }, async () => {
          const r = await request(`${mock.url}/home/query-executeSql.api`, {
            method: 'POST',
            headers: { apikey: key, 'content-type': 'application/x-www-form-urlencoded' },
            body,
          }).catch(() => undefined);
          if (!r) return 0;
          await r.body.dump();
          return r.statusCode;
        }),
      );
      expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
      expect(peak).toBeLessThanOrEqual(64 * 1024 * 1024);
    } finally {
      clearInterval(watch);
    }
    expect(mock.bodiesInFlight()).toBe(0);
    const client = createClient({ baseUrl: mock.url, apiKey: key, retries: 0 });
    expect((await client.whoAmI()).email).toBe('alice@lk.test');
    await client.close();
  }, 60_000);
});
