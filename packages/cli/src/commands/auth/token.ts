/**
 * `lk auth token`: prints the key lk would use for the server, alone, to stdout (for
 * `curl -H "apikey: $(lk auth token)"`). Reads the env, keychain or netrc; no network.
 */
import type { Deps } from '../../deps.js';
import { clientFor, resolveServer } from '../shared/server.js';
import { serverCommand } from '../shared/command.js';

export interface TokenOptions {
  server?: string;
}

export const tokenCommand = serverCommand((parent) => parent.command('token').description('print the API key for the server to stdout (nothing else)'), runToken);

export async function runToken(opts: TokenOptions, deps: Deps): Promise<void> {
  const server = await resolveServer(deps, opts.server);
  const client = await clientFor(deps, server);
  try {
    const cred = await client.credential();
    await deps.io.out(`${cred.apiKey.reveal()}\n`);
  } finally {
    await client.close();
  }
}
