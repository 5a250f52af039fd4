/**
 * The core of a client: one `Core` per client (shared by `.extend()` copies when the server is the
 * same), holding the transport (keep-alive Agent, cookie jar), the resolved auth, the CSRF state
 * and the action URLs. `call` builds an action request (method, URL, body) and hands it to
 * `sendAction`, the retry loop; the response becomes data or a `toLabKeyError`.
 */
import type { Credential, CredentialSource, ResolveContext } from './credentials/types.js';
import type { AuthScheme } from './auth/auth-scheme.js';
import type { KeyInfoStore } from './auth/diagnose-rejection.js';
import { AuthCache, type ResolvedAuth } from './auth/resolved-auth.js';
import { authContextFor } from './auth/rejection-context.js';
import { CsrfState } from './csrf.js';
import { sendAction } from './send-action.js';
import { NoCredentialsError } from './errors/credential-errors.js';
import type { AuthContext } from './errors/to-labkey-error.js';
import { Transport, type DebugSink, type Timeouts } from './transport/transport.js';
import { actionUrl, encodeParams } from './transport/url.js';
import { debug, debugEnabled } from './debug.js';
import type { ActionRequest } from './api/types.js';
import type { StreamRowsOptions } from './api/row-stream.js';
import type { Dispatcher } from 'undici';

export type { ResolvedAuth } from './auth/resolved-auth.js';

export interface CoreOptions {
  baseUrl: string;
  origin: string;
  credentials: CredentialSource;
  resolveContext: () => ResolveContext;
  auth: AuthScheme;
  userAgent: string;
  timeouts?: Timeouts | undefined;
  retries?: number | undefined;
  maxResponseBytes?: number | undefined;
  dispatcher?: Dispatcher | undefined;
  keyInfo?: KeyInfoStore | undefined;
  debug?: DebugSink | undefined;
  onWarning?: ((message: string) => void) | undefined;
}

const httpDebug: DebugSink = (line) => debug('http', '%s', line);

/** Longest GET URL sent; longer read-only requests become form POSTs. */
const MAX_GET_URL = 6000;

const READ_ONLY_POST_ACTIONS = new Set(['selectrows', 'getquery', 'executesql', 'whoami', 'getcontainers', 'getschemas', 'getqueries', 'getquerydetails']);

export class Core {
  readonly opts: CoreOptions;
  readonly transport: Transport;
  readonly authCache: AuthCache;
  readonly csrf: CsrfState;
  /** Whether this server decodes WAF-encoded SQL (LabKey 23.9+); undefined until an executeSql tells. */
  wafSql: boolean | undefined;

  constructor(opts: CoreOptions, transport?: Transport) {
    this.opts = opts;
    this.transport =
      transport ??
      new Transport({
        origin: opts.origin,
        ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
        ...(opts.timeouts ? { timeouts: opts.timeouts } : {}),
        ...(opts.retries !== undefined ? { retries: opts.retries } : {}),
        ...(opts.maxResponseBytes !== undefined ? { maxResponseBytes: opts.maxResponseBytes } : {}),
      });
    this.authCache = new AuthCache(opts);
    this.csrf = new CsrfState(this.transport.jar, {
      whoAmI: (signal) => this.call<Record<string, unknown>>({ controller: 'login', action: 'whoAmI', container: '/', method: 'GET', signal }, { skipCsrf: true }),
      whoAmIUrl: () => this.urlFor('/', 'login', 'whoAmI'),
    });
  }

  /** Where debug lines go for this request: the client's sink, else `NODE_DEBUG=lk`, else nowhere. */
  debugSink(): DebugSink | undefined {
    if (this.opts.debug) return this.opts.debug;
    return debugEnabled() ? httpDebug : undefined;
  }

  /** Action URLs are built once per (container, controller, action) and reused. */
  private readonly urls = new Map<string, string>();

  private urlFor(container: string | undefined, controller: string, action: string): string {
    const k = `${container ?? ''}\u0000${controller}\u0000${action}`;
    let u = this.urls.get(k);
    if (u === undefined) {
      u = actionUrl(this.opts.baseUrl, container, controller, action);
      if (this.urls.size >= 512) this.urls.clear();
      this.urls.set(k, u);
    }
    return u;
  }

  /** The credential, or NoCredentialsError with the trail. */
  async credential(): Promise<Credential> {
    const a = await this.authCache.get();
    if (!a.credential) throw new NoCredentialsError(a.trail, { server: this.opts.baseUrl });
    return a.credential;
  }

  authContext(a: ResolvedAuth, credentialSent: boolean): AuthContext {
    return authContextFor(this.opts, a, credentialSent);
  }

  /**
   * Sends one action request and returns its JSON object. Mutating POSTs get the CSRF token
   * (fetched once); see `sendAction` for the retries.
   */
  async call<T>(o: ActionRequest, internal: { skipCsrf?: boolean; onBody?: () => void; raw?: boolean; stream?: StreamRowsOptions } = {}): Promise<T> {
    const a = this.authCache.current() ?? (await this.authCache.get());
    let method = o.method ?? (o.json !== undefined ? 'POST' : 'GET');
    const lowerAction = o.action.toLowerCase();
    const mutating = o.mutating ?? (method === 'POST' && !READ_ONLY_POST_ACTIONS.has(lowerAction));
    const idempotent = o.idempotent ?? (method === 'GET' || READ_ONLY_POST_ACTIONS.has(lowerAction));
    let url = this.urlFor(o.container, o.controller, o.action);
    let body: string | undefined;
    const isJson = o.json !== undefined;
    if (method === 'GET') {
      const qs = encodeParams(o.params);
      // Read-only actions also take POST; past ~6 kB a query string risks proxy and server limits.
      if (url.length + qs.length > MAX_GET_URL && o.method === undefined && READ_ONLY_POST_ACTIONS.has(lowerAction)) {
        method = 'POST';
        body = qs;
      } else if (qs) url += '?' + qs;
    } else if (isJson) {
      body = JSON.stringify(o.json);
      const qs = encodeParams(o.params);
      if (qs) url += '?' + qs;
    } else {
      body = encodeParams(o.params);
    }
    return sendAction<T>(
      this,
      { method, url, body, json: isJson, csrf: mutating && !internal.skipCsrf, idempotent, action: lowerAction, signal: o.signal, onBody: internal.onBody, raw: internal.raw, stream: internal.stream },
      a,
    );
  }
}
