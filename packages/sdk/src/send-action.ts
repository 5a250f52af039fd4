/**
 * The retry loop of one action request, above the transport's own (network errors, 502/503/504):
 * a refused CSRF token is fetched afresh and the request sent once more; a rejected key is
 * re-resolved once and, when the chain now gives another key, the request is sent again with it.
 * Anything else that is not a JSON success goes through toLabKeyError.
 */
import type { AuthCache, ResolvedAuth } from './auth/resolved-auth.js';
import { csrfRefused, type CsrfState } from './csrf.js';
import { ErrorCodes } from './errors/labkey-error.js';
import { guestDespiteKeyError, parseJsonObject, toLabKeyError, type AuthContext } from './errors/to-labkey-error.js';
import { redactRequest } from './transport/redacted-request.js';
import { findRowsSpan, type RowsSpan } from './api/raw-rows.js';
import type { DebugSink, Transport } from './transport/transport.js';
import { openRows, StreamedRows, type StreamRowsOptions } from './api/row-stream.js';
import type { HttpError } from './errors/http-error.js';

/** Actions whose answer is a JSON array, in lower case. */
const ARRAY_ACTIONS = new Set(['getapikeyroles']);

function parseJsonArray(body: string): unknown[] | undefined {
  if (!/^\s*\[/.test(body.slice(0, 64))) return undefined;
  try {
    const v: unknown = JSON.parse(body);
    return Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** One action request, built (method, URL with query, body) and classified. */
export interface PreparedAction {
  method: 'GET' | 'POST';
  url: string;
  body: string | undefined;
  /** The body is JSON (else a form, or none). */
  json: boolean;
  /** Carries the CSRF token (a mutating POST). */
  csrf: boolean;
  idempotent: boolean;
  /** The action name in lower case (`whoami` answers are checked and prime the CSRF state). */
  action: string;
  signal: AbortSignal | undefined;
  /** Called when a 2xx answer's body has been read, before it is parsed (a pager asks for its next page then). */
  onBody?: (() => void) | undefined;
  /** Answer a {@link RawBody}: a body with a top-level `rows` array keeps it as bytes. */
  raw?: boolean | undefined;
  /**
   * Read a 2xx answer as it arrives: one with a top-level `rows` array is answered as a
   * {@link StreamedRows} (its pages cut from the stream); any other is read whole, as without it.
   */
  stream?: StreamRowsOptions | undefined;
}

/**
 * A raw answer: `json` is the body's object with `rows` as `[]` when `span` says where the rows
 * are in `bytes` (the body checked as JSON); without `span`, `json` is the whole body parsed.
 */
export interface RawBody {
  json: Record<string, unknown>;
  bytes?: Buffer;
  span?: RowsSpan;
}

/** A success body, its rows left as bytes: undefined when it has no `rows` array, is not JSON, or says it failed. */
export function rawSuccess(bytes: Buffer): RawBody | undefined {
  const span = findRowsSpan(bytes);
  if (!span) return undefined;
  const json = parseJsonObject(`${bytes.toString('utf8', 0, span.start)}[]${bytes.toString('utf8', span.end)}`);
  if (!json || (json.success === false && typeof json.exception === 'string')) return undefined;
  return { json, bytes, span };
}

/** What the loop uses of the client's core. */
export interface ActionSender {
  readonly transport: Transport;
  readonly authCache: AuthCache;
  readonly csrf: CsrfState;
  debugSink(): DebugSink | undefined;
  authContext(a: ResolvedAuth, credentialSent: boolean): AuthContext;
}

/** Sends `p` with the resolved auth `a` (re-resolved here once if the server rejects its key). */
export async function sendAction<T>(core: ActionSender, p: PreparedAction, resolved: ResolvedAuth): Promise<T> {
  let a = resolved;
  let csrfRetried = false;
  let keyRefreshed = false;
  for (;;) {
    let headers: Readonly<Record<string, string>>;
    if (p.csrf) {
      const token = await core.csrf.ensure(p.signal);
      headers = core.csrf.headersFor(a, token, p.json);
    } else {
      headers = p.method === 'GET' ? a.getHeaders : p.json ? a.jsonHeaders : a.formHeaders;
    }
    let res = await core.transport.send({
      method: p.method,
      url: p.url,
      headers: headers as Record<string, string>,
      ...(p.body !== undefined ? { body: p.body } : {}),
      idempotent: p.idempotent,
      signal: p.signal,
      credentialNote: a.note,
      debug: core.debugSink(),
      ...(p.stream ? { stream: true } : {}),
    });
    if (res.stream && p.stream) {
      const answered = res;
      const request = redactRequest(p.method, res.url, headers);
      const auth = core.authContext(a, res.credentialsSent);
      const opened = await openRows(res, p.stream, {
        request,
        explain: async (body) => (await toLabKeyError({ status: answered.status, headers: answered.headers, body, url: answered.url }, request, auth)) as HttpError,
        maxPageBytes: core.transport.maxResponseBytes,
        pageTimeoutMs: core.transport.timeouts.total,
        signal: p.signal,
      });
      if (opened instanceof StreamedRows) return opened as T;
      res = opened;
    }
    if (res.status >= 200 && res.status < 300) {
      if (p.onBody) {
        p.onBody();
        // Let a request onBody started leave (undici writes it from the event loop) before this
        // answer is parsed, or it would wait behind the parse and the caller's work on the rows.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      if (p.raw) {
        const raw = rawSuccess(res.bytes);
        if (raw) return raw as T;
      }
      // The few actions that answer a JSON array (security-getApiKeyRoles) get it as `{ list }`.
      if (ARRAY_ACTIONS.has(p.action)) {
        const list = parseJsonArray(res.body);
        if (list) return { list } as T;
      }
      const json = parseJsonObject(res.body);
      if (json && !(json.success === false && typeof json.exception === 'string')) {
        // whoAmI answering guest (id 0) although we hold a key: a pre-2024 server ignored the key,
        // or a redirect to another origin dropped it (toLabKeyError tells the two apart). An
        // answer from an origin the key never reached proves nothing about the key, whoever it names.
        if (p.action === 'whoami' && a.credential && (json.id === 0 || !res.credentialsSent)) {
          throw await guestDespiteKeyError(res, redactRequest(p.method, res.url, headers), core.authContext(a, res.credentialsSent));
        }
        if (p.action === 'whoami') core.csrf.note(json.CSRF);
        return (p.raw ? { json } : json) as T;
      }
    }
    if (p.csrf && !csrfRetried && csrfRefused(res)) {
      csrfRetried = true;
      core.debugSink()?.(`CSRF token refused; fetching a fresh one and retrying ${p.method} once`);
      core.csrf.reset();
      continue;
    }
    const err = await toLabKeyError(res, redactRequest(p.method, res.url, headers), core.authContext(a, res.credentialsSent));
    // The memoized key was rejected: resolve the chain once more (the key may have been replaced
    // since, e.g. by `lk auth login`). A 401 means the request did not run, so a retry is safe.
    if (!keyRefreshed && err.code === ErrorCodes.API_KEY_REJECTED && a.credential) {
      keyRefreshed = true;
      const before = a.credential.fingerprint;
      const fresh = await core.authCache.get(true).catch(() => undefined);
      if (fresh?.credential && fresh.credential.fingerprint !== before) {
        core.debugSink()?.(`key ${before} rejected; retrying with ${fresh.credential.fingerprint} from ${fresh.credential.source}`);
        a = fresh;
        continue;
      }
    }
    throw err;
  }
}
