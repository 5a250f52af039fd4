/**
 * Bodies that never end, read by the built SDK in a child process so its
 * memory can be measured alone: an endless chunked body stops at the response-size cap with a
 * peak RSS growth under 100 MB; a body that drips a byte at a time (never silent long enough for
 * the body timeout) stops at the overall deadline. Both are typed errors whose hints say how to
 * raise the limit.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { useTempHome } from '../helpers/temp-home.js';
import { runLk } from '../helpers/run-lk.js';

const ROOT = join(__dirname, '..', '..');
const SDK = join(ROOT, 'packages', 'sdk', 'dist', 'index.js');
const CHILD = join(__dirname, 'helpers', 'body-client.mjs');

let server: Server;
let url: string;
const chunk = Buffer.alloc(64 * 1024, 'x');

let dripping: 'drip' | 'flood' = 'flood';

beforeAll(async () => {
  server = createServer((req, res) => {
    if (!req.url?.includes('hostile-body')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"rows":["');
    if (dripping === 'drip') return drip(res);
    const pump = (): void => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', pump);
    };
    pump();
  });
  server.on('clientError', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(
  () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
);

function drip(res: import('node:http').ServerResponse): void {
  const t = setInterval(() => (res.destroyed ? clearInterval(t) : res.write('x')), 150);
  res.on('close', () => clearInterval(t));
}

interface ChildResult {
  code: string;
  name: string;
  phase?: string;
  limitBytes?: number;
  hint?: string;
  ms: number;
  rssGrowthMb: number;
}

function runChild(options: object, mode: 'drip' | 'flood'): Promise<ChildResult> {
  dripping = mode;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CHILD, SDK, url, JSON.stringify(options)], { timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${err.message}\n${stderr}`));
      resolve(JSON.parse(stdout) as ChildResult);
    });
  });
}

describe('bodies that never end', () => {
  it('an endless chunked body stops at the default size cap, peak RSS growth under 100 MB', async () => {
    const r = await runChild({}, 'flood');
    expect(r).toMatchObject({ code: 'LK_BAD_RESPONSE', name: 'ResponseTooLargeError', limitBytes: 32 * 1024 * 1024 });
    expect(r.hint).toMatch(/maxResponseBytes/);
    expect(r.rssGrowthMb).toBeLessThan(100);
    process.stdout.write(`endless body: stopped after ${r.ms} ms, peak RSS growth ${r.rssGrowthMb.toFixed(1)} MB\n`);
  });

  it('the cap is configurable', async () => {
    const r = await runChild({ maxResponseBytes: 1024 * 1024 }, 'flood');
    expect(r).toMatchObject({ name: 'ResponseTooLargeError', limitBytes: 1024 * 1024 });
    expect(r.rssGrowthMb).toBeLessThan(100);
  });

  it('a dripping body (a byte every 150 ms, under the 60 s silence limit) stops at the overall deadline', async () => {
    const r = await runChild({ timeouts: { total: 1500 } }, 'drip');
    expect(r).toMatchObject({ code: 'LK_TIMEOUT', name: 'TimeoutError', phase: 'total' });
    expect(r.hint).toMatch(/--timeout|LK_TIMEOUT/);
    expect(r.ms).toBeGreaterThanOrEqual(1400);
    expect(r.ms).toBeLessThan(10_000);
  });
});

describe('lk --timeout / LK_TIMEOUT', () => {
  const home = useTempHome();
  const env = { LABKEY_API_KEY: 'lk_test_00000000000000000000000000000000000000000000000000000000000000cd' };

  it('stops a dripping answer at the given deadline, with a hint naming the flag', async () => {
    dripping = 'drip';
    const t0 = Date.now();
    const r = await runLk(['api', 'hostile-body.api', '--server', url, '--timeout', '1.5'], { home, env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not complete within 1500 ms/);
    expect(r.stderr).toMatch(/--timeout/);
    expect(Date.now() - t0).toBeLessThan(15_000);
    const viaEnv = await runLk(['api', 'hostile-body.api', '--server', url], { home, env: { ...env, LK_TIMEOUT: '1' } });
    expect(viaEnv.code).toBe(1);
    expect(viaEnv.stderr).toMatch(/not complete within 1000 ms/);
  });

  it('refuses a timeout that is not a positive number of seconds (usage, exit 2)', async () => {
    for (const [args, e] of [
      [['--timeout', 'soon', 'auth', 'status'], {}],
      [['auth', 'status'], { LK_TIMEOUT: '-3' }],
    ] as [string[], Record<string, string>][]) {
      const r = await runLk(args, { home, env: { ...env, ...e } });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/(--timeout|LK_TIMEOUT) must be a number of seconds/);
    }
  });
});
