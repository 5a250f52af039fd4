import type { Secret } from '../redact/secret.js';

/**
 * Where a key came from, as a stable string:
 * `option` (passed in code), `env:LABKEY_API_KEY`, `keychain:<service>/<account>`, `netrc:<file>:<line>`.
 * @public
 */
export type CredentialSourceId = string;

/** A resolved API key. `apiKey` is a {@link Secret}; everything else is safe to print. @public */
export interface Credential {
  apiKey: Secret;
  /** e.g. `env:LABKEY_API_KEY`, `netrc:/home/me/.netrc:3`, `keychain:lk:https://host/labkey`. */
  source: CredentialSourceId;
  /** Short, stable, non-reversible id of the key (first 8 hex of its SHA-256), for logs and status. */
  fingerprint: string;
  /** What the chain tried before (and including) the source that won. */
  trail: ResolveStep[];
  /**
   * Problems the source noticed that do not stop it, as non-secret messages: e.g. a netrc file that
   * other users can read, or a token the netrc parser skipped. Callers show them (the CLI on stderr).
   */
  warnings?: string[];
  /**
   * Extra, non-secret facts the source knows, so nobody re-derives them: the netrc file, line,
   * which kind of entry held the key (`machine`, with its name, or `default`), the keychain
   * service and account, the environment variable.
   */
  details?: {
    file?: string;
    line?: number;
    entry?: 'machine' | 'default';
    machine?: string;
    service?: string;
    account?: string;
    variable?: string;
  };
  /**
   * Sources later in the chain that hold a *different* key (by source id and fingerprint, never the
   * value). Only filled when asked for (`chain.resolve(ctx, { inspectShadowed: true })`), since
   * finding out costs a keychain call.
   */
  shadowed?: ShadowedCredential[];
}

/** A key that lost to an earlier source and differs from the one in use. Never holds a value. @public */
export interface ShadowedCredential {
  source: CredentialSourceId;
  fingerprint: string;
  /** The source's non-secret facts (file and line, keychain account…), as on a {@link Credential}. */
  details?: Credential['details'];
}

/** One line of the resolution trail. Never holds a value. @public */
export interface ResolveStep {
  /** Source name, e.g. `env`, `keychain`, `netrc`. */
  source: string;
  outcome: 'found' | 'skipped' | 'error';
  /** Why it was skipped or failed, e.g. `LABKEY_API_KEY not set`, `no entry for host lk.example.org`. */
  reason?: string;
  /** The source holds a key for this server that a safe edit of its file makes readable (what `lk doctor --fix` repairs). */
  repairable?: true;
  /** The source's store does not exist here (no keychain on this machine): a caller listing several trails may say so once. */
  unavailable?: true;
  /**
   * The system's own text behind `reason` (the keychain's D-Bus or Secret Service error), for
   * `lk doctor`, `--json` and debug logs. Messages (a NoCredentialsError's) show `reason` only.
   */
  detail?: string;
}

/** A keychain the SDK can use. The OS adapter time-boxes every call. @public */
export interface Keychain {
  /** A name for trails and messages, e.g. `Secret Service`, `memory`. */
  readonly name: string;
  get(service: string, account: string): Promise<string | undefined>;
  set(service: string, account: string, password: string): Promise<void>;
  /** True when something was deleted. */
  delete(service: string, account: string): Promise<boolean>;
}

/** Minimal file-system surface the credential sources read through (injected for tests). @public */
export interface CredentialFs {
  readFile(path: string): Promise<string>;
  /** `mode` is the permission bits (e.g. 0o600); undefined where the platform has none. */
  stat(path: string): Promise<{ mode: number; isFile: boolean }>;
}

/**
 * Everything a source may read. Nothing reads `process.env`, `os.homedir()` or the real keychain
 * directly: `defaultResolveContext()` builds this from the process, tests build their own.
 * @public
 */
export interface ResolveContext {
  env: Readonly<Record<string, string | undefined>>;
  /** The user's home folder, or undefined when neither HOME nor USERPROFILE is set. */
  homedir: string | undefined;
  fs: CredentialFs;
  keychain: Keychain | undefined;
  now: () => Date;
  platform: NodeJS.Platform;
  /** The server the key is for: base URL with scheme, host, port and context path. */
  server: string | undefined;
  /**
   * Receives the sources' debug lines (`credentials:env => found LABKEY_API_KEY`; names, reasons
   * and fingerprints, never a key). `createClient({ debug })` puts its sink here. Default: the
   * SDK's debug log (`NODE_DEBUG=lk`).
   */
  debug?: ((line: string) => void) | undefined;
}

/** What a source returns when it does not apply here (not an error). @public */
export interface Skipped {
  skipped: true;
  reason: string;
  /** A key is there, in an entry a safe edit makes readable (a machine with a scheme or port, a login other than apikey). */
  repairable?: true;
  /** The store behind the source does not exist here at all (no keychain on this machine), as opposed to holding no key. */
  unavailable?: true;
  /** The system's own text behind `reason` (e.g. the keychain's D-Bus error), for diagnostics; never part of a message. */
  detail?: string;
}

/** The result of a source: a credential (its `trail` is filled in by the chain), or a skip. @public */
export type SourceResult = Omit<Credential, 'trail'> | Skipped;

/**
 * A credential source: a small object. It returns a credential or a skip with a reason, and throws
 * a LabKeyError only when it is configured but broken (unparsable netrc, locked keychain).
 * @public
 */
export interface CredentialSource {
  readonly name: string;
  resolve(ctx: ResolveContext): Promise<SourceResult>;
}
