import type { Command } from 'commander';
import type { Deps } from '../../deps.js';
import { createCommand } from './create.js';
import { listCommand } from './list.js';
import { revokeCommand } from './revoke.js';
import { rotateCommand } from './rotate.js';
import { registerGroup } from '../shared/command.js';

/** The `lk keys` group: list, create, revoke, rotate (the server's API key tables). */
export function registerKeys(program: Command, deps: Deps): Command {
  return registerGroup(program, deps, 'keys', 'manage your API keys on the server', [listCommand, createCommand, revokeCommand, rotateCommand]);
}
