/**
 * The HTTP layer: undici's `dispatch` on a keep-alive Agent (loaded lazily), our own redirect loop
 * (credentials never cross an origin), timeouts, AbortSignal, and retries with backoff and jitter
 * for idempotent requests. It returns the raw response (status, headers, full body bytes and text); turning
 * that into data or a typed error is `request.ts`'s and `toLabKeyError`'s job.
 *
 * Each hop is read whole by a {@link BodyReader}, a dispatch handler that keeps the chunks as they
 * arrive (the size cap checked on each): no response stream, no async iterator and no AbortSignal
 * per request, which cost more than the rest of the SDK's work on a small answer.
 */
import type { Dispatcher } from 'undici';
import { CookieJar } from './cookie-jar.js';
import { CREDENTIAL_HEADERS, MAX_REDIRECTS, REDIRECT_STATUSES, mustDropCredentials, nextMethod, resolveLocation } from './redirect-policy.js';
import { redactRequest, redactUrl } from './redacted-request.js';
import { fromTransportError } from '../errors/to-labkey-error.js';
import { checkTlsPort } from './tls-port.js';
import { loadUndici, type Undici } from './load-undici.js';
import { ResponseTooLargeError, TimeoutError, TooManyRedirectsError } from '../errors/http-error.js';
import type { DebugSink } from '../debug.js';
import { BodyStream } from './body-stream.js';
import { isLabKeyError } from '../errors/guards.js';

export type { DebugSink } from '../debug.js';

/** Response headers as undici parses them (lower-case names; repeated ones such as set-cookie as arrays). */
type ResponseHeaders = Record<string, string | string[] | undefined>;


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
  /**
   * A 2xx answer (after redirects) comes back at its headers with its body as `stream`, read as it
   * arrives; any other answer is read whole, as without it. The total timeout then ends at the
   * headers (the stream's reader decides how long a healthy body may flow; undici's body timeout
   * still ends a silent one).
   */
  stream?: boolean;
}

export interface RawResponse {
  status: number;
  headers: ResponseHeaders;
  /** The body as text (decoded from `bytes` when first read). */
  readonly body: string;
  /** The body as received. */
  bytes: Buffer;
  /** The URL that answered (after redirects). */
  url: string;
  /** Whether the request that produced this response still carried the credential headers. */
  credentialsSent: boolean;
  redirects: number;
  /** With `SendOptions.stream`, a 2xx answer's body, to be read (then `bytes` is empty). */
  stream?: BodyStream;
}

/** A {@link RawResponse} of `bytes`, its text decoded only when first read. */
export function rawResponse(r: Omit<RawResponse, 'body' | 'bytes'>, bytes: Buffer): RawResponse {
  let text: string | undefined;
  return {
    ...r,
    get body() {
      return (text ??= bytes.toString('utf8'));
    },
    bytes,
  };
}

const RETRY_STATUSES = new Set([502, 503, 504]);
/** Errors after which nothing reached the server's action, or a safe request may simply be repeated. */
const RETRY_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CLOSED']);

export class Transport {
  readonly origin: string;
  readonly jar: CookieJar;
  private readonly own: boolean;
  private dispatcher: Dispatcher | undefined;
  readonly timeouts: Required<Timeouts>;
  private readonly retries: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  /** Largest response body read whole (with `stream`, the most one page of a streamed answer may hold). */
  readonly maxResponseBytes: number;
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
    const u = await loadUndici();
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
    // The overall deadline and the caller's signal: one Stop for every hop, retry and backoff of this request.
    const stop = new Stop();
    const timer = setTimeout(() => stop.stop(new DOMException('This operation was aborted', 'AbortError'), true), this.timeouts.total);
    const signal = req.signal;
    let onAbort: (() => void) | undefined;
    if (signal) {
      if (signal.aborted) stop.stop(signal.reason, false);
      else signal.addEventListener('abort', (onAbort = () => stop.stop(signal.reason, false)), { once: true });
    }
    let attempt = 0;
    try {
      for (;;) {
        try {
          const res = await this.sendFollowingRedirects(req, stop);
          if (req.idempotent && attempt < this.retries && RETRY_STATUSES.has(res.status)) {
            await this.backoff(attempt++, req, res.headers['retry-after'], stop);
            continue;
          }
          return res;
        } catch (e) {
          const errno = (e as { errno?: string }).errno;
          // A port that speaks TLS to a plain-HTTP request answers every retry the same way.
          const tlsPort = (e as { httpToTlsPort?: boolean }).httpToTlsPort === true;
          if (!stop.stopped && req.idempotent && attempt < this.retries && errno !== undefined && RETRY_ERRNO.has(errno) && !tlsPort) {
            await this.backoff(attempt++, req, undefined, stop);
            continue;
          }
          throw e;
        }
      }
    } catch (e) {
      if (stop.byDeadline && !signal?.aborted) throw this.deadlineError(req, e);
      throw e;
    } finally {
      clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
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

  private async backoff(attempt: number, req: SendOptions, retryAfter: string | string[] | undefined, stop: Stop): Promise<void> {
    const exp = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** attempt);
    let ms = Math.random() * exp; // full jitter
    const ra = Array.isArray(retryAfter) ? retryAfter[0] : retryAfter;
    if (ra !== undefined && /^\d+$/.test(ra)) ms = Math.max(ms, Math.min(this.retryMaxMs, Number(ra) * 1000));
    req.debug?.(`retry ${attempt + 1}/${this.retries} of ${req.method} ${redactUrl(req.url)} in ${Math.round(ms)} ms`);
    try {
      await sleep(ms, stop);
    } catch (e) {
      throw fromTransportError(e, redactRequest(req.method, req.url, req.headers), 'request', this.timeouts, undefined, stop);
    }
  }

  private async sendFollowingRedirects(req: SendOptions, stop: Stop): Promise<RawResponse> {
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
      // Dispatched with origin and path: the URL was built by us, so undici need not parse it
      // again (the first hop is on our origin by construction).
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
      const reader = new BodyReader(url, this.maxResponseBytes, req.stream === true);
      if (req.stream) {
        const timeouts = this.timeouts;
        const [m, u, h] = [method, url, sendHeaders];
        reader.toError = (e) => (isLabKeyError(e) ? e : fromTransportError(e, redactRequest(m, u, h), 'body', timeouts, reader.status));
      }
      let res: Hop;
      try {
        res = await reader.read(
          d,
          {
            origin,
            path,
            method: method as Dispatcher.HttpMethod,
            headers: sendHeaders,
            body: body ?? null,
            headersTimeout: this.timeouts.headers,
            bodyTimeout: this.timeouts.body,
            // A redirect interceptor on a dispatcher passed in must not follow (and forward the key): this loop does.
            maxRedirections: 0,
          } as Dispatcher.DispatchOptions,
          stop,
        );
      } catch (e) {
        if (reader.tooLarge) throw this.tooLarge(method, url, sendHeaders, reader.status);
        if (reader.status !== 0) throw fromTransportError(e, redactRequest(method, url, sendHeaders), 'body', this.timeouts, reader.status, stop);
        throw await checkTlsPort(fromTransportError(e, redactRequest(method, url, sendHeaders), 'headers', this.timeouts, undefined, stop), url, this.timeouts.connect);
      }
      if (credentials && res.headers['set-cookie'] !== undefined) this.jar.store(url, res.headers['set-cookie'], carriesKey(sendHeaders));

      const next = reader.next;
      if (next) {
        if (hop + 1 > MAX_REDIRECTS) {
          throw new TooManyRedirectsError(`More than ${MAX_REDIRECTS} redirects, last to ${redactUrl(next)}`, {
            status: res.status,
            request: redactRequest(method, url, sendHeaders),
            redirects: hop + 1,
            hint: 'Check the server URL (scheme, host and context path); `lk doctor` shows where the redirects lead.',
          });
        }
        if (credentials && mustDropCredentials(url, next)) {
          credentials = false;
          headers = withoutCredentials(headers);
        }
        const nm = nextMethod(res.status, method);
        if (!nm.keepBody && body !== undefined) {
          body = undefined;
          headers = withoutBodyHeaders(headers);
        }
        method = nm.method;
        url = next.toString();
        continue;
      }

      return rawResponse({ status: res.status, headers: res.headers, url, credentialsSent: credentials, redirects: hop, ...(res.stream ? { stream: res.stream } : {}) }, res.bytes);
    }
  }

  private tooLarge(method: string, url: string, headers: Record<string, string>, status: number): ResponseTooLargeError {
    const max = this.maxResponseBytes;
    const request = redactRequest(method, url, headers);
    const problem = `the response is larger than ${max} bytes (maxResponseBytes)`;
    return new ResponseTooLargeError(`${request.method} ${request.url}: ${problem}`, {
      request,
      problem,
      status,
      limitBytes: max,
      hint: 'Ask for less per request (a smaller page size, fewer columns, a filter), or raise the cap with the client option `maxResponseBytes`.',
    });
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

/**
 * What ends one send early: the caller's signal or the total deadline, whichever comes first. The
 * hop or backoff in progress registers how to stop it (`current`); a later one sees `stopped`.
 */
class Stop {
  stopped = false;
  /** The deadline came first (else the caller's signal). */
  byDeadline = false;
  reason: unknown;
  current: ((reason: unknown) => void) | undefined;

  /** As an AbortSignal for {@link fromTransportError}: whether the request was stopped. */
  get aborted(): boolean {
    return this.stopped;
  }

  stop(reason: unknown, byDeadline: boolean): void {
    if (this.stopped) return;
    this.stopped = true;
    this.byDeadline = byDeadline;
    this.reason = reason;
    this.current?.(reason);
  }
}

function sleep(ms: number, stop: Stop): Promise<void> {
  return new Promise((resolve, reject) => {
    if (stop.stopped) return reject(stop.reason);
    const t = setTimeout(() => {
      stop.current = undefined;
      resolve();
    }, ms);
    stop.current = (reason) => {
      stop.current = undefined;
      clearTimeout(t);
      reject(reason);
    };
  });
}

/** One hop's answer: status, headers and the whole body (empty for a redirect this loop follows). */
interface Hop {
  status: number;
  headers: ResponseHeaders;
  bytes: Buffer;
  stream?: BodyStream;
}

/** Most of a followed redirect's body read and dropped before its connection is closed instead (as undici's `dump()`). */
const REDIRECT_BODY_LIMIT = 128 * 1024;
const EMPTY = Buffer.alloc(0);

/**
 * Reads one hop through undici's dispatch handler API: the body's chunks are kept as they arrive,
 * at most `max` bytes of them (past the cap, or a larger Content-Length, the request is aborted and
 * nothing more is held: `tooLarge`). A redirect this loop follows (`next`) has its body dropped.
 * `status` stays 0 until the final (non-1xx) response headers arrive.
 */
class BodyReader implements Dispatcher.DispatchHandler {
  status = 0;
  headers: ResponseHeaders = {};
  next: URL | undefined;
  tooLarge = false;
  private chunks: Buffer[] = [];
  private n = 0;
  private controller: Dispatcher.DispatchController | undefined;
  private stop: Stop | undefined;
  /** Set once the hop has its outcome; callbacks after it are ignored. */
  private settled = false;
  private failure: unknown;
  private resolve: (h: Hop) => void = noop;
  private reject: (e: unknown) => void = noop;

  /** A streamed 2xx body (`stream`). */
  body: BodyStream | undefined;
  toError: (e: unknown) => unknown = (e) => e;

  constructor(
    private readonly url: string,
    private readonly max: number,
    private readonly streamable = false,
  ) {}

  read(d: Dispatcher, opts: Dispatcher.DispatchOptions, stop: Stop): Promise<Hop> {
    return new Promise<Hop>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
      if (stop.stopped) return reject(stop.reason);
      this.stop = stop;
      stop.current = (reason) => this.fail(reason, true);
      try {
        d.dispatch(opts, this);
      } catch (e) {
        this.fail(e, false);
      }
    });
  }

  private settle(): void {
    this.settled = true;
    this.chunks = [];
    if (this.stop) this.stop.current = undefined;
  }

  /** Ends the hop with `e`, aborting the request when `abort` (not when undici reported `e`). */
  private fail(e: unknown, abort: boolean): void {
    if (this.settled) return;
    this.settle();
    this.failure = e;
    this.reject(e);
    if (abort) this.abort();
  }

  private abort(): void {
    const c = this.controller;
    if (c && !c.aborted) c.abort(this.failure as Error);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    // Stopped before undici started the request: abort it now.
    if (this.settled) this.abort();
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: ResponseHeaders): void {
    if (statusCode < 200 || this.settled) return;
    this.status = statusCode;
    this.headers = headers;
    if (REDIRECT_STATUSES.has(statusCode)) {
      this.next = resolveLocation(headers.location, this.url) ?? undefined;
      if (this.next) return;
    }
    if (this.streamable && statusCode < 300) {
      // Handed over at the headers: the body goes to the stream as it arrives.
      const body = (this.body = new BodyStream(_controller, this.toError));
      this.settle();
      this.resolve({ status: statusCode, headers, bytes: EMPTY, stream: body });
      return;
    }
    const declared = Number(headers['content-length']);
    if (Number.isFinite(declared) && declared > this.max) this.overCap();
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.body) return this.body.push(chunk);
    if (this.settled) return;
    this.n += chunk.length;
    if (this.next) {
      // A followed redirect's body is dropped; past the limit its connection is closed instead.
      if (this.n > REDIRECT_BODY_LIMIT) {
        this.succeed();
        this.failure = new DOMException('This operation was aborted', 'AbortError');
        this.abort();
      }
      return;
    }
    if (this.n > this.max) return this.overCap();
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.body) return this.body.end();
    if (!this.settled) this.succeed();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.body) return this.body.fail(error);
    this.fail(error, false);
  }

  private overCap(): void {
    this.tooLarge = true;
    this.fail(new Error(`more than ${this.max} bytes (maxResponseBytes)`), true);
  }

  private succeed(): void {
    const chunks = this.chunks;
    this.settle();
    const bytes = this.next || chunks.length === 0 ? EMPTY : chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, this.n);
    this.resolve({ status: this.status, headers: this.headers, bytes });
  }
}

function noop(): void {}

/** Whether a request's headers carry a credential (the `apikey` header or an Authorization). */
function carriesKey(headers: Record<string, string>): boolean {
  return headers.apikey !== undefined || headers.authorization !== undefined;
}
