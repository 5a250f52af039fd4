/**
 * `lk auth login`: takes a key from a hidden prompt or stdin (never argv), checks it with whoAmI,
 * stores it (netrc or keychain) and remembers the server. Modelled on gh's `auth login --with-token`.
 */
import { Option } from 'commander';
import type { LabKeyClient, Secret, WhoAmI } from '@lk/sdk';
import { CliError, usageError } from '../../cli-error.js';
import type { AuthScheme, KeyStore, StoredKeyInfo } from '../../config.js';
import type { Deps } from '../../deps.js';
import {
  AUTH_SCHEMES,
  ENV_API_KEY,
  folderUrlProblem,
  guestWhoAmI,
  PROBE_TIMEOUTS,
  resolveServer,
  serverUrlFrom,
  type ResolvedServer,
} from '../shared/server.js';
import { folderInBase, probeWhoAmI } from '../doctor/probe-server.js';
import { externalToolAccessUrl } from './shared/tool-access-url.js';
import { openBrowser } from './shared/open-browser.js';
import { dropKeychainItem, refuseNetrcWrite, storeKey } from './shared/key-store.js';
import { serverCommand } from '../shared/command.js';

export interface LoginOptions {
  server?: string;
  withToken?: boolean;
  store?: KeyStore;
  auth?: AuthScheme;
  stripPrefix?: boolean;
  container?: string;
  web?: boolean;
  force?: boolean;
}

export const loginCommand = serverCommand(
  (parent) =>
    parent
      .command('login')
      .description('store an API key for a server (from a hidden prompt, or stdin with --with-token), after checking it')
      .option('--with-token', 'read the key from stdin (all of it, trimmed) instead of prompting')
      .addOption(new Option('--store <store>', 'where to keep the key').choices(['netrc', 'keychain']))
      .addOption(new Option('--auth <scheme>', 'how to send the key (remembered for this server)').choices([...AUTH_SCHEMES]))
      .option('--strip-prefix', 'remove a pasted "apikey|" prefix without asking')
      .option('--container <path>', 'default container for this server (remembered), e.g. /home')
      .option('--web', "open the server's External Tool Access page in the browser, then wait for the key to be pasted")
      .option('--force', "replace the netrc entry even when it holds another known server's key (netrc matches the host name only)")
      .addHelpText(
        'after',
        `
The key never goes on the command line. A pasted "apikey|" prefix is offered for stripping on a
terminal; otherwise it is kept (or stripped with --strip-prefix), and if the server rejects the
prefixed key but accepts the bare one, the bare one is stored (and with --strip-prefix, a key the
server accepts only as given is stored as given).

The server is checked (scheme, port, context path) before the key is asked for. A netrc entry matches
the host name only: when another server lk knows on the same host keeps its key there, login refuses
to replace it; store this one with --store keychain, or pass --force.

Examples:
  $ lk auth login --server https://labkey.example.org/labkey
  $ lk auth login --server https://labkey.example.org/labkey --web
  $ lk auth login --server https://labkey.example.org/labkey --with-token < key.txt
  $ lk auth login --with-token --store keychain --auth bearer < key.txt`,
      ),
  runLogin,
);

export interface LoginResult {
  server: string;
  user: { id: number; email: string; displayName: string };
  stored: string;
  fingerprint: string;
}

export async function runLogin(opts: LoginOptions, deps: Deps): Promise<LoginResult> {
  const { io } = deps;
  if (deps.env[ENV_API_KEY] !== undefined && deps.env[ENV_API_KEY] !== '') {
    throw new CliError('LK_ENV_KEY_SET', `${ENV_API_KEY} is set, so lk would keep using that key and ignore the one you store now.`, {
      hint: `Unset it first (\`unset ${ENV_API_KEY}\`), then run \`lk auth login\` again; or keep using the variable and skip login.`,
    });
  }
  if (opts.web && (opts.withToken || !io.stdinIsTTY)) {
    throw usageError('--web waits for the key to be pasted on a terminal.', opts.withToken ? 'Leave out --with-token (it reads the key from stdin instead).' : 'Run it in a terminal, or pipe the key in with --with-token.');
  }
  const server = await serverForLogin(opts, deps);
  await checkServerFirst(deps, server);
  const container = opts.container ?? server.entry?.container ?? '/home';
  const auth: AuthScheme = opts.auth ?? server.entry?.auth ?? 'apikey';
  const store: KeyStore = opts.store ?? server.entry?.store ?? 'netrc';
  const sdk = await deps.sdk();
  // Before the key is asked for: a netrc write that would replace another server's key, or a read-only file.
  if (store === 'netrc') await refuseNetrcWrite(deps, server.url, { force: opts.force === true });

  // 1. Read the key: stdin with --with-token, else a hidden prompt on a terminal. Never argv.
  let raw: string;
  const interactive = !opts.withToken;
  if (opts.withToken) {
    if (io.stdinIsTTY) io.err('Reading the key from stdin; paste it, then press Enter and Ctrl-D.\n');
    raw = await io.readStdin();
  } else if (io.stdinIsTTY) {
    const page = externalToolAccessUrl(server.url, container);
    const opened = opts.web ? await openBrowser(deps, page) : undefined;
    if (opened?.opened) io.err(`Opened the External Tool Access page of ${server.url} in your browser (${opened.via}):\n  ${page}\nCreate a key there, copy it, and come back here.\n`);
    else {
      if (opened) io.err(`${io.style.warn('!')} Could not open a browser: ${opened.why}.\n`);
      io.err(`Create a key on the External Tool Access page of ${server.url}:\n  ${page}\n`);
    }
    raw = await io.promptSecret('Paste your API key (input is hidden): ');
  } else {
    // The server as the user gave it: without --server, the command in the hint might know none.
    const named = server.from === '--server' ? ` --server ${server.url}` : '';
    throw usageError('No key to read: stdin is not a terminal, and --with-token was not given.', `Pipe the key in: \`lk auth login${named} --with-token < key.txt\`.`);
  }
  // As every other source of a key is read (the SDK's rule): trimmed, and a pasted header prefix
  // (`Bearer `, `apikey: `, `Authorization: Bearer `) dropped, so what works in LABKEY_API_KEY works here.
  let key = sdk.normalizeApiKey(raw)?.reveal() ?? '';
  if (key === '') throw usageError('The key is empty.', opts.withToken ? 'Pipe the key itself into `lk auth login --with-token`.' : 'Paste the key LabKey showed you.');
  // A key that cannot be sent is the key's problem (exit 4), as when the server rejects a quoted one.
  const shape = sdk.analyzeKeyShape(key);
  if (shape.innerWhitespace) {
    throw new CliError('LK_API_KEY_REJECTED', 'That is not a LabKey API key: it contains whitespace (more than one line or word was given); nothing was stored.', {
      hint: 'Give exactly one key, as LabKey showed it (64 lower-case hex characters).',
    });
  }
  if (shape.nonAscii) {
    throw new CliError('LK_API_KEY_REJECTED', 'That is not a LabKey API key: it holds a character that is not plain ASCII (often an invisible one picked up by copy and paste, such as a zero-width space); nothing was stored.', {
      hint: `Copy the key again as plain text (64 lower-case hex characters) from ${externalToolAccessUrl(server.url, container)}, then run \`lk auth login\` again.`,
    });
  }

  // 2. A pasted `apikey|` prefix: keys since LabKey 23.3 have none; older keys need it as issued.
  let alternative: string | undefined;
  const prefix = sdk.legacyKeyPrefix(key);
  if (prefix) {
    io.err(
      `${io.style.warn('!')} The key starts with "${prefix}". Keys issued since LabKey 23.3 have no prefix; only older keys carry it, exactly as issued.\n`,
    );
    let strip = opts.stripPrefix === true;
    if (!strip && interactive && io.stdinIsTTY) {
      const a = (await io.prompt(`Strip the "${prefix}" prefix? [Y/n] `)).trim().toLowerCase();
      strip = a === '' || a === 'y' || a === 'yes';
    } else if (!strip) {
      io.err(`  Keeping it as given (pass --strip-prefix to remove it); if the server rejects it, lk tries it without the prefix.\n`);
    }
    const stripped = key.slice(prefix.length);
    // Whichever form is tried first, the other is tried if the server rejects it: a real pre-23.3
    // key needs its prefix, a modern key pasted with one does not.
    if (strip) {
      alternative = key;
      key = stripped;
    } else alternative = stripped;
  }

  // 3. Verify with whoAmI before saving anything.
  const tryKey = async (candidate: string): Promise<{ who: WhoAmI; client: LabKeyClient }> => {
    const client = await deps.createClient({ baseUrl: server.url, container, auth, apiKey: new sdk.Secret(candidate) });
    try {
      // A guest answer despite the key is the SDK's ApiKeyRejectedError (`legacy-guest`).
      const who = await client.whoAmI();
      return { who, client };
    } catch (e) {
      await client.close();
      throw e;
    }
  };
  let verified: { who: WhoAmI; client: LabKeyClient };
  try {
    verified = await tryKey(key);
  } catch (e) {
    const rejected = (e as { code?: string }).code === 'LK_API_KEY_REJECTED';
    if (!rejected) throw e;
    if (alternative === undefined) throw loginRejection(e, server.url, container, sdk.fingerprintKey(new sdk.Secret(key)));
    try {
      verified = await tryKey(alternative);
    } catch (e2) {
      if ((e2 as { code?: string }).code !== 'LK_API_KEY_REJECTED') throw e2;
      throw loginRejection(e2, server.url, container, sdk.fingerprintKey(new sdk.Secret(key)));
    }
    io.err(
      alternative.startsWith(prefix!)
        ? `${io.style.warn('!')} The server rejected the key without its "${prefix}" prefix and accepted it as given (a key issued before LabKey 23.3): storing it as given.\n`
        : `${io.style.warn('!')} The server rejected the key with its "${prefix}" prefix and accepted it without: storing it without the prefix.\n`,
    );
    key = alternative;
  }
  const { who, client } = verified;
  const secret: Secret = new sdk.Secret(key);
  const fingerprint = sdk.fingerprintKey(secret);

  try {
    // 4. Store the key, then remember the server and what is known about the key (never the key).
    const stored = await storeKey(deps, server.url, secret, store, { force: opts.force === true });
    if (stored.store === 'netrc' && server.entry?.store === 'keychain') {
      const note = await dropKeychainItem(deps, server.url);
      if (note) stored.notes.push(note);
    }
    const info = await learnKeyInfo(client, fingerprint, server.url, deps);
    const config = await deps.config.update((c) => {
      c.servers[server.url] = { ...c.servers[server.url], url: server.url, container, auth, store: stored.store };
      c.defaultServer = server.url;
      if (info) c.keys[fingerprint] = info;
    });

    io.err(`${io.style.ok('✓')} Logged in to ${server.url} as ${who.email}${who.displayName && who.displayName !== who.email ? ` (${who.displayName})` : ''}\n`);
    io.err(`${io.style.ok('✓')} Key stored in ${stored.where}\n`);
    for (const n of stored.notes) io.err(`  ${n}\n`);
    if (opts.container !== undefined && (await containerMissing(client))) {
      io.err(
        `${io.style.warn('!')} The container ${container} was not found on ${server.url} (or you cannot read it), yet commands use it by default.\n` +
          `  Run \`lk auth login --container /path\` again with a folder that exists (e.g. /home), or pass --container to each command.\n`,
      );
    }
    if (info?.expiresAt) io.err(`  The key expires at ${info.expiresAt}.\n`);
    else if (info && info.expiresAt === null) io.err('  The key never expires.\n');
    if (stored.store === 'netrc') {
      const host = sdk.netrcHostname(server.url);
      const others = Object.values(config.servers).filter((e) => e.url !== server.url && e.store === 'netrc' && sdk.netrcHostname(e.url) === host).map((e) => e.url);
      if (others.length > 0) {
        io.err(`${io.style.warn('!')} netrc entries match the host name only: this key replaced the one for ${others.join(', ')}, which will now be rejected there. Run \`lk auth login --server ${others[0]} --store keychain\` to keep a key for it apart.\n`);
      }
    }
    return { server: server.url, user: { id: who.id, email: who.email, displayName: who.displayName }, stored: stored.where, fingerprint };
  } finally {
    await client.close();
  }
}

/**
 * The SDK explains a rejected key in terms of where a client found it ("the apiKey option", a key
 * it "shadows" in netrc): true for a script, wrong for login, where the user just gave the key.
 * Says what it means here, keeping the SDK's specific causes (Bearer not read, not a key at all).
 */
function loginRejection(e: unknown, server: string, container: string, fingerprint: string): CliError {
  const reason = (e as { reason?: string }).reason;
  const page = externalToolAccessUrl(server, container);
  if (reason === 'bearer-unsupported') {
    return new CliError('LK_API_KEY_REJECTED', `${server} does not read keys sent as \`Authorization: Bearer\` (it treated the request as guest); nothing was stored.`, {
      hint: 'Run `lk auth login --auth apikey` (the default) to send the key in the apikey header.',
      cause: e,
    });
  }
  if (reason === 'malformed') {
    return new CliError('LK_API_KEY_REJECTED', `That is not a LabKey API key (fingerprint ${fingerprint}): a key is 64 lower-case hex characters; nothing was stored.`, {
      hint: `Copy the whole key again from ${page}, then run \`lk auth login\` again.`,
      cause: e,
    });
  }
  return new CliError('LK_API_KEY_REJECTED', `${server} did not accept the key you gave (fingerprint ${fingerprint}): it is mistyped, expired or revoked, or belongs to another server; nothing was stored.`, {
    hint: `Check the key, or create a new one on ${page}, then run \`lk auth login\` again.`,
    cause: e,
  });
}

/** A --container given to login that the server says is not there (best effort: other failures say nothing). */
async function containerMissing(client: LabKeyClient): Promise<boolean> {
  try {
    await client.getContainers();
    return false;
  } catch (e) {
    return (e as { code?: string }).code === 'LK_NOT_FOUND';
  }
}

/** The server to log in to; on a terminal with none known, ask for it (as gh asks for a host). */
async function serverForLogin(opts: LoginOptions, deps: Deps): Promise<ResolvedServer> {
  try {
    return await resolveServer(deps, opts.server);
  } catch (e) {
    if ((e as { code?: string }).code !== 'LK_USAGE' || opts.server !== undefined || opts.withToken || !deps.io.stdinIsTTY) throw e;
  }
  const answer = await deps.io.prompt('LabKey server URL, with the context path (e.g. https://labkey.example.org/labkey): ');
  const url = await serverUrlFrom(deps, answer);
  return { url, entry: (await deps.config.load()).servers[url], from: '--server' };
}

/** Codes with which whoAmI proves LabKey answered at the URL (a 401 for guests, a CSRF demand). */
const LABKEY_ANSWERED = new Set(['LK_API_KEY_REJECTED', 'LK_NO_CREDENTIALS', 'LK_CSRF']);

/**
 * Checks the server as a guest before any key is read (gh checks the host first too): that it
 * answers at all, speaks the scheme given, and is LabKey at this base URL. A URL that ends in a
 * folder (`https://host/labkey/home`) answers whoAmI like the base URL does, so the key check alone
 * would accept it; that is refused with lk doctor's words. Each refusal says what to run instead.
 */
async function checkServerFirst(deps: Deps, server: ResolvedServer): Promise<void> {
  const sdk = await deps.sdk();
  const whoAmI = (base: string) => guestWhoAmI(deps, base);
  const answers = async (base: string) => (await probeWhoAmI(base, whoAmI).catch(() => undefined))?.kind === 'ok';
  const nothing = 'lk did not ask for a key and stored nothing.';
  let failure: { code?: string; problem?: string; status?: number } | undefined;
  try {
    await whoAmI(server.url);
  } catch (e) {
    const err = e as { code?: string };
    if (!err.code || !LABKEY_ANSWERED.has(err.code)) failure = err;
  }
  if (!failure) {
    const splits = sdk.folderSplits(server.url);
    const folder = splits.length ? await folderInBase(splits, whoAmI) : undefined;
    if (!folder) return;
    throw usageError(`${folderUrlProblem(server.url, server.from, folder)} lk did not log in and stored nothing.`, `Run \`lk auth login --server ${folder.base} --container ${folder.container}\`.`);
  }
  // The scheme against the port (http:// to TLS, https:// to plain HTTP): the SDK's rule.
  const mismatch = await sdk.schemeMismatch(server.url, failure, { timeoutMs: PROBE_TIMEOUTS.connect });
  const { host } = new URL(server.url);
  if (mismatch?.kind === 'https-to-plain-port') {
    const plain = mismatch.url;
    const works = await answers(plain);
    throw new CliError('LK_SERVER_CHECK', `${host} does not speak TLS: the port answers plain HTTP, so https:// cannot work there${works ? `, and ${plain} answers like LabKey` : ''}. ${nothing}`, {
      hint: works ? `Run \`lk auth login --server ${plain}\` (the key then travels unencrypted: only on a trusted network).` : `Check the scheme and port of the URL (often https:// on port 443, http:// on 8080).`,
    });
  }
  if (mismatch?.kind === 'http-to-tls-port') {
    const secure = mismatch.url;
    const tls = await overTls(secure, whoAmI);
    if (tls) {
      const why = tls.kind === 'labkey' ? `, and ${secure} answers like LabKey` : tls.kind === 'untrusted' ? ` (${tls.problem})` : `, but ${secure} does not answer like LabKey either (${tls.problem})`;
      throw new CliError('LK_SERVER_CHECK', `${host} speaks HTTPS, not plain HTTP${why}: use https://, not http://. ${nothing}`, {
        hint:
          tls.kind === 'untrusted'
            ? `Run \`lk auth login --server ${secure}\` once the certificate is trusted (install its CA in the system store, or point NODE_EXTRA_CA_CERTS at it).`
            : `Run \`lk auth login --server ${secure}\`${tls.kind === 'other' ? ' with the right context path' : ''}.`,
      });
    }
  }
  if (failure.code === 'LK_NETWORK' || failure.code === 'LK_TIMEOUT' || failure.code === 'LK_ABORTED') {
    throw new CliError('LK_SERVER_CHECK', `Cannot reach ${server.url} (${failure.problem ?? 'no answer'}). ${nothing}`, {
      hint: 'Check the URL (scheme, host, port) and that the server is running; `lk doctor --server URL` checks it step by step.',
      // The SDK's error, and below it the TLS library's or the socket's own (NODE_DEBUG=lk prints them).
      cause: failure,
    });
  }
  // The usual base URLs on the same origin, most likely first (the SDK's rule): its other context path, /labkey, the root.
  const others = sdk.usualBaseUrls(server.url);
  for (const other of others) {
    if (!(await answers(other))) continue;
    throw new CliError('LK_SERVER_CHECK', `There is no LabKey API at ${server.url} (${failure.problem ?? failure.code}), but ${other} answers like LabKey: the context path is ${new URL(other).pathname === '/' ? 'the root' : new URL(other).pathname}. ${nothing}`, {
      hint: `Run \`lk auth login --server ${other}\`.`,
    });
  }
  const tried = others.length === 1 ? `nor does ${others[0]}` : `nor do ${others.slice(0, -1).join(', ')} or ${others[others.length - 1]}`;
  throw new CliError('LK_SERVER_CHECK', `${server.url} does not answer like a LabKey server (${failure.problem ?? failure.code}), ${tried}. ${nothing}`, {
    hint: 'Check the base URL: scheme, host, port and context path (e.g. https://host/labkey or https://host).',
  });
}

/**
 * How `secure` (the https:// URL for an http:// one whose port speaks TLS) answers over TLS:
 * LabKey answers there, the port presents a certificate this machine does not trust, or it
 * answers HTTP that is not LabKey's. `undefined` when no HTTP answer comes back over TLS.
 */
async function overTls(secure: string, whoAmI: (base: string) => Promise<unknown>): Promise<{ kind: 'labkey' | 'untrusted' | 'other'; problem?: string } | undefined> {
  try {
    await whoAmI(secure);
    return { kind: 'labkey' };
  } catch (e) {
    const err = e as { code?: string; untrustedCertificate?: boolean; status?: number; problem?: string };
    if (err.code && LABKEY_ANSWERED.has(err.code)) return { kind: 'labkey' };
    if (err.untrustedCertificate === true) return { kind: 'untrusted', problem: err.problem ?? 'certificate not trusted' };
    if (typeof err.status === 'number') return { kind: 'other', problem: err.problem ?? `HTTP ${err.status}` };
    return undefined;
  }
}

/**
 * Looks the key up in `core.UserAPIKeys` to learn its expiry, when it can be told apart: it is the
 * user's only key, or the one the server says was used last (whoAmI just used it). Best effort:
 * any failure means "unknown", never a failed login.
 */
async function learnKeyInfo(client: LabKeyClient, fingerprint: string, server: string, deps: Deps): Promise<StoredKeyInfo | undefined> {
  let rows: Awaited<ReturnType<LabKeyClient['listApiKeys']>>;
  try {
    rows = await client.listApiKeys();
  } catch {
    return undefined;
  }
  const prev = await previousInfo(deps, fingerprint);
  // A row lk knows for certain (it created the key, or it was the only one) and the server still lists wins over a guess.
  const known = prev.rowIdFrom !== undefined && prev.rowIdFrom !== 'last-used' ? rows.find((r) => r.rowId === prev.rowId) : undefined;
  const row = known ?? (rows.length === 1 ? rows[0] : lastUsedRow(rows));
  const base: StoredKeyInfo = { fingerprint, server };
  if (!row) return { ...base, ...prev };
  return {
    ...base,
    rowId: row.rowId,
    rowIdFrom: known ? prev.rowIdFrom : rows.length === 1 ? 'only-key' : 'last-used',
    createdAt: toIso(row.created),
    expiresAt: row.expiration === null || row.expiration === undefined ? null : toIso(row.expiration),
    description: row.description ?? undefined,
    // The role a 26.7 key is restricted to (the row says; else what `lk keys create --role` recorded).
    ...(row.role !== undefined ? { role: row.role } : prev.role !== undefined ? { role: prev.role } : {}),
  };
}

/**
 * The row whose LastUsed is the newest, when exactly one has that time: whoAmI has just used the
 * key (a freshly generated key had no LastUsed before). Ties or no times: not identifiable.
 */
function lastUsedRow<R extends { lastUsed: string | null }>(rows: R[]): R | undefined {
  const times = rows.map((r) => (r.lastUsed ? Date.parse(r.lastUsed) : Number.NaN));
  const max = Math.max(...times.filter((t) => !Number.isNaN(t)));
  if (!Number.isFinite(max)) return undefined;
  const at = times.flatMap((t, i) => (t === max ? [i] : []));
  return at.length === 1 ? rows[at[0] as number] : undefined;
}

async function previousInfo(deps: Deps, fingerprint: string): Promise<Partial<StoredKeyInfo>> {
  try {
    return (await deps.config.load()).keys[fingerprint] ?? {};
  } catch {
    return {};
  }
}

function toIso(v: unknown): string | undefined {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'string') {
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? v : d.toISOString();
  }
  return undefined;
}
