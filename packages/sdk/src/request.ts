/**
 * The core send: URL building, auth headers, CSRF, response → data | toLabKeyError. One `Core`
 * per client (shared by `.extend()` copies when the server is the same), holding the transport
 * (keep-alive Agent, cookie jar), the memoized credential and the CSRF token.
 */
import type { Credential, CredentialSource, ResolveContext, ResolveStep } from './credentials/types.js';
import { authHeadersFor, type AuthScheme } from './auth/auth-scheme.js';
import { diagnoseRejection, type KeyInfoStore, type NetrcFacts, type ShadowedKey } from './auth/diagnose-rejection.js';
import { NoCredentialsError } from './errors/credential-errors.js';
import { isLabKeyError } from './errors/guards.js';
import { ErrorCodes } from './errors/labkey-error.js';
import { CSRF_MESSAGE, guestDespiteKeyError, parseJsonObject, toLabKeyError, type AuthContext } from './errors/to-labkey-error.js';
import { Transport, type Timeouts } from './transport/transport.js';
import { actionUrl, encodeParams } from './transport/url.js';
import { redactRequest, redactUrl } from './transport/redacted-request.js';
import { BadResponseError } from './errors/http-error.js';
import type { DebugSink } from './transport/transport.js';
import { debug, debugEnabled } from './debug.js';
import { memoize, type MemoizedProvider } from './credentials/memoize.js';
import { readNetrc } from './credentials/netrc/locate-netrc.js';
import type { ActionRequest } from './api/types.js';
import type { Dispatcher } from 'undici';

/** What a request carries for authentication, resolved once per client. */
export interface ResolvedAuth {
  credential: Credential | undefined;
  /** Trail of sources tried (also when none had a key). */
  trail: readonly ResolveStep[];
  /** Headers for GET: user agent, accept, credential. Frozen and reused. */
  getHeaders: Readonly<Record<string, string>>;
  /** Headers for a JSON POST. */
  jsonHeaders: Readonly<Record<string, string>>;
  /** Headers for a form POST. */
  formHeaders: Readonly<Record<string, string>>;
  /** For the debug log: `apikey-header from env:LABKEY_API_KEY fp=1a2b3c4d`. */
  note: string;
}

export interface CoreOptions {
  baseUrl: string;
  origin: string;
  credentials: CredentialSource;
  resolveContext: () => ResolveContext;
  auth: AuthScheme;
  userAgent: string;
  timeouts?: Timeouts | undefined;
  retries?: number | undefined;
  dispatcher?: Dispatcher | undefined;
  keyInfo?: KeyInfoStore | undefined;
  debug?: DebugSink | undefined;
  onWarning?: ((message: string) => void) | undefined;
}

const httpDebug: DebugSink = (line) => debug('http', '%s', line);

/** Longest GET URL sent; longer read-only requests become form POSTs. */
const MAX_GET_URL = 6000;

const READ_ONLY_POST_ACTIONS = new Set(['selectrows', 'getquery', 'executesql', 'whoami', 'getcontainers', 'getschemas', 'getqueries']);

export class Core {
  readonly opts: CoreOptions;
  readonly transport: Transport;
  private readonly authProvider: MemoizedProvider<ResolvedAuth>;
  private resolvedAuth: ResolvedAuth | undefined;
  private csrfToken: string | undefined;
  private csrfInFlight: Promise<string> | undefined;
  /** Mutating-header objects cached per CSRF token. */
  private csrfHeaders: { token: string; auth: ResolvedAuth; json: Record<string, string>; form: Record<string, string> } | undefined;

  constructor(opts: CoreOptions, transport?: Transport) {
    this.opts = opts;
    this.transport =
      transport ??
      new Transport({
        origin: opts.origin,
        ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
        ...(opts.timeouts ? { timeouts: opts.timeouts } : {}),
        ...(opts.retries !== undefined ? { retries: opts.retries } : {}),
      });
    this.authProvider = memoize(async () => {
      const a = await this.resolveAuth();
      this.resolvedAuth = a;
      return a;
    });
  }

  /** Where debug lines go for this request: the client's sink, else `NODE_DEBUG=lk`, else nowhere. */
  private debugSink(): DebugSink | undefined {
    if (this.opts.debug) return this.opts.debug;
    return debugEnabled() ? httpDebug : undefined;
  }

  /** Resolves the credential once (one shared in-flight promise); a failed resolution is retried next time. */
  auth(forceRefresh = false): Promise<ResolvedAuth> {
    if (this.resolvedAuth && !forceRefresh) return Promise.resolve(this.resolvedAuth);
    if (forceRefresh) this.resolvedAuth = undefined;
    return this.authProvider({ forceRefresh });
  }

  private async resolveAuth(): Promise<ResolvedAuth> {
    const ctx = this.opts.resolveContext();
    let credential: Credential | undefined;
    let trail: ResolveStep[] = [];
    try {
      const r = await this.opts.credentials.resolve(ctx);
      const rt = (r as { trail?: ResolveStep[] }).trail;
      if ('skipped' in r && r.skipped) {
        trail = rt ?? [{ source: this.opts.credentials.name, outcome: 'skipped', reason: r.reason }];
      } else {
        const c = r as Omit<Credential, 'trail'> & { trail?: ResolveStep[] };
        trail = rt ?? [{ source: c.source.split(':')[0] ?? c.source, outcome: 'found' }];
        credential = { ...c, trail } as Credential;
        for (const w of credential.warnings ?? []) this.opts.onWarning?.(w);
      }
    } catch (e) {
      // No key anywhere: go on as guest (whoAmI and getContainers work for guests); a 401 then
      // becomes NoCredentialsError with this trail. Broken sources (netrc syntax, keychain) throw.
      if (isLabKeyError(e) && e.code === ErrorCodes.NO_CREDENTIALS) trail = [...((e as NoCredentialsError).trail ?? [])];
      else throw e;
    }
    const base: Record<string, string> = { 'user-agent': this.opts.userAgent, accept: 'application/json' };
    let note = 'no credential (guest)';
    if (credential) {
      Object.assign(base, authHeadersFor(credential, this.opts.auth));
      const form = this.opts.auth === 'apikey' ? 'apikey-header' : this.opts.auth === 'basic' ? 'basic-apikey' : 'bearer';
      note = `${form} from ${credential.source} fp=${credential.fingerprint}`;
    }
    return {
      credential,
      trail,
      getHeaders: Object.freeze({ ...base }),
      jsonHeaders: Object.freeze({ ...base, 'content-type': 'application/json' }),
      formHeaders: Object.freeze({ ...base, 'content-type': 'application/x-www-form-urlencoded' }),
      note,
    };
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
    const a = await this.auth();
    if (!a.credential) throw new NoCredentialsError(a.trail, { server: this.opts.baseUrl });
    return a.credential;
  }

  /** Forgets the CSRF token and its cookie so the next mutating request fetches a fresh one. */
  resetCsrf(): void {
    this.csrfToken = undefined;
    this.csrfHeaders = undefined;
    this.transport.jar.delete('X-LABKEY-CSRF');
  }

  /** Records a token seen in a whoAmI answer (any whoAmI call primes the CSRF state). */
  noteCsrf(token: unknown): void {
    if (typeof token === 'string' && token.length > 0 && token !== this.csrfToken) {
      this.csrfToken = token;
      this.csrfHeaders = undefined;
    }
  }

  /** Fetches `login-whoAmI.api` once (shared in flight) and keeps the CSRF token; cookies land in the jar. */
  private ensureCsrf(signal: AbortSignal | undefined): Promise<string> {
    if (this.csrfToken) return Promise.resolve(this.csrfToken);
    this.csrfInFlight ??= this.call<Record<string, unknown>>({ controller: 'login', action: 'whoAmI', container: '/', method: 'GET', signal }, { skipCsrf: true })
      .then((who) => {
        const token = typeof who.CSRF === 'string' ? who.CSRF : undefined;
        if (!token) {
          const url = this.urlFor('/', 'login', 'whoAmI');
          throw new BadResponseError(`GET ${redactUrl(url)} answered without a CSRF token, so no change can be sent to this server.`, {
            status: 200,
            request: redactRequest('GET', url, {}),
            hint: 'LabKey always returns one; a proxy or a non-LabKey server answered instead. Check the base URL with `lk doctor`.',
          });
        }
        this.noteCsrf(token);
        return token;
      })
      .finally(() => {
        this.csrfInFlight = undefined;
      });
    return this.csrfInFlight;
  }

  private mutatingHeaders(a: ResolvedAuth, token: string, json: boolean): Record<string, string> {
    if (!this.csrfHeaders || this.csrfHeaders.token !== token || this.csrfHeaders.auth !== a) {
      this.csrfHeaders = {
        token,
        auth: a,
        json: { ...a.jsonHeaders, 'x-labkey-csrf': token },
        form: { ...a.formHeaders, 'x-labkey-csrf': token },
      };
    }
    return json ? this.csrfHeaders.json : this.csrfHeaders.form;
  }

  /** AuthContext for toLabKeyError: knows the credential and how to explain its rejection. */
  authContext(a: ResolvedAuth, credentialSent: boolean): AuthContext {
    const c = a.credential;
    return {
      scheme: this.opts.auth,
      credential: c,
      credentialSent,
      trail: a.trail,
      server: this.opts.baseUrl,
      diagnose: c
        ? async ({ legacyGuest, serverNow }) => {
            const ctx = this.opts.resolveContext();
            let keyInfo;
            try {
              keyInfo = await this.opts.keyInfo?.get(c.fingerprint);
            } catch {
              keyInfo = undefined;
            }
            const shadowed = legacyGuest ? undefined : await this.inspectShadowed(ctx, c);
            const netrc = c.source.startsWith('netrc:') ? await this.inspectNetrc(ctx, c) : undefined;
            return diagnoseRejection({ credential: c, legacyGuest, scheme: this.opts.auth, keyInfo, now: serverNow ?? ctx.now(), shadowed, netrc, server: this.opts.baseUrl });
          }
        : undefined,
    };
  }

  /**
   * Asks the chain, only after a rejection, which other sources hold a key for this server
   * (`resolve(ctx, { inspectShadowed: true })`). Chains without that ability give no answer.
   */
  private async inspectShadowed(ctx: ResolveContext, c: Credential): Promise<ShadowedKey[] | undefined> {
    const resolve = this.opts.credentials.resolve as (ctx: ResolveContext, o?: { inspectShadowed?: boolean }) => Promise<unknown>;
    try {
      const r = (await resolve.call(this.opts.credentials, ctx, { inspectShadowed: true })) as Record<string, unknown> | undefined;
      const list = (r?.shadowed ?? r?.shadows) as unknown;
      if (!Array.isArray(list)) return undefined;
      return list
        .filter((s): s is ShadowedKey => !!s && typeof s === 'object' && typeof (s as ShadowedKey).fingerprint === 'string')
        .map((s) => ({ source: String(s.source), fingerprint: s.fingerprint }))
        .filter((s) => s.source !== c.source);
    } catch {
      return undefined;
    }
  }

  /** Whether the key came from the netrc `default` entry, and which machines the file names. */
  private async inspectNetrc(ctx: ResolveContext, c: Credential): Promise<NetrcFacts | undefined> {
    try {
      const read = await readNetrc(ctx);
      if (!read.netrc) return undefined;
      const host = new URL(this.opts.baseUrl).hostname;
      const entry = read.netrc.find(host);
      return {
        isDefault: entry?.kind === 'default' && (c.details?.line === undefined || c.details.line === entry.line),
        machines: read.netrc.entries.flatMap((e) => (e.kind === 'machine' && e.machine !== undefined ? [e.machine] : [])),
      };
    } catch {
      return undefined;
    }
  }

  /**
   * Sends one action request and returns its JSON object. Mutating POSTs get the CSRF token
   * (fetched once); a CSRF 401 refreshes it once and retries. Everything else that is not a JSON
   * success goes through toLabKeyError.
   */
  async call<T>(o: ActionRequest, internal: { skipCsrf?: boolean } = {}): Promise<T> {
    let a = this.resolvedAuth ?? (await this.auth());
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

    let csrfRetried = false;
    let keyRefreshed = false;
    for (;;) {
      let headers: Readonly<Record<string, string>>;
      if (mutating && !internal.skipCsrf) {
        const token = await this.ensureCsrf(o.signal);
        headers = this.mutatingHeaders(a, token, isJson);
      } else {
        headers = method === 'GET' ? a.getHeaders : isJson ? a.jsonHeaders : a.formHeaders;
      }
      const res = await this.transport.send({
        method,
        url,
        headers: headers as Record<string, string>,
        ...(body !== undefined ? { body } : {}),
        idempotent,
        signal: o.signal,
        credentialNote: a.note,
        debug: this.debugSink(),
      });
      if (res.status >= 200 && res.status < 300) {
        const json = parseJsonObject(res.body);
        if (json && !(json.success === false && typeof json.exception === 'string')) {
          // whoAmI answering guest (id 0) although we hold a key: a pre-2024 server ignored the key,
          // or a redirect to another origin dropped it (toLabKeyError tells the two apart).
          if (lowerAction === 'whoami' && json.id === 0 && a.credential) {
            throw await guestDespiteKeyError(res, redactRequest(method, res.url, headers), this.authContext(a, res.credentialsSent));
          }
          if (lowerAction === 'whoami') this.noteCsrf(json.CSRF);
          return json as T;
        }
      }
      if (
        res.status === 401 &&
        mutating &&
        !internal.skipCsrf &&
        !csrfRetried &&
        CSRF_MESSAGE.test(String(parseJsonObject(res.body)?.exception ?? ''))
      ) {
        csrfRetried = true;
        this.debugSink()?.(`CSRF token refused; fetching a fresh one and retrying ${method} once`);
        this.resetCsrf();
        continue;
      }
      const err = await toLabKeyError(res, redactRequest(method, res.url, headers), this.authContext(a, res.credentialsSent));
      // The memoized key was rejected: resolve the chain once more (the key may have been replaced
      // since, e.g. by `lk auth login`). A 401 means the request did not run, so a retry is safe.
      if (!keyRefreshed && err.code === ErrorCodes.API_KEY_REJECTED && a.credential) {
        keyRefreshed = true;
        const before = a.credential.fingerprint;
        const fresh = await this.auth(true).catch(() => undefined);
        if (fresh?.credential && fresh.credential.fingerprint !== before) {
          this.debugSink()?.(`key ${before} rejected; retrying with ${fresh.credential.fingerprint} from ${fresh.credential.source}`);
          a = fresh;
          continue;
        }
      }
      throw err;
    }
  }
}
