/**
 * `lk auth login --server URL` and `lk doctor --server URL` where the URL's port speaks neither
 * TLS nor HTTP, or hangs up at once: both say which port of which host did what, and ask whether
 * it is the right port, in place of OpenSSL's own text ("ERR_SSL_WRONG_VERSION_NUMBER: …SSL
 * routines…") or undici's ("Response does not match the HTTP/1.1 protocol"). NODE_DEBUG=lk still
 * shows the original error. Outside parties: real node:net servers on loopback, one that greets in
 * SSH as port 22 does, one that closes every connection at once.
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { perBlock } from '../../packages/cli/src/testing/lifecycle.js';
import { expectNoLeaks, runLk } from '../helpers/run-lk.js';
import { useTempHome } from '../helpers/temp-home.js';

expectNoLeaks();
jest.setTimeout(120_000);

interface Ports {
  ssh: number;
  closes: number;
  close(): Promise<void>;
}

async function startPorts(): Promise<Ports> {
  const sockets = new Set<Socket>();
  const serve = (onConnection: (s: Socket) => void) =>
    createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
      onConnection(s);
    });
  const servers: Server[] = [serve((s) => s.write('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n')), serve((s) => s.destroy())];
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
  const [ssh, closes] = servers.map((s) => (s.address() as AddressInfo).port) as [number, number];
  return {
    ssh,
    closes,
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    },
  };
}

const RAW_TEXT = /SSL routines|ERR_SSL|openssl|HTTP\/1\.1 protocol|Expected HTTP|ECONNRESET|UND_ERR|other side closed/i;
const FAKE_KEY = 'lk_test_0000000000000000000000000000000000000000000000000000000001';

describe('ports that speak neither TLS nor HTTP: lk auth login and lk doctor say so plainly', () => {
  const ports = perBlock('the ports', startPorts, (p) => p.close());
  const home = useTempHome();

  const cases = () => [
    { url: `https://127.0.0.1:${ports.ssh}/labkey`, problem: `port ${ports.ssh} of 127.0.0.1 did not answer as a TLS (https) server: is it the right port?` },
    { url: `http://127.0.0.1:${ports.ssh}/labkey`, problem: `port ${ports.ssh} of 127.0.0.1 greeted like an SSH server, not an HTTP one: is it the right port?` },
    { url: `https://127.0.0.1:${ports.closes}/labkey`, problem: `port ${ports.closes} of 127.0.0.1 closed the connection without answering: is it the right port?` },
    { url: `http://127.0.0.1:${ports.closes}/labkey`, problem: `port ${ports.closes} of 127.0.0.1 closed the connection without answering: is it the right port?` },
  ];

  it('login (before: "Cannot reach … (network error ERR_SSL_WRONG_VERSION_NUMBER: …SSL routines…)") and doctor name the port and ask if it is the right one', async () => {
    for (const { url, problem } of cases()) {
      const login = await runLk(['auth', 'login', '--server', url, '--with-token'], { home, stdin: FAKE_KEY, timeoutMs: 60_000 });
      expect(login.code).toBe(1);
      expect(login.stderr).toContain(`lk: Cannot reach ${url} (${problem}). lk did not ask for a key and stored nothing.\n`);
      const doctor = await runLk(['doctor', '--server', url], { home, timeoutMs: 60_000 });
      expect(doctor.code).toBe(1);
      expect(doctor.stdout).toContain(`[FAIL] server and context path: Cannot reach ${url}/login-whoAmI.api (${problem}).\n`);
      for (const r of [login, doctor]) expect(r.stdout + r.stderr).not.toMatch(RAW_TEXT);
    }
    expect(home.netrcExists()).toBe(false);
  });

  it("NODE_DEBUG=lk keeps what the TLS library said, for whoever debugs it", async () => {
    const url = `https://127.0.0.1:${ports.ssh}/labkey`;
    const login = await runLk(['auth', 'login', '--server', url, '--with-token'], { home, stdin: FAKE_KEY, env: { NODE_DEBUG: 'lk' }, timeoutMs: 60_000 });
    expect(login.code).toBe(1);
    expect(login.stderr).toMatch(/caused by: NetworkError: \[lk-sdk\] GET https:\/\/127\.0\.0\.1:\d+\/labkey\/login-whoAmI\.api: port \d+ of 127\.0\.0\.1 did not answer as a TLS \(https\) server/);
    expect(login.stderr).toMatch(/caused by: Error: [^\n]*wrong version number/);
  });
});
