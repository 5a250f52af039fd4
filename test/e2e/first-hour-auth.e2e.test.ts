/**
 * A new user's first hour, the auth, doctor and exit-code side: each test is one thing
 * a new user did, run with the built lk against the real mock server in a temporary HOME. Prompts
 * and Ctrl-C run on a pseudo-terminal (`script`, test/helpers/pty.ts); a hung server is a TCP
 * socket that accepts and never answers.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startMockServer, type MockServer } from '@lk/mock-server';
import { withMockServer } from '../helpers/with-mock-server.js';
import { useTempHome, type TempHome } from '../helpers/temp-home.js';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { baseEnv, expectNoLeaks, LK_BIN, runLk, trackSecret } from '../helpers/run-lk.js';
import { runLkInPty } from '../helpers/pty.js';

expectNoLeaks();
// Each test spawns lk several times; on a busy two-core machine that can take a while.
jest.setTimeout(120_000);

/** No D-Bus session, as on a server or in CI: the keychain is not there. */
const NO_KEYCHAIN = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' };

function writeConfig(home: TempHome, servers: Array<{ url: string; store: 'netrc' | 'keychain' }>): void {
  mkdirSync(dirname(home.configPath), { recursive: true });
  const entries = Object.fromEntries(servers.map((s) => [s.url, { url: s.url, store: s.store, auth: 'apikey', container: '/home' }]));
  writeFileSync(home.configPath, JSON.stringify({ version: 1, defaultServer: servers[0]!.url, servers: entries, keys: {} }));
}

/** A server that accepts connections and never answers. */
async function hungServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets: Socket[] = [];
  const server: Server = createServer((s) => void sockets.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/labkey`,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

describe('a new user, first hour: auth, doctor and exit codes', () => {
  const mock = withMockServer();
  const home = useTempHome();
  const issue = (o?: { expirationSeconds?: number }) => trackSecret(mock.server.state.issueApiKey('alice@lk.test', o).key);

  describe('two servers on one host (netrc matches the host only)', () => {
    let second: MockServer;
    beforeAll(async () => {
      second = await startMockServer({ contextPath: '' });
    });
    afterAll(() => second.close());
    const issue2 = () => trackSecret(second.state.issueApiKey('bob@lk.test').key);

    it("second login for another server on the same host refuses and names the choices, leaving the first server's key", async () => {
      const k1 = issue();
      expect((await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: k1 })).code).toBe(0);
      const before = home.readNetrc();
      const r = await runLk(['auth', 'login', '--server', second.url, '--with-token'], { home, stdin: issue2() });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`holds the key of ${mock.url}: netrc matches the host name only (no port or path), so this key would replace that server's working key. Nothing was stored.`);
      expect(r.stderr).toContain(`hint: Keep this server's key in the OS keychain: \`lk auth login --server ${second.url} --store keychain\`; or pass --force`);
      expect(home.readNetrc()).toBe(before);
      expect(Object.keys(home.readConfig().servers)).toEqual([mock.url]);
      expect((await runLk(['query', 'select', 'lists', 'People', '--server', mock.url], { home })).code).toBe(0);
    });

    it('second login with --store keychain and no keychain refuses to fall back onto the other server’s netrc entry', async () => {
      const k1 = issue();
      expect((await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: k1 })).code).toBe(0);
      const before = home.readNetrc();
      const r = await runLk(['auth', 'login', '--server', second.url, '--with-token', '--store', 'keychain'], { home, stdin: issue2(), env: NO_KEYCHAIN });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('lk: The keychain is not available here (');
      expect(r.stderr).toContain(`holds the key of ${mock.url}`);
      expect(r.stderr).toContain('pass --force');
      expect(home.readNetrc()).toBe(before);
    });

    it('after login --force for the second server, the first server’s 401 says the key is the other server’s (not "revoked"), and status and doctor say the two share a host', async () => {
      expect((await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: issue() })).code).toBe(0);
      const forced = await runLk(['auth', 'login', '--server', second.url, '--with-token', '--force'], { home, stdin: issue2() });
      expect(forced.code).toBe(0);
      expect(forced.stderr).toContain(`this key replaced the one for ${mock.url}, which will now be rejected there`);

      const q = await runLk(['query', 'select', 'lists', 'People', '--server', mock.url], { home });
      expect(q.code).toBe(4);
      expect(q.stderr).toContain(`it is the key stored for ${second.url}, not for ${mock.url} (not revoked)`);
      expect(q.stderr).not.toContain('revoked (deleted)');
      expect(q.stderr).toContain(`lk auth login --server ${mock.url} --store keychain`);

      const status = await runLk(['auth', 'status'], { home });
      expect(status.code).toBe(4);
      expect(status.stderr).toContain(`! Shares its netrc entry with ${second.url} (same host; netrc matches the host name only)`);
      expect(status.stderr).toContain(`! Shares its netrc entry with ${mock.url} (same host`);

      const doctor = await runLk(['doctor', '--server', mock.url], { home });
      expect(doctor.code).toBe(4);
      expect(doctor.stdout).toContain(`[warn] netrc entry for the server: machine 127.0.0.1 at ${home.netrcPath} `);
      expect(doctor.stdout).toContain(`also serves ${second.url}: lk knows 2 servers on host 127.0.0.1`);
      expect(doctor.stdout).toContain(`it is the key stored for ${second.url}, not for ${mock.url}`);
    });
  });

  it('login with the folder URL …/labkey/home: covered by server-url-folder.e2e.test.ts (refused, the base URL and container named)', async () => {
    // Issue 9 fixed it; this checks the user's exact command once more, with a key on stdin.
    const r = await runLk(['auth', 'login', '--server', `${mock.url}/home`, '--with-token'], { home, stdin: issue() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`hint: Run \`lk auth login --server ${mock.url} --container /home\`.`);
    expect(home.netrcExists()).toBe(false);
  });

  it('lk doctor > report.txt keeps the report when a check fails', async () => {
    home.writeNetrc(`machine 127.0.0.1 login apikey password ${trackSecret('e'.repeat(64))}\n`);
    const r = await runLk(['doctor', '--server', mock.url], { home });
    expect(r.code).toBe(4);
    expect(r.stdout).toContain(`lk doctor: ${mock.url}\n`);
    expect(r.stdout).toContain('[FAIL] key accepted: ');
    expect(r.stdout).toMatch(/1 failed\. Run `lk doctor` again after a fix\.\n$/);
    expect(r.stderr).toBe('');
  });

  it('login over a read-only (0400) ~/.netrc refuses and leaves the file and its mode as they were', async () => {
    const text = '# mine, read-only on purpose\nmachine git.example.org login me password lk_test_not_a_labkey_key\n';
    home.writeNetrc(text, 0o400);
    const r = await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: issue() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`but that file is read-only (mode 0400): lk does not replace a file you made read-only. Nothing was stored.`);
    expect(r.stderr).toContain(`chmod 600 ${home.netrcPath}`);
    expect(r.stderr).toContain('--store keychain');
    expect(home.readNetrc()).toBe(text);
    expect(home.netrcMode()).toBe(0o400);
  });

  it('login with https:// against a plain-HTTP port says so before asking for the key, without OpenSSL text', async () => {
    const url = mock.url.replace('http://', 'https://');
    const r = await runLkInPty(['auth', 'login', '--server', url], home, []);
    expect(r.code).toBe(1);
    expect(r.screen).toContain(`lk: 127.0.0.1:${mock.server.port} does not speak TLS: the port answers plain HTTP, so https:// cannot work there, and ${mock.url} answers like LabKey. lk did not ask for a key and stored nothing.`);
    expect(r.screen).toContain(`hint: Run \`lk auth login --server ${mock.url}\``);
    expect(r.screen).not.toContain('Paste your API key');
    expect(r.screen).not.toMatch(/SSL routines|openssl/i);
  });

  describe('login with http:// against a port that speaks TLS (https)', () => {
    // A TLS front for the mock on its own port, with a throw-away self-signed certificate for
    // 127.0.0.1 made by Debian's openssl: what a LabKey behind an https-only port looks like.
    let front: HttpsServer;
    let certFile: string;
    let port: number;
    beforeAll(async () => {
      const dir = mkdtempSync(join(tmpdir(), 'lk-e2e-tls-'));
      certFile = join(dir, 'cert.pem');
      const keyFile = join(dir, 'key.pem');
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
      front = createHttpsServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (req, res) => {
        const upstream = httpRequest({ host: '127.0.0.1', port: mock.server.port, method: req.method, path: req.url, headers: req.headers }, (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        });
        upstream.on('error', () => res.destroy());
        req.pipe(upstream);
      });
      await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
      port = (front.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((r) => front.close(() => r())));

    it('says "this port speaks HTTPS, use https://" before asking for the key, and reads no key', async () => {
      const plain = `http://127.0.0.1:${port}/labkey`;
      const secure = `https://127.0.0.1:${port}/labkey`;
      // The certificate trusted (as after installing its CA): https:// is LabKey, so lk says to use it.
      const r = await runLkInPty(['auth', 'login', '--server', plain], home, [], { NODE_EXTRA_CA_CERTS: certFile });
      expect(r.code).toBe(1);
      expect(r.screen).toContain(`lk: 127.0.0.1:${port} speaks HTTPS, not plain HTTP, and ${secure} answers like LabKey: use https://, not http://. lk did not ask for a key and stored nothing.`);
      expect(r.screen).toContain(`hint: Run \`lk auth login --server ${secure}\`.`);
      expect(r.screen).not.toMatch(/Paste your API key|API key:/);
      // Not trusted (self-signed, as often on an intranet): still "speaks HTTPS", and what to trust.
      const u = await runLkInPty(['auth', 'login', '--server', plain], home, []);
      expect(u.code).toBe(1);
      expect(u.screen).toContain(`lk: 127.0.0.1:${port} speaks HTTPS, not plain HTTP (the server's TLS certificate is not trusted here: self-signed certificate): use https://, not http://. lk did not ask for a key and stored nothing.`);
      expect(u.screen).toContain(`once the certificate is trusted`);
      expect(u.screen).not.toMatch(/Paste your API key|API key:/);
      expect(home.netrcExists()).toBe(false);
      expect(existsSync(home.configPath)).toBe(false);
    });
  });

  it('login without the context path says where LabKey answers before asking for the key', async () => {
    const r = await runLkInPty(['auth', 'login', '--server', mock.server.origin], home, []);
    expect(r.code).toBe(1);
    expect(r.screen).toContain(`lk: There is no LabKey API at ${mock.server.origin} (`);
    expect(r.screen).toContain(`but ${mock.url} answers like LabKey: the context path is /labkey.`);
    expect(r.screen).toContain(`hint: Run \`lk auth login --server ${mock.url}\`.`);
    expect(r.screen).not.toContain('Paste your API key');
  });

  it('an expired key: lk doctor says "expired at …" as lk query does', async () => {
    const key = issue({ expirationSeconds: 3600 });
    expect((await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: key })).code).toBe(0);
    mock.server.clock.advance(2 * 3600 * 1000);
    const q = await runLk(['query', 'select', 'lists', 'People'], { home });
    const expiredAt = /it expired at (\S+?Z)/.exec(q.stderr)?.[1];
    expect(expiredAt).toBeDefined();
    const doctor = await runLk(['doctor'], { home });
    expect(doctor.code).toBe(4);
    expect(doctor.stdout).toContain(`is rejected: it expired at ${expiredAt}.`);
    expect(doctor.stdout).not.toContain('expired, revoked, or for another server');
  });

  it('login --strip-prefix with a real pre-23.3 key (one that needs its apikey| prefix) retries it as given and stores it', async () => {
    const legacy = trackSecret(`apikey|${'7'.repeat(32)}`);
    mock.server.state.seedApiKey('alice@lk.test', legacy);
    const r = await runLk(['auth', 'login', '--server', mock.url, '--with-token', '--strip-prefix'], { home, stdin: legacy });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('The server rejected the key without its "apikey|" prefix and accepted it as given (a key issued before LabKey 23.3): storing it as given.');
    expect(home.readNetrc()).toContain(`password ${legacy}`);
    expect((await runLk(['query', 'select', 'lists', 'People'], { home })).code).toBe(0);
  });

  it('a netrc machine written with scheme and port: the hint says `lk doctor --fix`, which then repairs it', async () => {
    const key = issue();
    home.writeNetrc(`machine ${mock.server.origin} login apikey password ${key}\n`);
    const q = await runLk(['query', 'select', 'lists', 'People', '--server', mock.url], { home });
    expect(q.code).toBe(4);
    expect(q.stderr).toContain('hint: The netrc entry above holds a key lk cannot read as written: run `lk doctor --fix` to repair it (after a backup), then try again.');
    expect(q.stderr).not.toContain('Run `lk auth login`');
    expect((await runLk(['doctor', '--fix', '--server', mock.url], { home })).code).toBe(0);
    expect((await runLk(['query', 'select', 'lists', 'People', '--server', mock.url], { home })).code).toBe(0);
  });

  it('a key with a stray apikey| prefix in netrc: the hint says `lk doctor --fix`', async () => {
    home.writeNetrc(`machine 127.0.0.1 login apikey password apikey|${issue()}\n`);
    const q = await runLk(['query', 'select', 'lists', 'People', '--server', mock.url], { home });
    expect(q.code).toBe(4);
    expect(q.stderr).toContain('hint: Run `lk doctor --fix`: it removes "apikey|" in ');
  });

  describe('exit codes: one per class', () => {
    it('Ctrl-C at the key prompt exits 130', async () => {
      const r = await runLkInPty(['auth', 'login', '--server', mock.url], home, [{ afterMs: 2500, text: '\u0003' }]);
      expect(r.screen).toContain('Paste your API key (input is hidden): ');
      expect(r.code).toBe(130);
      expect(home.netrcExists()).toBe(false);
    });

    it('Ctrl-C (SIGINT) during a request exits 130', async () => {
      const hung = await hungServer();
      try {
        const child = spawn(process.execPath, [LK_BIN, 'query', 'select', 'lists', 'People', '--server', hung.url], { env: baseEnv(home, { LABKEY_API_KEY: issue() }), stdio: ['ignore', 'pipe', 'pipe'] });
        const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('close', (code, signal) => r({ code, signal })));
        // Let lk start and send its request (which never gets an answer), then interrupt it as the terminal would.
        await new Promise((r) => setTimeout(r, 2500));
        child.kill('SIGINT');
        expect(await ended).toEqual({ code: 130, signal: null });
      } finally {
        await hung.close();
      }
    });

    it('a malformed key at login exits 4 whatever the quoting (quoted, two words, cut short), as from lk query', async () => {
      const key = issue();
      for (const stdin of [`"${key}"`, `${key.slice(0, 32)} ${key.slice(32)}`, key.slice(0, 40)]) {
        const r = await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin });
        expect([stdin.length, r.code]).toEqual([stdin.length, 4]);
      }
      const q = await runLk(['query', 'select', 'lists', 'People', '--server', mock.url], { home, env: { LABKEY_API_KEY: `"${key}"` } });
      expect(q.code).toBe(4);
      expect(home.netrcExists()).toBe(false);
    });

    it('a revoked key exits 4 from query, keys list, api, auth status and doctor', async () => {
      const { key, rowId } = mock.server.state.issueApiKey('alice@lk.test');
      expect((await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: trackSecret(key) })).code).toBe(0);
      expect(mock.server.state.revokeApiKey(rowId)).toBe(true);
      const codes: Record<string, number | null> = {};
      for (const args of [['query', 'select', 'lists', 'People'], ['keys', 'list'], ['api', 'login-whoAmI'], ['auth', 'status'], ['doctor']]) {
        codes[args.join(' ')] = (await runLk(args, { home })).code;
      }
      expect(codes).toEqual({ 'query select lists People': 4, 'keys list': 4, 'api login-whoAmI': 4, 'auth status': 4, doctor: 4 });
    });
  });

  it('in CI with only LABKEY_API_KEY and LABKEY_SERVER, lk auth token and lk auth status work from the environment', async () => {
    const key = issue();
    const env = { LABKEY_API_KEY: key, LABKEY_SERVER: mock.url };
    expect(await runLk(['auth', 'token'], { home, env })).toMatchObject({ code: 0, stdout: `${key}\n`, stderr: '' });
    const status = await runLk(['auth', 'status'], { home, env });
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`${mock.url}\n  ✓ Logged in as alice@lk.test`);
    expect(status.stdout).toContain('  - Key source: the environment variable LABKEY_API_KEY');
    // As `gh auth token` with GH_TOKEN: the key alone is enough for `lk auth token`.
    expect(await runLk(['auth', 'token'], { home, env: { LABKEY_API_KEY: key } })).toMatchObject({ code: 0, stdout: `${key}\n`, stderr: '' });
    const noServer = await runLk(['auth', 'status'], { home, env: { LABKEY_API_KEY: key } });
    expect(noServer.code).toBe(4);
    expect(noServer.stderr).toContain('LABKEY_API_KEY is set, but no server: set LABKEY_SERVER too');
    expect(existsSync(home.configPath)).toBe(false);
  });

  it('after lk auth logout, lk auth status no longer lists the server', async () => {
    expect((await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: issue() })).code).toBe(0);
    expect((await runLk(['auth', 'logout'], { home })).code).toBe(0);
    const status = await runLk(['auth', 'status'], { home });
    expect(status.code).toBe(4);
    expect(status.stderr).toContain('lk: You are not logged in to any LabKey server.');
    expect(status.stderr).not.toContain(mock.url);
    expect(status.stderr).not.toContain('✗');
  });

  it('a key that expires in 3 days: status shows "in 3 d" and the default container; every command warns on stderr, once a day', async () => {
    const key = issue({ expirationSeconds: 3 * 86_400 + 3600 });
    expect((await runLk(['auth', 'login', '--server', mock.url, '--with-token', '--container', '/home'], { home, stdin: key })).code).toBe(0);
    const q1 = await runLk(['query', 'select', 'lists', 'People', '--format', 'csv'], { home });
    expect(q1.code).toBe(0);
    expect(q1.stderr).toMatch(/! warning: the API key for \S+ \(fingerprint [0-9a-f]{8}\) expires in 3 d \(\d{4}-\d\d-\d\dT\S+Z\)\. Run `lk keys rotate` for a new one\./);
    expect(q1.stdout).not.toContain('warning');
    const q2 = await runLk(['query', 'select', 'lists', 'People', '--format', 'csv'], { home });
    expect(q2.stderr).not.toContain('expires in');
    expect(existsSync(join(dirname(home.configPath), 'state.json'))).toBe(true);
    const status = await runLk(['auth', 'status'], { home });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/ {2}- Expires: \d{4}-\d\d-\d\dT\S+Z \(in 3 d\)\n/);
    expect(status.stdout).toContain('  - Default container: /home\n');
  });

  it('lk auth status with a hung server answers within seconds, with a clear line', async () => {
    const hung = await hungServer();
    try {
      const started = Date.now();
      const r = await runLk(['auth', 'status'], { home, env: { LABKEY_SERVER: hung.url, LABKEY_API_KEY: issue() }, timeoutMs: 25_000 });
      // The probe is time-boxed (5 s for the answer); lk's default would wait 30 s, and retry.
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`✗ ${hung.url} did not answer within 5 s, or cannot be reached (`);
    } finally {
      await hung.close();
    }
  });

  it('lk auth status with no keychain says "no keychain" once, not in every server’s error', async () => {
    writeConfig(home, [
      { url: 'http://127.0.0.1:9/labkey', store: 'keychain' },
      { url: 'http://127.0.0.2:9/labkey', store: 'keychain' },
    ]);
    const r = await runLk(['auth', 'status'], { home, env: NO_KEYCHAIN });
    expect(r.code).toBe(4);
    expect(r.stderr.startsWith('! No keychain here: ')).toBe(true);
    expect(r.stderr.match(/D-?Bus/gi)?.length ?? 0).toBe(1);
    expect(r.stderr.match(/keychain: skipped \(no keychain, see above\)/g)).toHaveLength(2);
  });

  describe('no keychain (no D-Bus session, or one without a Secret Service): every no-key error says so once, in plain words', () => {
    let bus: ChildProcess;
    let busDir: string;
    beforeAll(async () => {
      // A throw-away D-Bus session bus with no services at all: no Secret Service can be activated on it.
      busDir = mkdtempSync(join(tmpdir(), 'lk-e2e-bus-'));
      writeFileSync(
        join(busDir, 'bus.conf'),
        `<busconfig><type>session</type><listen>unix:path=${busDir}/bus</listen><policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy></busconfig>`,
      );
      bus = spawn('dbus-daemon', [`--config-file=${join(busDir, 'bus.conf')}`, '--nofork'], { stdio: 'ignore' });
      for (let i = 0; i < 100 && !existsSync(join(busDir, 'bus')); i++) await new Promise((r) => setTimeout(r, 50));
      expect(existsSync(join(busDir, 'bus'))).toBe(true);
    });
    afterAll(() => void bus.kill());

    /** The SDK on its own, as a program using @lk/sdk would: selectRows with no key anywhere. */
    const sdkSelect = (env: Record<string, string>): Promise<{ code?: string; message: string; trail: Array<Record<string, unknown>> }> =>
      new Promise((resolve, reject) => {
        const sdk = join(dirname(LK_BIN), '..', '..', 'sdk', 'dist', 'index.js');
        const script = `import { createClient } from ${JSON.stringify(sdk)};
try { await createClient({ baseUrl: process.env.LABKEY_SERVER }).selectRows({ schemaName: 'lists', queryName: 'People' }); console.log('{}'); }
catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message, trail: e.trail })); }`;
        const child = spawn(process.execPath, ['--input-type=module', '-e', script], { env: baseEnv(home, env), stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
        child.on('error', reject);
        child.on('close', () => resolve(JSON.parse(out)));
      });

    it.each([
      ['no DBUS_SESSION_BUS_ADDRESS', 'no D-Bus session', /DBUS_SESSION_BUS_ADDRESS is not set/],
      ['a D-Bus session without a Secret Service', 'the D-Bus session has no Secret Service', /org\.freedesktop\.secrets was not provided/],
    ])('with %s, lk query, lk keys list, lk auth token and the SDK say "No keychain here" once; the D-Bus text is only in --json\'s trail and lk doctor', async (label, why, native) => {
      const env: Record<string, string> = { LABKEY_SERVER: mock.url, ...(label.startsWith('a D-Bus') ? { DBUS_SESSION_BUS_ADDRESS: `unix:path=${busDir}/bus` } : {}) };
      const plain = `keychain: skipped (No keychain here: ${why})`;
      for (const args of [['query', 'select', 'lists', 'People'], ['keys', 'list'], ['auth', 'token']]) {
        const r = await runLk(args, { home, env });
        expect(r.code).toBe(4);
        expect(r.stderr).toContain(`lk: No LabKey API key found for ${mock.url}. Tried:\n`);
        expect(r.stderr).toContain(`  - ${plain}\n`);
        expect(r.stderr.match(/keychain/gi)).toHaveLength(2); // the trail's "keychain: … No keychain here", nothing more
        expect(r.stderr).not.toMatch(/DBus error|freedesktop|DBUS_SESSION_BUS_ADDRESS|Platform failure/);
      }
      const json = await runLk(['keys', 'list', '--json'], { home, env });
      expect(json.code).toBe(4);
      const err = JSON.parse(json.stdout).error;
      expect(err.message).not.toMatch(native);
      expect(err.trail[1]).toEqual({ source: 'keychain', outcome: 'skipped', reason: `No keychain here: ${why}`, unavailable: true, detail: expect.stringMatching(native) });
      const doctor = await runLk(['doctor'], { home, env });
      expect(doctor.stdout).toMatch(new RegExp(`keychain: skipped \\(No keychain here: ${why}; .*${native.source}`));
      const sdk = await sdkSelect(env);
      expect(sdk.code).toBe('LK_NO_CREDENTIALS');
      expect(sdk.message).toContain(`  - ${plain}\n`);
      expect(sdk.message).not.toMatch(native);
      expect(sdk.trail[1]).toMatchObject({ unavailable: true, detail: expect.stringMatching(native) });
    });
  });
});
