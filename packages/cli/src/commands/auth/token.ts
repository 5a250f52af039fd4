/**
 * `lk auth token`: prints the key lk would use for the server, alone, to stdout (for
 * `curl -H "apikey: $(lk auth token)"`). Reads the env, keychain or netrc; no network. With only
 * LABKEY_API_KEY set (CI), that key, even with no server named.
 */
import { CliError } from '../../cli-error.js';
import type { Deps } from '../../deps.js';
import { clientFor, ENV_API_KEY, ENV_SERVER, resolveServer } from '../shared/server.js';
import { serverCommand } from '../shared/command.js';

export interface TokenOptions {
  server?: string;
}

export const tokenCommand = serverCommand((parent) => parent.command('token').description('print the API key for the server to stdout (nothing else)'), runToken);

export async function runToken(opts: TokenOptions, deps: Deps): Promise<void> {
  // As `gh auth token` with GH_TOKEN: in CI the variable is the key, whether or not a server is named.
  if (opts.server === undefined && !deps.env[ENV_SERVER] && !(await knowsAServer(deps))) {
    const fromEnv = deps.env[ENV_API_KEY];
    if (fromEnv) {
      await deps.io.out(`${fromEnv}\n`);
      return;
    }
    // Logged out everywhere (or never logged in): the key is what is missing, exit 4 as from status.
    throw new CliError('LK_NO_CREDENTIALS', 'You are not logged in to any LabKey server.', {
      hint: `Run \`lk auth login --server https://host/labkey\`, or set ${ENV_API_KEY} (and ${ENV_SERVER}).`,
    });
  }
  const server = await resolveServer(deps, opts.server);
  const client = await clientFor(deps, server);
  try {
    const cred = await client.credential();
    await deps.io.out(`${cred.apiKey.reveal()}\n`);
  } finally {
    await client.close();
  }
}

async function knowsAServer(deps: Deps): Promise<boolean> {
  try {
    return Object.keys((await deps.config.load()).servers).length > 0;
  } catch {
    return false;
  }
}
