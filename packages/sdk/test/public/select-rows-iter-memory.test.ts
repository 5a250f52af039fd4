// selectRowsIter pages through 1,000,000 rows in bounded memory: peak RSS growth stays under
// 100 MB. Both sides run in fresh processes of their own: the mock server as the built
// lk-mock-server program, and the iteration as a child using the built SDK
// (fixtures/iterate-generated.mjs). In the jest worker itself, RSS would also count the garbage
// left by every earlier test file of the run (measured: 303 MB "growth" there, 52 MB alone).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';

jest.setTimeout(600_000);

const root = join(__dirname, '..', '..', '..', '..');
const bin = join(root, 'packages', 'mock-server', 'dist', 'bin', 'lk-mock-server.js');

let server: ChildProcess;
let url: string;
let key: string;

beforeAll(async () => {
  if (!existsSync(bin) || !existsSync(join(root, 'packages', 'sdk', 'dist', 'index.js'))) {
    const built = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b'], { cwd: root, stdio: 'inherit' });
    expect(built.status).toBe(0);
  }
  server = spawn(process.execPath, [bin, '--port', '0', '--generated-rows', '1000000', '--control'], { stdio: ['ignore', 'pipe', 'pipe'] });
  url = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    server.on('exit', (code) => reject(new Error(`lk-mock-server exited with ${code} before listening:\n${out}`)));
  });
  const origin = new URL(url).origin;
  const issued = await request(`${origin}/_mock/keys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'alice@lk.test' }) });
  expect(issued.statusCode).toBe(200);
  ({ key } = (await issued.body.json()) as { key: string });
});
afterAll(() => {
  server?.kill('SIGTERM');
});

test('1,000,000 rows, every one seen once, peak RSS growth < 100 MB', async () => {
  const child = spawn(process.execPath, ['--expose-gc', join(__dirname, 'fixtures', 'iterate-generated.mjs'), url, '5000'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  child.stdin!.end(key);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  expect(code).toBe(0);
  const r = JSON.parse(out.trim().split('\n').pop()!) as { n: number; sum: number; ordered: boolean; baselineMb: number; growthMb: number };
  // eslint-disable-next-line no-console
  console.log(`selectRowsIter: ${r.n} rows, peak RSS growth ${r.growthMb.toFixed(1)} MB (baseline ${r.baselineMb.toFixed(0)} MB; SDK and mock server each in a fresh process)`);
  expect(r.n).toBe(1_000_000);
  expect(r.sum).toBe((1_000_000 * 1_000_001) / 2);
  expect(r.ordered).toBe(true);
  expect(r.growthMb).toBeLessThan(100);
});
