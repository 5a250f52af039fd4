// An http:// URL whose port speaks TLS (`http://host:8443`, a common typo): a real node:tls server
// on loopback, with a throw-away self-signed certificate made here by openssl, closes the
// plain-HTTP request; the SDK tells it from a server that merely closed the connection by a TLS
// handshake to the same port, and says so in a typed field of its NetworkError.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo, type Server } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockServer, type MockServer } from '@lk/mock-server';
import { httpsUrl, isNetworkError } from '@lk/sdk';
import { clientFor } from './helpers.js';

let mock: MockServer; // only for clientFor's defaults
let tls: Server;
let closer: Server;
let dir: string;
let tlsConnections = 0;
const port = (s: Server) => (s.address() as AddressInfo).port;

beforeAll(async () => {
  mock = await startMockServer();
  dir = mkdtempSync(join(tmpdir(), 'lk-sdk-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  tls = createTlsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (s) => s.end());
  tls.on('connection', () => tlsConnections++);
  tls.on('tlsClientError', () => {}); // the plain-HTTP request
  // Plain TCP that closes every connection at once: no TLS there.
  closer = createNetServer((s) => s.destroy());
  await Promise.all([tls, closer].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
});
afterAll(async () => {
  await Promise.all([tls, closer].map((s) => new Promise<void>((r) => s.close(() => r()))));
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

async function failure(base: string): Promise<Record<string, unknown>> {
  const client = clientFor(mock, { baseUrl: base, retries: 2 });
  const e = await client.whoAmI().then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(isNetworkError(e)).toBe(true);
  return e as Record<string, unknown>;
}

test('http:// to a port that speaks TLS: LK_NETWORK with httpToTlsPort, the https URL in the hint, no retries', async () => {
  const base = `http://127.0.0.1:${port(tls)}/labkey`;
  const e = await failure(base);
  expect(e).toMatchObject({ code: 'LK_NETWORK', httpToTlsPort: true, untrustedCertificate: false, problem: `port ${port(tls)} of 127.0.0.1 speaks TLS (https), not plain HTTP` });
  expect(e.hint).toContain(`https://127.0.0.1:${port(tls)}`);
  expect(tlsConnections).toBe(2); // the request and one handshake: not retried
});

test('a plain port that closes the connection is not taken for TLS', async () => {
  const e = await failure(`http://127.0.0.1:${port(closer)}/labkey`);
  expect(e).toMatchObject({ code: 'LK_NETWORK', httpToTlsPort: false });
});

test('httpsUrl: the same base over https', () => {
  expect(httpsUrl('http://host:8443/labkey/')).toBe('https://host:8443/labkey');
  expect(httpsUrl('http://host')).toBe('https://host');
});
