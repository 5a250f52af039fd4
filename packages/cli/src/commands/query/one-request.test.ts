// lk query select|sql export raw pages (csv, tsv, ndjson not on a terminal, parquet, arrow) in ONE
// streamed request; --page-size keeps the paged requests. Counted in the real mock's request log.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDeps, type TestDeps } from '../../testing/test-deps.js';
import { useMockServer } from '../../testing/harness.js';
import { runSelect } from './select.js';
import { runSql } from './sql.js';

const server = useMockServer({ generatedRows: 12_345 });
let deps: TestDeps;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const requestsOf = (action: string, from: number) => server.requests.slice(from).filter((r) => r.action?.toLowerCase() === action.toLowerCase());

async function withKey(): Promise<void> {
  const { key } = server.state.issueApiKey('alice@lk.test');
  deps = await createTestDeps({ env: { LABKEY_API_KEY: key } });
}

it.each(['csv', 'tsv', 'ndjson'] as const)('select --format %s: one request, every row', async (format) => {
  await withKey();
  const before = server.requests.length;
  const n = await runSelect('lists', 'Generated', { server: server.url, filter: [], format }, deps);
  expect(n).toBe(12_345);
  expect(deps.io.stdout().trimEnd().split('\n')).toHaveLength(format === 'ndjson' ? 12_345 : 12_346);
  expect(requestsOf('selectRows', before)).toHaveLength(1);
  deps.cleanup();
});

it('select --format parquet --output: one request', async () => {
  await withKey();
  const dir = mkdtempSync(join(tmpdir(), 'lk-one-'));
  dirs.push(dir);
  const before = server.requests.length;
  const n = await runSelect('lists', 'Generated', { server: server.url, filter: [], format: 'parquet', output: join(dir, 'g.parquet') }, deps);
  expect(n).toBe(12_345);
  expect(readFileSync(join(dir, 'g.parquet')).subarray(0, 4).toString()).toBe('PAR1');
  expect(requestsOf('selectRows', before)).toHaveLength(1);
  deps.cleanup();
});

it('sql --format csv: one request; --page-size N keeps paged requests', async () => {
  await withKey();
  let before = server.requests.length;
  expect(await runSql('SELECT Key FROM Generated', { server: server.url, schema: 'lists', format: 'csv' }, deps)).toBe(12_345);
  expect(requestsOf('executeSql', before)).toHaveLength(1);
  const one = deps.io.stdout();
  deps.cleanup();
  await withKey();
  before = server.requests.length;
  expect(await runSql('SELECT Key FROM Generated', { server: server.url, schema: 'lists', format: 'csv', pageSize: 5000 }, deps)).toBe(12_345);
  expect(requestsOf('executeSql', before)).toHaveLength(3);
  expect(deps.io.stdout()).toBe(one);
  deps.cleanup();
});
