/**
 * Everything the checks look at, gathered once per run: which server, which netrc file (its
 * text, mode and parse), what each credential source holds (by fingerprint), and two memoized
 * network probes. Checks read these facts and never touch the file system or the network
 * themselves, so a re-run after `--fix` is just "gather again, check again".
 *
 * Keys stay in {@link Secret}s here; only fingerprints reach the checks' output.
 */
import type { Credential, Netrc, NetrcLocation, NetrcReadersReport, NetrcSyntaxError, ResolveContext, Secret, SourceReport } from '@lk/sdk';
import type { Deps } from '../../deps.js';
import { errorSummary, errorText } from '../../handle-error.js';
import { ENV_SERVER, guestWhoAmI, PROBE_TIMEOUTS, resolveServer, type ResolvedServer } from '../shared/server.js';
import type { Repair } from './repair.js';
import { probeContextPath, type ContextPathReport } from './probe-server.js';

export interface ServerFacts {
  /** Normalised base URL (scheme, host, port, context path). */
  url: string;
  hostname: string;
  /** Where it came from: `--server`, `LABKEY_SERVER`, `the lk config (default server)`. */
  from: string;
  /** Other servers lk knows on the same netrc host name that keep their key in netrc (one entry serves them all). */
  sharesHost: string[];
}

export interface NetrcFacts {
  location: NetrcLocation;
  /** The file's text (only when it exists and could be read). Never printed. */
  text?: string;
  /** Permission bits (e.g. 0o644); undefined on Windows or when unknown. */
  mode?: number;
  /** Why the file could not be read (not a file, EACCES, …). */
  readError?: string;
  parsed?: Netrc;
  syntaxError?: { line: number; column: number; message: string; kind: NetrcSyntaxError['kind'] };
}

export type KeyVerdict =
  | { kind: 'accepted'; email: string; displayName: string }
  /** `because`: the SDK's diagnosis ("it expired at …"), the words every other command prints; `hint` its advice. */
  | { kind: 'rejected'; why: string; because?: string; reason?: string; hint?: string }
  | { kind: 'error'; why: string };

export interface DoctorFacts {
  server: ServerFacts | undefined;
  /** When no server is known, why (for the checks that need one). */
  noServerReason?: string;
  /** The lk config file could not be read (message and hint). */
  configError?: string;
  netrc: NetrcFacts;
  /** How Python, R, curl and LabKey's Java client read the netrc files for the server (SDK netrcReaders). */
  readers?: NetrcReadersReport;
  platform: NodeJS.Platform;
  /** One report per credential source (env, keychain, netrc), in chain order. */
  sources: SourceReport[];
  /** The credential lk would use (the first source that found one). */
  effective: Credential | undefined;
  fingerprint(key: Secret | string): string;
  /** Anonymous whoAmI probes of the base URL (and the other usual context path). Memoized. */
  probe(): Promise<ContextPathReport>;
  /**
   * The base URL where the server answers: the given one, else the other usual context path when
   * that one works, else undefined. Uses {@link probe}.
   */
  workingBase(): Promise<string | undefined>;
  /** whoAmI with this key at {@link workingBase}, as lk sends it. Memoized per fingerprint. */
  verify(key: Secret): Promise<KeyVerdict>;
  /** Whether the server reads this key sent as `Authorization: Bearer` (LabKey 26.3 and later). */
  takesBearer(key: Secret): Promise<boolean>;
  /** How lk is set to send the key to this server (`lk auth login --auth`); undefined: the default. */
  auth: string | undefined;
  /** Repairs offered by the checks that ran so far (filled in by the runner, in order). */
  pendingRepairs: Repair[];
}

export interface DoctorOptions {
  server?: string;
  fix?: boolean;
  json?: boolean;
}

/**
 * The server, chosen as every lk command chooses it (`--server`, `LABKEY_SERVER`, the config's
 * default, the only known server). Unlike other commands, doctor also runs without one: the
 * netrc checks do not need it.
 */
export async function resolveDoctorServer(opts: DoctorOptions, deps: Deps): Promise<{ server?: ServerFacts; reason?: string; configError?: string }> {
  let chosen: ResolvedServer;
  try {
    chosen = await resolveServer(deps, opts.server);
  } catch (e) {
    // A bad --server or LABKEY_SERVER is a usage error; only "none at all" is fine here.
    if (opts.server !== undefined || deps.env[ENV_SERVER]) throw e;
    const err = e as { code?: string; hint?: string };
    if (err.code === 'LK_USAGE') return { reason: 'no --server given, LABKEY_SERVER is not set and lk knows no default server' };
    // A broken lk config must not stop the diagnosis: the server check reports it.
    const text = errorText(e);
    return { reason: `the lk config cannot be used (${text})`, configError: `${text}${err.hint ? ` ${err.hint}` : ''}` };
  }
  const sdk = await deps.sdk();
  const hostname = sdk.netrcHostname(chosen.url);
  const from = chosen.from === 'config default' ? 'the default server in the lk config' : chosen.from === 'config' ? 'the lk config' : chosen.from;
  const known = await deps.config.load().then(
    (c) => Object.values(c.servers),
    () => [],
  );
  const sharesHost = known.filter((e) => e.url !== chosen.url && e.store === 'netrc' && sdk.netrcHostname(e.url) === hostname).map((e) => e.url);
  return { server: { url: chosen.url, hostname, from, sharesHost } };
}

/** The resolve context the CLI's own commands use (env, home, keychain, clock from deps). */
export async function doctorResolveContext(deps: Deps, server: string | undefined): Promise<ResolveContext> {
  const sdk = await deps.sdk();
  const partial = server !== undefined ? await deps.resolveContext(server) : { env: deps.env, homedir: deps.homedir, now: deps.now, keychain: undefined };
  return sdk.defaultResolveContext(server, { platform: deps.platform, ...partial });
}

async function gatherNetrc(deps: Deps, ctx: ResolveContext): Promise<NetrcFacts> {
  const sdk = await deps.sdk();
  // Found and read as every SDK reader finds and reads it; doctor parses it itself to see why it fails.
  const { text, mode, problem, ...location } = await sdk.readNetrcFile(ctx);
  const facts: NetrcFacts = { location };
  if (!location.path || !location.exists) return facts;
  if (problem) {
    facts.readError = problem.kind === 'not-a-file' ? 'it is not a regular file' : `it cannot be read (${problem.code})`;
    return facts;
  }
  if (text === undefined) return facts;
  facts.text = text;
  if (mode !== undefined) facts.mode = mode;
  try {
    facts.parsed = sdk.parseNetrc(facts.text, { file: location.path });
  } catch (e) {
    if (!sdk.isLabKeyError(e) || e.code !== 'LK_NETRC_SYNTAX') throw e;
    // Never a token value: the problem says what is wrong, the fields where.
    const err = e as NetrcSyntaxError;
    facts.syntaxError = { line: err.line, column: err.column, message: err.problem, kind: err.kind };
  }
  return facts;
}

/** Gathers the facts for one run. Reads files and the keychain; the network only on demand. */
export async function gatherFacts(opts: DoctorOptions, deps: Deps): Promise<DoctorFacts> {
  const sdk = await deps.sdk();
  const { server, reason, configError } = await resolveDoctorServer(opts, deps);
  const ctx = await doctorResolveContext(deps, server?.url);
  const netrc = await gatherNetrc(deps, ctx);
  let sources: SourceReport[] = [];
  if (server) sources = await sdk.defaultChain().resolveAll(ctx);
  const effective = sources.find((r) => r.outcome === 'found')?.credential;
  const readers = server ? await sdk.netrcReaders(ctx, server.url) : undefined;

  let probe: Promise<ContextPathReport> | undefined;
  const verdicts = new Map<string, Promise<KeyVerdict>>();
  const auth = server ? await deps.config.load().then((c) => c.servers[server.url]?.auth, () => undefined) : undefined;
  const facts: DoctorFacts = {
    server,
    auth,
    async takesBearer(key) {
      const base = await facts.workingBase();
      return base ? (await verifyKey(deps, base, key, 'bearer')).kind === 'accepted' : false;
    },
    netrc,
    platform: deps.platform,
    sources,
    effective,
    fingerprint: (k) => sdk.fingerprintKey(k),
    pendingRepairs: [],
    probe() {
      if (!server) return Promise.reject(new Error('no server'));
      probe ??= probeContextPath(server.url, (base) => guestWhoAmI(deps, base), {
        splits: sdk.folderSplits(server.url),
        alternatives: sdk.usualBaseUrls(server.url),
        scheme: (base, failure) => sdk.schemeMismatch(base, failure, { timeoutMs: PROBE_TIMEOUTS.connect }),
      });
      return probe;
    },
    async workingBase() {
      if (!server) return undefined;
      const r = await facts.probe();
      if (r.given.kind === 'ok') return server.url;
      if (r.alternative?.outcome.kind === 'ok') return r.alternative.base;
      return undefined;
    },
    verify(key) {
      const fp = sdk.fingerprintKey(key);
      let v = verdicts.get(fp);
      if (!v) {
        // Ask where the server answers: with a wrong context path, at the one that works.
        v = facts.workingBase().then((base) => (base ? verifyKey(deps, base, key) : { kind: 'error' as const, why: 'the server URL does not work' }));
        verdicts.set(fp, v);
      }
      return v;
    },
  };
  if (readers) facts.readers = readers;
  if (reason !== undefined) facts.noServerReason = reason;
  if (configError !== undefined) facts.configError = configError;
  return facts;
}

/**
 * Asks the server who this key belongs to, through the SDK client (one attempt, no retries).
 * A 401, or a guest answer from a pre-2024 server that ignores bad keys, is a rejection.
 */
async function verifyKey(deps: Deps, baseUrl: string, key: Secret, auth?: 'bearer'): Promise<KeyVerdict> {
  const sdk = await deps.sdk();
  let client: Awaited<ReturnType<Deps['createClient']>> | undefined;
  try {
    client = await deps.createClient({ baseUrl, apiKey: key, retries: 0, timeouts: PROBE_TIMEOUTS, ...(auth ? { auth } : {}) });
    const me = await client.whoAmI(); // a guest answer despite the key is an ApiKeyRejectedError (legacy-guest)
    return { kind: 'accepted', email: me.email, displayName: me.displayName };
  } catch (e) {
    if (sdk.isApiKeyRejectedError(e)) {
      if (e.reason === 'legacy-guest') return { kind: 'rejected', why: 'the server answered as guest (it ignores keys it does not know)' };
      return { kind: 'rejected', why: 'the server answered 401 (no account matches this key)', because: e.problem, reason: e.reason, ...(e.hint ? { hint: e.hint } : {}) };
    }
    const code = (e as { code?: unknown } | null)?.code;
    return { kind: 'error', why: `${typeof code === 'string' ? code : 'error'}: ${errorSummary(e)}` };
  } finally {
    await client?.close().catch(() => undefined);
  }
}
