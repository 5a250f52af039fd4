/**
 * Deps for unit tests: a buffered IO, a fresh temporary HOME (so ~/.netrc and ~/.config/lk are
 * real files nobody else sees), an env with nothing from the outer process, and an in-memory
 * keychain. Network calls still go to a real mock server: pass its URL as --server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { createMemoryKeychain, type Keychain } from '@lk/sdk';
import { createDefaultDeps, defaultResolveContext, type Deps, type Env } from '../deps.js';
import { createTestIO, type TestIO, type TestIOOptions } from '../io.js';

export interface TestDeps extends Deps {
  io: TestIO;
  home: string;
  keychain: Keychain;
  cleanup(): void;
}

export interface TestDepsOptions extends TestIOOptions {
  env?: Env;
  now?: () => Date;
}

/** Every TestDeps not cleaned up yet, for {@link cleanupTestDeps}. */
const live = new Set<TestDeps>();

/** Removes the temporary HOME of every TestDeps not cleaned up yet. */
export function cleanupTestDeps(): void {
  for (const d of [...live]) d.cleanup();
}

export async function createTestDeps(o: TestDepsOptions = {}): Promise<TestDeps> {
  const home = mkdtempSync(join(tmpdir(), 'lk-cli-test-'));
  const io = createTestIO(o);
  const env: Env = { HOME: home, PATH: process.env.PATH, ...o.env };
  const base = createDefaultDeps({ env, io, homedir: home });
  const keychain = createMemoryKeychain();
  const deps: TestDeps = Object.assign(base, {
    io,
    home,
    keychain,
    cleanup: () => {
      live.delete(deps);
      rmSync(home, { recursive: true, force: true });
    },
  });
  live.add(deps);
  if (o.now) deps.now = o.now;
  deps.resolveContext = async (server: string) => {
    const p = await defaultResolveContext(deps, server);
    return 'keychain' in p ? p : { ...p, keychain };
  };
  return deps;
}

/**
 * Parses `args` with the command a factory registers, but captures the action's arguments instead
 * of running it: the "flags become options" half of a command test.
 */
export async function parseOnly(
  factory: (deps: Deps) => (parent: Command) => Command,
  deps: Deps,
  args: string[],
): Promise<unknown[]> {
  const parent = new Command('lk').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  const cmd = factory(deps)(parent);
  let got: unknown[] | undefined;
  cmd.action((...a: unknown[]) => {
    got = a.slice(0, -1); // drop the Command itself
  });
  await parent.parseAsync(args, { from: 'user' });
  if (!got) throw new Error('action did not run');
  return got;
}
