/**
 * Ports whose scheme a user can get wrong, on loopback for one describe block (used by tests only;
 * tsconfig keeps src/testing out of dist):
 *
 * - `tomcat`: what LabKey's Tomcat connector does on an https-only port. A TLS hello gets TLS
 *   (a throw-away self-signed certificate for 127.0.0.1 made by Debian's openssl, in `certFile`),
 *   in front of `upstream` (the mock server); a plain-HTTP request gets Tomcat's own answer,
 *   `400 … This combination of host and port requires TLS.` (TLSClientHelloExtractor).
 * - `ssh`: greets in SSH, as port 22 does: neither HTTP nor TLS.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { request as httpRequest } from 'node:http';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { perBlock } from './lifecycle.js';

export interface SchemePorts {
  /** The Tomcat-style port: TLS (to the upstream) for a TLS hello, Tomcat's 400 for plain HTTP. */
  tomcat: number;
  /** A port that greets in SSH. */
  ssh: number;
  /** The PEM certificate the TLS side presents (NODE_EXTRA_CA_CERTS makes it trusted). */
  certFile: string;
}

/** Tomcat's answer to a plain-HTTP request on a TLS connector. */
export const TOMCAT_REQUIRES_TLS = 'HTTP/1.1 400 \r\nContent-Type: text/plain;charset=UTF-8\r\nConnection: close\r\n\r\nBad Request\r\nThis combination of host and port requires TLS.\r\n';

/** The ports of {@link SchemePorts} for the enclosing describe block; `upstream()` is the port the TLS side forwards to. */
export function useSchemePorts(upstream: () => number): SchemePorts {
  return perBlock('useSchemePorts: the ports', () => startSchemePorts(upstream()), (p) => p.close());
}

async function startSchemePorts(upstream: number): Promise<SchemePorts & { close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'lk-scheme-ports-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
  };
  // The TLS side: an https front for the upstream.
  const front = createHttpsServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (req, res) => {
    const up = httpRequest({ host: '127.0.0.1', port: upstream, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  front.on('tlsClientError', () => {});
  front.on('connection', track);
  const tomcat = createServer((sock) => {
    track(sock);
    sock.once('data', (first: Buffer) => {
      if (first[0] !== 0x16) return void sock.end(TOMCAT_REQUIRES_TLS); // 0x16: a TLS handshake record
      const tls = connect((front.address() as AddressInfo).port, '127.0.0.1', () => {
        tls.write(first);
        sock.pipe(tls).pipe(sock);
      });
      track(tls);
      tls.on('close', () => sock.destroy());
    });
  });
  const ssh = createServer((s) => {
    track(s);
    s.write('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n');
  });
  const servers: Server[] = [front, tomcat, ssh];
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
  const port = (s: Server) => (s.address() as AddressInfo).port;
  return {
    tomcat: port(tomcat),
    ssh: port(ssh),
    certFile,
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
