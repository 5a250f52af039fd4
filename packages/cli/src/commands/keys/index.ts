import type { Command } from 'commander';
import type { Deps } from '../../deps.js';
import { registerGroup } from '../shared/command.js';

/** The `lk keys` group: list, create, revoke, rotate (the server's API key tables). */
export function registerKeys(program: Command, deps: Deps, args?: readonly string[]): Promise<Command> {
  return registerGroup(
    program,
    deps,
    'keys',
    'manage your API keys on the server',
    [
      ['list', async () => (await import('./list.js')).listCommand],
      ['create', async () => (await import('./create.js')).createCommand],
      ['revoke', async () => (await import('./revoke.js')).revokeCommand],
      ['rotate', async () => (await import('./rotate.js')).rotateCommand],
    ],
    args,
  );
}
