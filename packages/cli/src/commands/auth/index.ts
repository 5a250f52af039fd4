import type { Command } from 'commander';
import type { Deps } from '../../deps.js';
import { registerGroup } from '../shared/command.js';

/** The `lk auth` group: login, status, logout, token. */
export function registerAuth(program: Command, deps: Deps, args?: readonly string[]): Promise<Command> {
  return registerGroup(
    program,
    deps,
    'auth',
    'store, check and remove API keys',
    [
      ['login', async () => (await import('./login.js')).loginCommand],
      ['status', async () => (await import('./status.js')).statusCommand],
      ['logout', async () => (await import('./logout.js')).logoutCommand],
      ['token', async () => (await import('./token.js')).tokenCommand],
    ],
    args,
  );
}
