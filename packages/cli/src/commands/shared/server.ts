/**
 * Which server a command talks to, and a client for it. Order: `--server URL`, then
 * `LABKEY_SERVER`, then the default server in the config, then the only known server.
 */
import type { Command } from 'commander';
import type { LabKeyClient } from '@lk/sdk';
import { CliError, usageError } from '../../cli-error.js';
import type { AuthScheme, ConfigData, ServerEntry } from '../../config.js';
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

/**
 * A server URL a person gave (`--server`, `LABKEY_SERVER`, a prompt), in the one form the SDK
 * uses for the client, the keychain account and the config keys. What the SDK refuses (a query,
 * a fragment, credentials, a page URL) is a usage error, with the SDK's words and hint.
 */
export async function serverUrlFrom(deps: Deps, input: string): Promise<string> {
  const sdk = await deps.sdk();
  try {
    return sdk.normalizeServerUrl(input, { strict: true });
  } catch (e) {
    if (!sdk.isLabKeyError(e) || e.code !== sdk.ErrorCodes.INVALID_ARGUMENT) throw e;
    throw new CliError('LK_USAGE', (e as { detail?: string }).detail ?? e.message, { kind: 'usage', hint: e.hint, cause: e });
  }
}

export async function resolveServer(deps: Deps, flag: string | undefined): Promise<ResolvedServer> {
  if (flag !== undefined) {
    const url = await serverUrlFrom(deps, flag);
    return { url, entry: findServer(await deps.config.load(), url), from: '--server' };
  }
  const fromEnv = deps.env[ENV_SERVER];
  if (fromEnv) {
    const url = await serverUrlFrom(deps, fromEnv);
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

/** A source that never has a key: the client then asks as a guest. */
const NO_KEY = { name: 'none', resolve: async () => ({ skipped: true as const, reason: 'lk asks anonymously here' }) };
/** Time limits for the one-attempt probes of lk doctor and lk auth login (ms). */
export const PROBE_TIMEOUTS = { connect: 5000, headers: 10000, body: 10000 };

/** whoAmI as a guest on `base`, one attempt: whoAmI answers guests, so it tells whether `base` is a LabKey base URL. */
export async function guestWhoAmI(deps: Deps, base: string): Promise<unknown> {
  const client = await deps.createClient({ baseUrl: base, credentials: NO_KEY, retries: 0, timeouts: PROBE_TIMEOUTS });
  try {
    return await client.whoAmI();
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** What lk doctor and lk auth login both say about a server URL that ends in a folder (container) path. */
export function folderUrlProblem(url: string, from: string, folder: { base: string; container: string }): string {
  const { base, container } = folder;
  return `${url} (from ${from}) ends in a folder path: ${base} is the server's base URL, and "${container}" is a folder (container) in it. Requests would go to folders under ${container}.`;
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

/** Runs `fn` with a client and always closes it (its keep-alive sockets would hold the process open). */
export async function withClient<T>(client: LabKeyClient, fn: (c: LabKeyClient) => Promise<T>): Promise<T> {
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}
