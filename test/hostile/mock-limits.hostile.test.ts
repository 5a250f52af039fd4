/**
 * One signed-in user against the mock (issue 12, finding 6): a runaway executeSql (a recursive CTE,
 * endless rows or an aggregate over endless rows) runs in the mock's SQL runner process, so other
 * clients keep being answered while it runs, and it is stopped at the statement time cap with a
 * 500; the mock runs SQL again right after. Blob functions that would allocate past the cap are
 * refused instead of aborting the process; 40 concurrent 15 MB bodies are held at most 64 MiB at
 * a time (the rest get 503).
 */
import { request } from 'undici';
import { createClient, type LabKeyError } from '@lk/sdk';
import { startMockServer, type MockServer } from '@lk/mock-server';

/** The statement time cap the mock runs with here (the default is 5 s). */
const CAP_MS = 1500;

let mock: MockServer;
let key: string;
beforeAll(async () => {
  mock = await startMockServer({ generatedRows: 10, sqlTimeCapMs: CAP_MS });
  key = mock.state.issueApiKey('alice@lk.test').key;
});
afterAll(() => mock.close());

const RUNAWAY = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x, printf(\'%0100d\', x) AS pad FROM c';
/** Produces no row until it ends, and never ends. */
const RUNAWAY_AGGREGATE = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) AS n FROM c';

/**
 * Runs `runaway` and, while it is in flight, times a second client's whoAmI every 100 ms.
 * Returns the runaway's error, how long it took, and each sample's latency and whether the
 * runaway was still unanswered when the sample came back.
 */
async function whileRunaway(runaway: () => Promise<unknown>): Promise<{ error: LabKeyError; ms: number; samples: { ms: number; inFlight: boolean }[] }> {
  const other = createClient({ baseUrl: mock.url, apiKey: mock.state.issueApiKey('bob@lk.test').key, retries: 0 });
  try {
    await other.whoAmI(); // connection open, SDK warm: the samples time the server only
    let settled = false;
    const t0 = Date.now();
    const running = runaway().then(
      () => {
        settled = true;
        throw new Error('the runaway statement succeeded');
      },
      (e: unknown) => {
        settled = true;
        return { error: e as LabKeyError, ms: Date.now() - t0 };
      },
    );
    const samples: { ms: number; inFlight: boolean }[] = [];
    await new Promise((r) => setTimeout(r, 100));
    while (!settled) {
      const t1 = Date.now();
      expect((await other.whoAmI()).email).toBe('bob@lk.test');
      samples.push({ ms: Date.now() - t1, inFlight: !settled });
      await new Promise((r) => setTimeout(r, 100));
    }
    return { ...(await running), samples };
  } finally {
    await other.close();
  }
}

describe('the mock caps what one user can make it do', () => {
  it("answers another client's whoAmI within 200 ms while an aggregate over an endless CTE runs, stops it at the cap, and runs SQL again after", async () => {
    const client = createClient({ baseUrl: mock.url, apiKey: key, retries: 0 });
    try {
      const { error, ms, samples } = await whileRunaway(() => client.executeSql({ schemaName: 'lists', sql: RUNAWAY_AGGREGATE } as never));
      expect(error.code).toBe('LK_SERVER_ERROR');
      expect(error.message).toContain(`ran longer than ${CAP_MS} ms`);
      expect(ms).toBeGreaterThanOrEqual(CAP_MS - 50);
      expect(ms).toBeLessThan(CAP_MS + 1500);
      // Sampled while the statement was running: each sample came back before the runaway's answer.
      expect(samples.filter((s) => s.inFlight).length).toBeGreaterThanOrEqual(5);
      for (const s of samples.filter((x) => x.inFlight)) expect(s.ms).toBeLessThan(200);
      // The runner was killed at the cap; the next statement gets a fresh one, with the caller's context.
      const after = await client.executeSql<{ n: number; me: number }>({ schemaName: 'lists', sql: 'SELECT count(*) AS n, USERID() AS me FROM People' } as never);
      expect(after.rows[0]).toEqual({ n: 5, me: mock.state.user('alice@lk.test')!.id });
    } finally {
      await client.close();
    }
  }, 60_000);

  it('stops a runaway recursive CTE that produces rows at the time or size cap, answering others meanwhile', async () => {
    const client = createClient({ baseUrl: mock.url, apiKey: key, retries: 0 });
    try {
      const { error, ms, samples } = await whileRunaway(() => client.executeSql({ schemaName: 'lists', sql: RUNAWAY, maxRows: -1 } as never));
      expect(error.code).toBe('LK_SERVER_ERROR');
      expect(error.message).toMatch(new RegExp(`ran longer than ${CAP_MS} ms|larger than \\d+ bytes`));
      expect(ms).toBeLessThan(CAP_MS + 1500);
      for (const s of samples.filter((x) => x.inFlight)) expect(s.ms).toBeLessThan(200);
      const after = await client.executeSql<{ n: number }>({ schemaName: 'lists', sql: 'SELECT count(*) AS n FROM Generated' } as never);
      expect(after.rows[0]).toEqual({ n: 10 });
    } finally {
      await client.close();
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
      // Blobs under the per-blob cap that add up past the answer's size cap: the size message.
      const huge = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100) SELECT x, zeroblob(16000000) AS b FROM c';
      const e = (await client.executeSql({ schemaName: 'lists', sql: huge, maxRows: -1 } as never).catch((err: unknown) => err)) as LabKeyError;
      expect(e.code).toBe('LK_SERVER_ERROR');
      expect(e.message).toMatch(/result is larger than 67108864 bytes/);
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
