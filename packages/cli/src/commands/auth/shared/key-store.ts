/**
 * Where `lk auth login` puts a key and where `lk auth logout` takes it from: the netrc file (through
 * the SDK's format-preserving atomic writer) or the OS keychain (through the SDK's time-boxed
 * adapter, service `lk`, account = the server's base URL). The only CLI module that writes keys.
 */
import type { NetrcSyntaxError, ResolveContext, Secret } from '@lk/sdk';
import { stat } from 'node:fs/promises';
import { CliError } from '../../../cli-error.js';
import type { KeyStore } from '../../../config.js';
import type { Deps } from '../../../deps.js';
import { errorSummary } from '../../../handle-error.js';

export interface StoredWhere {
  store: KeyStore;
  /** Human description: `/home/me/.netrc (machine host, login apikey)` or `the Secret Service keychain (…)`. */
  where: string;
  /** The netrc file written, when store is netrc. */
  file?: string;
  /** Things worth telling the user (permissions tightened, fell back to netrc). */
  notes: string[];
}

async function contextFor(deps: Deps, server: string, withKeychain: boolean): Promise<ResolveContext> {
  const sdk = await deps.sdk();
  const partial = await deps.resolveContext(server);
  const ctx = sdk.defaultResolveContext(server, withKeychain ? partial : { ...partial, keychain: undefined });
  if (withKeychain && !ctx.keychain) ctx.keychain = sdk.createOsKeychain({ platform: ctx.platform });
  return ctx;
}

/** The netrc file lk writes: the one that is read (`NETRC`, `~/.netrc`, `~/_netrc`), else a new `~/.netrc`. */
export async function netrcPathFor(deps: Deps, ctx: ResolveContext): Promise<string> {
  const path = await (await deps.sdk()).netrcWritePath(ctx);
  if (path === undefined) {
    throw new CliError('LK_NO_HOME', 'Cannot tell where the netrc file goes: neither HOME nor NETRC is set.', {
      hint: 'Set NETRC to the file to write, or use --store keychain.',
    });
  }
  return path;
}

/**
 * Refuses a netrc write for `server` that would lose something, before any key is read:
 * - another server lk knows on the same host keeps its key in the netrc file, which matches the
 *   host name only, so this key would silently replace that server's working key (unless `force`);
 * - the file is read-only (the owner cannot write it): lk does not replace a file made read-only.
 * `fallback` says why netrc is used although the keychain was asked for.
 */
export async function refuseNetrcWrite(deps: Deps, server: string, o: { force: boolean; fallback?: string }): Promise<void> {
  const sdk = await deps.sdk();
  const ctx = await contextFor(deps, server, false);
  const file = await netrcPathFor(deps, ctx);
  const lead = o.fallback ? `The keychain is not available here (${o.fallback}), so the key would go to ${file}` : `The key would go to ${file}`;
  const mode = await stat(file).then(
    (st) => st.mode & 0o777,
    () => undefined,
  );
  if (mode !== undefined && (mode & 0o200) === 0) {
    throw new CliError('LK_NETRC_READ_ONLY', `${lead}, but that file is read-only (mode ${mode.toString(8).padStart(4, '0')}): lk does not replace a file you made read-only. Nothing was stored.`, {
      hint: `Make it writable (\`chmod 600 ${file}\`) and log in again, or keep the key elsewhere: \`lk auth login --server ${server} --store keychain\`.`,
    });
  }
  if (o.force) return;
  const host = sdk.netrcHostname(server);
  const config = await deps.config.load();
  const others = Object.values(config.servers).filter((e) => e.url !== server && e.store === 'netrc' && sdk.netrcHostname(e.url) === host);
  if (others.length === 0 || (await netrcEntryFor(deps, server)) === undefined) return;
  const names = others.map((e) => e.url).join(', ');
  throw new CliError(
    'LK_NETRC_HOST_SHARED',
    `${lead}, whose entry for machine ${host} holds the key of ${names}: netrc matches the host name only (no port or path), so this key would replace that server's working key. Nothing was stored.`,
    {
      hint: o.fallback
        ? `Make a keychain available (see \`lk doctor\`), or pass --force to replace the key of ${names} anyway.`
        : `Keep this server's key in the OS keychain: \`lk auth login --server ${server} --store keychain\`; or pass --force to replace the key of ${names} anyway.`,
    },
  );
}

/**
 * Writes the key for `server` to the chosen store. A keychain that is not there falls back to
 * netrc, with a note, unless {@link refuseNetrcWrite} refuses that write.
 */
export async function storeKey(deps: Deps, server: string, key: Secret, store: KeyStore, o: { force?: boolean } = {}): Promise<StoredWhere> {
  const sdk = await deps.sdk();
  const notes: string[] = [];
  if (store === 'keychain') {
    const ctx = await contextFor(deps, server, true);
    const keychain = ctx.keychain!;
    const account = sdk.keychainAccountFor(server);
    try {
      await keychain.set(sdk.KEYCHAIN_SERVICE, account, key.reveal());
      const copy = await netrcEntryFor(deps, server);
      if (copy) notes.push(`${copy} still has an entry for this host: lk now uses the keychain, but other tools (curl, Rlabkey) read the file. Delete that entry if the key should live only in the keychain.`);
      return { store, where: `the ${keychain.name} keychain (service ${sdk.KEYCHAIN_SERVICE}, account ${account})`, notes };
    } catch (e) {
      if (!sdk.isKeychainFailure(e, 'unavailable')) throw e;
      const why = errorSummary(e);
      await refuseNetrcWrite(deps, server, { force: o.force === true, fallback: why });
      notes.push(`the ${keychain.name} keychain is not available here, so the key went to the netrc file instead (${why})`);
    }
  }
  const ctx = await contextFor(deps, server, false);
  const file = await netrcPathFor(deps, ctx);
  const host = sdk.netrcHostname(server);
  let r: Awaited<ReturnType<typeof sdk.setNetrcEntry>>;
  try {
    r = await sdk.setNetrcEntry(file, host, { login: 'apikey', password: key, account: null });
  } catch (e) {
    // Say which file and where, and that it is unchanged.
    if (!sdk.isLabKeyError(e) || e.code !== 'LK_NETRC_SYNTAX') throw e;
    const x = e as NetrcSyntaxError;
    throw new CliError('LK_NETRC_SYNTAX', `${file} line ${x.line}, column ${x.column}: ${x.problem}. lk left the file unchanged and stored nothing.`, {
      hint: `Fix ${file} at line ${x.line} (\`lk doctor\` shows the problem), then run \`lk auth login\` again.`,
      cause: e,
    });
  }
  if (r.modeTightened && r.previousMode !== undefined) notes.push(`tightened the permissions of ${r.path} from ${r.previousMode.toString(8)} to 600`);
  const unseen = await readersElsewhere(deps, ctx, server, r.path);
  if (unseen) notes.push(unseen);
  return { store: 'netrc', where: `${r.path} (machine ${host}, login apikey)`, file: r.path, notes };
}

/**
 * One line when some of LabKey's other clients do not read the file lk wrote (NETRC set, only
 * `~/_netrc`): which, and what they read instead. The SDK's netrcReaders knows where each looks.
 * Best effort: undefined when every reader sees the file, or the check itself fails.
 */
async function readersElsewhere(deps: Deps, ctx: ResolveContext, server: string, written: string): Promise<string | undefined> {
  try {
    const report = await (await deps.sdk()).netrcReaders(ctx, server);
    const others = report.readers.filter((v) => v.file !== written);
    if (others.length === 0) return undefined;
    const byFile = new Map<string, string[]>();
    for (const v of others) byFile.set(v.file ?? '', [...(byFile.get(v.file ?? '') ?? []), v.name]);
    const list = (names: string[]) => (names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`);
    const parts = [...byFile].map(([file, names]) => `${list(names)} read${names.length === 1 ? 's' : ''} ${file ? `${file} ${existsNote(others, file)}`.trim() : 'no netrc file'}`);
    return `not every client reads ${written}: ${parts.join('; ')} (see lk doctor)`;
  } catch {
    return undefined;
  }
}

function existsNote(views: { file?: string; outcome: string }[], file: string): string {
  return views.some((v) => v.file === file && v.outcome === 'no-file') ? '(which does not exist)' : 'instead';
}

/** `<file> line <n>` of the netrc `machine` entry for the server's host, if any (best effort, never throws). */
async function netrcEntryFor(deps: Deps, server: string): Promise<string | undefined> {
  try {
    const sdk = await deps.sdk();
    const r = await sdk.readNetrc(await contextFor(deps, server, false));
    const entry = r.netrc?.find(server);
    return entry && entry.kind === 'machine' ? `${r.path} line ${entry.line}` : undefined;
  } catch {
    return undefined;
  }
}

export interface RemovedWhere {
  store: KeyStore;
  where: string;
  /** The netrc file the entry was removed from. */
  file?: string;
}

/**
 * Removes the key for `server` from the store its credential came from (`keychain:…` or
 * `netrc:<file>:<line>`). Returns undefined when nothing was removed (e.g. a netrc `default` entry).
 */
export async function removeKey(
  deps: Deps,
  server: string,
  cred: { source: string; details?: { file?: string; machine?: string } & Record<string, unknown> },
): Promise<RemovedWhere | undefined> {
  const sdk = await deps.sdk();
  if (cred.source.startsWith('keychain:')) {
    const ctx = await contextFor(deps, server, true);
    const account = sdk.keychainAccountFor(server);
    const deleted = await ctx.keychain!.delete(sdk.KEYCHAIN_SERVICE, account);
    return deleted ? { store: 'keychain', where: `the ${ctx.keychain!.name} keychain (service ${sdk.KEYCHAIN_SERVICE}, account ${account})` } : undefined;
  }
  if (cred.source.startsWith('netrc:')) {
    const ctx = await contextFor(deps, server, false);
    const file = cred.details?.file ?? (await netrcPathFor(deps, ctx));
    const host = sdk.netrcHostname(server);
    const r = await sdk.removeNetrcEntry(file, host);
    return r.changed ? { store: 'netrc', where: `${r.path} (machine ${host})`, file: r.path } : undefined;
  }
  return undefined;
}

/**
 * Best effort: deletes the keychain item for `server`, e.g. when a new key goes to netrc and an old
 * one sits in the keychain (which comes first in the chain, so other SDK users would keep using
 * the old key). Returns a note for the user when something was deleted; never throws.
 */
export async function dropKeychainItem(deps: Deps, server: string): Promise<string | undefined> {
  try {
    const sdk = await deps.sdk();
    const ctx = await contextFor(deps, server, true);
    const account = sdk.keychainAccountFor(server);
    const deleted = await ctx.keychain!.delete(sdk.KEYCHAIN_SERVICE, account);
    return deleted ? `removed the previous key from the ${ctx.keychain!.name} keychain (it would have shadowed the netrc entry)` : undefined;
  } catch {
    return undefined;
  }
}

/** The place a key lk uses is stored, which `replaceKey` can overwrite in place. */
export interface KeySlot {
  store: KeyStore;
  where: string;
  /** The netrc file, when store is netrc. */
  file?: string;
}

/**
 * Where the credential lk uses lives, when lk can put another key in exactly that place: the
 * keychain item, or the netrc `machine` entry for the host. Undefined for the environment, an
 * `option`, or a netrc `default` entry (writing would add a new entry, not replace that one).
 */
export async function keySlotOf(deps: Deps, server: string, cred: { source: string; details?: { file?: string; line?: number } }): Promise<KeySlot | undefined> {
  const sdk = await deps.sdk();
  if (cred.source.startsWith('keychain:')) {
    const ctx = await contextFor(deps, server, true);
    return { store: 'keychain', where: `the ${ctx.keychain!.name} keychain (service ${sdk.KEYCHAIN_SERVICE}, account ${sdk.keychainAccountFor(server)})` };
  }
  if (!cred.source.startsWith('netrc:') || !cred.details?.file) return undefined;
  const host = sdk.netrcHostname(server);
  const read = await sdk.readNetrc(await contextFor(deps, server, false));
  const entry = read.path === cred.details.file ? read.netrc?.find(host) : undefined;
  if (!entry || entry.kind !== 'machine' || entry.line !== cred.details.line) return undefined;
  return { store: 'netrc', where: `${cred.details.file} (machine ${host})`, file: cred.details.file };
}

/**
 * Puts `key` in `slot` in place of the key there: the same keychain item, or the password of the
 * same netrc entry (its login and account kept; the SDK's atomic writer, so the file holds either
 * the old key or the new one). Never falls back to another store.
 */
export async function replaceKey(deps: Deps, server: string, slot: KeySlot, key: Secret): Promise<void> {
  const sdk = await deps.sdk();
  if (slot.store === 'keychain') {
    const ctx = await contextFor(deps, server, true);
    await ctx.keychain!.set(sdk.KEYCHAIN_SERVICE, sdk.keychainAccountFor(server), key.reveal());
    return;
  }
  await sdk.setNetrcEntry(slot.file!, sdk.netrcHostname(server), { password: key });
}
