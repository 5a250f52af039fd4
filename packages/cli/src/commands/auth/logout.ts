/**
 * `lk auth logout`: removes the stored key for a server (its netrc entry or keychain item), leaving
 * the rest of the netrc file as it was. The key itself stays valid on the server until revoked.
 */
import type { Credential } from '@lk/sdk';
import { CliError } from '../../cli-error.js';
import type { Deps } from '../../deps.js';
import { clientFor, ENV_API_KEY, resolveServer } from '../shared/server.js';
import { removeKey } from './shared/key-store.js';
import { externalToolAccessUrl } from './shared/tool-access-url.js';
import { serverCommand } from '../shared/command.js';

export interface LogoutOptions {
  server?: string;
}

export const logoutCommand = serverCommand(
  (parent) => parent.command('logout').description("remove the stored key for a server (the key stays valid on the server until revoked)"),
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
  const removed = await removeKey(deps, server.url, cred);
  if (!removed) {
    throw new CliError('LK_NOTHING_TO_REMOVE', `lk cannot remove the key for ${server.url}: it comes from ${source}.`, {
      hint: 'Edit that file by hand; `lk doctor` shows which entry applies.',
    });
  }
  io.err(`${io.style.ok('✓')} Removed the key for ${server.url} from ${removed.where}\n`);
  const info = (await deps.config.load()).keys[fingerprint];
  const container = server.entry?.container ?? '/home';
  io.err(
    `${io.style.warn('!')} The key itself stays valid on the server until it is revoked${info?.expiresAt ? ` or expires (${info.expiresAt})` : ''}.\n` +
      `  Revoke it on ${externalToolAccessUrl(server.url, container)}, or with \`lk keys revoke ${info?.rowId ?? 'ROWID'}\` while logged in with another key (\`lk keys list\` shows the row ids).\n`,
  );
  // E.g. a keychain item removed while a netrc entry for the host remains: lk would go on using it.
  const after = await clientFor(deps, server);
  try {
    const left = await after.credential();
    io.err(
      `${io.style.warn('!')} lk still finds ${left.fingerprint === fingerprint ? 'the same' : 'another'} key for ${server.url} in ${left.source}, and keeps using it.\n` +
        `  Run \`lk auth logout\` again to remove that one too (\`lk auth status\` shows where the key comes from).\n`,
    );
  } catch {
    // No key left: logged out.
  } finally {
    await after.close();
  }
}
