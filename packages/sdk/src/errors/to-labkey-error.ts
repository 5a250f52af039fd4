/**
 * THE place where responses and transport failures become typed errors. Nothing else in the SDK
 * decides what a status code means.
 */
import type { Credential, ResolveStep } from '../credentials/types.js';
import type { AuthScheme } from '../auth/auth-scheme.js';
import { diagnoseRejection, describeSource, type Diagnosis, type ServerSays } from '../auth/diagnose-rejection.js';
import { ApiKeyRejectedError } from './api-key-rejected-error.js';
import { scrubKey } from '../redact/scrub.js';
import { NoCredentialsError } from './credential-errors.js';
import { KNOWN_ACTIONS } from '../api/known-actions.js';
import { SDK_URL_PARAM_NAMES } from '../api/sdk-params.js';
import { describeKeyRole } from '../api/key-roles.js';
import { closestNames, didYouMean } from '../api/suggest.js';
import type { LabKeyError, RedactedRequest } from './labkey-error.js';
import {
  AbortedError,
  BadResponseError,
  CsrfError,
  ForbiddenError,
  HttpError,
  MethodNotAllowedError,
  NetworkError,
  NotFoundError,
  ServerError,
  TimeoutError,
  ValidationError,
  WrongContextPathError,
  type ValidationIssue,
} from './http-error.js';

/**
 * LabKey's 401 texts for a guest without permission: a request that carries a key and gets one
 * of these ran as guest, so the server ignored the key (servers before 24.8 do that with a key
 * they do not accept). Any other 401 to a keyed request (not CSRF) is the server refusing the
 * credential, whatever its words: "did not match any accounts on file" (24.8), "The API key you
 * provided is invalid." (25.7), or a later text.
 */
export const GUEST_401_MESSAGE = /^\s*(You must log in to view this content|User does not have permission to perform this operation)/i;
/** The server's word that the key's user is deactivated (the only fact the client has of it). */
const DEACTIVATED_MESSAGE = /account has been deactivated/i;
/** A password refused because secondary authentication (TOTP, Duo) is on; API keys are exempt. */
const SECONDARY_AUTH_MESSAGE = /secondary authentication/i;
/** LabKey's CSRF failure text. */
export const CSRF_MESSAGE = /invalid security context/i;

export interface ResponseLike {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  url: string;
}

/** What the request carried, so a 401 can be explained. */
export interface AuthContext {
  scheme: AuthScheme;
  /** The credential that was sent; undefined when the request went out as guest. */
  credential?: Pick<Credential, 'apiKey' | 'source' | 'fingerprint' | 'details' | 'trail'> | undefined;
  /** Whether the credential headers were still on the request that got this answer. */
  credentialSent: boolean;
  /** The trail of sources tried when none had a key (for NoCredentialsError). */
  trail?: readonly ResolveStep[] | undefined;
  server?: string | undefined;
  /** Asked only on a 403 to a keyed request: the role class the key is restricted to, when known. */
  keyRole?: (() => Promise<string | null | undefined>) | undefined;
  /** Asked only when a key was rejected: expiry knowledge and shadowing. */
  diagnose?: ((d: { legacyGuest: boolean; serverNow: Date | undefined; serverSays?: ServerSays | undefined }) => Promise<Diagnosis>) | undefined;
}

interface ServerBody {
  exception?: unknown;
  exceptionClass?: unknown;
  errors?: unknown;
  success?: unknown;
}

/** The response's `Date` header as a Date; undefined when absent or unparsable. */
export function serverDate(h: ResponseLike['headers']): Date | undefined {
  const raw = h['date'];
  const v = Array.isArray(raw) ? raw[0] : raw;
  if (!v) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Parses a JSON object body; undefined when the body is not one. */
export function parseJsonObject(body: string): Record<string, unknown> | undefined {
  // Look at the first non-blank character without copying the body (it can be megabytes).
  let i = 0;
  const n = body.length;
  while (i < n) {
    const ch = body.charCodeAt(i);
    if (ch !== 32 && ch !== 10 && ch !== 13 && ch !== 9 && ch !== 0xfeff) break;
    i++;
  }
  if (body.charCodeAt(i) !== 123 /* { */) return undefined;
  try {
    const v: unknown = JSON.parse(body);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `url` as an error message names it: without the SDK's own parameters (api/sdk-params.ts) in its query string; the error's `request.url` keeps them. */
export function shownUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const kept = url
    .slice(q + 1)
    .split('&')
    .filter((pair) => {
      const eq = pair.indexOf('=');
      let name = eq < 0 ? pair : pair.slice(0, eq);
      try {
        name = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {
        // not percent-encoded as expected: kept as it is
      }
      return !SDK_URL_PARAM_NAMES.has(name);
    });
  return kept.length ? `${url.slice(0, q)}?${kept.join('&')}` : url.slice(0, q);
}

/**
 * The detail of an error about one request, `METHOD URL<sep><problem><end>`, and the problem alone
 * (HttpError.problem), for callers that name the request themselves.
 */
function about(what: string, sep: ': ' | ' ', problem: string, end: '' | '.' = ''): { detail: string; problem: string } {
  return { detail: `${what}${sep}${problem}${end}`, problem };
}

function contentType(h: ResponseLike['headers']): string {
  const v = h['content-type'];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

function looksHtml(res: ResponseLike): boolean {
  return /html/i.test(contentType(res.headers)) || /^\s*</.test(res.body.slice(0, 200));
}

function looksLikeLoginPage(body: string): boolean {
  return /login-login|login\/login|type=["']?password|<title>[^<]*sign in/i.test(body.slice(0, 20000));
}

function contextPathHint(url: string): string {
  let path = '';
  try {
    path = new URL(url).pathname;
  } catch {
    /* keep empty */
  }
  const hasLabkey = /^\/labkey(\/|$)/.test(path);
  return hasLabkey
    ? 'Check the context path: /labkey vs none. This server may run at the root; try the base URL without /labkey (`lk doctor` tries both).'
    : 'Check the context path: /labkey vs none. Many servers run under /labkey; try adding it to the base URL (`lk doctor` tries both).';
}

function flattenErrors(errors: unknown): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  if (!Array.isArray(errors)) return out;
  for (const e of errors) {
    if (!e || typeof e !== 'object') continue;
    const o = e as Record<string, unknown>;
    const rowNumber = typeof o.rowNumber === 'number' ? o.rowNumber : undefined;
    if (Array.isArray(o.errors) && o.errors.length > 0) {
      for (const inner of o.errors as Record<string, unknown>[]) {
        out.push({
          message: String(inner?.message ?? inner?.msg ?? o.exception ?? 'invalid'),
          ...(inner?.field !== undefined ? { field: String(inner.field) } : {}),
          ...(inner?.id !== undefined ? { id: String(inner.id) } : {}),
          ...(rowNumber !== undefined ? { rowNumber } : {}),
        });
      }
    } else {
      out.push({
        message: String(o.message ?? o.msg ?? o.exception ?? 'invalid'),
        ...(o.field !== undefined ? { field: String(o.field) } : {}),
        ...(o.id !== undefined ? { id: String(o.id) } : {}),
        ...(rowNumber !== undefined ? { rowNumber } : {}),
      });
    }
  }
  return out;
}

const QUOTE = `(?:'|&#0?39;|&apos;)`;
const NO_ACTION = new RegExp(`Unable to find action ${QUOTE}([^'&<]*)${QUOTE} to handle request in controller ${QUOTE}([^'&<]*)${QUOTE}`);
const NO_CONTROLLER = /No LabKey Server module registered to handle request for controller: ([\w.-]+)/;

/**
 * LabKey's answer for an action or a controller it does not have (a JSON body, or the HTML error
 * page: the action is looked up before the response format is chosen), as `controller-action`
 * and the server's words; undefined for any other 404.
 */
function unknownAction(text: string, url: string): { name: string; text: string } | undefined {
  const head = text.slice(0, 50_000);
  const a = NO_ACTION.exec(head);
  if (a) return { name: `${a[2]}-${a[1]}`, text: `Unable to find action '${a[1]}' to handle request in controller '${a[2]}'` };
  const c = NO_CONTROLLER.exec(head);
  if (!c) return undefined;
  let last = '';
  try {
    last = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '').replace(/\.[^.]*$/, '');
  } catch {
    /* keep empty */
  }
  const name = last.includes('-') ? last : `${c[1]}-${last}`;
  return { name, text: `No LabKey Server module registered to handle request for controller: ${c[1]}` };
}

function notFoundWhat(msg: string): NotFoundError['what'] {
  if (/no such (project|folder)|could not find requested container|container/i.test(msg)) return 'container';
  if (/view .*does not exist/i.test(msg)) return 'view';
  if (/query|queryName/i.test(msg)) return 'query';
  if (/schema/i.test(msg)) return 'schema';
  return 'resource';
}

/**
 * Maps a response that is not a usable JSON success to a typed error:
 * - 401 with LabKey's rejection text and a key sent → ApiKeyRejectedError, reason from the
 *   credential's source and shape, known expiry and shadowing (`auth.diagnose`);
 * - 401 with the CSRF text → CsrfError (the request layer refreshes once before giving up);
 * - any other 401: with a key sent, a pre-2024 server ignored the key → ApiKeyRejectedError
 *   `legacy-guest`; without one → NoCredentialsError with the trail of sources tried;
 * - 403 → ForbiddenError; JSON 404 → NotFoundError; HTML 404 or an HTML login page anywhere →
 *   WrongContextPathError; 405 → MethodNotAllowedError; 400 with `errors` → ValidationError;
 *   5xx → ServerError; a 2xx body that is not a JSON object → BadResponseError; else HttpError.
 */
export async function toLabKeyError(response: ResponseLike, request: RedactedRequest, auth: AuthContext, answeredAsGuest = false): Promise<LabKeyError> {
  // Server text is scrubbed of the key in use before any of it reaches an error (a reflecting proxy).
  const res = { ...response, body: scrubKey(response.body, auth.credential?.apiKey) };
  const json = parseJsonObject(res.body) as ServerBody | undefined;
  const exception = typeof json?.exception === 'string' ? json.exception : undefined;
  const exceptionClass = typeof json?.exceptionClass === 'string' ? json.exceptionClass : undefined;
  const status = res.status;
  const base = { status, request, ...(exception !== undefined ? { serverException: exception } : {}), ...(exceptionClass !== undefined ? { exceptionClass } : {}) };
  const what = `${request.method} ${shownUrl(request.url)}`;
  const keySent = auth.credential !== undefined && auth.credentialSent;

  if (status === 404) {
    const unknown = unknownAction(json ? (exception ?? '') : res.body, res.url);
    if (unknown) {
      // An action LabKey has that this server does not (its module is missing) is no suggestion.
      const suggestions = closestNames(unknown.name, KNOWN_ACTIONS.filter((a) => a.toLowerCase() !== unknown.name.toLowerCase()));
      const t = about(what, ': ', unknown.text);
      return new NotFoundError(t.detail, {
        ...base,
        problem: t.problem,
        what: 'action',
        missing: unknown.name,
        suggestions,
        hint: [
          didYouMean(suggestions),
          'An action is named controller-action (e.g. query-selectRows); a module\'s actions exist only on servers that have the module.',
        ]
          .filter(Boolean)
          .join(' '),
      });
    }
  }

  if (!json && looksHtml(res) && (status === 404 || looksLikeLoginPage(res.body) || (status >= 200 && status < 300) || status === 401)) {
    const t = about(what, ' ', `answered ${status} with an HTML ${looksLikeLoginPage(res.body) ? 'login page' : 'page'} instead of LabKey JSON: the base URL does not point at LabKey's API`, '.');
    return new WrongContextPathError(t.detail, { ...base, problem: t.problem, hint: contextPathHint(res.url) });
  }

  if (status === 401) {
    if (exception !== undefined && CSRF_MESSAGE.test(exception)) {
      const t = about(what, ' ', `was refused by LabKey's CSRF check, even after fetching a fresh token: ${exception}`);
      return new CsrfError(t.detail, {
        ...base,
        problem: t.problem,
        hint: 'A proxy may be dropping the X-LABKEY-CSRF cookie or header; run `lk doctor`.',
      });
    }
    // Refused, not ignored: any 401 text but the guest ones (see GUEST_401_MESSAGE).
    const rejected = !answeredAsGuest && exception !== undefined && !GUEST_401_MESSAGE.test(exception);
    if (keySent && auth.credential) {
      const c = auth.credential;
      const legacyGuest = !rejected;
      // Expiry is the server's call, made by the server's clock: judge "expired" by the answer's
      // Date header when it has one (client and server clocks drift), else by ours.
      const serverNow = serverDate(res.headers);
      const serverSays: ServerSays | undefined = !rejected
        ? undefined
        : DEACTIVATED_MESSAGE.test(exception!)
          ? 'deactivated'
          : SECONDARY_AUTH_MESSAGE.test(exception!)
            ? 'secondary-auth'
            : undefined;
      const d = auth.diagnose
        ? await auth.diagnose({ legacyGuest, serverNow, serverSays })
        : diagnoseRejection({ credential: c, legacyGuest, serverSays, scheme: auth.scheme, now: serverNow ?? new Date(), server: auth.server });
      return new ApiKeyRejectedError(`The server did not accept the API key from ${describeSource(c)} (fingerprint ${c.fingerprint}): ${d.because}.`, {
        ...base,
        problem: d.because,
        hint: d.hint,
        reason: d.reason,
        source: c.source,
        fingerprint: c.fingerprint,
        authScheme: auth.scheme,
      });
    }
    if (auth.credential && !auth.credentialSent) {
      // Our redirect loop dropped the key on the way to another origin (often http → https, or
      // another host name). "No key found" would be false, and `lk auth login` would not help.
      let target = '';
      try {
        target = new URL(res.url).origin;
      } catch {
        /* keep empty */
      }
      const t = about(
        what,
        ': ',
        `the request was redirected to another origin (${target}), so the API key from ${describeSource(auth.credential)} was not sent there (credentials never follow a redirect to another origin), and the server answered as guest (${exception ?? '401'})`,
        '.',
      );
      return new HttpError(t.detail, {
        ...base,
        problem: t.problem,
        hint: `Use the address the server redirects to as the base URL (${target}, with the context path), so the key goes to it directly.` },
      );
    }
    if (rejected) {
      const t = about(what, ': ', `the server rejected the credentials (${exception}), but no API key was sent`, '.');
      return new HttpError(t.detail, {
        ...base,
        problem: t.problem,
        hint: 'A cookie or proxy credential was rejected; run `lk doctor`.',
      });
    }
    return new NoCredentialsError(auth.trail ?? auth.credential?.trail ?? [], {
      ...(auth.server ? { server: auth.server } : {}),
      hint: `This server requires a key for that request (${exception ?? '401'}). Run \`lk auth login\`, or set LABKEY_API_KEY.`,
    });
  }

  if (status === 403) {
    const who = auth.credential && keySent ? `the owner of the key from ${describeSource(auth.credential)}` : 'this user';
    // LabKey 26.7 answers a role-restricted key's over-reach with this same plain 403.
    const role = keySent && auth.keyRole ? await auth.keyRole().catch(() => undefined) : undefined;
    if (role) {
      const name = describeKeyRole(role);
      const t = about(what, ' ', `is forbidden: the key from ${describeSource(auth.credential!)} is restricted to the ${name} role, and this needs more than ${name} allows (${exception ?? 'Forbidden'})`);
      return new ForbiddenError(t.detail, {
        ...base,
        problem: t.problem,
        keyRole: role,
        hint: `Make a key with a wider role, e.g. \`lk keys create --role editor\` (or without --role for all of its user's permissions), and store it with \`lk auth login --with-token\`.`,
      });
    }
    const t = about(what, ' ', `is forbidden for ${who}: ${exception ?? 'Forbidden'}`);
    return new ForbiddenError(t.detail, {
      ...base,
      problem: t.problem,
      hint: 'The key works but its user lacks permission here: check the container and ask an administrator; `lk auth status` shows which key (and so which user) is used.',
    });
  }

  if (status === 404) {
    // No JSON, or the mock's and proxies' "nothing at this path" answers: not LabKey's API here.
    if (!json || /^No LabKey Server action at /.test(exception ?? '')) {
      const t = about(what, ' ', 'answered 404 without LabKey JSON: there is no LabKey API at that URL', '.');
      return new WrongContextPathError(t.detail, {
        ...base,
        problem: t.problem,
        hint: contextPathHint(res.url),
      });
    }
    const w = notFoundWhat(exception ?? '');
    // A server at the root context reads `/labkey/...` as a project named "labkey".
    const labkeyAsProject = w === 'container' && /No such project: \/labkey\b/i.test(exception ?? '');
    const t = about(what, ': ', exception ?? 'Not found');
    return new NotFoundError(t.detail, {
      ...base,
      problem: t.problem,
      what: w,
      hint: labkeyAsProject
        ? 'Check the context path: /labkey vs none. This server runs at the root; drop /labkey from the base URL.'
        : w === 'container'
          ? 'Check the container path (e.g. /home or "/Project/Sub Folder"): folder names are case-sensitive, and a folder you cannot read looks missing.'
          : w === 'schema' || w === 'query'
            ? queryNotFoundHint(w, exception ?? '')
            : 'Check the names in the request.',
    });
  }

  if (status === 405) {
    const t = about(what, ': ', exception ?? 'Method Not Allowed');
    return new MethodNotAllowedError(t.detail, {
      ...base,
      problem: t.problem,
      hint: 'Mutating LabKey actions accept POST only; this is a bug in the caller, please report it.',
    });
  }

  if (status === 400 && json) {
    const errors = flattenErrors(json.errors);
    if (Array.isArray(json.errors)) {
      const t = about(what, ': ', exception ?? errors[0]?.message ?? 'Bad request');
      return new ValidationError(t.detail, {
        ...base,
        problem: t.problem,
        errors,
        hint: 'Fix the rows or values named in `errors` and try again.',
      });
    }
  }

  if (status >= 500) {
    const t = about(what, ' ', `failed on the server (${status})${exceptionClass ? ` with ${exceptionClass}` : ''}: ${exception ?? (json ? 'no message' : firstLine(res.body))}`);
    return new ServerError(t.detail, {
      ...base,
      problem: t.problem,
      hint: /QueryParseException|SqlParse|parse/i.test(exceptionClass ?? '')
        ? sqlHint(exception ?? '')
        : status === 502 || status === 503 || status === 504
          ? 'The server or a proxy in front of it is unavailable; try again later, `lk doctor` checks reachability.'
          : 'The server reported an internal error; the message above is its own. Check the server log, or report it to the administrator.',
    });
  }

  if (status >= 200 && status < 300) {
    const t = about(
      what,
      ' ',
      `answered ${status} with ${res.body.length === 0 ? 'an empty body' : json ? 'an error object' : `a body that is not JSON (${res.body.length} bytes${/json/i.test(contentType(res.headers)) ? ', cut off or invalid' : ''})`}${exception ? `: ${exception}` : ''}`,
      '.',
    );
    return new BadResponseError(t.detail,
      {
        ...base,
        problem: t.problem,
        ...(contentType(res.headers) ? { contentType: contentType(res.headers) } : {}),
        hint: 'A proxy or the server cut the response short or answered with something other than LabKey JSON; try again, and run `lk doctor` if it persists.',
      },
    );
  }

  const t = about(what, ' ', `answered ${status}${exception ? `: ${exception}` : ''}`);
  return new HttpError(t.detail, {
    ...base,
    problem: t.problem,
    hint: 'Unexpected answer from the server; run `lk doctor`.',
  });
}

/** The hint for LabKey SQL the server could not parse: a name it does not have, a position, or the parser's words. */
function sqlHint(exception: string): string {
  // LabKey's own texts for a FROM it cannot resolve and a column it does not know.
  if (/Query or table not found/i.test(exception)) return 'Check the table name after FROM (case matters for some): `lk query queries <schema>` lists the queries of a schema.';
  if (/Unknown field/i.test(exception)) return 'Check the column name (case matters for some): `lk query columns <schema> <query>` lists the columns of a query.';
  if (/\b(line|column|position|character)\s*\d+|\d+:\d+/i.test(exception)) return 'Fix the LabKey SQL at the position given in the message.';
  return 'Fix the LabKey SQL (the message above is the parser\'s); a saved query that does not parse fails the same way.';
}

function firstLine(body: string): string {
  const l = body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 160);
  return l || 'empty body';
}

const TIMEOUT_CODES: Record<string, 'connect' | 'headers' | 'body'> = {
  UND_ERR_CONNECT_TIMEOUT: 'connect',
  UND_ERR_HEADERS_TIMEOUT: 'headers',
  UND_ERR_BODY_TIMEOUT: 'body',
};

/**
 * Maps a failure below HTTP (no response, or a body that broke off) to a typed error. `phase` is
 * where it happened: before the headers, while reading the body, or outside a request; `signal`
 * (an AbortSignal, or the transport's own stop) says whether the request was stopped on purpose.
 */
export function fromTransportError(
  e: unknown,
  request: RedactedRequest,
  phase: 'headers' | 'body' | 'request',
  timeouts?: { connect: number; headers: number; body: number },
  status?: number,
  signal?: { readonly aborted: boolean },
): LabKeyError {
  const err = e as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  const code = err?.code ?? err?.cause?.code;
  const where = `${request.method} ${request.url}`;
  const timeoutPhase = code ? TIMEOUT_CODES[code] : undefined;
  if (timeoutPhase) {
    const ms = timeouts?.[timeoutPhase];
    const t = about(where, ': ', `no ${timeoutPhase === 'connect' ? 'connection' : timeoutPhase === 'headers' ? 'response headers' : 'response data'} within ${ms ?? '?'} ms`);
    return new TimeoutError(t.detail, {
      request,
      problem: t.problem,
      ...(status !== undefined ? { status } : {}),
      phase: timeoutPhase,
      ...(ms !== undefined ? { timeoutMs: ms } : {}),
      hint: `The server is slow or unreachable: check it with \`lk doctor\`, or raise the limit with \`timeouts: { ${timeoutPhase} }\` (lk: --timeout SECONDS or LK_TIMEOUT).`,
      cause: e,
    });
  }
  if (signal?.aborted || err?.name === 'AbortError' || code === 'UND_ERR_ABORTED' || code === 'ABORT_ERR') {
    const t = about(where, ' ', 'was aborted');
    return new AbortedError(t.detail, { request, problem: t.problem, hint: 'The caller cancelled the request.', cause: e });
  }
  if (phase === 'body') {
    const t = about(where, ': ', `the response body broke off before it was complete (${code ?? err?.message ?? 'connection closed'})`);
    return new BadResponseError(t.detail, {
      request,
      problem: t.problem,
      ...(status !== undefined ? { status } : {}),
      hint: 'The connection closed mid-response (a proxy limit or a server crash); try again, and run `lk doctor` if it persists.',
      cause: e,
    });
  }
  const untrusted = code !== undefined && UNTRUSTED_CERTIFICATE.has(code);
  const wrongPort = untrusted ? undefined : otherProtocol(e, request.url);
  const t = about(where, ': ', untrusted ? `the server's TLS certificate is not trusted here: ${err?.message ?? code}` : (wrongPort ?? networkText(code, err?.message)));
  const net = new NetworkError(t.detail, {
    request,
    problem: t.problem,
    ...(code ? { errno: code } : {}),
    ...(untrusted ? { untrustedCertificate: true } : {}),
    hint: untrusted
      ? "Trust the server's certificate: install its CA in the system store, or point NODE_EXTRA_CA_CERTS at its PEM file."
      : wrongPort
        ? 'Check the port in the server URL (https:// is usually 443; http:// 80 or 8080) and that LabKey listens on it: `lk doctor` checks the URL step by step.'
        : 'Check the server URL and that the server is running and reachable (`lk doctor`).',
    cause: e,
  });
  return net;
}

/** Node's TLS codes for a TLS hello answered by bytes that are not TLS (plain HTTP, SSH, SMTP…): OpenSSL's words are no help to a person. */
const NOT_TLS = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG']);
/** A connection the other side closed or reset before any response (in the headers phase nothing had come back). */
const HUNG_UP = new Set(['ECONNRESET', 'UND_ERR_SOCKET']);

/**
 * What a port that connected but did not talk TLS or HTTP did, in words naming the port and host
 * (`port 22 of host did not answer as a TLS (https) server: is it the right port?`); undefined
 * for any other failure. The TLS library's or undici's own text stays on the error's cause and
 * its code on `errno`. Server bytes are never quoted (a hostile port could echo a header back):
 * only a protocol recognised by its greeting is named.
 */
function otherProtocol(e: unknown, url: string): string | undefined {
  const err = e as { code?: unknown; name?: unknown; data?: unknown };
  const code = typeof err?.code === 'string' ? err.code : undefined;
  let at: string;
  let https: boolean;
  try {
    const u = new URL(url);
    https = u.protocol === 'https:';
    at = `port ${u.port || (https ? 443 : 80)} of ${u.hostname}`;
  } catch {
    return undefined;
  }
  const ask = 'is it the right port?';
  if (https && code !== undefined && NOT_TLS.has(code)) return `${at} did not answer as a TLS (https) server: ${ask}`;
  // undici's llhttp failures (HTTPParserError; its code is often unset): the answer was not HTTP.
  if (err?.name === 'HTTPParserError' || (code?.startsWith('HPE_') ?? false)) {
    const greeting = typeof err.data === 'string' || Buffer.isBuffer(err.data) ? String(err.data).slice(0, 8) : '';
    return /^SSH-\d/.test(greeting) ? `${at} greeted like an SSH server, not an HTTP one: ${ask}` : `${at} did not answer as an HTTP server: ${ask}`;
  }
  if (code !== undefined && HUNG_UP.has(code)) return `${at} closed the connection without answering: ${ask}`;
  return undefined;
}

/** Node's codes for a TLS certificate it does not trust (the server did speak TLS). */
const UNTRUSTED_CERTIFICATE = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function networkText(code: string | undefined, message: string | undefined): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (nothing listens at that host and port)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'the connection was closed by the other side';
    default:
      return `network error${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`;
  }
}

/**
 * A 200 answer that shows the request ran as guest although a key was sent (`whoAmI` id 0): a
 * pre-2024 server silently ignored a key it did not accept. Same error as a rejected key.
 */
export async function guestDespiteKeyError(res: ResponseLike, request: RedactedRequest, auth: AuthContext): Promise<LabKeyError> {
  // Reuse the 401 path so the rejection is explained in exactly one place.
  return toLabKeyError(
    { ...res, status: 401, body: JSON.stringify({ success: false, exception: 'The server answered as guest although an API key was sent.' }) },
    request,
    auth,
    true,
  );
}

/**
 * The hint for a schema or query the server does not have: where the names are listed (lk's
 * discovery commands), and the site-administrator rule only for the admin-only key table.
 */
function queryNotFoundHint(w: 'schema' | 'query', exception: string): string {
  const list = w === 'schema' ? '`lk query schemas` lists the schemas' : '`lk query queries <schema>` lists its queries';
  const admin = /\bAPIKeys\b/.test(exception) ? ' core.APIKeys (every user\'s keys) exists only for site administrators.' : '';
  return `Check the ${w} name (case matters for some); ${list}.${admin}`;
}
