/**
 * `lk auth status`: for each known server (or the one given), where the key comes from, the key
 * masked, and whom the server says it belongs to, or why it fails. Like gh, the report goes to
 * stdout when all is well and to stderr when any server fails: exit 4 when every failure is an SDK
 * auth error (no key, key not accepted), as any other command exits for that error, else exit 1.
 */
import type { Credential } from '@lk/sdk';
import { CliError, usageError } from '../../cli-error.js';
import type { Deps } from '../../deps.js';
import { ENV_API_KEY, ENV_SERVER, serverUrlFrom, type ResolvedServer } from '../shared/server.js';
import type { ServerEntry } from '../../config.js';
import { serverCommand } from '../shared/command.js';
import { addFormatOptions, formatAsked } from '../shared/format.js';
import { errorSummary, errorText } from '../../handle-error.js';
import { relativeTime } from './shared/expiry.js';

export interface StatusOptions {
  server?: string;
  showToken?: boolean;
  format?: (typeof STATUS_FORMATS)[number];
  /** `--json`: the same as `--format json`. */
  json?: boolean;
  check?: boolean;
  within?: string;
}

export const statusCommand = serverCommand(
  (parent) =>
    addFormatOptions(
      parent
        .command('status')
        .description('show, for each known server, where the key comes from and whether the server accepts it')
        .option('--show-token', 'print the full key instead of a masked one'),
      STATUS_FORMATS,
      'text, a block per server',
      'the report',
    )
      .option('--check', 'for cron and CI: fail (exit 1) also when a key expires within --within')
      .option('--within <duration>', 'with --check: how soon counts as expiring, e.g. 7d, 12h, 30m (default 7d; implies --check)'),
  runStatus,
);

/** What lk auth status prints: the report for people (text), or the servers as JSON. */
export const STATUS_FORMATS = ['text', 'json'] as const;

export interface ServerStatus {
  server: string;
  default: boolean;
  ok: boolean;
  /** The source id, e.g. `netrc:/home/me/.netrc:4`. */
  source?: string;
  /** The same, in words (the SDK's describeSource), e.g. `/home/me/.netrc line 4`. */
  from?: string;
  fingerprint?: string;
  key?: string;
  auth: string;
  /** The default container commands use on this server. */
  container: string;
  /** Other servers lk knows on the same host that keep their key in netrc: one entry serves them all. */
  sharesHost?: string[];
  user?: { id: number; email: string; displayName: string };
  expiresAt?: string | null;
  /** The role the key is restricted to (LabKey 26.7), as lk recorded it; null: all of its user's permissions. */
  role?: string | null;
  /** Later sources holding a different key, which is not used (source and fingerprint only). */
  shadowed?: { source: string; from: string; fingerprint: string }[];
  /** The sources tried, from the error's trail: `unavailable` when the store is not there at all, `detail` the system's own text. */
  trail?: { source: string; outcome: string; reason?: string; unavailable?: true; detail?: string }[];
  error?: { code: string; message: string; hint?: string; summary?: string };
  /** With --check: the key works but expires within the given time. */
  expiresSoon?: boolean;
}

const DURATION_UNITS: Record<string, number> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };

/** `7d`, `12h`, `30m`, `90s`, `2w` (or several, `1d12h`) in milliseconds; a usage error otherwise. */
export function parseDuration(text: string): number {
  const t = text.trim().toLowerCase();
  if (!/^(\d+[wdhms])+$/.test(t)) {
    throw usageError(`Not a duration: "${text}".`, 'Give a number and a unit: 7d (days), 12h (hours), 30m (minutes), 90s, 2w; e.g. --within 7d.');
  }
  let ms = 0;
  for (const m of t.matchAll(/(\d+)([wdhms])/g)) ms += Number(m[1]) * DURATION_UNITS[m[2]!]!;
  return ms;
}

/** Time limits for each server's whoAmI here: a hung server costs seconds, not the default 30 s. */
export const STATUS_TIMEOUTS = { connect: 3000, headers: 5000, body: 5000 };
const NO_ANSWER = new Set(['LK_TIMEOUT', 'LK_NETWORK']);

const AUTH_LABEL: Record<string, string> = { apikey: 'apikey header', basic: 'Basic apikey:<key>', bearer: 'Authorization: Bearer' };

export async function runStatus(opts: StatusOptions, deps: Deps): Promise<ServerStatus[]> {
  const { io } = deps;
  const json = formatAsked(opts) === 'json';
  const check = opts.check === true || opts.within !== undefined;
  const within = check ? parseDuration(opts.within ?? '7d') : 0;
  const config = await deps.config.load();
  let servers: ResolvedServer[];
  const only = opts.server ?? (deps.env[ENV_SERVER] || undefined);
  if (only !== undefined) {
    const url = await serverUrlFrom(deps, only);
    servers = [{ url, entry: config.servers[url], from: opts.server !== undefined ? '--server' : ENV_SERVER }];
  } else {
    servers = Object.values(config.servers).map((entry: ServerEntry) => ({ url: entry.url, entry, from: 'config' as const }));
  }
  if (servers.length === 0) {
    // As `gh auth status` when logged out: the key is the problem (exit 4), and what to run.
    const keyOnly = deps.env[ENV_API_KEY] ? ` ${ENV_API_KEY} is set, but no server: set ${ENV_SERVER} too (as in CI).` : '';
    throw new CliError('LK_NO_CREDENTIALS', `You are not logged in to any LabKey server.${keyOnly}`, {
      hint: `Run \`lk auth login --server https://host/labkey\`, or pass --server / set ${ENV_SERVER} (with ${ENV_API_KEY}).`,
    });
  }

  const sdk = await deps.sdk();
  const results: ServerStatus[] = [];
  /** The SDK auth error of each server that failed with one. */
  const authErrors: string[] = [];
  for (const s of servers) {
    const auth = s.entry?.auth ?? 'apikey';
    const container = s.entry?.container ?? '/home';
    const r: ServerStatus = { server: s.url, default: config.defaultServer === s.url, ok: false, auth, container };
    if (s.entry?.store === 'netrc') {
      const host = sdk.netrcHostname(s.url);
      const shares = Object.values(config.servers).filter((e) => e.url !== s.url && e.store === 'netrc' && sdk.netrcHostname(e.url) === host).map((e) => e.url);
      if (shares.length) r.sharesHost = shares;
    }
    const client = await deps.createClient({ baseUrl: s.url, container, auth, retries: 0, timeouts: STATUS_TIMEOUTS });
    try {
      let cred: Credential | undefined;
      try {
        cred = await client.credential();
        r.source = cred.source;
        r.from = sdk.describeSource(cred);
        r.fingerprint = cred.fingerprint;
        r.key = opts.showToken ? cred.apiKey.reveal() : sdk.maskKey(cred.apiKey);
        r.shadowed = await shadowedKeys(deps, s.url, cred.fingerprint);
        const info = config.keys[cred.fingerprint];
        if (info && info.expiresAt !== undefined) r.expiresAt = info.expiresAt;
        if (info && info.role !== undefined) r.role = info.role === null ? null : sdk.describeKeyRole(info.role);
        const who = await client.whoAmI(); // a guest answer despite the key is an ApiKeyRejectedError
        r.user = { id: who.id, email: who.email, displayName: who.displayName };
        r.ok = true;
        if (check && typeof r.expiresAt === 'string' && Date.parse(r.expiresAt) - deps.now().getTime() <= within) r.expiresSoon = true;
      } catch (e) {
        const err = e as { code?: string; hint?: string; trail?: Credential['trail'] };
        r.error = { code: err.code ?? 'LK_UNEXPECTED', message: errorText(e), summary: errorSummary(e) };
        if (err.code && NO_ANSWER.has(err.code)) {
          r.error.message = `${s.url} did not answer within ${STATUS_TIMEOUTS.headers / 1000} s, or cannot be reached (${errorSummary(e)})`;
          r.error.summary = r.error.message;
          r.error.hint = '`lk doctor` checks the server step by step.';
        }
        if (sdk.isAuthError(e)) authErrors.push(e.code);
        if (err.hint && !r.error.hint) r.error.hint = err.hint;
        if (err.trail) r.trail = err.trail.map((t) => ({ ...t }));
      }
    } finally {
      await client.close();
    }
    results.push(r);
  }

  const failed = results.filter((r) => !r.ok).length;
  const expiring = results.filter((r) => r.expiresSoon).length;
  if (json) {
    await io.out(`${JSON.stringify(results, null, 2)}\n`);
  } else {
    const noKeychain = keychainProblem(results);
    const head = noKeychain ? `${io.style.warn('!')} ${noKeychain}\n\n` : '';
    const text = head + results.map((r) => render(r, deps, noKeychain)).join('\n');
    if (failed === 0 && expiring === 0) await io.out(text);
    else io.err(text);
  }
  if (failed > 0) {
    // Every failure is the key's: the error's own code, so the exit code is the one for that error.
    const code = authErrors.length === failed ? authErrors[0]! : 'LK_AUTH_STATUS_FAILED';
    throw new CliError(code, `${failed} of ${results.length} server${results.length === 1 ? '' : 's'} failed`, {
      reported: true,
    });
  }
  if (expiring > 0) {
    throw new CliError('LK_KEY_EXPIRES_SOON', `${expiring} of ${results.length} key${results.length === 1 ? '' : 's'} expire${expiring === 1 ? 's' : ''} within ${opts.within ?? '7d'}`, {
      reported: true,
    });
  }
  return results;
}

/**
 * The SDK's reason when there is no keychain here (the trail step says `unavailable`), when it is
 * the same for every server whose trail tried the keychain: said once, at the top. A keychain that
 * merely has no entry for a server is that server's own line.
 */
function keychainProblem(results: readonly ServerStatus[]): string | undefined {
  const steps = results.flatMap((r) => (r.trail ?? []).filter((t) => t.source === 'keychain'));
  const reasons = new Set(steps.map((t) => (t.unavailable && t.reason ? t.reason : undefined)));
  return steps.length > 0 && reasons.size === 1 ? [...reasons][0] : undefined;
}

function render(r: ServerStatus, deps: Deps, noKeychain?: string): string {
  const { style } = deps.io;
  const lines = [`${style.bold(r.server)}${r.default ? ' (default)' : ''}`];
  if (r.ok && r.user) {
    lines.push(`  ${style.ok('✓')} Logged in as ${r.user.email}${r.user.displayName && r.user.displayName !== r.user.email ? ` (${r.user.displayName})` : ''}`);
  } else if (r.error && r.trail && noKeychain !== undefined) {
    // The sources tried, from the error's trail, the keychain's reason said once above.
    lines.push(`  ${style.fail('✗')} ${r.error.summary ?? r.error.message}`);
    for (const t of r.trail) lines.push(`      - ${t.source}: ${t.outcome}${t.source === 'keychain' ? ' (no keychain, see above)' : t.reason ? ` (${t.reason})` : ''}`);
  } else if (r.error) {
    // The text's further lines (a trail of sources) go under its first, indented.
    const text = r.error.message;
    lines.push(`  ${style.fail('✗')} ${text.replaceAll('\n', '\n    ')}`);
  }
  if (r.from) lines.push(`  - Key source: ${r.from}`);
  if (r.key) lines.push(`  - Key: ${r.key}${r.fingerprint ? ` (fingerprint ${r.fingerprint})` : ''}`);
  lines.push(`  - Sent as: ${AUTH_LABEL[r.auth] ?? r.auth}`);
  lines.push(`  - Default container: ${r.container}`);
  for (const sh of r.shadowed ?? []) {
    lines.push(`  ${style.warn('!')} ${sh.from} holds a different key (fingerprint ${sh.fingerprint}), which is not used`);
  }
  if (r.expiresAt !== undefined) lines.push(`  - Expires: ${r.expiresAt === null ? 'never' : `${r.expiresAt} (${relativeTime(Date.parse(r.expiresAt) - deps.now().getTime())})`}`);
  if (r.role) lines.push(`  - Role: ${r.role} (the key is restricted to it)`);
  for (const other of r.sharesHost ?? []) {
    lines.push(`  ${style.warn('!')} Shares its netrc entry with ${other} (same host; netrc matches the host name only): only one of them accepts the key. Keep one in the keychain: \`lk auth login --server ${r.server} --store keychain\``);
  }
  if (r.expiresSoon) lines.push(`  ${style.warn('!')} The key expires soon: run \`lk keys rotate\` for a new one`);
  if (r.error?.hint) lines.push(`  - hint: ${r.error.hint}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Sources after the one in use that hold a different key (when sources disagree, lk says
 * so). Asks the same chain the client uses, with the shadow check on; a failure here
 * never fails the status.
 */
async function shadowedKeys(deps: Deps, server: string, fingerprint: string): Promise<ServerStatus['shadowed']> {
  try {
    const sdk = await deps.sdk();
    const ctx = sdk.defaultResolveContext(server, await deps.resolveContext(server));
    const cred = await sdk.defaultChain().resolve(ctx, { inspectShadowed: true });
    const list = (cred.shadowed ?? []).filter((x) => x.fingerprint !== fingerprint).map((x) => ({ source: x.source, from: sdk.describeSource(x), fingerprint: x.fingerprint }));
    return list.length ? list : undefined;
  } catch {
    return undefined;
  }
}
