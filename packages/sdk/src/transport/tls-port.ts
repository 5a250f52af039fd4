/**
 * "http:// to a TLS port" (`http://host:8443`, a common typo): the server closes the plain-HTTP
 * request (Node, Jetty) or answers it with a TLS alert, which no HTTP parser reads. Either looks
 * like a connection that broke, so when a request to an http:// URL fails so, a TLS handshake
 * to the same host and port tells: if it succeeds, the port speaks TLS. Nothing is sent over it
 * (no request, no credential), and the certificate is not checked (only whether TLS answers).
 * Asked only after such a failure, so a working request never pays for it.
 */
import { NetworkError } from '../errors/http-error.js';
import { ErrorCodes, type LabKeyError } from '../errors/labkey-error.js';
import { httpsUrl } from './url.js';

/** How a plain-HTTP request to a TLS port fails: the connection closed or reset, or bytes that are no HTTP (undici's parser codes). */
function looksLikeTlsPort(errno: string | undefined): boolean {
  return errno === 'UND_ERR_SOCKET' || errno === 'ECONNRESET' || errno === 'UND_ERR_CLOSED' || (errno?.startsWith('HPE_') ?? false);
}

/** Whether a TLS handshake with host:port completes within `timeoutMs`. */
async function speaksTls(host: string, port: number, timeoutMs: number): Promise<boolean> {
  const { connect } = await import('node:tls');
  return new Promise((resolve) => {
    const bare = host.replace(/^\[|\]$/g, '');
    // SNI takes a host name, not an address (IPv4 dotted, or IPv6 with colons)
    const ip = bare.includes(':') || /^[\d.]+$/.test(bare);
    const socket = connect({ host: bare, port, rejectUnauthorized: false, ...(ip ? {} : { servername: bare }) });
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

/**
 * `err` as it is, or, when `url` is http:// and its port speaks TLS, a NetworkError saying so
 * (`httpToTlsPort`), with the https URL to use in its hint.
 */
export async function checkTlsPort(err: LabKeyError, url: string, timeoutMs: number): Promise<LabKeyError> {
  if (err.code !== ErrorCodes.NETWORK || !url.startsWith('http:')) return err;
  const net = err as NetworkError;
  if (!looksLikeTlsPort(net.errno)) return err;
  const u = new URL(url);
  const port = u.port === '' ? 80 : Number(u.port);
  if (!(await speaksTls(u.hostname, port, Math.min(timeoutMs, 5000)))) return err;
  const https = httpsUrl(u.origin);
  const problem = `port ${port} of ${u.hostname} speaks TLS (https), not plain HTTP`;
  return new NetworkError(`${net.request?.method ?? 'GET'} ${net.request?.url ?? url}: ${problem}`, {
    ...(net.request ? { request: net.request } : {}),
    problem,
    ...(net.errno !== undefined ? { errno: net.errno } : {}),
    httpToTlsPort: true,
    hint: `Use https:// in the server URL (${https}…), not http://.`,
    cause: err,
  });
}
