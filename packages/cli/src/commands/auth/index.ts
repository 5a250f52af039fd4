import type { Command } from 'commander';
import type { Deps } from '../../deps.js';
import { loginCommand } from './login.js';
import { logoutCommand } from './logout.js';
import { statusCommand } from './status.js';
import { tokenCommand } from './token.js';
import { registerGroup } from '../shared/command.js';

/** The `lk auth` group: login, status, logout, token. */
export function registerAuth(program: Command, deps: Deps): Command {
  return registerGroup(program, deps, 'auth', 'store, check and remove API keys', [loginCommand, statusCommand, logoutCommand, tokenCommand]);
}
