/**
 * Everything a command may use from the outside world, injected, so nothing reaches a global. Tests build
 * their own Deps with a test IO, a temporary config folder and a fake env; network behaviour still
 * goes to a real (in-process) mock server.
 *
 * The SDK is reached only through `deps.sdk()`, a lazy import (of ./sdk.ts, the SDK functions lk
 * uses): `lk --help` must not load undici.
 */
import { homedir as osHomedir } from 'node:os';
import type { ClientOptions, CredentialSource, LabKeyClient, ResolveContext, SourceResult } from '@lk/sdk';
import type { SdkModule } from './sdk.js';
import { configDir, createConfigStore, keyInfoLookup, type ConfigStore } from './config.js';
import { createProcessIO, type IO } from './io.js';
import { VERSION } from './version.js';
import { warnIfKeyExpiresSoon } from './commands/auth/shared/expiry.js';

export type { SdkModule } from './sdk.js';
export type Env = Readonly<Record<string, string | undefined>>;

export interface Deps {
  io: IO;
  env: Env;
  homedir: string | undefined;
  platform: NodeJS.Platform;
  now: () => Date;
  config: ConfigStore;
  /** The SDK, imported on first use. */
  sdk(): Promise<SdkModule>;
  /** What the SDK's credential sources may read (env, home, keychain), for the given server. */
  resolveContext(server: string): Promise<Partial<ResolveContext>>;
  /** Builds a client; defaults to the SDK's createClient with the CLI's resolve context and key info. */
  createClient(options: ClientOptions): Promise<LabKeyClient>;
  /** `--timeout` / `LK_TIMEOUT` in ms: each request's deadline and longest wait (set before a command runs). */
  timeoutMs?: number | undefined;
}

export const USER_AGENT = `lk/${VERSION}`;

export interface DefaultDepsOptions {
  env?: Env;
  io?: IO;
  homedir?: string;
}

let sdkPromise: Promise<SdkModule> | undefined;
function loadSdk(): Promise<SdkModule> {
  sdkPromise ??= import('./sdk.js').then((m) => m.sdk);
  return sdkPromise;
}

/**
 * Builds Deps from the process (or from the given pieces). Only here are `process.env` and
 * `os.homedir()` read.
 */
export function createDefaultDeps(o: DefaultDepsOptions = {}): Deps {
  const env: Env = o.env ?? process.env;
  const homedir = o.homedir ?? (env.HOME || env.USERPROFILE || osHomedir() || undefined);
  const io = o.io ?? createProcessIO(env);
  let config: ConfigStore | undefined;
  const deps: Deps = {
    io,
    env,
    homedir,
    platform: process.platform,
    now: () => new Date(),
    get config() {
      config ??= createConfigStore(configDir(env, homedir));
      return config;
    },
    sdk: loadSdk,
    resolveContext: (server) => defaultResolveContext(deps, server),
    createClient: (options) => defaultCreateClient(deps, options),
  };
  return deps;
}

/**
 * The resolve context for a server: the injected env, home and clock. The OS keychain is asked
 * only when lk may have put the key there: a server that `lk auth login` stored in netrc skips it
 * (on Linux every keychain call is a helper process and a D-Bus round trip, which would double the
 * cost of `lk auth token`). Unknown servers get the full chain.
 */
export async function defaultResolveContext(deps: Deps, server: string): Promise<Partial<ResolveContext>> {
  const base: Partial<ResolveContext> = { env: deps.env, homedir: deps.homedir, server, now: deps.now, platform: deps.platform };
  let store: string | undefined;
  try {
    store = (await deps.config.load()).servers[server]?.store;
  } catch {
    store = undefined; // a broken config is reported by the commands that need it
  }
  if (store === 'netrc') return { ...base, keychain: undefined };
  return base;
}

/**
 * The credential chain, watched: when it finds a key, {@link warnIfKeyExpiresSoon} may print its
 * once-a-day expiry warning. Everything else is the chain's own (a Proxy, so its methods keep their `this`).
 */
function watchedChain(chain: CredentialSource, deps: Deps): CredentialSource {
  return new Proxy(chain, {
    get(target, prop) {
      if (prop === 'resolve') {
        return async (ctx: ResolveContext, ...rest: unknown[]) => {
          const r = await (target.resolve as (c: ResolveContext, ...x: unknown[]) => Promise<SourceResult>).call(target, ctx, ...rest);
          if (!('skipped' in r)) await warnIfKeyExpiresSoon(deps, r.fingerprint);
          return r;
        };
      }
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

export async function defaultCreateClient(deps: Deps, options: ClientOptions): Promise<LabKeyClient> {
  const sdk = await deps.sdk();
  // The key a command finds on its own (not one given to it, as login and doctor do) may be about to expire.
  const chain = options.credentials ?? (options.apiKey === undefined ? sdk.defaultChain() : undefined);
  return sdk.createClient({
    userAgent: USER_AGENT,
    keyInfo: keyInfoLookup(deps.config),
    // Problems the credential's source noticed (a netrc file other users can read): on stderr,
    // so `lk auth token` output stays the key alone.
    onWarning: (message) => deps.io.err(`${deps.io.style.warn('!')} warning: ${message}\n`),
    ...options,
    ...(deps.timeoutMs !== undefined ? { timeouts: { ...options.timeouts, headers: deps.timeoutMs, body: deps.timeoutMs, total: deps.timeoutMs } } : {}),
    ...(chain ? { credentials: watchedChain(chain, deps) } : {}),
    resolveContext: { ...(await deps.resolveContext(options.baseUrl)), ...options.resolveContext },
  });
}
