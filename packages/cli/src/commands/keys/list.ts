/** `lk keys list [--all]`: the API keys the server has for you (core.UserAPIKeys), or for everyone (core.APIKeys, admins). */
import type { Command } from 'commander';
import type { ApiKeyRow } from '@lk/sdk';
import type { Deps } from '../../deps.js';
import { createRowWriter } from '../../output/row-writer.js';
import { addServerOption, clientFor, resolveServer, withClient } from '../shared/server.js';

export interface ListOptions {
  server?: string;
  all?: boolean;
  json?: boolean;
}

export function listCommand(deps: Deps): (parent: Command) => Command {
  return (parent) => {
    const cmd = parent
      .command('list')
      .description('list your API keys on the server (never the keys themselves)')
      .option('--all', "every user's keys (site administrators; core.APIKeys)")
      .option('--json', 'print the rows as JSON');
    addServerOption(cmd);
    return cmd.action(async (opts: ListOptions) => {
      await runList(opts, deps);
    });
  };
}

export async function runList(opts: ListOptions, deps: Deps): Promise<ApiKeyRow[]> {
  const server = await resolveServer(deps, opts.server);
  const client = await clientFor(deps, server);
  return withClient(client, async (c) => {
    // Key tables need a logged-in user: no key is "not logged in" (exit 4), not a guest request.
    const cred = await c.credential();
    const rows = opts.all ? await c.listAllApiKeys() : await c.listApiKeys();
    const currentRow = (await deps.config.load()).keys[cred.fingerprint]?.rowId;
    const view = rows.map((r) => ({
      RowId: r.rowId,
      ...(opts.all ? { CreatedBy: r.createdBy } : {}),
      Created: r.created,
      Expiration: r.expiration ?? null,
      LastUsed: r.lastUsed ?? null,
      Description: r.description ?? null,
      Current: r.rowId === currentRow,
    }));
    if (opts.json) {
      await deps.io.out(`${JSON.stringify(view, null, 2)}\n`);
      return rows;
    }
    if (view.length === 0) {
      deps.io.err(`No API keys on ${server.url}${opts.all ? '' : ' for you'}.\n`);
      return rows;
    }
    const w = createRowWriter(deps.io, { format: deps.io.stdoutIsTTY ? 'table' : 'tsv' });
    for (const v of view) {
      const { Current, ...rest } = v;
      await w.row({ ...rest, Expiration: rest.Expiration ?? 'never', LastUsed: rest.LastUsed ?? '', Current: Current ? '*' : '' });
    }
    await w.end();
    return rows;
  });
}
