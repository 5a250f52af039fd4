// selectRowsIter pages through 1,000,000 rows in bounded memory: peak RSS growth stays under
// 100 MB. Its own file, so no other test's garbage muddies the measurement.
import { startMockServer, type MockServer } from '@lk/mock-server';
import { createClient, type LabKeyClient } from '@lk/sdk';

jest.setTimeout(600_000);

let server: MockServer;
let client: LabKeyClient;

beforeAll(async () => {
  server = await startMockServer({ generatedRows: 1_000_000 });
  client = createClient({
    baseUrl: server.url,
    apiKey: server.state.issueApiKey('alice@lk.test').key,
    retries: 0,
    resolveContext: { env: {}, keychain: undefined, homedir: undefined },
  });
});
afterAll(async () => {
  await client.close();
  await server.close();
});

test('1,000,000 rows, every one seen once, peak RSS growth < 100 MB', async () => {
  // Warm up (undici, JIT, the mock's statement cache) before the baseline.
  for await (const _ of client.selectRowsIter({ schemaName: 'lists', queryName: 'Generated', maxRows: 10_000, pageSize: 5000 })) void _;
  (globalThis as { gc?: () => void }).gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  let n = 0;
  let sum = 0;
  let lastKey = 0;
  let ordered = true;
  for await (const row of client.selectRowsIter<{ Key: number; Value: number }>({ schemaName: 'lists', queryName: 'Generated', sort: 'Key', pageSize: 5000 })) {
    n++;
    sum += row.Key;
    if (row.Key <= lastKey) ordered = false;
    lastKey = row.Key;
    if ((n & 4095) === 0) {
      const rss = process.memoryUsage().rss;
      if (rss > peak) peak = rss;
    }
  }
  const growthMb = (peak - baseline) / 1024 / 1024;
  // eslint-disable-next-line no-console
  console.log(`selectRowsIter: ${n} rows, peak RSS growth ${growthMb.toFixed(1)} MB (baseline ${(baseline / 1048576).toFixed(0)} MB; mock server in-process)`);
  expect(n).toBe(1_000_000);
  expect(sum).toBe((1_000_000 * 1_000_001) / 2);
  expect(ordered).toBe(true);
  expect(growthMb).toBeLessThan(100);
});
