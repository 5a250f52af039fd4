/**
 * `createClient(options)`: a LabKey client for one server. Small pieces composed: the credential
 * chain (resolved once), `authHeadersFor`, the transport (undici, keep-alive, own redirect loop),
 * the CSRF state, and one `toLabKeyError` for everything that goes wrong.
 */
import type { Dispatcher } from 'undici';
import type { Credential, CredentialSource, ResolveContext } from './credentials/types.js';
import { defaultChain, defaultResolveContext } from './credentials/default-chain.js';
import type { Secret } from './redact/secret.js';
import { AUTH_SCHEMES, type AuthScheme } from './auth/auth-scheme.js';
import type { KeyInfoStore } from './auth/diagnose-rejection.js';
import { InvalidArgumentError } from './errors/credential-errors.js';
import { Core } from './request.js';
import type { DebugSink, Timeouts } from './transport/transport.js';
import { normalizeServerUrl } from './transport/url.js';
import { executeSql, executeSqlOneRequest, executeSqlRaw, selectRowsOneRequest, paginate, paginatePages, paginateRawPages, selectRows, selectRowsRaw, type PageFetch } from './api/query.js';
import { createApiKey, getApiKeyRoles, listAllApiKeys, listApiKeys, revokeApiKey, whoAmI } from './api/security.js';
import type { ApiKeyRole } from './api/key-roles.js';
import { getContainers, modifyRows } from './api/rows-api.js';
import { getQueries, getQueryDetails, getSchemas } from './api/discovery.js';
import type {
  ActionRequest,
  ApiKeyRow,
  ContainerInfo,
  CreateApiKeyOptions,
  CreatedApiKey,
  ExecuteSqlOptions,
  GetContainersOptions,
  GetQueriesOptions,
  GetQueryDetailsOptions,
  GetSchemasOptions,
  IterOptions,
  ModifyRowsOptions,
  ModifyRowsResult,
  QueryDetails,
  QueryInfo,
  QueryResult,
  RawPagesOptions,
  RawRowsPage,
  SchemaInfo,
  SelectRowsOptions,
  WhoAmI,
} from './api/types.js';

/** Fetches one page of a paged query. */

/** The SDK's version, sent in the default User-Agent. @public */
export const SDK_VERSION = '0.1.0';

/** @public */
export interface ClientOptions {
  /** Scheme, host, port and context path, e.g. `https://lk.example.org/labkey` (no user:pass@). */
  baseUrl: string;
  /** Default container path. Default `/home`. */
  container?: string;
  /** Where the key comes from. Default: `defaultChain({ apiKey })` (option → env → keychain → netrc) for this server. */
  credentials?: CredentialSource;
  /** Shorthand for an explicit key (source `option`); ignored when `credentials` is given. */
  apiKey?: string | Secret;
  /** How the key is sent. Default `apikey` (the header every server since 2015 reads). */
  auth?: AuthScheme;
  /** Milliseconds; defaults connect 10 s, headers 30 s, body 60 s (silence), total 300 s (the whole request). */
  timeouts?: Timeouts;
  /** Largest response body read, in bytes; a longer one is a ResponseTooLargeError. Default 32 MiB. */
  maxResponseBytes?: number;
  /** Retries for idempotent requests (GET, selectRows, executeSql) on network errors, 502, 503, 504. Default 2. */
  retries?: number;
  /** Default `lk-sdk/<version> (node <version>)`: not browser-like, so LabKey answers 401s with WWW-Authenticate. */
  userAgent?: string;
  /** Your own undici dispatcher (its connect timeout then applies); the client never closes it. */
  dispatcher?: Dispatcher;
  /** Overrides for the ResolveContext the credential sources read (env, homedir, fs, keychain, now). */
  resolveContext?: Partial<ResolveContext>;
  /** What is known locally about keys (expiry), to tell an expired key from a revoked one after a 401. */
  keyInfo?: KeyInfoStore;
  /** Cancels every request of this client (combined with per-call signals). */
  signal?: AbortSignal;
  /**
   * Receives the debug lines: each request (method, URL, credential form, source, fingerprint) and
   * what each credential source found or skipped; never a key. Default: `NODE_DEBUG=lk`.
   */
  debug?: DebugSink;
  /**
   * Called once per resolved credential with each of its warnings (a netrc file other users can
   * read, a skipped netrc token), and for each column a selectRows named that the query does not
   * have (with the closest names it has). Never holds a key. Default: ignored (they reach the debug log).
   */
  onWarning?: (message: string) => void;
}

/** @public */
export interface LabKeyClient {
  readonly baseUrl: string;
  readonly container: string;
  /** A client with some options changed; it shares the connection pool, cookies and CSRF token when the server is the same. */
  extend(overrides: Partial<ClientOptions>): LabKeyClient;
  /** The credential, resolved once. Throws NoCredentialsError (with the trail) when no source has a key. */
  credential(): Promise<Credential>;
  whoAmI(o?: { signal?: AbortSignal }): Promise<WhoAmI>;
  selectRows<R = Record<string, unknown>>(o: SelectRowsOptions): Promise<QueryResult<R>>;
  selectRowsIter<R = Record<string, unknown>>(o: SelectRowsOptions & IterOptions): AsyncIterableIterator<R>;
  /** The pages selectRowsIter reads, each an array of rows (for writers that handle a page at once). */
  selectRowsPages<R = Record<string, unknown>>(o: SelectRowsOptions & IterOptions): AsyncIterableIterator<R[]>;
  /** selectRowsPages with each page's rows left as the server's bytes (`rows()` parses them), for writers that transcode them. */
  selectRowsRawPages<R = Record<string, unknown>>(o: SelectRowsOptions & RawPagesOptions): AsyncIterableIterator<RawRowsPage<R>>;
  executeSql<R = Record<string, unknown>>(o: ExecuteSqlOptions): Promise<QueryResult<R>>;
  executeSqlIter<R = Record<string, unknown>>(o: ExecuteSqlOptions & IterOptions): AsyncIterableIterator<R>;
  /** The pages executeSqlIter reads, each an array of rows. */
  executeSqlPages<R = Record<string, unknown>>(o: ExecuteSqlOptions & IterOptions): AsyncIterableIterator<R[]>;
  /** executeSqlPages with each page's rows left as the server's bytes. */
  executeSqlRawPages<R = Record<string, unknown>>(o: ExecuteSqlOptions & RawPagesOptions): AsyncIterableIterator<RawRowsPage<R>>;
  insertRows<R = Record<string, unknown>>(o: ModifyRowsOptions<R>): Promise<ModifyRowsResult<R>>;
  updateRows<R = Record<string, unknown>>(o: ModifyRowsOptions<R>): Promise<ModifyRowsResult<R>>;
  deleteRows<R = Record<string, unknown>>(o: ModifyRowsOptions<R>): Promise<ModifyRowsResult<R>>;
  getContainers(o?: GetContainersOptions): Promise<ContainerInfo>;
  /** The folder's schemas (`query-getSchemas.api`), nested ones by dotted name. */
  getSchemas(o?: GetSchemasOptions): Promise<SchemaInfo[]>;
  /** A schema's queries (`query-getQueries.api`); an unknown schema's NotFoundError carries `suggestions`. */
  getQueries(o: GetQueriesOptions): Promise<QueryInfo[]>;
  /** A query's columns (`query-getQueryDetails.api`); an unknown schema or query's NotFoundError carries `suggestions`. */
  getQueryDetails(o: GetQueryDetailsOptions): Promise<QueryDetails>;
  /** A new key; `role` restricts it (LabKey 26.7; UnsupportedError from an older server). */
  createApiKey(o?: CreateApiKeyOptions): Promise<CreatedApiKey>;
  /** The roles a key can be restricted to (`security-getApiKeyRoles.api`, LabKey 26.7; UnsupportedError before). */
  getApiKeyRoles(o?: { signal?: AbortSignal }): Promise<ApiKeyRole[]>;
  listApiKeys(o?: { signal?: AbortSignal }): Promise<ApiKeyRow[]>;
  listAllApiKeys(o?: { signal?: AbortSignal }): Promise<ApiKeyRow[]>;
  revokeApiKey(rowId: number, o?: { all?: boolean; signal?: AbortSignal }): Promise<void>;
  /** Any LabKey action; the answer's JSON object. */
  request<T = Record<string, unknown>>(o: ActionRequest): Promise<T>;
  /** Closes the connection pool the client created (not a dispatcher you passed in). */
  close(): Promise<void>;
}

function defaultUserAgent(): string {
  return `lk-sdk/${SDK_VERSION} (node ${process.version.slice(1)})`;
}

function combine(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  if (!a) return b;
  if (!b) return a;
  return AbortSignal.any([a, b]);
}

class Client implements LabKeyClient {
  readonly baseUrl: string;
  readonly container: string;
  private readonly options: ClientOptions;
  private readonly core: Core;

  constructor(options: ClientOptions, core?: Core) {
    this.options = options;
    this.baseUrl = normalizeServerUrl(options.baseUrl);
    this.container = options.container ?? '/home';
    const auth = options.auth ?? 'apikey';
    if (!AUTH_SCHEMES.includes(auth)) {
      throw new InvalidArgumentError(`Unknown auth scheme ${JSON.stringify(auth)}; use 'apikey', 'basic' or 'bearer'.`);
    }
    if (options.retries !== undefined && (!Number.isInteger(options.retries) || options.retries < 0)) {
      throw new InvalidArgumentError('retries must be a whole number, 0 or more.');
    }
    if (options.maxResponseBytes !== undefined && !(Number.isSafeInteger(options.maxResponseBytes) && options.maxResponseBytes > 0)) {
      throw new InvalidArgumentError('maxResponseBytes must be a whole number of bytes, more than 0.');
    }
    if (core) {
      this.core = core;
      return;
    }
    const credentials = options.credentials ?? (options.apiKey !== undefined ? defaultChain({ apiKey: options.apiKey }) : defaultChain());
    let ctx: ResolveContext | undefined;
    const baseUrl = this.baseUrl;
    this.core = new Core({
      baseUrl,
      origin: new URL(baseUrl).origin,
      credentials,
      // The sources write their debug lines to the client's sink too (unless the context names its own).
      resolveContext: () => (ctx ??= defaultResolveContext(baseUrl, { ...(options.debug ? { debug: options.debug } : {}), ...options.resolveContext })),
      auth,
      userAgent: options.userAgent ?? defaultUserAgent(),
      timeouts: options.timeouts,
      retries: options.retries,
      maxResponseBytes: options.maxResponseBytes,
      dispatcher: options.dispatcher,
      keyInfo: options.keyInfo,
      debug: options.debug,
      onWarning: options.onWarning,
    });
  }

  extend(overrides: Partial<ClientOptions>): LabKeyClient {
    const merged: ClientOptions = { ...this.options, ...overrides };
    const transportSame = ['baseUrl', 'dispatcher', 'timeouts', 'retries', 'maxResponseBytes'].every((k) => !(k in overrides) || overrides[k as keyof ClientOptions] === this.options[k as keyof ClientOptions]);
    const authSame = ['credentials', 'apiKey', 'auth', 'resolveContext', 'userAgent', 'keyInfo', 'debug'].every(
      (k) => !(k in overrides) || overrides[k as keyof ClientOptions] === this.options[k as keyof ClientOptions],
    );
    // Same server and same credential: share everything (pool, cookies, CSRF token, resolved key).
    if (transportSame && authSame) return new Client(merged, this.core);
    return new Client(merged);
  }

  credential(): Promise<Credential> {
    return this.core.credential();
  }

  private sig(s: AbortSignal | undefined): AbortSignal | undefined {
    return combine(this.options.signal, s);
  }

  whoAmI(o: { signal?: AbortSignal } = {}): Promise<WhoAmI> {
    return whoAmI(this.core, this.sig(o.signal));
  }

  selectRows<R = Record<string, unknown>>(o: SelectRowsOptions): Promise<QueryResult<R>> {
    const signal = this.sig(o.signal);
    return selectRows<R>(this.core, this.container, signal === o.signal ? o : { ...o, ...(signal ? { signal } : {}) });
  }

  selectRowsIter<R = Record<string, unknown>>(o: SelectRowsOptions & IterOptions): AsyncIterableIterator<R> {
    return paginate<R>(this.selectPage<R>(o), o);
  }

  selectRowsPages<R = Record<string, unknown>>(o: SelectRowsOptions & IterOptions): AsyncIterableIterator<R[]> {
    return paginatePages<R>(this.selectPage<R>(o), o);
  }

  /**
   * {@link selectRowsPages} with each page's rows left as the server's bytes (for transcoding
   * writers); the same paging, prefetch and errors. With `oneRequest`, one request whose answer
   * is cut into the pages as it streams in.
   */
  selectRowsRawPages<R = Record<string, unknown>>(o: SelectRowsOptions & RawPagesOptions): AsyncIterableIterator<RawRowsPage<R>> {
    if (o.oneRequest) return selectRowsOneRequest<R>(this.core, this.container, this.withSignal(o));
    return paginateRawPages<R>(this.pager(o, (page, first, onBody) => selectRowsRaw<R>(this.core, this.container, page, first, onBody)), o);
  }

  private selectPage<R>(o: SelectRowsOptions & IterOptions): PageFetch<R> {
    return this.pager(o, (page, first, onBody) => selectRows<R>(this.core, this.container, page, first, onBody));
  }

  executeSql<R = Record<string, unknown>>(o: ExecuteSqlOptions): Promise<QueryResult<R>> {
    const signal = this.sig(o.signal);
    return executeSql<R>(this.core, this.container, { ...o, ...(signal ? { signal } : {}) });
  }

  executeSqlIter<R = Record<string, unknown>>(o: ExecuteSqlOptions & IterOptions): AsyncIterableIterator<R> {
    return paginate<R>(this.sqlPage<R>(o), o);
  }

  executeSqlPages<R = Record<string, unknown>>(o: ExecuteSqlOptions & IterOptions): AsyncIterableIterator<R[]> {
    return paginatePages<R>(this.sqlPage<R>(o), o);
  }

  /** {@link executeSqlPages} with each page's rows left as the server's bytes (with `oneRequest`: one request, streamed). */
  executeSqlRawPages<R = Record<string, unknown>>(o: ExecuteSqlOptions & RawPagesOptions): AsyncIterableIterator<RawRowsPage<R>> {
    if (o.oneRequest) return executeSqlOneRequest<R>(this.core, this.container, this.withSignal(o));
    return paginateRawPages<R>(this.pager(o, (page, _first, onBody) => executeSqlRaw<R>(this.core, this.container, page, onBody)), o);
  }

  private sqlPage<R>(o: ExecuteSqlOptions & IterOptions): PageFetch<R> {
    return this.pager(o, (page, _first, onBody) => executeSql<R>(this.core, this.container, page, onBody));
  }

  /** One page of a paged query: the caller's options with this page's window, the total count asked on the first only. */
  private pager<O extends { signal?: AbortSignal | undefined; includeTotalCount?: boolean | undefined }, R, P = QueryResult<R>>(
    o: O,
    fetch: (page: O & { maxRows: number; offset: number; includeTotalCount: boolean }, first: boolean, onBody: (() => void) | undefined) => Promise<P>,
  ): PageFetch<R, P> {
    const signal = this.sig(o.signal);
    return (maxRows, offset, first, onBody) =>
      fetch({ ...o, maxRows, offset, includeTotalCount: first ? (o.includeTotalCount ?? true) : false, ...(signal ? { signal } : {}) }, first, onBody);
  }

  insertRows<R = Record<string, unknown>>(o: ModifyRowsOptions<R>): Promise<ModifyRowsResult<R>> {
    return modifyRows<R>(this.core, this.container, 'insertRows', this.withSignal(o));
  }

  updateRows<R = Record<string, unknown>>(o: ModifyRowsOptions<R>): Promise<ModifyRowsResult<R>> {
    return modifyRows<R>(this.core, this.container, 'updateRows', this.withSignal(o));
  }

  deleteRows<R = Record<string, unknown>>(o: ModifyRowsOptions<R>): Promise<ModifyRowsResult<R>> {
    return modifyRows<R>(this.core, this.container, 'deleteRows', this.withSignal(o));
  }

  private withSignal<T extends { signal?: AbortSignal }>(o: T): T {
    const signal = this.sig(o.signal);
    return signal === o.signal ? o : { ...o, signal };
  }

  getContainers(o: GetContainersOptions = {}): Promise<ContainerInfo> {
    return getContainers(this.core, this.container, this.withSignal(o));
  }

  getSchemas(o: GetSchemasOptions = {}): Promise<SchemaInfo[]> {
    return getSchemas(this.core, this.container, this.withSignal(o));
  }

  getQueries(o: GetQueriesOptions): Promise<QueryInfo[]> {
    return getQueries(this.core, this.container, this.withSignal(o));
  }

  getQueryDetails(o: GetQueryDetailsOptions): Promise<QueryDetails> {
    return getQueryDetails(this.core, this.container, this.withSignal(o));
  }

  createApiKey(o: CreateApiKeyOptions = {}): Promise<CreatedApiKey> {
    return createApiKey(this.core, this.container, this.withSignal(o));
  }

  getApiKeyRoles(o: { signal?: AbortSignal } = {}): Promise<ApiKeyRole[]> {
    return getApiKeyRoles(this.core, this.container, this.sig(o.signal));
  }

  listApiKeys(o: { signal?: AbortSignal } = {}): Promise<ApiKeyRow[]> {
    return listApiKeys(this.core, this.container, this.sig(o.signal));
  }

  listAllApiKeys(o: { signal?: AbortSignal } = {}): Promise<ApiKeyRow[]> {
    return listAllApiKeys(this.core, this.sig(o.signal));
  }

  revokeApiKey(rowId: number, o: { all?: boolean; signal?: AbortSignal } = {}): Promise<void> {
    if (!Number.isInteger(rowId) || rowId <= 0) return Promise.reject(new InvalidArgumentError('revokeApiKey needs the key row id (a positive whole number).'));
    return revokeApiKey(this.core, this.container, rowId, this.withSignal(o));
  }

  request<T = Record<string, unknown>>(o: ActionRequest): Promise<T> {
    return this.core.call<T>(this.withSignal({ ...o, container: o.container ?? this.container }));
  }

  close(): Promise<void> {
    return this.core.transport.close();
  }

  // A client gets logged and serialised by accident (`console.log(client)`). Its fields hold the
  // options (an `apiKey` string, an injected env) and the auth headers built from the key, so its
  // printed forms show only the server and container.
  toJSON(): { baseUrl: string; container: string } {
    return { baseUrl: this.baseUrl, container: this.container };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `LabKeyClient { baseUrl: ${JSON.stringify(this.baseUrl)}, container: ${JSON.stringify(this.container)} }`;
  }
}

/**
 * A client for one LabKey server. Nothing is resolved or connected until the first request;
 * undici is loaded then. Throws InvalidArgumentError for an unusable base URL or option.
 * @public
 */
export function createClient(options: ClientOptions): LabKeyClient {
  return new Client(options);
}
