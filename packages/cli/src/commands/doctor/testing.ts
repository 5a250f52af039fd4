/**
 * Test harness for the doctor's checks (used by `*.test.ts` only; nothing in the CLI imports it, and tsconfig keeps it out of dist):
 * a fresh temporary HOME with real files, the CLI's test deps (buffered IO, in-memory keychain),
 * and a real mock server for everything that talks to LabKey. Keys a test creates are tracked
 * so that {@link DoctorHarness.leaks} can prove none of them reached any output.
 */
import { chmodSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MockServer } from '@lk/mock-server';
import { useMockServer } from '../../testing/harness.js';
import { perTest } from '../../testing/lifecycle.js';
import { createTestDeps, type TestDeps, type TestDepsOptions } from '../../testing/test-deps.js';
import type { Check, CheckResult } from './check.js';
import { diagnose, runChecks } from './doctor.js';
import { gatherFacts, type DoctorFacts, type DoctorOptions } from './facts.js';
import type { DoctorReport } from './render.js';

export interface DoctorHarness {
  deps: TestDeps;
  home: string;
  server: MockServer;
  /** `~/.netrc` in the temporary home. */
  netrc: string;
  /** Writes a file in the home (default `.netrc`) with exactly this mode; returns its path. */
  write(text: string, mode?: number, name?: string): string;
  read(name?: string): string;
  /** Issues a key on the mock server for `email` and remembers it for the leak check. */
  key(email?: string): string;
  /** Remembers a value that must never be printed. */
  secret(value: string): string;
  setEnv(env: Record<string, string>): void;
  facts(o?: DoctorOptions): Promise<DoctorFacts>;
  /** Runs one check on fresh facts, after the checks that come before it (they may offer repairs). */
  check(check: Check, o?: DoctorOptions): Promise<CheckResult>;
  diagnose(o?: DoctorOptions): Promise<DoctorReport>;
  backups(): string[];
  /** Secrets found in `value` (its JSON form) or in the IO buffers; [] when none leaked. */
  leaks(value?: unknown): string[];
  cleanup(): void;
}

/**
 * The lifecycle every check test shares, registered once: one mock server per block (or `server`,
 * from the caller's {@link useMockServer}), a fresh harness per test, and after each test a leak
 * check (no tracked key in any output) and cleanup. Returns a stand-in that forwards to the current
 * test's harness, so `h.write(…)`, `h.server` and the rest read as if `h` were the harness itself.
 */
export function useDoctorHarness(server: MockServer = useMockServer()): DoctorHarness {
  return perTest(
    'useDoctorHarness: the harness',
    () => doctorHarness(server),
    (h) => {
      expect(h.leaks()).toEqual([]);
      h.cleanup();
    },
  );
}

export async function doctorHarness(server: MockServer, o: TestDepsOptions = {}): Promise<DoctorHarness> {
  const deps = await createTestDeps(o);
  const secrets: string[] = [];
  const h: DoctorHarness = {
    deps,
    home: deps.home,
    server,
    netrc: join(deps.home, '.netrc'),
    write(text, mode = 0o600, name = '.netrc') {
      const p = join(deps.home, name);
      writeFileSync(p, text, { mode });
      chmodSync(p, mode);
      return p;
    },
    read: (name = '.netrc') => readFileSync(join(deps.home, name), 'utf8'),
    key(email = 'alice@lk.test') {
      return h.secret(server.state.issueApiKey(email).key);
    },
    secret(value) {
      secrets.push(value);
      return value;
    },
    setEnv(env) {
      Object.assign(deps, { env: { ...deps.env, ...env } });
    },
    facts: (opts = {}) => gatherFacts({ server: server.url, ...opts }, deps),
    async check(check, opts = {}) {
      const facts = await h.facts(opts);
      const { ALL_CHECKS } = await import('./checks/index.js');
      const before = ALL_CHECKS.slice(0, Math.max(0, ALL_CHECKS.indexOf(check)));
      await runChecks(facts, before);
      return check.run(facts);
    },
    diagnose: (opts = {}) => diagnose({ server: server.url, ...opts }, deps),
    backups: () => readdirSync(deps.home).filter((f) => f.includes('.lk-backup-')),
    leaks(value) {
      const text = `${value === undefined ? '' : JSON.stringify(value)}\n${deps.io.stdout()}\n${deps.io.stderr()}`;
      return secrets.filter((s) => text.includes(s));
    },
    cleanup: () => deps.cleanup(),
  };
  return h;
}
