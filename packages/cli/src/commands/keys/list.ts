/** `lk keys list [--all]`: the API keys the server has for you (core.UserAPIKeys), or for everyone (core.APIKeys, admins). */
import { CliError } from '../../cli-error.js';
import { describeKeyRole, type ApiKeyRow } from '@lk/sdk';
import type { Deps } from '../../deps.js';
import { addFormatOptions, formatAsked } from '../shared/format.js';
import { createRowWriter, FORMATS, type Format } from '../../output/row-writer.js';
import { clientFor, resolveServer, withClient } from '../shared/server.js';
import { serverCommand } from '../shared/command.js';

export interface ListOptions {
  server?: string;
  all?: boolean;
  json?: boolean;
  format?: Format;
}

export const listCommand = serverCommand(
  (parent) =>
    addFormatOptions(
      parent
        .command('list')
        .description('list your API keys on the server (never the keys themselves)')
        .option('--all', "every user's keys (site administrators; core.APIKeys)"),
      FORMATS,
      'table on a terminal, else tsv',
    ),
  runList,
);

export async function runList(opts: ListOptions, deps: Deps): Promise<ApiKeyRow[]> {
  const format: Format = formatAsked(opts) ?? (deps.io.stdoutIsTTY ? 'table' : 'tsv');
  const server = await resolveServer(deps, opts.server);
  const client = await clientFor(deps, server);
  return withClient(client, async (c) => {
    // Key tables need a logged-in user: no key is "not logged in" (exit 4), not a guest request.
    const cred = await c.credential();
    const rows = opts.all ? await c.listAllApiKeys().catch((e: unknown) => Promise.reject(adminOnly(e, server.url))) : await c.listApiKeys();
    const currentRow = (await deps.config.load()).keys[cred.fingerprint]?.rowId;
    // LabKey 26.7 tells each key's role: remember the current key's, so a 403 can name it.
    const current = rows.find((r) => r.rowId === currentRow);
    if (current && current.role !== undefined) {
      await deps.config.update((cfg) => {
        const k = cfg.keys[cred.fingerprint];
        if (k) k.role = current.role ?? null;
      });
    }
    const hasRoles = rows.some((r) => r.role !== undefined);
    const now = deps.now().getTime();
    const view = rows.map((r) => ({
      RowId: r.rowId,
      ...(opts.all ? { CreatedBy: r.createdByEmail ?? r.createdBy } : {}),
      Created: r.created,
      Expiration: r.expiration ?? null,
      Expired: r.expiration != null && Date.parse(r.expiration) <= now,
      LastUsed: r.lastUsed ?? null,
      Description: r.description ?? null,
      ...(hasRoles ? { Role: r.role ? describeKeyRole(r.role) : r.role === null ? 'all' : null } : {}),
      Current: r.rowId === currentRow,
    }));
    if (format === 'json' || format === 'ndjson') {
      await deps.io.out(format === 'json' ? `${JSON.stringify(view, null, 2)}\n` : view.map((v) => `${JSON.stringify(v)}\n`).join(''));
      return rows;
    }
    if (view.length === 0) {
      deps.io.err(`No API keys on ${server.url}${opts.all ? '' : ' for you'}.\n`);
      return rows;
    }
    const w = createRowWriter(deps.io, { format });
    for (const v of view) {
      const { Current, Expired, ...rest } = v;
      await w.row({ ...rest, Expiration: rest.Expiration === null ? 'never' : Expired ? `${rest.Expiration} (expired)` : rest.Expiration, LastUsed: rest.LastUsed ?? '', Current: Current ? '*' : '' });
    }
    await w.end();
    return rows;
  });
}

/**
 * `--all` reads core.APIKeys, which LabKey shows to site administrators only: to anyone else the
 * query "does not exist" (a 404, or a 500 from deleteRows). Says that instead of "check the
 * schema name" or "an internal error".
 */
export function adminOnly(e: unknown, server: string): unknown {
  // The server's own text (the error's `serverException` field), never the SDK's message.
  const x = e as { code?: string; serverException?: string };
  const hidden = x.code === 'LK_NOT_FOUND' || x.code === 'LK_FORBIDDEN' || (x.code === 'LK_SERVER_ERROR' && /APIKeys/.test(x.serverException ?? ''));
  if (!hidden) return e;
  return new CliError('LK_ADMIN_ONLY', `--all needs a site administrator: ${server} shows every user's keys (core.APIKeys) only to site administrators, and the key lk uses is not one.`, {
    hint: 'Leave out --all to work with your own keys, or use a site administrator\'s key.',
    cause: e,
  });
}
