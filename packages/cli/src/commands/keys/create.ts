/**
 * `lk keys create [--description] [--role] [--format text|json]`: a new API key, printed once to
 * stdout: alone on its line (text), or with what lk knows of it as one JSON object (json, for
 * scripts). Only stdout ever holds the key.
 */
import { describeKeyRole, KEY_ROLE_NAMES } from '@lk/sdk';
import { CliError } from '../../cli-error.js';
import type { Deps } from '../../deps.js';
import { clientFor, resolveServer, withClient } from '../shared/server.js';
import { serverCommand } from '../shared/command.js';
import { addFormatOptions, formatAsked, type FormatFlags } from '../shared/format.js';

export interface CreateOptions extends FormatFlags<'text' | 'json'> {
  server?: string;
  description?: string;
  role?: string;
}

export const createCommand = serverCommand(
  (parent) =>
    addFormatOptions(
      parent
        .command('create')
        .description('create a new API key and print it once to stdout (store it with `lk auth login --with-token`)')
        .option('--description <text>', 'what the key is for (shown by `lk keys list`)')
        .option('--role <role>', `restrict the key to a role (LabKey 26.7): ${KEY_ROLE_NAMES.join('|')}`),
      ['text', 'json'],
      'text: the key alone',
      'the new key',
    ),
  runCreate,
);

export async function runCreate(opts: CreateOptions, deps: Deps): Promise<void> {
  const json = formatAsked(opts) === 'json';
  const server = await resolveServer(deps, opts.server);
  const client = await clientFor(deps, server);
  await withClient(client, async (c) => {
    await c.credential(); // no key: "not logged in" (exit 4) before any request
    const { apiKey, info } = await c
      .createApiKey({ type: 'apikey', description: opts.description, ...(opts.role !== undefined ? { role: opts.role } : {}) })
      .catch((e: unknown) => Promise.reject(keysDisabled(e, server.url)));
    await deps.config.update((cfg) => {
      cfg.keys[info.fingerprint] = { ...info, server: server.url };
    });
    deps.io.err(
      `${deps.io.style.warn('!')} This is the only time the new key is shown; it is not stored anywhere.\n` +
        `  Keep it secret. To use it: lk auth login --server ${server.url} --with-token < file-holding-the-key\n` +
        `${info.rowId !== undefined ? `  Row id ${info.rowId}` : '  '}${info.expiresAt ? `, expires ${info.expiresAt}` : info.expiresAt === null ? ', never expires' : ''}` +
        `${info.role ? `, restricted to the ${describeKeyRole(info.role)} role` : ''}\n`,
    );
    const { fingerprint, rowId, expiresAt, description, role } = info;
    const data = { server: server.url, apiKey: apiKey.reveal(), fingerprint, rowId: rowId ?? null, expiresAt: expiresAt ?? null, description: description ?? null, role: role ?? null };
    try {
      await deps.io.out(json ? `${JSON.stringify(data, null, 2)}\n` : `${apiKey.reveal()}\n`);
    } catch (e) {
      // stdout failed (a full disk): the key reached nobody. Revoke it, so no working key is left
      // that no one holds.
      const revoked = rowId !== undefined && (await c.revokeApiKey(rowId).then(() => true, () => false));
      if (revoked) {
        await deps.config.update((cfg) => {
          delete cfg.keys[fingerprint];
        });
      }
      const said = e instanceof Error ? e.message : String(e);
      throw new CliError('LK_OUTPUT', `${said} The new key never reached you, so ${revoked ? `lk revoked it on the server (row id ${rowId})` : `it is still valid on the server: revoke it${rowId !== undefined ? ` (row id ${rowId})` : ''}`}.`, {
        hint: revoked ? 'Run lk keys create again with stdout going somewhere it can be written.' : `lk keys revoke ${rowId ?? '<row id>'} (see lk keys list), then lk keys create again.`,
        cause: e,
      });
    }
  });
}

/** LabKey answers 404 "Creation of API keys is disabled" when the site setting is off: say who can turn it on. */
export function keysDisabled(e: unknown, server: string): unknown {
  // The server's own text (the error's `serverException` field), never the SDK's message.
  const x = e as { code?: string; serverException?: string };
  if (x.code !== 'LK_NOT_FOUND' || !/creation of api keys is disabled/i.test(x.serverException ?? '')) return e;
  return new CliError('LK_API_KEYS_DISABLED', `${server} does not let users create API keys (the site setting is off).`, {
    hint: 'Ask a site administrator to turn on "Let users create API keys" (Admin Console → Site Settings), then run `lk keys create` again.',
    cause: e,
  });
}
