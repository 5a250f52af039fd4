/**
 * lk as a program (the bundled bin): --version/--help load no HTTP code, exit codes, colors only on a terminal and
 * never with NO_COLOR, the hidden key prompt on a real pseudo-terminal.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withMockServer } from '../helpers/with-mock-server.js';
import { useTempHome, type TempHome } from '../helpers/temp-home.js';
import { LK_BIN, ROOT, baseEnv, expectNoLeaks, runLk, trackSecret } from '../helpers/run-lk.js';

expectNoLeaks();
// Each test spawns lk several times; on a busy two-core machine that can take a while.
jest.setTimeout(120_000);

/** Runs `node [--import preload] lk …` and returns what the ESM loader resolved, and Node internals loaded late. */
function loadedBy(args: string[], home: TempHome, stdin?: string): Promise<{ code: number | null; loaded: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'lk-imports-'));
  const log = join(dir, 'imports.log');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', join(ROOT, 'test/helpers/record-imports.mjs'), LK_BIN, ...args], {
      env: baseEnv(home, { LK_IMPORT_LOG: log }),
      stdio: [stdin === undefined ? 'ignore' : 'pipe', 'ignore', 'ignore'],
    });
    child.stdin?.end(stdin);
    child.on('error', reject);
    child.on('close', (code) => {
      let loaded: string[] = [];
      try {
        loaded = readFileSync(log, 'utf8').split('\n').filter(Boolean);
      } catch {
        loaded = [];
      }
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, loaded });
    });
  });
}

/** Runs lk under `script` so that its stdin, stdout and stderr are a pseudo-terminal. */
function runInPty(args: string[], home: TempHome, input: Array<{ afterMs: number; text: string }>, env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const cmd = [process.execPath, LK_BIN, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
    const child = spawn('script', ['-qec', cmd, '/dev/null'], { env: baseEnv(home, { TERM: 'xterm', ...env }), stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', () => resolve(out));
    let t = 0;
    for (const i of input) {
      t += i.afterMs;
      setTimeout(() => child.stdin.write(i.text), t);
    }
    setTimeout(() => child.stdin.end(), t + 3000);
  });
}

describe('lk as a program', () => {
  const mock = withMockServer();
  const home = useTempHome();

  /** The files of lk's dist folders a run loaded, each once. */
  const distFiles = (loaded: string[]) => [...new Set(loaded.filter((u) => !u.startsWith('internal:') && u.includes('/dist/')).map((u) => u.replace(/^.*\/dist\//, '')))].sort();

  it('--version prints the version and loads only the bundled bin', async () => {
    const r = await runLk(['--version'], { home });
    expect(r).toMatchObject({ code: 0, stdout: '0.1.0\n', stderr: '' });
    const { code, loaded } = await loadedBy(['--version'], home);
    expect(code).toBe(0);
    expect(distFiles(loaded)).toEqual(['lk-main.cjs', 'lk.cjs']);
    expect(loaded.join('\n')).not.toMatch(/mock-server|undici/);
  });

  it('--help loads only the bundled bin: no undici, no mock server; the first request loads undici', async () => {
    const r = await runLk(['--help'], { home });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: lk [options] [command]');
    expect(r.stdout).toContain('Exit codes: 0 ok, 1 error, 2 usage, 4 authentication, 130 interrupted (Ctrl-C).');
    const { loaded } = await loadedBy(['--help'], home);
    expect(distFiles(loaded)).toEqual(['lk-main.cjs', 'lk.cjs']);
    expect(loaded.join('\n')).not.toMatch(/mock-server|undici/i);
    const sub = await loadedBy(['query', 'select', '--help'], home);
    expect(distFiles(sub.loaded)).toEqual(['lk-main.cjs', 'lk.cjs']);
    expect(sub.loaded.join('\n')).not.toMatch(/mock-server|undici/i);
    // The same observation sees undici once lk sends a request.
    const status = await loadedBy(['query', 'select', 'lists', 'People', '--server', mock.url], home); // no key: a guest request, refused
    expect(distFiles(status.loaded)).toEqual(['lk-main.cjs', 'lk.cjs', 'undici.cjs']);
  });

  it('lk --help and lk auth token load none of node:child_process, node:os, node:fs/promises: the bundle calls them through functions that load them on first call', async () => {
    // Node modules the run loaded after the preload (crypto is loaded by the preload's ES module loader itself).
    const lazy = (loaded: string[]) => loaded.filter((l) => /^internal:NativeModule (child_process|os|fs\/promises)$/.test(l)).sort();
    const key = trackSecret(mock.server.state.issueApiKey('alice@lk.test').key);
    // lk auth login writes netrc (node:fs/promises) under a lock file named after the host (node:os): the observation sees them.
    const login = await loadedBy(['auth', 'login', '--server', mock.url, '--with-token'], home, `${key}\n`);
    expect(login.code).toBe(0);
    expect(lazy(login.loaded)).toEqual(['internal:NativeModule fs/promises', 'internal:NativeModule os']);
    for (const args of [['--help'], ['auth', 'token'], ['query', 'select', '--help']]) {
      const r = await loadedBy(args, home);
      expect({ args, code: r.code, lazy: lazy(r.loaded) }).toEqual({ args, code: 0, lazy: [] });
    }
  });

  it('lk auth token (the key in netrc, no keychain) starts no thread of libuv\'s pool: the config and netrc reads are synchronous', async () => {
    const key = trackSecret(mock.server.state.issueApiKey('alice@lk.test').key);
    expect((await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: `${key}\n` })).code).toBe(0);
    // The process's threads at exit (/proc/self/task), under a preload, against node -e 0 under the
    // same preload: the pool's threads (4) start on its first use (an fs callback, a dns lookup).
    const dir = mkdtempSync(join(tmpdir(), 'lk-threads-'));
    try {
      const preload = join(dir, 'threads.cjs');
      writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(process.env.LK_THREADS_LOG, String(require('node:fs').readdirSync('/proc/self/task').length)));`);
      const threads = (args: string[]) => {
        const log = join(dir, 'threads.log');
        const r = spawnSync(process.execPath, ['--require', preload, ...args], { env: baseEnv(home, { LK_THREADS_LOG: log }), encoding: 'utf8' });
        return { code: r.status, stdout: r.stdout, threads: Number(readFileSync(log, 'utf8')) };
      };
      const base = threads(['-e', '0']);
      expect(threads(['-e', "require('node:fs').stat('/', () => {})"]).threads).toBeGreaterThan(base.threads); // the observation sees the pool
      expect(threads([LK_BIN, 'auth', 'token'])).toEqual({ code: 0, stdout: `${key}\n`, threads: base.threads });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exit codes: unknown command and option 2, help for a group without a verb 2', async () => {
    const unknown = await runLk(['frobnicate'], { home });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("lk: unknown command 'frobnicate'\nhint: Run `lk --help` (or `lk <command> --help`) for usage.\n");
    expect((await runLk(['auth', 'token', '--bogus'], { home })).code).toBe(2);
    const group = await runLk(['auth'], { home });
    expect(group.code).toBe(2);
    expect(group.stderr).toContain('Usage: lk auth [options] [command]');
    expect((await runLk(['auth', 'status', '--server', 'ftp://x'], { home })).code).toBe(2);
  });

  it('--json errors are data on stdout', async () => {
    const r = await runLk(['auth', 'status', '--json', '--server', 'ftp://x'], { home });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({ error: expect.objectContaining({ code: 'LK_USAGE', exitCode: 2 }) });
  });

  it('the key prompt on a terminal: shows the External Tool Access page, never echoes the key; colors unless NO_COLOR', async () => {
    const key = trackSecret(mock.server.state.issueApiKey('alice@lk.test').key);
    const out = await runInPty(['auth', 'login', '--server', mock.url], home, [{ afterMs: 1500, text: `${key}\r` }]);
    expect(out).toContain(`${mock.url}/home/security-externalToolsView.view`);
    expect(out).toContain('Paste your API key (input is hidden): ');
    expect(out).not.toContain(key);
    expect(out).toContain('\u001b[32m✓\u001b[39m Logged in to');
    expect(home.readNetrc()).toContain(`password ${key}`);

    const plain = await runInPty(['auth', 'status'], home, [], { NO_COLOR: '1' });
    expect(plain).toContain('✓ Logged in as alice@lk.test');
    expect(plain).not.toContain('\u001b[');
  });
});
