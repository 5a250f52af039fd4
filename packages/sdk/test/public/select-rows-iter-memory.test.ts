// selectRowsIter pages through 1,000,000 rows in bounded memory: peak RSS growth stays under
// 100 MB. The mock server runs as its own program (the built lk-mock-server), so this process's
// RSS is the SDK's alone: the server's SQLite pages and JSON buffers are not counted against it.
// Its own file, so no other test's garbage muddies the measurement.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { createClient, type LabKeyClient } from '@lk/sdk';

jest.setTimeout(600_000);

const root = join(__dirname, '..', '..', '..', '..');
const bin = join(root, 'packages', 'mock-server', 'dist', 'bin', 'lk-mock-server.js');

let child: ChildProcess;
let client: LabKeyClient;

beforeAll(async () => {
  if (!existsSync(bin)) {
    const built = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b'], { cwd: root, stdio: 'inherit' });
    expect(built.status).toBe(0);
  }
  child = spawn(process.execPath, [bin, '--port', '0', '--generated-rows', '1000000', '--control'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`lk-mock-server exited with ${code} before listening:\n${out}`)));
  });
  const origin = new URL(url).origin;
  const issued = await request(`${origin}/_mock/keys`, { method: 'POST', body: JSON.stringify({ email: 'alice@lk.test' }) });
  expect(issued.statusCode).toBe(200);
  const { key } = (await issued.body.json()) as { key: string };
  client = createClient({
    baseUrl: url,
    apiKey: key,
    retries: 0,
    resolveContext: { env: {}, keychain: undefined, homedir: undefined },
  });
});
afterAll(async () => {
  await client?.close();
  child?.kill('SIGTERM');
});

test('1,000,000 rows, every one seen once, peak RSS growth < 100 MB', async () => {
  // Warm up (undici, JIT, the server's statement cache) before the baseline.
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
    if ((n & 1023) === 0) {
      const rss = process.memoryUsage().rss;
      if (rss > peak) peak = rss;
    }
  }
  const growthMb = (peak - baseline) / 1024 / 1024;
  // eslint-disable-next-line no-console
  console.log(`selectRowsIter: ${n} rows, peak RSS growth ${growthMb.toFixed(1)} MB (baseline ${(baseline / 1048576).toFixed(0)} MB; mock server in its own process)`);
  expect(n).toBe(1_000_000);
  expect(sum).toBe((1_000_000 * 1_000_001) / 2);
  expect(ordered).toBe(true);
  expect(growthMb).toBeLessThan(100);
});
