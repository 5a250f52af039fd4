/**
 * Which server a command talks to, and a client for it. Order: `--server URL`, then
 * `LABKEY_SERVER`, then the default server in the config, then the only known server.
 */
import type { Command } from 'commander';
import type { LabKeyClient } from '@lk/sdk';
import { usageError } from '../../cli-error.js';
import { normalizeServerUrl, type AuthScheme, type ConfigData, type ServerEntry } from '../../config.js';
import type { Deps } from '../../deps.js';

export const ENV_SERVER = 'LABKEY_SERVER';
export const ENV_API_KEY = 'LABKEY_API_KEY';

export interface ResolvedServer {
  url: string;
  /** The config entry, when lk knows this server. */
  entry: ServerEntry | undefined;
  /** Where the choice came from, for messages. */
  from: '--server' | typeof ENV_SERVER | 'config default' | 'config';
}

export function addServerOption(cmd: Command): Command {
  return cmd.option('--server <url>', `server base URL with scheme, port and context path (default: $${ENV_SERVER}, else the default server from \`lk auth login\`)`);
}

export function findServer(config: ConfigData, url: string): ServerEntry | undefined {
  return config.servers[url];
}

export async function resolveServer(deps: Deps, flag: string | undefined): Promise<ResolvedServer> {
  if (flag !== undefined) {
    const url = normalizeServerUrl(flag);
    return { url, entry: findServer(await deps.config.load(), url), from: '--server' };
  }
  const fromEnv = deps.env[ENV_SERVER];
  if (fromEnv) {
    const url = normalizeServerUrl(fromEnv);
    return { url, entry: findServer(await deps.config.load(), url), from: ENV_SERVER };
  }
  const config = await deps.config.load();
  if (config.defaultServer && config.servers[config.defaultServer]) {
    return { url: config.defaultServer, entry: config.servers[config.defaultServer], from: 'config default' };
  }
  const known = Object.values(config.servers);
  if (known.length === 1 && known[0]) return { url: known[0].url, entry: known[0], from: 'config' };
  throw usageError(
    'No server given.',
    `Pass --server https://host[/contextPath], set ${ENV_SERVER}, or run \`lk auth login --server URL\` once to remember a default.`,
  );
}

export interface ClientChoice {
  auth?: AuthScheme | undefined;
  container?: string | undefined;
}

/** A client for the server, with the auth scheme and container from the flags, else from the config. */
export async function clientFor(deps: Deps, server: ResolvedServer, choice: ClientChoice = {}): Promise<LabKeyClient> {
  return deps.createClient({
    baseUrl: server.url,
    container: choice.container ?? server.entry?.container ?? '/home',
    auth: choice.auth ?? server.entry?.auth ?? 'apikey',
  });
}

export const AUTH_SCHEMES: readonly AuthScheme[] = ['apikey', 'basic', 'bearer'];

export function parseAuthScheme(v: string | undefined): AuthScheme | undefined {
  if (v === undefined) return undefined;
  if ((AUTH_SCHEMES as readonly string[]).includes(v)) return v as AuthScheme;
  throw usageError(`Unknown --auth ${v}.`, 'Use one of: apikey (the apikey header, default), basic (Basic apikey:<key>), bearer (Authorization: Bearer, newer servers).');
}

/** Runs `fn` with a client and always closes it (its keep-alive sockets would hold the process open). */
export async function withClient<T>(client: LabKeyClient, fn: (c: LabKeyClient) => Promise<T>): Promise<T> {
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}
