// schemeMismatch against real sockets on loopback, each on an ephemeral port: a node:tls server
// with a throw-away self-signed certificate made here by Debian's openssl, a plain node:http
// server, a Tomcat-style port (TLS for a TLS hello, else Tomcat's own 400 to a plain request), a
// plain TCP port that closes every connection, and one that greets in SSH. The failures judged
// are the real errors a real client threw at them; each server counts its connections, so a test
// sees when a probe was (or was not) made.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { connect as netConnect, createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { createClient } from '../client.js';
import type { CredentialSource } from '../credentials/types.js';
import { schemeMismatch } from './tls-port.js';

const NO_KEY: CredentialSource = { name: 'none', resolve: async () => ({ skipped: true as const, reason: 'no key in this test' }) };

interface Counted {
  server: Server;
  connections: number;
  port: number;
  sockets: Set<Socket>;
}
const all: Counted[] = [];
async function counted(server: Server): Promise<Counted> {
  const c: Counted = { server, connections: 0, port: 0, sockets: new Set() };
  server.on('connection', (s: Socket) => {
    c.connections++;
    c.sockets.add(s);
    s.on('close', () => c.sockets.delete(s));
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  c.port = (server.address() as AddressInfo).port;
  all.push(c);
  return c;
}

let dir: string;
let tls: Counted; // TLS only: closes a plain request
let plain: Counted; // plain HTTP: 404 for everything
let plain400: Counted; // plain HTTP that answers 400 (not a TLS port)
let tomcat: Counted; // TLS for a TLS hello, Tomcat's 400 for a plain request
let closer: Counted; // plain TCP that closes at once
let ssh: Counted; // greets in SSH, speaks neither HTTP nor TLS

/** Tomcat's answer to a plain-HTTP request on a TLS connector (TLSClientHelloExtractor). */
const TOMCAT_400 = 'HTTP/1.1 400 \r\nContent-Type: text/plain;charset=UTF-8\r\nConnection: close\r\n\r\nBad Request\r\nThis combination of host and port requires TLS.\r\n';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lk-sdk-scheme-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  const creds = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
  const tlsServer = createTlsServer(creds, (s) => s.end());
  tlsServer.on('tlsClientError', () => {});
  tls = await counted(tlsServer);
  plain = await counted(createHttpServer((_req, res) => res.writeHead(404, { 'content-type': 'text/plain' }).end('nothing here')));
  plain400 = await counted(createHttpServer((_req, res) => res.writeHead(400, { 'content-type': 'text/plain' }).end('bad request')));
  // The TLS side of the Tomcat-style port is the TLS server above, reached through a pipe.
  tomcat = await counted(
    createNetServer((sock) => {
      sock.once('data', (first: Buffer) => {
        if (first[0] !== 0x16) return void sock.end(TOMCAT_400); // 0x16: a TLS handshake record
        const up = netConnect(tls.port, '127.0.0.1', () => {
          up.write(first);
          sock.pipe(up).pipe(sock);
        });
        up.on('error', () => sock.destroy());
      });
    }),
  );
  closer = await counted(createNetServer((s) => s.destroy()));
  ssh = await counted(createNetServer((s) => void s.write('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n')));
});
afterAll(async () => {
  for (const c of all) for (const s of c.sockets) s.destroy();
  await Promise.all(all.map((c) => new Promise<void>((r) => c.server.close(() => r()))));
  rmSync(dir, { recursive: true, force: true });
});

const url = (scheme: 'http' | 'https', c: Counted) => `${scheme}://127.0.0.1:${c.port}/labkey`;

/** What a real client threw for a guest whoAmI at `base` (one attempt). */
async function failureAt(base: string): Promise<Record<string, unknown>> {
  const client = createClient({ baseUrl: base, credentials: NO_KEY, retries: 0 });
  try {
    const e = await client.whoAmI().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeDefined();
    return e as Record<string, unknown>;
  } finally {
    await client.close();
  }
}

/** schemeMismatch, and how many connections each server saw while it ran. */
async function judged(base: string, failure: unknown): Promise<{ found: Awaited<ReturnType<typeof schemeMismatch>>; probes: Map<Counted, number> }> {
  const before = all.map((c) => c.connections);
  const found = await schemeMismatch(base, failure);
  const probes = new Map<Counted, number>();
  all.forEach((c, i) => {
    if (c.connections !== before[i]) probes.set(c, c.connections - before[i]!);
  });
  return { found, probes };
}

describe('schemeMismatch: http:// to a port that speaks TLS (a real node:tls server)', () => {
  test('the client already found it (httpToTlsPort): the verdict, with no second handshake', async () => {
    const e = await failureAt(url('http', tls));
    expect(e).toMatchObject({ code: 'LK_NETWORK', httpToTlsPort: true });
    const { found, probes } = await judged(url('http', tls), e);
    expect(found).toEqual({
      kind: 'http-to-tls-port',
      url: `https://127.0.0.1:${tls.port}/labkey`,
      host: '127.0.0.1',
      port: tls.port,
      problem: `port ${tls.port} of 127.0.0.1 speaks TLS (https), not plain HTTP`,
    });
    expect(probes.size).toBe(0);
  });

  test("Tomcat's 400 to a plain request (\"requires TLS\"): one TLS handshake says the port speaks TLS", async () => {
    const e = await failureAt(url('http', tomcat));
    expect(e).toMatchObject({ code: 'LK_HTTP', status: 400 }); // an HTTP answer: the client did not probe
    expect(e.httpToTlsPort).toBeUndefined();
    const { found, probes } = await judged(url('http', tomcat), e);
    expect(found).toMatchObject({ kind: 'http-to-tls-port', url: `https://127.0.0.1:${tomcat.port}/labkey`, port: tomcat.port });
    expect(probes.get(tomcat)).toBe(1);
  });

  test('a plain-HTTP 400 is not taken for TLS: the handshake fails', async () => {
    const e = await failureAt(url('http', plain400));
    expect(e).toMatchObject({ status: 400 });
    const { found, probes } = await judged(url('http', plain400), e);
    expect(found).toBeUndefined();
    expect(probes.get(plain400)).toBe(1);
  });

  test('a plain port that closes the connection is not taken for TLS', async () => {
    const e = await failureAt(url('http', closer));
    expect(e).toMatchObject({ code: 'LK_NETWORK', httpToTlsPort: false });
    expect((await judged(url('http', closer), e)).found).toBeUndefined();
  });

  test('a failure that says nothing of TLS (an HTTP 404, connection refused): no probe at all', async () => {
    const e = await failureAt(url('http', plain));
    expect(e).toMatchObject({ status: 404 });
    const { found, probes } = await judged(url('http', plain), e);
    expect(found).toBeUndefined();
    expect(probes.size).toBe(0);
    // The same failure, said of the TLS port: still no handshake (the failure is what is judged).
    expect((await judged(url('http', tls), { code: 'LK_NETWORK', errno: 'ECONNREFUSED' })).probes.size).toBe(0);
  });

  test('a request that failed at another origin (a redirect took it there) says nothing of this URL', async () => {
    const e = await failureAt(url('http', tls)); // failed at the TLS port
    const { found, probes } = await judged(url('http', plain), { ...e, httpToTlsPort: false });
    expect(found).toBeUndefined();
    expect(probes.size).toBe(0);
  });
});

describe('schemeMismatch: https:// to a port that answers plain HTTP (a real node:http server)', () => {
  test('OpenSSL\'s "wrong version number": one plain HEAD / says the port answers plain HTTP', async () => {
    const e = await failureAt(url('https', plain));
    expect(e).toMatchObject({ code: 'LK_NETWORK', errno: 'ERR_SSL_WRONG_VERSION_NUMBER' });
    const { found, probes } = await judged(url('https', plain), e);
    expect(found).toEqual({
      kind: 'https-to-plain-port',
      url: `http://127.0.0.1:${plain.port}/labkey`,
      host: '127.0.0.1',
      port: plain.port,
      problem: `port ${plain.port} of 127.0.0.1 answers plain HTTP, not TLS (https)`,
    });
    expect(probes.get(plain)).toBe(1);
  });

  test('a port that answers neither TLS nor HTTP (SSH) is not taken for plain HTTP', async () => {
    const e = await failureAt(url('https', ssh));
    expect(e).toMatchObject({ code: 'LK_NETWORK', errno: 'ERR_SSL_WRONG_VERSION_NUMBER' });
    const { found, probes } = await judged(url('https', ssh), e);
    expect(found).toBeUndefined();
    expect(probes.get(ssh)).toBe(1);
  });

  test('TLS that answered (a certificate not trusted here) is no mismatch, and nothing is probed', async () => {
    const e = await failureAt(url('https', tls));
    expect(e).toMatchObject({ code: 'LK_NETWORK', untrustedCertificate: true });
    const { found, probes } = await judged(url('https', tls), e);
    expect(found).toBeUndefined();
    expect(probes.size).toBe(0);
  });
});

test('schemeMismatch never throws: not a URL, another scheme, a password in it, no failure', async () => {
  await expect(schemeMismatch('not a url', { code: 'LK_NETWORK', errno: 'ECONNRESET' })).resolves.toBeUndefined();
  await expect(schemeMismatch('ftp://127.0.0.1/x', { code: 'LK_NETWORK', errno: 'ECONNRESET' })).resolves.toBeUndefined();
  await expect(schemeMismatch(`http://me:pw@127.0.0.1:${tls.port}`, { httpToTlsPort: true })).resolves.toBeUndefined();
  await expect(schemeMismatch(url('http', tls), undefined)).resolves.toBeUndefined();
  await expect(schemeMismatch(url('http', tls), 'a string')).resolves.toBeUndefined();
});
