/** `lk keys revoke ROWID… [--yes]`: deletes keys on the server; they stop working at once. */
import { CliError, usageError } from '../../cli-error.js';
import type { Deps } from '../../deps.js';
import { clientFor, resolveServer, withClient } from '../shared/server.js';
import { adminOnly } from './list.js';
import { serverCommand } from '../shared/command.js';

export interface RevokeOptions {
  server?: string;
  yes?: boolean;
  all?: boolean;
}

export const revokeCommand = serverCommand(
  (parent) =>
    parent
      .command('revoke')
      .description('revoke (delete) API keys by row id, as shown by `lk keys list`')
      .argument('<rowId...>', 'row ids of the keys')
      .option('--yes', 'do not ask for confirmation')
      .option('--all', "revoke other users' keys too (site administrators; core.APIKeys)"),
  runRevoke,
);

export async function runRevoke(rowIdArgs: string[], opts: RevokeOptions, deps: Deps): Promise<number[]> {
  const { io } = deps;
  const rowIds = rowIdArgs.map((a) => {
    if (!/^\d+$/.test(a)) throw usageError(`Not a row id: "${a}".`, 'Row ids are whole numbers; `lk keys list` shows them.');
    return Number(a);
  });
  const server = await resolveServer(deps, opts.server);
  const client = await clientFor(deps, server);
  return withClient(client, async (c) => {
    const cred = await c.credential(); // no key: "not logged in" (exit 4) before any request
    const current = (await deps.config.load()).keys[cred.fingerprint]?.rowId;
    // The server answers a delete of a missing row as a success: check the ids first (own keys).
    if (!opts.all) {
      const known = new Set((await c.listApiKeys()).map((r) => r.rowId));
      const unknown = rowIds.filter((id) => !known.has(id));
      if (unknown.length > 0) {
        throw new CliError('LK_NO_SUCH_KEY', `You have no key with row id ${unknown.join(', ')} on ${server.url}; nothing was revoked.`, {
          hint: `It may be revoked already (\`lk keys list\` shows your keys), or another user's: site administrators revoke those with --all (\`lk keys list --all\` shows them).`,
        });
      }
    }
    // Said before anything is revoked: after this one, lk has no key the server accepts.
    const own = current !== undefined && rowIds.includes(current)
      ? `Key ${current} is the key lk uses for ${server.url}: once it is revoked, lk (and anything reading the same netrc entry or keychain item) is refused until \`lk auth login\` with a new key.`
      : undefined;
    if (!opts.yes) {
      if (!io.stdinIsTTY) throw usageError('Refusing to revoke keys without confirmation: stdin is not a terminal.', `Pass --yes to confirm.${own ? ` ${own}` : ''}`);
      if (own) io.err(`${io.style.warn('!')} ${own}\n`);
      const one = rowIds.length === 1;
      const a = (await io.prompt(`Revoke ${one ? 'key' : 'keys'} ${rowIds.join(', ')} on ${server.url}? ${one ? 'It stops' : 'They stop'} working at once. [y/N] `)).trim().toLowerCase();
      if (a !== 'y' && a !== 'yes') {
        io.err('Nothing revoked.\n');
        return [];
      }
    } else if (own) io.err(`${io.style.warn('!')} ${own}\n`);
    // The key lk is using goes last: once it is revoked, no later request would be accepted.
    const unique = [...new Set(rowIds)];
    const ordered = [...unique.filter((id) => id !== current), ...unique.filter((id) => id === current)];
    const done: number[] = [];
    for (const id of ordered) {
      await c.revokeApiKey(id, { all: opts.all === true }).catch((e: unknown) => Promise.reject(opts.all ? adminOnly(e, server.url) : e));
      done.push(id);
      io.err(`${io.style.ok('✓')} Revoked key ${id}\n`);
    }
    return done;
  });
}
