// A server URL whose port speaks neither TLS nor HTTP, or hangs up at once: the NetworkError says
// so in plain words (which port of which host, and the question to ask), not in OpenSSL's or
// undici's own text; the code and the original error stay on it (errno, cause) for debugging.
// Outside parties: real node:net servers on loopback, one that greets in SSH as port 22 does,
// one that closes every connection at once.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { ErrorCodes, isNetworkError } from '@lk/sdk';
import { startMockServer, type MockServer } from '@lk/mock-server';
import { clientFor, rejection } from './helpers.js';

let mock: MockServer;
const servers: Server[] = [];
const sockets = new Set<Socket>();

/** A loopback TCP server whose connections get `onConnection`; closed after the file. */
async function tcpServer(onConnection: (s: Socket) => void): Promise<number> {
  const srv = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    onConnection(s);
  });
  servers.push(srv);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return (srv.address() as AddressInfo).port;
}

let ssh: number;
let smtp: number;
let closes: number;

beforeAll(async () => {
  mock = await startMockServer();
  ssh = await tcpServer((s) => s.write('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n'));
  smtp = await tcpServer((s) => s.write('220 mail.example.org ESMTP Postfix\r\n'));
  closes = await tcpServer((s) => s.destroy());
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await mock.close();
});

/** The error a guest whoAmI to `baseUrl` ends in (no key, no retries). */
async function failure(baseUrl: string): Promise<any> {
  const c = clientFor(mock, { baseUrl, retries: 0, timeouts: { connect: 5000, headers: 5000 } });
  try {
    return await rejection(c.whoAmI());
  } finally {
    await c.close();
  }
}

/** What every one of these errors must be: a NetworkError in one plain line, none of the TLS library's or the HTTP parser's own words. */
function expectPlain(e: any, url: string, problem: string): void {
  expect(isNetworkError(e)).toBe(true);
  expect(e.code).toBe(ErrorCodes.NETWORK);
  expect(e.problem).toBe(problem);
  expect(e.detail).toBe(`GET ${url}/login-whoAmI.api: ${problem}`);
  expect(e.detail).not.toMatch(/\n|SSL routines|ERR_SSL|openssl|HTTP\/1\.1 protocol|Expected HTTP|ECONNRESET|UND_ERR|other side closed/i);
  expect(e.hint).toMatch(/port/);
  // For debugging (NODE_DEBUG=lk, --json): the error the TLS library or undici threw.
  expect(typeof e.cause?.message).toBe('string');
}

describe('a port that greets in SSH (real node:net server)', () => {
  it('https:// to it: "did not answer as a TLS (https) server", with OpenSSL\'s code kept as errno', async () => {
    const url = `https://127.0.0.1:${ssh}/labkey`;
    const e = await failure(url);
    expectPlain(e, url, `port ${ssh} of 127.0.0.1 did not answer as a TLS (https) server: is it the right port?`);
    expect(e.errno).toBe('ERR_SSL_WRONG_VERSION_NUMBER');
    expect(String(e.cause.message)).toMatch(/wrong version number/);
  });

  it('http:// to it: "greeted like an SSH server, not an HTTP one" (undici\'s parser error kept as the cause)', async () => {
    const url = `http://127.0.0.1:${ssh}/labkey`;
    const e = await failure(url);
    expectPlain(e, url, `port ${ssh} of 127.0.0.1 greeted like an SSH server, not an HTTP one: is it the right port?`);
    expect(e.cause.name).toBe('HTTPParserError');
  });
});

describe('a port that greets in SMTP (real node:net server)', () => {
  it('http:// to it: "did not answer as an HTTP server"; https:// to it: "did not answer as a TLS (https) server"', async () => {
    const plain = `http://127.0.0.1:${smtp}`;
    expectPlain(await failure(plain), plain, `port ${smtp} of 127.0.0.1 did not answer as an HTTP server: is it the right port?`);
    const secure = `https://127.0.0.1:${smtp}`;
    expectPlain(await failure(secure), secure, `port ${smtp} of 127.0.0.1 did not answer as a TLS (https) server: is it the right port?`);
  });
});

describe('a port that closes every connection at once (real node:net server)', () => {
  for (const scheme of ['https', 'http'] as const) {
    it(`${scheme}:// to it: "closed the connection without answering"`, async () => {
      const url = `${scheme}://127.0.0.1:${closes}/labkey`;
      const e = await failure(url);
      expectPlain(e, url, `port ${closes} of 127.0.0.1 closed the connection without answering: is it the right port?`);
      expect(['ECONNRESET', 'UND_ERR_SOCKET']).toContain(e.errno);
    });
  }
});
