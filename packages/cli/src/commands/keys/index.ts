import type { Command } from 'commander';
import type { Deps } from '../../deps.js';
import { createCommand } from './create.js';
import { listCommand } from './list.js';
import { revokeCommand } from './revoke.js';

/** The `lk keys` group: list, create, revoke (the server's API key tables). */
export function registerKeys(program: Command, deps: Deps): Command {
  const keys = program.command('keys').description("manage your API keys on the server");
  for (const add of [listCommand, createCommand, revokeCommand]) add(deps)(keys);
  return keys;
}
