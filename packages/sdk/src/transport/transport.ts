/**
 * The HTTP layer: undici `request` on a keep-alive Agent (loaded lazily), our own redirect loop
 * (credentials never cross an origin), timeouts, AbortSignal, and retries with backoff and jitter
 * for idempotent requests. It returns the raw response (status, headers, full body bytes and text); turning
 * that into data or a typed error is `request.ts`'s and `toLabKeyError`'s job.
 */
import type { Dispatcher } from 'undici';
import { CookieJar } from './cookie-jar.js';
import { CREDENTIAL_HEADERS, MAX_REDIRECTS, REDIRECT_STATUSES, mustDropCredentials, nextMethod, resolveLocation } from './redirect-policy.js';
import { redactRequest, redactUrl } from './redacted-request.js';
import { fromTransportError } from '../errors/to-labkey-error.js';
import { checkTlsPort } from './tls-port.js';
import { ResponseTooLargeError, TimeoutError, TooManyRedirectsError } from '../errors/http-error.js';
import type { DebugSink } from '../debug.js';

export type { DebugSink } from '../debug.js';

type Undici = typeof import('undici');

let undici: Undici | undefined;
let loading: Promise<Undici> | undefined;

/** Loads undici once (about 160 ms), on the first request rather than at import time. */
export async function loadUndici(): Promise<Undici> {
  if (undici) return undici;
  loading ??= import('undici').then((m) => {
    // Under CommonJS interop (jest) the namespace may arrive wrapped in `default`.
    const mod = ((m as unknown as { request?: unknown }).request ? m : (m as unknown as { default: Undici }).default) as Undici;
    undici = mod;
    return mod;
  });
  return loading;
}

/** Timeouts in milliseconds. @public */
export interface Timeouts {
  /** TCP/TLS connect (only for the Agent the client creates; your own dispatcher keeps its own). Default 10 000. */
  connect?: number;
  /** From sending the request to the end of the response headers. Default 30 000. */
  headers?: number;
  /** Longest silence while the body streams in. Default 60 000. */
  body?: number;
  /**
   * Longest a whole request may take, redirects and retries included, however steadily the server
   * keeps sending (the other timeouts measure silence only). Default 300 000.
   */
  total?: number;
}

export const DEFAULT_TIMEOUTS: Required<Timeouts> = { connect: 10_000, headers: 30_000, body: 60_000, total: 300_000 };

/**
 * Largest response body read (32 MiB): a full page at lk's page size is a few MiB, and reading up
 * to the cap costs well under 100 MB of memory. `maxResponseBytes` in the client's options.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

export interface TransportOptions {
  /** Origin of the client's server: cookies and credentials stay with it. */
  origin: string;
  dispatcher?: Dispatcher;
  timeouts?: Timeouts;
  retries?: number;
  /** Base delay of the exponential backoff (ms). Default 200. */
  retryBaseMs?: number;
  /** Largest single backoff delay (ms). Default 3 000. */
  retryMaxMs?: number;
  /** Largest response body read; a longer one is a ResponseTooLargeError. Default {@link DEFAULT_MAX_RESPONSE_BYTES}. */
  maxResponseBytes?: number;
}

export interface SendOptions {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Retried on network errors, 502, 503 and 504 when true. */
  idempotent: boolean;
  signal?: AbortSignal | undefined;
  /** Describes the credential for the debug log: `apikey-header from env:LABKEY_API_KEY fp=1a2b3c4d`. */
  credentialNote?: string;
  debug?: DebugSink | undefined;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as text (decoded from `bytes` when first read). */
  readonly body: string;
  /** The body as received. */
  bytes: Buffer;
  /** The URL that answered (after redirects). */
  url: string;
  /** Whether the request that produced this response still carried the credential headers. */
  credentialsSent: boolean;
  redirects: number;
}

const RETRY_STATUSES = new Set([502, 503, 504]);
/** Errors after which nothing reached the server's action, or a safe request may simply be repeated. */
const RETRY_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CLOSED']);

export class Transport {
  readonly origin: string;
  readonly jar: CookieJar;
  private readonly own: boolean;
  private dispatcher: Dispatcher | undefined;
  private readonly timeouts: Required<Timeouts>;
  private readonly retries: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly maxResponseBytes: number;
  private closed = false;

  constructor(opts: TransportOptions) {
    this.origin = opts.origin;
    this.jar = new CookieJar(opts.origin);
    this.dispatcher = opts.dispatcher;
    this.own = opts.dispatcher === undefined;
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...stripUndefined(opts.timeouts) };
    this.retries = Math.max(0, opts.retries ?? 2);
    this.retryBaseMs = opts.retryBaseMs ?? 200;
    this.retryMaxMs = opts.retryMaxMs ?? 3_000;
    this.maxResponseBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  }

  private ready: { u: Undici; d: Dispatcher } | undefined;

  private async getDispatcher(): Promise<{ u: Undici; d: Dispatcher }> {
    const u = undici ?? (await loadUndici());
    if (!this.dispatcher) {
      this.dispatcher = new u.Agent({
        connect: { timeout: this.timeouts.connect },
        keepAliveTimeout: 10_000,
        keepAliveMaxTimeout: 60_000,
        headersTimeout: this.timeouts.headers,
        bodyTimeout: this.timeouts.body,
      });
    }
    this.ready = { u, d: this.dispatcher };
    return this.ready;
  }

  /**
   * Sends one logical request: follows up to 5 redirects, retries idempotent requests on network
   * errors, 502, 503 and 504 (exponential backoff with full jitter, `Retry-After` honoured up to
   * the cap). Throws NetworkError, TimeoutError, AbortedError, BadResponseError (body cut off) or
   * TooManyRedirectsError; any HTTP status is returned, not thrown.
   */
  async send(req: SendOptions): Promise<RawResponse> {
    if (this.closed) throw fromTransportError(new Error('client is closed'), redactRequest(req.method, req.url, req.headers), 'request');
    // The overall deadline: one signal for every hop, retry and backoff of this request.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), this.timeouts.total);
    const signal = req.signal ? AbortSignal.any([req.signal, deadline.signal]) : deadline.signal;
    const r: SendOptions = { ...req, signal };
    let attempt = 0;
    try {
      for (;;) {
        try {
          const res = await this.sendFollowingRedirects(r);
          if (r.idempotent && attempt < this.retries && RETRY_STATUSES.has(res.status)) {
            await this.backoff(attempt++, r, res.headers['retry-after']);
            continue;
          }
          return res;
        } catch (e) {
          const errno = (e as { errno?: string }).errno;
          // A port that speaks TLS to a plain-HTTP request answers every retry the same way.
          const tlsPort = (e as { httpToTlsPort?: boolean }).httpToTlsPort === true;
          if (!deadline.signal.aborted && r.idempotent && attempt < this.retries && errno !== undefined && RETRY_ERRNO.has(errno) && !tlsPort) {
            await this.backoff(attempt++, r, undefined);
            continue;
          }
          throw e;
        }
      }
    } catch (e) {
      if (deadline.signal.aborted && !req.signal?.aborted) throw this.deadlineError(req, e);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  private deadlineError(req: SendOptions, cause: unknown): TimeoutError {
    const request = redactRequest(req.method, req.url, req.headers);
    const ms = this.timeouts.total;
    const status = (cause as { status?: number }).status;
    return new TimeoutError(`${request.method} ${request.url}: not complete within ${ms} ms`, {
      request,
      problem: `not complete within ${ms} ms`,
      ...(status !== undefined ? { status } : {}),
      phase: 'total',
      timeoutMs: ms,
      hint: 'The whole request took too long (a slow server, or one that sends its answer a byte at a time). Raise the limit with `timeouts: { total }` (lk: --timeout SECONDS or LK_TIMEOUT), or check the server with `lk doctor`.',
      cause,
    });
  }

  private async backoff(attempt: number, req: SendOptions, retryAfter: string | string[] | undefined): Promise<void> {
    const exp = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** attempt);
    let ms = Math.random() * exp; // full jitter
    const ra = Array.isArray(retryAfter) ? retryAfter[0] : retryAfter;
    if (ra !== undefined && /^\d+$/.test(ra)) ms = Math.max(ms, Math.min(this.retryMaxMs, Number(ra) * 1000));
    req.debug?.(`retry ${attempt + 1}/${this.retries} of ${req.method} ${redactUrl(req.url)} in ${Math.round(ms)} ms`);
    try {
      await sleep(ms, req.signal);
    } catch (e) {
      throw fromTransportError(e, redactRequest(req.method, req.url, req.headers), 'request', this.timeouts, undefined, req.signal);
    }
  }

  private async sendFollowingRedirects(req: SendOptions): Promise<RawResponse> {
    const { d } = this.ready ?? (await this.getDispatcher());
    let method: string = req.method;
    let url = req.url;
    let body = req.body;
    let headers = req.headers;
    let credentials = true;
    for (let hop = 0; ; hop++) {
      // The first hop goes to the client's own origin by construction; later hops are checked.
      const cookie =
        !credentials || this.jar.size === 0
          ? undefined
          : hop === 0 && url.startsWith(this.origin + '/')
            ? this.jar.ownHeader()
            : this.jar.headerFor(url);
      const sendHeaders = cookie === undefined ? headers : { ...headers, cookie };
      if (req.debug) {
        req.debug(`${method} ${redactUrl(url)} ${credentials ? (req.credentialNote ?? 'no credential') : 'credentials dropped (other origin)'}${cookie ? ` cookies=${this.jar.names().join(',')}` : ''}`);
      }
      let res: Dispatcher.ResponseData<unknown>;
      try {
        // dispatcher.request with origin and path: the URL was built by us, so undici need not
        // parse it again (the first hop is on our origin by construction).
        let origin: string;
        let path: string;
        if (url.startsWith(this.origin + '/')) {
          origin = this.origin;
          path = url.slice(origin.length);
        } else {
          const parsed = new URL(url);
          origin = parsed.origin;
          path = parsed.pathname + parsed.search;
        }
        res = await d.request({
          origin,
          path,
          method: method as Dispatcher.HttpMethod,
          headers: sendHeaders,
          body: body ?? null,
          signal: req.signal,
          headersTimeout: this.timeouts.headers,
          bodyTimeout: this.timeouts.body,
          maxRedirections: 0,
        } as Dispatcher.RequestOptions);
      } catch (e) {
        throw await checkTlsPort(fromTransportError(e, redactRequest(method, url, sendHeaders), 'headers', this.timeouts, undefined, req.signal), url, this.timeouts.connect);
      }
      if (credentials && res.headers['set-cookie'] !== undefined) this.jar.store(url, res.headers['set-cookie'], carriesKey(sendHeaders));

      if (REDIRECT_STATUSES.has(res.statusCode)) {
        const next = resolveLocation(res.headers.location, url);
        if (next) {
          await res.body.dump().catch(() => {});
          if (hop + 1 > MAX_REDIRECTS) {
            throw new TooManyRedirectsError(`More than ${MAX_REDIRECTS} redirects, last to ${redactUrl(next)}`, {
              status: res.statusCode,
              request: redactRequest(method, url, sendHeaders),
              redirects: hop + 1,
              hint: 'Check the server URL (scheme, host and context path); `lk doctor` shows where the redirects lead.',
            });
          }
          if (credentials && mustDropCredentials(url, next)) {
            credentials = false;
            headers = withoutCredentials(headers);
          }
          const nm = nextMethod(res.statusCode, method);
          if (!nm.keepBody && body !== undefined) {
            body = undefined;
            headers = withoutBodyHeaders(headers);
          }
          method = nm.method;
          url = next.toString();
          continue;
        }
      }

      let bytes: Buffer;
      try {
        bytes = await this.readBody(res, method, url, sendHeaders);
      } catch (e) {
        if (e instanceof ResponseTooLargeError) throw e;
        throw fromTransportError(e, redactRequest(method, url, sendHeaders), 'body', this.timeouts, res.statusCode, req.signal);
      }
      let text: string | undefined;
      return {
        status: res.statusCode,
        headers: res.headers,
        get body() {
          return (text ??= bytes.toString('utf8'));
        },
        bytes,
        url,
        credentialsSent: credentials,
        redirects: hop,
      };
    }
  }

  /** The body, at most `maxResponseBytes` of it: past the cap the stream is destroyed and nothing more is held. */
  private async readBody(res: Dispatcher.ResponseData<unknown>, method: string, url: string, headers: Record<string, string>): Promise<Buffer> {
    const max = this.maxResponseBytes;
    const tooLarge = (): ResponseTooLargeError => {
      res.body.destroy();
      const request = redactRequest(method, url, headers);
      const problem = `the response is larger than ${max} bytes (maxResponseBytes)`;
      return new ResponseTooLargeError(`${request.method} ${request.url}: ${problem}`, {
        request,
        problem,
        status: res.statusCode,
        limitBytes: max,
        hint: 'Ask for less per request (a smaller page size, fewer columns, a filter), or raise the cap with the client option `maxResponseBytes`.',
      });
    };
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > max) throw tooLarge();
    const chunks: Buffer[] = [];
    let n = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      n += chunk.length;
      if (n > max) throw tooLarge();
      chunks.push(chunk);
    }
    return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, n);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.own && this.dispatcher) {
      const d = this.dispatcher;
      this.dispatcher = undefined;
      this.ready = undefined;
      await d.close();
    }
  }
}

function withoutCredentials(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in h) if (!CREDENTIAL_HEADERS.includes(k.toLowerCase())) out[k] = h[k] as string;
  return out;
}

function withoutBodyHeaders(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k in h) {
    const l = k.toLowerCase();
    if (l !== 'content-type' && l !== 'content-length') out[k] = h[k] as string;
  }
  return out;
}

function stripUndefined<T extends object>(o: T | undefined): Partial<T> {
  const out: Partial<T> = {};
  if (o) for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Whether a request's headers carry a credential (the `apikey` header or an Authorization). */
function carriesKey(headers: Record<string, string>): boolean {
  return headers.apikey !== undefined || headers.authorization !== undefined;
}
