/**
 * A server URL whose scheme is the wrong one for its port: `http://host:8443` (the port speaks
 * TLS) or `https://host:8080` (the port answers plain HTTP). Neither fails in a way that says so.
 *
 * - http:// to a TLS port: the server closes the plain-HTTP request (Node, Jetty), answers it with
 *   a TLS alert, which no HTTP parser reads, or answers it with a 400 of its own (Tomcat, which
 *   LabKey runs on: "This combination of host and port requires TLS."; nginx and Apache say
 *   much the same). A TLS handshake to the same host and port tells: if it completes, the port
 *   speaks TLS. Nothing is sent over it (no request, no credential), and the certificate is not
 *   checked (only whether TLS answers).
 * - https:// to a plain-HTTP port: OpenSSL reads the server's plain "400 Bad Request" as a TLS
 *   record and fails (`ERR_SSL_WRONG_VERSION_NUMBER`), as it does for any port that answers
 *   bytes that are not TLS (SSH, SMTP). A plain `HEAD /` to the same host and port tells: if an
 *   HTTP status line comes back, the port answers plain HTTP. It carries no credential.
 *
 * Asked only after such a failure, so a working request never pays for it.
 */
import { NetworkError } from '../errors/http-error.js';
import { ErrorCodes, type LabKeyError } from '../errors/labkey-error.js';
import { loadUndici } from './load-undici.js';
import { withScheme } from './url.js';

/**
 * The scheme of a URL is the wrong one for its port, as {@link schemeMismatch} found it.
 * @public
 */
export interface SchemeMismatch {
  /**
   * `http-to-tls-port`: the URL says http:// and its port speaks TLS (a TLS handshake completed).
   * `https-to-plain-port`: the URL says https:// and its port answers plain HTTP (an HTTP status
   * line came back).
   */
  kind: 'http-to-tls-port' | 'https-to-plain-port';
  /** The URL given, with the other scheme (same host, port and path): `https://host:8443/labkey`. */
  url: string;
  /** The host that was probed (an IPv6 address without its brackets). */
  host: string;
  /** The port that was probed. */
  port: number;
  /** What was found, for a person: `port 8443 of host speaks TLS (https), not plain HTTP`. */
  problem: string;
}

/** @public */
export interface SchemeMismatchOptions {
  /** How long each probe (a TCP connect plus a TLS handshake or one HTTP status line) may take. Default 5000 ms. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5000;

/** How a plain-HTTP request to a TLS port fails: the connection closed or reset, or bytes that are no HTTP (undici's parser codes). */
function looksLikeTlsPort(errno: string | undefined): boolean {
  return errno === 'UND_ERR_SOCKET' || errno === 'ECONNRESET' || errno === 'UND_ERR_CLOSED' || (errno?.startsWith('HPE_') ?? false);
}

/** Node's TLS error codes for a TLS hello answered by bytes that are not TLS (a plain-HTTP port, or another protocol). */
const NOT_TLS_ANSWER = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'EPROTO']);

/** The failure's fields this rule reads: an SDK error (LabKeyError), or anything shaped like one. */
interface FailureShape {
  code?: unknown;
  errno?: unknown;
  status?: unknown;
  httpToTlsPort?: unknown;
  request?: { url?: unknown };
}

/** SNI takes a host name, not an address (IPv4 dotted, or IPv6 with colons). */
function isIpAddress(host: string): boolean {
  return host.includes(':') || /^[\d.]+$/.test(host);
}

/** Whether a TLS handshake with host:port completes within `timeoutMs` (any certificate). */
async function speaksTls(host: string, port: number, timeoutMs: number): Promise<boolean> {
  const { connect } = await import('node:tls');
  return new Promise((resolve) => {
    const socket = connect({ host, port, rejectUnauthorized: false, ...(isIpAddress(host) ? {} : { servername: host }) });
    const done = (tls: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(tls);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('secureConnect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('close', () => done(false));
  });
}

/** Whether `origin` (http://host:port) answers a plain `HEAD /` with any HTTP status within `timeoutMs`. */
async function answersPlainHttp(origin: string, timeoutMs: number): Promise<boolean> {
  // undici, not node:net: the request that failed loaded it already (and lk's bundle cannot
  // import a builtin that its bundler has not been told about).
  const { Client } = await loadUndici();
  const client = new Client(origin, { connect: { timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  try {
    const res = await client.request({ method: 'HEAD', path: '/', headers: { connection: 'close' } });
    res.body.resume();
    return true;
  } catch {
    return false; // no HTTP answer: another protocol (SSH), a reset, nothing in time
  } finally {
    await client.destroy().catch(() => undefined);
  }
}

/**
 * Whether `url`'s scheme is the wrong one for its port, judged from `failure`, the error a
 * request to it threw (an SDK error: LK_NETWORK, or an HTTP error with its status):
 *
 * 1. An http:// URL whose request broke off (closed, reset, bytes that are no HTTP) or was
 *    answered 400: a TLS handshake to the same host and port. A NetworkError already marked
 *    `httpToTlsPort` (the client ran this same check) is taken as it is, without a handshake.
 * 2. An https:// URL whose TLS hello was answered with bytes that are not TLS: a plain `HEAD /`.
 *
 * Returns the mismatch when the probe confirms it; `undefined` when the failure says nothing of
 * the kind (refused, host not found, a timeout, a certificate not trusted, an answer other than
 * 400), when the probe does not confirm it (the port speaks neither, e.g. SSH), and when the
 * failed request went to another origin than `url` (a redirect took it elsewhere). Never throws;
 * sends no credential anywhere.
 * @public
 */
export async function schemeMismatch(url: string, failure: unknown, options: SchemeMismatchOptions = {}): Promise<SchemeMismatch | undefined> {
  let u: URL;
  let other: string;
  try {
    u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    other = withScheme(url, u.protocol === 'http:' ? 'https:' : 'http:');
  } catch {
    return undefined; // not a server URL (or one with a password in it): nothing to probe
  }
  const f = (failure ?? {}) as FailureShape;
  if (typeof f.request?.url === 'string' && originOf(f.request.url) !== u.origin) return undefined;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const port = u.port !== '' ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
  const timeoutMs = Math.max(1, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const errno = typeof f.errno === 'string' ? f.errno : undefined;
  if (u.protocol === 'http:') {
    const known = f.httpToTlsPort === true;
    const suspect = known || (f.code === ErrorCodes.NETWORK && looksLikeTlsPort(errno)) || f.status === 400;
    if (!suspect || (!known && !(await speaksTls(host, port, timeoutMs)))) return undefined;
    return { kind: 'http-to-tls-port', url: other, host, port, problem: `port ${port} of ${u.hostname} speaks TLS (https), not plain HTTP` };
  }
  if (f.code !== ErrorCodes.NETWORK || errno === undefined || !NOT_TLS_ANSWER.has(errno)) return undefined;
  if (!(await answersPlainHttp(`http://${u.host}`, timeoutMs))) return undefined;
  return { kind: 'https-to-plain-port', url: other, host, port, problem: `port ${port} of ${u.hostname} answers plain HTTP, not TLS (https)` };
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/**
 * `err` as it is, or, when `url` is http:// and its port speaks TLS ({@link schemeMismatch}), a
 * NetworkError saying so (`httpToTlsPort`), with the https URL to use in its hint. The transport
 * asks this of every http:// request that broke off, so a TLS port is not retried.
 */
export async function checkTlsPort(err: LabKeyError, url: string, timeoutMs: number): Promise<LabKeyError> {
  if (err.code !== ErrorCodes.NETWORK || !url.startsWith('http:')) return err;
  const net = err as NetworkError;
  const found = await schemeMismatch(url, err, { timeoutMs: Math.min(timeoutMs, DEFAULT_TIMEOUT_MS) });
  if (found?.kind !== 'http-to-tls-port') return err;
  return new NetworkError(`${net.request?.method ?? 'GET'} ${net.request?.url ?? url}: ${found.problem}`, {
    ...(net.request ? { request: net.request } : {}),
    problem: found.problem,
    ...(net.errno !== undefined ? { errno: net.errno } : {}),
    httpToTlsPort: true,
    hint: `Use https:// in the server URL (${withScheme(new URL(url).origin, 'https:')}…), not http://.`,
    cause: err,
  });
}
