import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';

const root = join(__dirname, '..', '..', '..');
const bin = join(root, 'packages', 'mock-server', 'dist', 'bin', 'lk-mock-server.js');

interface Running {
  child: ChildProcess;
  url: string;
  stdout: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Start the built program and wait for the line that prints its URL. */
function startProgram(args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed; stdout: ${out} stderr: ${err}`)), 15000);
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m && out.includes('API keys:')) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!, stdout: () => out, exited });
      }
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before printing a URL; stderr: ${err}`));
    });
  });
}

describe('the lk-mock-server program', () => {
  beforeAll(() => {
    // Type errors are reported by `pnpm test`'s own `tsc -b`; tsc still emits, and here we only
    // need the program built from the current sources.
    const tsc = (...extra: string[]) =>
      spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', ...extra, join(root, 'packages', 'mock-server')], { encoding: 'utf8' });
    const stale = () => !existsSync(bin) || statSync(bin).mtimeMs < statSync(join(root, 'packages', 'mock-server', 'src', 'bin', 'lk-mock-server.ts')).mtimeMs;
    let r = tsc();
    // A checkout (git rebase) can give the source a newer time with the same text; tsc -b then
    // rightly builds nothing, so build once more regardless before calling the output stale.
    if (stale()) r = tsc('--force');
    if (stale()) {
      throw new Error(`tsc -b did not build ${bin}:\n${r.stdout}\n${r.stderr}`);
    }
  }, 120000);

  it('prints its URL and the seeded accounts, answers requests, and stops cleanly on SIGTERM', async () => {
    const p = await startProgram(['--port', '0']);
    expect(p.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/labkey$/);
    for (const a of ['admin@lk.test', 'admin-password', 'alice@lk.test', 'alice-password', 'bob@lk.test', 'bob-password']) expect(p.stdout()).toContain(a);
    const r = await request(`${p.url}/login-whoAmI.api`, { headers: { authorization: 'Basic ' + Buffer.from('alice@lk.test:alice-password').toString('base64') } });
    expect(r.statusCode).toBe(200);
    expect(((await r.body.json()) as { email: string }).email).toBe('alice@lk.test');
    p.child.kill('SIGTERM');
    expect(await p.exited).toEqual({ code: 0, signal: null });
    expect(p.stdout()).toContain('stopped (SIGTERM)');
  });

  it('stops cleanly on SIGINT', async () => {
    const p = await startProgram(['--port', '0', '--seed', 'empty']);
    expect(p.stdout()).toContain('API keys: off');
    p.child.kill('SIGINT');
    expect(await p.exited).toEqual({ code: 0, signal: null });
  });

  it('takes --context-path "", --control, --labkey-version and --data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lk-mock-bin-'));
    try {
      const file = join(dir, 'data.json');
      const args = ['--port', '0', '--context-path', '', '--control', '--labkey-version', '24.3', '--data', file];
      const p = await startProgram(args);
      expect(p.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const origin = p.url;
      const issued = await request(`${origin}/_mock/keys`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bob@lk.test' }) });
      const { key } = (await issued.body.json()) as { key: string };
      const bearer = await request(`${origin}/login-whoAmI.api`, { headers: { authorization: `Bearer ${key}` } });
      expect(((await bearer.body.json()) as { email: string }).email).toBe('guest'); // 24.3 does not read Bearer
      const legacy = await request(`${origin}/login-whoAmI.api`, { headers: { apikey: 'f'.repeat(64) } });
      expect(legacy.statusCode).toBe(200); // before 24.8 a bad key is just a guest
      await legacy.body.text();
      p.child.kill('SIGTERM');
      await p.exited;

      // The key survives a restart of the program.
      const q = await startProgram(['--port', '0', '--data', file]);
      const again = await request(`${q.url}/login-whoAmI.api`, { headers: { apikey: key } });
      expect(((await again.body.json()) as { email: string }).email).toBe('bob@lk.test');
      const ctl = await request(`${q.url.replace(/\/labkey$/, '')}/_mock/state`);
      expect(ctl.statusCode).toBe(404); // control is off unless asked for
      await ctl.body.text();
      q.child.kill('SIGTERM');
      expect((await q.exited).code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an unknown --labkey-version, and --legacy-auth with --bearer, with the choices and exit code 2', () => {
    const r = spawnSync(process.execPath, [bin, '--labkey-version', '25.1'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("--labkey-version must be one of 22.11, 23.3, 24.3, 24.11, 25.7, 26.3, 26.7, got '25.1'");
    const both = spawnSync(process.execPath, [bin, '--legacy-auth', '--bearer'], { encoding: 'utf8' });
    expect(both.status).toBe(2);
    expect(both.stderr).toContain('pick one --labkey-version');
  });

  it('rejects an unknown flag with usage and exit code 2', () => {
    const r = spawnSync(process.execPath, [bin, '--nope'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('Usage: lk-mock-server');
    const s = spawnSync(process.execPath, [bin, '--seed', 'lots'], { encoding: 'utf8' });
    expect(s.status).toBe(2);
    expect(s.stderr).toContain('--seed must be demo or empty');
  });
});
