// Public types of @lk/mock-server. This file is the contract other packages code against;
// extend only compatibly.

/** Options for {@link startMockServer}. @public */
export interface MockServerOptions {
  /** Port to listen on; default 0 (ephemeral). */
  port?: number;
  /** Interface to bind; default '127.0.0.1'. */
  host?: string;
  /** Context path; default '/labkey'; '' is the root context. */
  contextPath?: string;
  /** 'demo' (default): three users, API keys on, lists. 'empty': same users, no lists, keys off. */
  seed?: 'demo' | 'empty';
  /**
   * The LabKey release to behave as: '22.11' (any release before 23.3), '23.3', '24.3', '24.11',
   * '25.7', '26.3' or '26.7' (the default, the newest). See the README's table.
   */
  labkeyVersion?: string;
  /** Shorthand for labkeyVersion '24.3' (bad credentials silently become guest). */
  legacyAuth?: boolean;
  /** Shorthand for labkeyVersion '26.3' (accepts `Authorization: Bearer <key>`). */
  bearer?: boolean;
  /** Enable the `/_mock/` control endpoint (loopback clients only). */
  control?: boolean;
  /** Persist users, settings, keys and rows in this JSON file across restarts. */
  dataFile?: string;
  /** Idle session timeout; default 30 minutes. */
  sessionTimeoutMs?: number;
  /** Rows in lists.Generated (default 1000). */
  generatedRows?: number;
  /**
   * executeSql: a statement still running after this many ms is stopped with a 500 (default
   * 5000). Statements run in a child process, so one that runs long never delays other requests.
   */
  sqlTimeCapMs?: number;
  /** Initial clock time (default: real now). The clock then runs at real speed. */
  now?: Date;
  /** Realm in WWW-Authenticate (default 'LabKey Mock Server'). */
  systemDescription?: string;
  /** Maximum entries kept in `requests` (oldest dropped first); default 10000. */
  maxLogEntries?: number;
}

/** A running mock server. @public */
export interface MockServer {
  /** Base URL including the context path, no trailing slash. */
  url: string;
  /** `http://host:port`. */
  origin: string;
  port: number;
  close(): Promise<void>;
  clock: MockClock;
  state: MockState;
  /** Live array, newest last. */
  requests: RequestLogEntry[];
  /** Bytes of request bodies being received right now, all requests together (at most 64 MiB; past it, 503). */
  bodiesInFlight(): number;
}

/** The server's injectable clock. @public */
export interface MockClock {
  now(): Date;
  advance(ms: number): void;
  set(date: Date): void;
}

/** Site settings for API keys (Admin Console → Site Settings). @public */
export interface SiteSettings {
  allowApiKeys: boolean;
  /** -1 = never; otherwise seconds (604800, 2592000, 7776000, 15552000, 31536000). */
  apiKeyExpirationSeconds: number;
  allowSessionKeys: boolean;
  /** Secondary authentication (TOTP, Duo) is on: a password over Basic gets the 401 that says so. */
  secondaryAuth?: boolean;
}

/** A row of core.APIKeys as the state API returns it. @public */
export interface ApiKeyRow {
  RowId: number;
  /** User id of the owner. */
  CreatedBy: number;
  Created: Date;
  Expiration: Date | null;
  LastUsed: Date | null;
  Description: string | null;
  /** The role class the key is restricted to (26.7), or null. */
  RestrictionRole: string | null;
}

/** A user of the mock server (no password material). @public */
export interface MockUser {
  id: number;
  email: string;
  displayName: string;
  siteAdmin: boolean;
  active: boolean;
}

/** In-process access to the server's state, for tests. @public */
export interface MockState {
  readonly settings: SiteSettings;
  updateSettings(patch: Partial<SiteSettings>): void;
  /** Issue a key directly (as if the user clicked Generate). Returns the raw 64-hex key once. */
  issueApiKey(email: string, opts?: { description?: string; expirationSeconds?: number; role?: string }): { key: string; rowId: number };
  /** Store a key exactly as given (e.g. a legacy 'apikey|<32 hex>'); only its sha256 is kept. */
  seedApiKey(email: string, rawKey: string, opts?: { description?: string; expiresAt?: Date | null }): { rowId: number };
  revokeApiKey(rowId: number): boolean;
  listApiKeys(email?: string): ApiKeyRow[];
  addUser(u: { email: string; password: string; displayName?: string; siteAdmin?: boolean }): { id: number };
  user(email: string): MockUser | undefined;
  /** Deactivate (or reactivate) a user: its keys and password then get "Your account has been deactivated." */
  setUserActive(email: string, active: boolean): void;
  /** The LabKey release the server behaves as. */
  readonly labkeyVersion: string;
}

/** One handled request. Holds a short fingerprint of the credential, never the credential. @public */
export interface RequestLogEntry {
  time: Date;
  method: string;
  /** Path without the query string. */
  path: string;
  controller?: string;
  action?: string;
  container?: string;
  authForm: 'basic-apikey' | 'basic-password' | 'apikey-header' | 'bearer' | 'session-cookie' | 'none';
  /** First 8 hex of sha256(credential); never the credential. */
  credentialFingerprint?: string;
  /** Email the request ran as; undefined for guest. */
  user?: string;
  status: number;
  csrf: 'none' | 'valid' | 'invalid';
}
