/**
 * Runs the BUILT `lk` (the bundled bin packages/cli/dist/lk.cjs; `pnpm build` first, or
 * `tsc -b` and scripts/run-tests.mjs, which bundles) as a child process with a
 * temporary HOME, an environment built from scratch (no LABKEY_*, NETRC, XDG_* or NO_COLOR leaking
 * in from the outer shell), and stdin piped.
 *
 * Every run's stdout and stderr is kept in this module (one list per test file), so each e2e file
 * can check, with {@link expectNoLeaks}, that the keys it used never appear in any output except
 * where printing them is the point: `lk auth token`, `lk auth status --show-token`, and the new key
 * from `lk keys create`.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { TempHome } from './temp-home.js';

export const ROOT = join(__dirname, '..', '..');
export const LK_BIN = join(ROOT, 'packages', 'cli', 'dist', 'lk.cjs');

export interface LkRun {
  args: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunLkOptions {
  home: TempHome;
  env?: Record<string, string | undefined>;
  stdin?: string;
  timeoutMs?: number;
}

const runs: LkRun[] = [];
const secrets = new Map<string, string>();

/** Every run of this test file so far. */
export function allRuns(): readonly LkRun[] {
  return runs;
}

/** Adds a run made some other way (e.g. inside a D-Bus session) to the leak check. */
export function recordRun(run: LkRun): void {
  runs.push(run);
}

/** Registers a key the leak check must look for. */
export function trackSecret(key: string, label = 'test key'): string {
  secrets.set(key, label);
  return key;
}

export function baseEnv(home: TempHome, extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = { HOME: home.dir, PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

export function runLk(args: string[], o: RunLkOptions): Promise<LkRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LK_BIN, ...args], { env: baseEnv(o.home, o.env), stdio: ['pipe', 'pipe', 'pipe'], cwd: o.home.dir });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const run: LkRun = { args, code, signal, stdout, stderr };
      runs.push(run);
      resolve(run);
    });
    // A run that ends before it reads stdin (a usage error) closes the pipe: the write's EPIPE is
    // not lk's failure, and the run's exit code and output say what happened.
    child.stdin.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') reject(e);
    });
    child.stdin.end(o.stdin ?? '');
  });
}

/** Where a key may legitimately appear: stdout of `auth token`, `auth status --show-token`, `keys create`. */
export function mayPrintKeys(args: readonly string[]): boolean {
  const verb = args.filter((a) => !a.startsWith('-')).slice(0, 2).join(' ');
  return verb === 'auth token' || (verb === 'auth status' && args.includes('--show-token')) || verb === 'keys create';
}

/** Each place a tracked key appeared where it must not (by fingerprint, never the key). */
export function findLeaks(): string[] {
  const out: string[] = [];
  for (const run of runs) {
    for (const [key, label] of secrets) {
      const fp = createHash('sha256').update(key).digest('hex').slice(0, 8);
      if (run.stderr.includes(key)) out.push(`${label} ${fp} on stderr of lk ${run.args.join(' ')}`);
      if (run.stdout.includes(key) && !mayPrintKeys(run.args)) out.push(`${label} ${fp} on stdout of lk ${run.args.join(' ')}`);
    }
  }
  return out;
}

/** Call at the top level of an e2e file: after all its tests, no tracked key leaked in any output. */
export function expectNoLeaks(): void {
  afterAll(() => {
    expect(runs.length).toBeGreaterThan(0);
    expect(findLeaks()).toEqual([]);
  });
}
