import type { Command } from 'commander';
import type { Deps } from '../../deps.js';
import { loginCommand } from './login.js';
import { logoutCommand } from './logout.js';
import { statusCommand } from './status.js';
import { tokenCommand } from './token.js';

/** The `lk auth` group: login, status, logout, token. */
export function registerAuth(program: Command, deps: Deps): Command {
  const auth = program.command('auth').description('store, check and remove API keys');
  for (const add of [loginCommand, statusCommand, logoutCommand, tokenCommand]) add(deps)(auth);
  return auth;
}
