/**
 * `lk auth logout`: removes the stored key for a server (its netrc entry or keychain item), leaving
 * the rest of the netrc file as it was. The key itself stays valid on the server until revoked;
 * with `--revoke`, lk revokes it first (when it knows the key's row), as `npm logout` does.
 */
import type { Credential, LabKeyClient } from '@lk/sdk';
import { CliError } from '../../cli-error.js';
import type { Deps } from '../../deps.js';
import { clientFor, ENV_API_KEY, resolveServer } from '../shared/server.js';
import { keySlotOf, removeKey } from './shared/key-store.js';
import { externalToolAccessUrl } from './shared/tool-access-url.js';
import { serverCommand } from '../shared/command.js';
import { certainRowId, keyRowsList } from '../keys/rotate.js';
import { backupsOf } from '../doctor/backup.js';
import { rm } from 'node:fs/promises';

export interface LogoutOptions {
  server?: string;
  revoke?: boolean;
  deleteBackups?: boolean;
}

export const logoutCommand = serverCommand(
  (parent) =>
    parent
      .command('logout')
      .description('remove the stored key for a server (the key stays valid on the server unless --revoke)')
      .option('--revoke', 'revoke the key on the server first (when lk knows its row), as `npm logout` does')
      .option('--delete-backups', 'also delete the netrc backups `lk doctor --fix` made (they hold old keys)'),
  runLogout,
);

export async function runLogout(opts: LogoutOptions, deps: Deps): Promise<void> {
  const { io } = deps;
  const server = await resolveServer(deps, opts.server);
  const client = await clientFor(deps, server);
  let cred: Credential;
  try {
    cred = await client.credential();
  } catch (e) {
    if ((e as { code?: string }).code !== 'LK_NO_CREDENTIALS') throw e;
    throw new CliError('LK_NOT_LOGGED_IN', `No key is stored for ${server.url}: there is nothing to log out of.`, {
      hint: '`lk auth status` shows the servers lk knows and where their keys come from.',
      cause: e,
    });
  } finally {
    await client.close();
  }
  const { source, fingerprint } = cred;
  if (source.startsWith('env:')) {
    throw new CliError('LK_KEY_FROM_ENV', `The key for ${server.url} comes from the environment (${source.slice(4)}), which lk cannot remove.`, {
      hint: `Unset it in your shell: \`unset ${ENV_API_KEY}\` (and remove it from your shell profile if it is set there).`,
    });
  }
  const notRemovable = () =>
    new CliError('LK_NOTHING_TO_REMOVE', `lk cannot remove the key for ${server.url}: it comes from ${source}.`, {
      hint: 'Edit that file by hand; `lk doctor` shows which entry applies.',
    });
  // Revoke only a key lk can then remove: never leave a revoked key stored.
  if (opts.revoke && !(await keySlotOf(deps, server.url, cred))) throw notRemovable();
  const revoked = opts.revoke ? await revokeOnServer(deps, await clientFor(deps, server), server.url, fingerprint) : undefined;
  const removed = await removeKey(deps, server.url, cred);
  if (!removed) throw notRemovable();
  io.err(`${io.style.ok('✓')} Removed the key for ${server.url} from ${removed.where}\n`);
  if (removed.file) await offerBackups(deps, removed.file, opts.deleteBackups === true);
  const info = (await deps.config.load()).keys[fingerprint];
  const container = server.entry?.container ?? '/home';
  if (revoked !== undefined) {
    await deps.config.update((c) => {
      delete c.keys[fingerprint];
    });
  } else {
    io.err(
      `${io.style.warn('!')} The key itself stays valid on the server until it is revoked${info?.expiresAt ? ` or expires (${info.expiresAt})` : ''}.\n` +
        `  Revoke it on ${externalToolAccessUrl(server.url, container)}, or with \`lk keys revoke ${info?.rowId ?? 'ROWID'}\` while logged in with another key (\`lk keys list\` shows the row ids).\n`,
    );
  }
  // E.g. a keychain item removed while a netrc entry for the host remains: lk would go on using it.
  const after = await clientFor(deps, server);
  let left: Credential | undefined;
  try {
    left = await after.credential();
  } catch {
    // No key left: logged out.
  } finally {
    await after.close();
  }
  if (left) {
    io.err(
      `${io.style.warn('!')} lk still finds ${left.fingerprint === fingerprint ? 'the same' : 'another'} key for ${server.url} in ${left.source}, and keeps using it.\n` +
        `  Run \`lk auth logout\` again to remove that one too (\`lk auth status\` shows where the key comes from).\n`,
    );
    return;
  }
  // Logged out: lk forgets the server, as gh does, so \`lk auth status\` no longer lists it (the
  // key facts stay, for the revoke hint above). Another known server becomes the default.
  await deps.config.update((c) => {
    delete c.servers[server.url];
    if (c.defaultServer === server.url) {
      const rest = Object.keys(c.servers);
      if (rest.length === 1) c.defaultServer = rest[0];
      else delete c.defaultServer;
    }
  });
}

/**
 * `--revoke`: deletes the key's row on the server, with the key itself, before anything is removed
 * locally. Only the row lk recorded for this key (and that the server still lists) is revoked; any
 * doubt stops the logout with the rows it may be, so the user still has the key to revoke it with.
 * Returns the row revoked, or null when the server no longer accepts the key (nothing to revoke).
 */
async function revokeOnServer(deps: Deps, client: LabKeyClient, server: string, fingerprint: string): Promise<number | null> {
  const { io } = deps;
  try {
    let rows: Awaited<ReturnType<LabKeyClient['listApiKeys']>>;
    try {
      rows = await client.listApiKeys();
    } catch (e) {
      if ((e as { code?: string }).code !== 'LK_API_KEY_REJECTED') throw e;
      io.err(`${io.style.warn('!')} ${server} no longer accepts the key (revoked or expired): there is nothing to revoke.\n`);
      return null;
    }
    const rowId = certainRowId((await deps.config.load()).keys[fingerprint], rows);
    if (rowId === undefined) {
      throw new CliError('LK_KEY_NOT_IDENTIFIED', `lk does not know which of your keys on ${server} is this one (fingerprint ${fingerprint}), so it revoked nothing and kept the key stored.\n${keyRowsList(rows)}`, {
        hint: 'Revoke the right row with `lk keys revoke ROWID`, then run `lk auth logout`.',
      });
    }
    await client.revokeApiKey(rowId);
    io.err(`${io.style.ok('✓')} Revoked the key (row ${rowId}) on ${server}\n`);
    return rowId;
  } finally {
    await client.close();
  }
}

/** Doctor's backups of the netrc file still hold old keys: deleted with --delete-backups, else named with how to delete them. */
async function offerBackups(deps: Deps, file: string, remove: boolean): Promise<void> {
  const { io } = deps;
  const backups = await backupsOf(file);
  if (backups.length === 0) return;
  if (remove) {
    for (const b of backups) await rm(b, { force: true });
    io.err(`${io.style.ok('✓')} Deleted ${backups.length} backup${backups.length === 1 ? '' : 's'} of ${file} made by \`lk doctor --fix\`\n`);
    return;
  }
  io.err(
    `${io.style.warn('!')} ${backups.length} backup${backups.length === 1 ? '' : 's'} of ${file} made by \`lk doctor --fix\` may still hold this key: ${backups.join(', ')}\n` +
      `  Delete ${backups.length === 1 ? 'it' : 'them'} with \`rm ${backups.join(' ')}\` (or log out with --delete-backups next time).\n`,
  );
}
