import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import type { Keychain } from '../types.js';
import { KeychainError, type KeychainFailureKind } from './keychain-error.js';
import { resolveKeyringModule } from './keyring-module.js';
import { debug } from '../../debug.js';

/** Options for {@link createOsKeychain}. @public */
export interface OsKeychainOptions {
  /** Time box for each call, in milliseconds (default 3000, as the GitHub CLI uses). */
  timeoutMs?: number;
  /**
   * Environment of the helper process (default: this process's). Tests point D-Bus elsewhere with
   * it. It also decides whether a helper is started at all: see {@link keychainUnreachable}.
   */
  env?: Record<string, string | undefined>;
  /** The platform, for names and hints (default `process.platform`). */
  platform?: NodeJS.Platform;
  /** Path of `@napi-rs/keyring`'s entry (default: resolved from this package). */
  keyringModulePath?: string;
}

/** Default time box of one keychain call. @public */
export const KEYCHAIN_TIMEOUT_MS = 3000;

type Operation = 'get' | 'set' | 'delete';

interface HelperRequest {
  op: Operation;
  service: string;
  account: string;
  password?: string;
  store?: string;
  modulePath: string;
}

// The helper runs each call in a child process. @napi-rs/keyring connects to D-Bus synchronously
// on the calling thread: against a socket that accepts and never answers, even `new AsyncEntry()`
// blocks the main thread (checked by hand: no timer fires), so no in-process time box can work.
// Worker.terminate() cannot interrupt a thread that is inside native code either. A child
// process can always be SIGKILLed. The request (key included) travels on stdin, never in argv.
const HELPER = `
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => { input += d; });
process.stdin.on('end', () => {
  let out;
  try {
    const req = JSON.parse(input);
    let mod;
    try { mod = require(req.modulePath); }
    catch (e) { out = { ok: false, missingModule: true, message: String(e && e.message || e) }; }
    if (mod) {
      // Tell the parent the module is loaded: its time box covers the keychain call only, so a
      // slow Node start on a loaded machine is not mistaken for a hung keychain.
      process.stdout.write('R');
      const entry = new mod.Entry(req.service, req.account, req.store ? { linux: { store: req.store } } : undefined);
      let value = null;
      if (req.op === 'get') value = entry.getPassword();
      else if (req.op === 'set') entry.setPassword(req.password);
      else if (req.op === 'delete') value = entry.deletePassword();
      out = { ok: true, value };
    }
  } catch (e) {
    out = { ok: false, message: String(e && e.message || e) };
  }
  process.stdout.write(JSON.stringify(out));
});
`;

interface HelperReply {
  ok: boolean;
  value?: string | boolean | null;
  message?: string;
  missingModule?: boolean;
  /** Set instead of starting a helper: why no keychain can answer here. */
  unreachable?: Unreachable;
}

/**
 * Why no keychain can answer in this environment, known without starting a helper process; or
 * `undefined` when one may (then the helper finds out). Two cases:
 * - `LK_KEYCHAIN=off` (also `0`, `false`, `no`): the user turned the keychain off;
 * - Linux without a D-Bus session: no `DBUS_SESSION_BUS_ADDRESS` and no session bus socket at
 *   `$XDG_RUNTIME_DIR/bus` or `/run/user/<uid>/bus` (where libdbus and zbus look when the address
 *   is unset), so no Secret Service can be reached. Headless servers, containers and CI jobs.
 * macOS and Windows always have their keychain, so only the opt-out applies there.
 */
export function keychainUnreachable(env: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform = process.platform): Unreachable | undefined {
  const off = env.LK_KEYCHAIN?.trim().toLowerCase();
  if (off === 'off' || off === '0' || off === 'false' || off === 'no') return { reason: `turned off by LK_KEYCHAIN=${env.LK_KEYCHAIN}`, off: true };
  if (platform !== 'linux' || env.DBUS_SESSION_BUS_ADDRESS) return undefined;
  const sockets: string[] = [];
  if (env.XDG_RUNTIME_DIR) sockets.push(`${env.XDG_RUNTIME_DIR}/bus`);
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  if (uid !== undefined) sockets.push(`/run/user/${uid}/bus`);
  for (const path of sockets) {
    try {
      if (statSync(path).isSocket()) return undefined;
    } catch {
      // not there
    }
  }
  return { reason: 'no D-Bus session', detail: `DBUS_SESSION_BUS_ADDRESS is not set and there is no bus socket at ${sockets.join(' or ')}` };
}

/** Why no keychain can answer here: a few plain words, and the facts behind them. */
export interface Unreachable {
  reason: string;
  detail?: string;
  /** The user turned the keychain off (LK_KEYCHAIN=off). */
  off?: true;
}

/**
 * The OS keychain through `@napi-rs/keyring`: macOS Keychain, Windows Credential Manager, or on
 * Linux the Secret Service over D-Bus (pinned to it: we do not fall back to the kernel keyring,
 * whose entries vanish at logout).
 *
 * Every call runs in a short-lived helper process and is time-boxed (3 s by default, counted from
 * when the helper has loaded the keyring module, so a slow start on a busy machine does not count;
 * the start itself may take up to 15 s). On timeout the helper is SIGKILLed, so a stuck keychain
 * can neither block nor keep alive this process.
 *
 * Fails with {@link KeychainError} (`code` `LK_CREDENTIAL_STORE`) of kind `unavailable` (no
 * D-Bus session or Secret Service), `locked`, `timeout` or `failure`, each with a hint.
 * `get` of a missing entry resolves `undefined`; `delete` of one resolves `false`.
 * @public
 */
export function createOsKeychain(options: OsKeychainOptions = {}): Keychain {
  const timeoutMs = options.timeoutMs ?? KEYCHAIN_TIMEOUT_MS;
  const platform = options.platform ?? process.platform;
  const name = platform === 'darwin' ? 'macOS Keychain' : platform === 'win32' ? 'Windows Credential Manager' : 'Secret Service';
  let modulePath: Promise<string> | undefined;

  const call = async (op: Operation, service: string, account: string, password?: string): Promise<HelperReply> => {
    // No helper process (about 130 ms of Node start-up) when nothing could answer it.
    const unreachable = keychainUnreachable(options.env ?? process.env, platform);
    if (unreachable !== undefined) {
      debug('keychain', '%s %s/%s: not asked, %s%s', op, service, account, unreachable.reason, unreachable.detail ? ` (${unreachable.detail})` : '');
      return { ok: false, unreachable };
    }
    modulePath ??= options.keyringModulePath ? Promise.resolve(options.keyringModulePath) : resolveKeyringModule();
    const request: HelperRequest = { op, service, account, modulePath: await modulePath };
    if (password !== undefined) request.password = password;
    if (platform === 'linux') request.store = 'secret-service';
    const started = Date.now();
    const reply = await runHelper(request, timeoutMs, options.env);
    debug('keychain', '%s %s/%s: %s in %d ms', op, service, account, reply.ok ? 'ok' : 'failed', Date.now() - started);
    return reply;
  };

  const fail = (op: Operation, reply: HelperReply | 'timeout', password?: string): never => {
    const kind: KeychainFailureKind =
      reply === 'timeout' ? 'timeout' : reply.missingModule || reply.unreachable ? 'unavailable' : classify(reply.message ?? '');
    // The keychain's own text goes in `native`; the message says the problem in plain words.
    const native = reply === 'timeout' ? undefined : reply.unreachable ? reply.unreachable.detail : scrub(reply.message ?? '', password) || undefined;
    const why = reply === 'timeout' ? '' : reply.unreachable ? reply.unreachable.reason : reply.missingModule ? 'the keyring module (@napi-rs/keyring) is not installed for this platform' : unavailableWhy(name, native ?? '');
    const hint = reply !== 'timeout' && reply.unreachable?.off
      ? 'Unset LK_KEYCHAIN to use the keychain, or use `lk auth login --store netrc`.'
      : hintFor(kind, platform);
    throw new KeychainError(kind, op, describe(kind, name, timeoutMs, why, native), { hint, ...(native ? { native } : {}) });
  };

  return {
    name,
    async get(service, account) {
      const reply = await call('get', service, account).catch((e) => (e === TIMEOUT ? fail('get', 'timeout') : Promise.reject(e)));
      if (!reply.ok) return fail('get', reply);
      return typeof reply.value === 'string' ? reply.value : undefined;
    },
    async set(service, account, password) {
      const reply = await call('set', service, account, password).catch((e) =>
        e === TIMEOUT ? fail('set', 'timeout') : Promise.reject(e),
      );
      if (!reply.ok) fail('set', reply, password);
    },
    async delete(service, account) {
      const reply = await call('delete', service, account).catch((e) =>
        e === TIMEOUT ? fail('delete', 'timeout') : Promise.reject(e),
      );
      if (!reply.ok) return fail('delete', reply);
      return reply.value === true;
    },
  };
}

const TIMEOUT = Symbol('timeout');
/** How long the helper process may take to start and load the keyring module. */
const HELPER_START_MS = 15_000;

/** What the helper may see of the environment: what the OS keychain needs to be found, nothing else (no LABKEY_API_KEY). */
const HELPER_ENV = /^(PATH|HOME|USER|LOGNAME|LANG|LC_[A-Z]+|TMPDIR|TMP|TEMP|DISPLAY|WAYLAND_DISPLAY|DBUS_SESSION_BUS_ADDRESS|XDG_[A-Z_]+|SystemRoot|SYSTEMROOT|windir|WINDIR|USERPROFILE|APPDATA|LOCALAPPDATA|USERNAME|USERDOMAIN|COMPUTERNAME|HOMEDRIVE|HOMEPATH|ProgramData|PROGRAMDATA|__CF_USER_TEXT_ENCODING)$/;

export function helperEnv(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && HELPER_ENV.test(k)) out[k] = v;
  return out;
}

function runHelper(request: HelperRequest, timeoutMs: number, env: Record<string, string | undefined> | undefined): Promise<HelperReply> {
  return new Promise<HelperReply>((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', HELPER], {
      stdio: ['pipe', 'pipe', 'ignore'],
      windowsHide: true,
      env: helperEnv(env ?? process.env),
    });
    let out = '';
    let done = false;
    let ready = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      fn();
    };
    const expire = () => {
      finish(() => reject(TIMEOUT));
      child.kill('SIGKILL');
      // Whatever the child is stuck in, it must not keep this process alive.
      child.unref();
      child.stdout?.destroy();
      child.stdin?.destroy();
    };
    // Until the helper has loaded the keyring module, allow for a slow start; from then on,
    // the keychain call itself gets `timeoutMs`.
    let timer = setTimeout(expire, Math.max(timeoutMs * 5, HELPER_START_MS));
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => {
      if (!ready && d.startsWith('R')) {
        ready = true;
        clearTimeout(timer);
        timer = setTimeout(expire, timeoutMs);
        d = d.slice(1);
      }
      out += d;
    });
    child.on('error', (error) => finish(() => resolve({ ok: false, message: `could not start the keychain helper: ${error.message}` })));
    child.on('close', (code, signal) => {
      finish(() => {
        try {
          resolve(JSON.parse(out) as HelperReply);
        } catch {
          resolve({ ok: false, message: `keychain helper exited (${signal ?? `code ${code}`}) without an answer` });
        }
      });
    });
    child.stdin!.on('error', () => {
      /* the child died before reading; 'close' reports it */
    });
    child.stdin!.end(JSON.stringify(request));
  });
}

/** Sorts a native keyring message into a failure kind. */
function classify(message: string): KeychainFailureKind {
  if (/lock|prompt|dismiss|interaction not allowed|user canceled/i.test(message)) return 'locked';
  if (
    /dbus|d-bus|secret service|AccessDenied|ServiceUnknown|not provided by any|autolaunch|no such file|connection refused|platform storage|NoStorageAccess/i.test(
      message,
    )
  ) {
    return 'unavailable';
  }
  return 'failure';
}

/** Why the keychain is unavailable, in a few words, from its own text (which stays out of messages). */
function unavailableWhy(name: string, native: string): string {
  if (name !== 'Secret Service') return `the ${name} is not available`;
  if (/not provided by any|ServiceUnknown|org\.freedesktop\.secrets/i.test(native)) return 'the D-Bus session has no Secret Service';
  if (/failed to connect|no such file|connection refused|autolaunch/i.test(native)) return 'the D-Bus session cannot be reached';
  return 'the Secret Service cannot be reached over D-Bus';
}

/**
 * The message: plain words. An unavailable keychain is "No keychain here: <why>." (every no-key
 * error lists it once); the keychain's own text appears only for an unclassified failure.
 */
function describe(kind: KeychainFailureKind, name: string, timeoutMs: number, why: string, native: string | undefined): string {
  switch (kind) {
    case 'unavailable':
      return `No keychain here: ${why}.`;
    case 'locked':
      return `The ${name} is locked.`;
    case 'timeout':
      return `The ${name} did not answer within ${timeoutMs} ms.`;
    default:
      return `The ${name} failed${native ? ` (${native})` : ''}.`;
  }
}

function hintFor(kind: KeychainFailureKind, platform: NodeJS.Platform): string {
  switch (kind) {
    case 'unavailable':
      return platform === 'linux'
        ? 'No Secret Service reachable; use `lk auth login --store netrc`, or start a keyring daemon (gnome-keyring, KeePassXC) in a D-Bus session.'
        : 'Use `lk auth login --store netrc`, or set LABKEY_API_KEY.';
    case 'locked':
      return 'Unlock your keyring (log in to the desktop session, or `gnome-keyring-daemon --unlock`), or set LABKEY_API_KEY to bypass it.';
    case 'timeout':
      return 'The keyring may be waiting for an unlock prompt, or D-Bus is stuck. Unlock it, set LABKEY_API_KEY, or use `lk auth login --store netrc`.';
    default:
      return 'Run `lk doctor` to check the keychain, or use `lk auth login --store netrc`.';
  }
}

/** Keeps native messages short and free of the value being stored. */
function scrub(message: string, password: string | undefined): string {
  let text = message.replace(/\s+/g, ' ').trim();
  if (password) text = text.split(password).join('[REDACTED]');
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
