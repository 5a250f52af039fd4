// Shared helpers for the SDK's public tests. Imports only the package index and the mock server.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { createClient, type ClientOptions, type LabKeyClient } from '@lk/sdk';
import { startMockServer, type MockServer } from '@lk/mock-server';

/** A temporary home folder (no netrc, nothing) removed by `cleanup`. */
export function tempHome(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'lk-sdk-test-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const homes: Array<() => void> = [];

/** A temp home holding `.netrc` (mode 0600) with `text`; removed after the file's tests. */
export function netrcHome(text: string): string {
  const h = tempHome();
  homes.push(h.cleanup);
  writeFileSync(join(h.dir, '.netrc'), text);
  chmodSync(join(h.dir, '.netrc'), 0o600);
  return h.dir;
}
afterAll(() => {
  for (const c of homes.splice(0)) c();
});

/**
 * A client for the mock server that reads nothing from this machine: empty env, an empty temp
 * home, no keychain (unless overridden), and a debug sink collecting lines into `lines`.
 */
export function clientFor(
  server: MockServer,
  opts: Partial<ClientOptions> = {},
  lines: string[] = [],
): LabKeyClient {
  const home = tempHome();
  homes.push(home.cleanup);
  return createClient({
    baseUrl: server.url,
    retries: 0,
    debug: (l) => lines.push(l),
    ...opts,
    resolveContext: { env: {}, homedir: home.dir, keychain: undefined, ...(opts.resolveContext ?? {}) },
  });
}

/** The newest request-log entries for an action (case-insensitive). */
export function logFor(server: MockServer, action: string) {
  return server.requests.filter((r) => (r.action ?? '').toLowerCase() === action.toLowerCase());
}

/** Awaits a promise that must reject, and returns the rejection. */
export async function rejection(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection, got a value');
}

export interface RawServer {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  port: number;
  /** Every byte each connection sent, decoded as latin1, one string per connection. */
  raw: string[];
  /** Parsed requests in arrival order. */
  requests: Array<{ method: string; url: string; headers: Record<string, string | string[] | undefined>; body: string }>;
  close(): Promise<void>;
}

/** For a test file: `raw(handler)` makes a {@link rawServer}; every one made is closed after the file's tests. */
export function rawServers(): (handler: Parameters<typeof rawServer>[0]) => Promise<RawServer> {
  const made: RawServer[] = [];
  afterAll(async () => {
    await Promise.all(made.map((r) => r.close()));
  });
  return async (handler) => {
    const r = await rawServer(handler);
    made.push(r);
    return r;
  };
}

/**
 * A tiny node:http server on port 0 for what the mock server cannot do on purpose: HTML pages,
 * truncated bodies, hung connections, redirects to another origin. It records raw bytes too.
 */
export async function rawServer(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void): Promise<RawServer> {
  const raw: string[] = [];
  const requests: RawServer['requests'] = [];
  const sockets = new Set<Socket>();
  const srv = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  });
  srv.on('connection', (s: Socket) => {
    sockets.add(s);
    const i = raw.push('') - 1;
    s.on('data', (d: Buffer) => {
      raw[i] += d.toString('latin1');
    });
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    raw,
    requests,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        srv.close(() => r());
      }),
  };
}

/** Writes a JSON response. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * The mock server of a test file and a key of alice's on it: started before the file's tests and
 * closed after them; `set` is given both once the server is up.
 */
export function mockWithAlice(set: (server: MockServer, aliceKey: string) => void, key: { description?: string } = {}): void {
  let server: MockServer | undefined;
  beforeAll(async () => {
    server = await startMockServer();
    set(server, server.state.issueApiKey('alice@lk.test', key).key);
  });
  afterAll(async () => {
    await server?.close();
  });
}
