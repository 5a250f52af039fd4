/**
 * `lk doctor` end to end: the built `lk` binary, spawned with a temporary HOME against the
 * in-process mock server. Each problem doctor lists gets a netrc that has it; doctor must find
 * it, and `--fix` must repair the ones it can (after a backup) while leaving every other entry and
 * comment byte for byte, and leave the others alone. No key ever appears in the output.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { expectNoLeaks, LK_BIN, runLk, trackSecret } from '../helpers/run-lk.js';
import { useTempHome } from '../helpers/temp-home.js';
import { withMockServer } from '../helpers/with-mock-server.js';

const HEX32 = 'fedcba9876543210fedcba9876543210';
const OTHER = '# lk e2e: keep this comment\nmachine other.example.org\n  login apikey\n  password lk_test_0000000000000001\n\n';
const TAIL = '# trailing comment, also kept\n';

// After all tests: no key this file used appears in any stdout or stderr of lk doctor.
expectNoLeaks();

describe('lk doctor (e2e)', () => {
  const mock = withMockServer();
  const home = useTempHome();

  beforeAll(() => {
    expect(existsSync(LK_BIN)).toBe(true); // built by `pnpm test` (tsc -b) before the e2e tier runs
  });

  const newKey = (email = 'alice@lk.test') => trackSecret(mock.server.state.issueApiKey(email).key);
  const netrc = () => home.netrcPath;
  const write = (text: string, mode = 0o600) => home.writeNetrc(text, mode);
  const backups = () => readdirSync(home.dir).filter((f) => f.startsWith('.netrc.lk-backup-'));
  const doctor = (extra: string[] = [], env: Record<string, string> = {}, url = mock.url) => runLk(['doctor', '--server', url, ...extra], { home, env, timeoutMs: 60_000 });
  /** doctor, then doctor --fix. */
  const findThenFix = async (env: Record<string, string> = {}, url = mock.url) => ({ found: await doctor([], env, url), fixed: await doctor(['--fix'], env, url) });

  it('a healthy netrc: all checks pass, exit 0, report on stdout', async () => {
    write(`${OTHER}machine 127.0.0.1 login apikey password ${newKey()}\n${TAIL}`);
    const r = await doctor();
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('[ok]   key accepted: key ');
    expect(r.stdout).toMatch(/All checks passed\.\n$/);
  });

  it('after `lk auth login`, plain `lk doctor` uses the remembered server and passes', async () => {
    const key = newKey();
    const login = await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: `${key}\n` });
    expect(login.code).toBe(0);
    const r = await runLk(['doctor'], { home });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`lk doctor: ${mock.url}\n`);
    expect(r.stdout).toContain(`(from the default server in the lk config) answers login-whoAmI.api.`);
    expect(r.stdout).toContain('All checks passed.');
  });

  it('prefixed key: found (exit 4), --fix strips the prefix after a backup, others untouched', async () => {
    const key = newKey();
    const before = `${OTHER}machine 127.0.0.1\n  login apikey\n  password apikey|${key}\n${TAIL}`;
    write(before);
    const { found, fixed } = await findThenFix();
    expect(found.code).toBe(4);
    expect(found.stdout).toContain('[FAIL] key accepted: ');
    expect(found.stdout).toContain('but the same key without the `apikey|` prefix is accepted (it belongs to alice@lk.test)');
    expect(found.stdout).toContain('`lk doctor --fix` can repair one of them');
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toContain('removed the stale `apikey|` prefix from the key in');
    expect(fixed.stdout).toContain('All checks passed.');
    expect(readFileSync(netrc(), 'utf8')).toBe(before.replace(`apikey|${key}`, key));
    expect(backups()).toHaveLength(1);
    expect(readFileSync(join(home.dir, backups()[0]!), 'utf8')).toBe(before);
    expect(statSync(join(home.dir, backups()[0]!)).mode & 0o777).toBe(0o600);
  });

  it('legacy key seeded as apikey|…: a warning only (exit 0), and --fix does not strip it', async () => {
    const legacy = `apikey|${HEX32}`;
    trackSecret(legacy);
    mock.server.state.seedApiKey('bob@lk.test', legacy);
    const before = `${OTHER}machine 127.0.0.1 login apikey password ${legacy}\n${TAIL}`;
    write(before);
    const { found, fixed } = await findThenFix();
    expect(found.code).toBe(0);
    expect(found.stdout).toContain('legacy format (`apikey|` + 32 hex, issued before LabKey 23.3), still accepted.');
    expect(found.stdout).toContain('Consider generating a new key');
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toContain('Nothing to repair automatically.');
    expect(readFileSync(netrc(), 'utf8')).toBe(before);
    expect(backups()).toEqual([]);
  });

  it('mode 0644: found (exit 1), --fix makes it 0600', async () => {
    const before = `${OTHER}machine 127.0.0.1 login apikey password ${newKey()}\n${TAIL}`;
    write(before, 0o644);
    const { found, fixed } = await findThenFix();
    expect(found.code).toBe(1);
    expect(found.stdout).toContain(`[FAIL] netrc permissions: ${netrc()} is mode 0644: group and others can read it`);
    expect(fixed.code).toBe(0);
    expect(statSync(netrc()).mode & 0o777).toBe(0o600);
    expect(readFileSync(netrc(), 'utf8')).toBe(before);
    expect(backups()).toHaveLength(1);
  });

  it('entry after default: found (warning), --fix moves it before default', async () => {
    const key = newKey();
    const before = `${OTHER}default login anonymous password guest\nmachine 127.0.0.1 login apikey password ${key}\n${TAIL}`;
    write(before);
    const { found, fixed } = await findThenFix();
    expect(found.code).toBe(0);
    expect(found.stdout).toContain('[warn] entries after default: machine 127.0.0.1 at line 7 comes after `default` (line 6)');
    expect(fixed.stdout).toContain('moved machine 127.0.0.1 (line 7) before `default`');
    expect(readFileSync(netrc(), 'utf8')).toBe(`${OTHER}machine 127.0.0.1 login apikey password ${key}\ndefault login anonymous password guest\n${TAIL}`);
    expect(fixed.stdout).toContain('All checks passed.');
    expect(backups()).toHaveLength(1);
  });

  it('machine with scheme and port: found (exit 1), --fix rewrites it to the hostname', async () => {
    const key = newKey();
    const before = `${OTHER}machine ${mock.server.origin}\n  login apikey\n  password ${key}\n${TAIL}`;
    write(before);
    const { found, fixed } = await findThenFix();
    expect(found.code).toBe(1);
    expect(found.stdout).toContain(`[FAIL] machine names: lines 6-8: \`machine ${mock.server.origin}\` holds a scheme (http://) and a port (:${mock.server.port}); it never matches any server.`);
    expect(fixed.code).toBe(0);
    expect(readFileSync(netrc(), 'utf8')).toBe(before.replace(`machine ${mock.server.origin}`, 'machine 127.0.0.1'));
    expect(backups()).toHaveLength(1);
  });

  it('login not apikey: found (exit 1), --fix sets login apikey because the server accepts the password as a key', async () => {
    const key = newKey();
    const before = `${OTHER}machine 127.0.0.1 login alice@lk.test password ${key}\n${TAIL}`;
    write(before);
    const { found, fixed } = await findThenFix();
    expect(found.code).toBe(1);
    expect(found.stdout).toContain('[FAIL] netrc login: The entry at line 6 has login `alice@lk.test`, not `apikey`');
    expect(fixed.code).toBe(0);
    expect(readFileSync(netrc(), 'utf8')).toBe(before.replace('login alice@lk.test', 'login apikey'));
  });

  it('duplicates: found (Python reads the stale later one); --fix removes it after a backup, as the server accepts the first', async () => {
    const key = newKey();
    const stale = `${'0'.repeat(63)}1`;
    const before = `${OTHER}machine 127.0.0.1 login apikey password ${key}\nmachine 127.0.0.1 login apikey password ${stale}\n${TAIL}`;
    write(before);
    const { found, fixed } = await findThenFix();
    expect(found.code).toBe(0);
    expect(found.stdout).toContain('[warn] duplicate machines: machine 127.0.0.1 at line 7 is read by Python only (the last entry wins there); lk, curl, R and the Java client read the entry at line 6.');
    expect(found.stdout).toContain('✗ Python (requests, netrc): ');
    expect(found.stdout).toContain('Python reads the last (line 7)');
    expect(fixed.stdout).toContain('rewrote the entry for 127.0.0.1 as one entry');
    expect(readFileSync(netrc(), 'utf8')).toBe(`${OTHER}machine 127.0.0.1 login apikey password ${key}\n${TAIL}`);
    expect(backups()).toHaveLength(1);
  });

  it('env shadowing: LABKEY_API_KEY holds another key; named by fingerprint, never changed by --fix', async () => {
    const key = newKey();
    const envKey = newKey('bob@lk.test');
    const before = `${OTHER}machine 127.0.0.1 login apikey password ${key}\n${TAIL}`;
    write(before);
    const { found, fixed } = await findThenFix({ LABKEY_API_KEY: envKey });
    expect(found.code).toBe(0);
    expect(found.stdout).toMatch(/\[warn\] key sources: lk uses key [0-9a-f]{8} from the environment variable LABKEY_API_KEY; .*\.netrc line 6 holds a different key \([0-9a-f]{8}\), which is ignored\./);
    expect(found.stdout).toContain('fix: Unset LABKEY_API_KEY');
    expect(found.stdout).toContain('belongs to bob@lk.test');
    expect(fixed.stdout).toContain('Nothing to repair automatically.');
    expect(readFileSync(netrc(), 'utf8')).toBe(before);
  });

  it('wrong context path: says which base URL works', async () => {
    write(`${OTHER}machine 127.0.0.1 login apikey password ${newKey()}\n${TAIL}`);
    const r = await doctor([], {}, mock.server.origin);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('[FAIL] server and context path: Wrong context path: ');
    expect(r.stdout).toContain(`but ${mock.url} works.`);
    expect(r.stdout).toContain(`fix: Use --server ${mock.url}.`);
    // The key is still checked, where the server answers.
    expect(r.stdout).toContain(`(asked at ${mock.url}, where the server answers): it belongs to alice@lk.test.`);
  });

  it('malformed file: the line and column, exit 1, and --fix changes nothing', async () => {
    const before = `${OTHER}machine 127.0.0.1 login apikey password "${newKey()}\n${TAIL}`;
    write(before);
    const { found, fixed } = await findThenFix();
    expect(found.code).toBe(1);
    expect(found.stdout).toContain(`[FAIL] netrc syntax: ${netrc()} line 6, column 41: unterminated quoted token`);
    expect(fixed.code).toBe(1);
    expect(fixed.stdout).toContain('Nothing to repair automatically.');
    expect(readFileSync(netrc(), 'utf8')).toBe(before);
    expect(backups()).toEqual([]);
  });

  it('--json: { checks: [{ id, status, title, detail, fix }], fixed } with the exit code', async () => {
    write(`${OTHER}machine 127.0.0.1 login apikey password apikey|${newKey()}\n${TAIL}`, 0o644);
    const r = await doctor(['--json']);
    expect(r.code).toBe(4);
    const data = JSON.parse(r.stdout) as { checks: { id: string; status: string }[]; fixed: unknown[] };
    expect(data.fixed).toEqual([]);
    expect(data.checks.find((c) => c.id === 'netrc-permissions')?.status).toBe('fail');
    expect(data.checks.find((c) => c.id === 'key-accepted')?.status).toBe('fail');
    const fixed = await doctor(['--json', '--fix']);
    expect(fixed.code).toBe(0);
    expect((JSON.parse(fixed.stdout) as { fixed: { id: string }[] }).fixed.map((f) => f.id).sort()).toEqual(['chmod-600', 'strip-prefix']);
  });
});

describe('lk doctor with an http:// URL on a port that speaks TLS (http://host:8443)', () => {
  const home = useTempHome();
  // A real TLS server on loopback with a throw-away self-signed certificate made by openssl.
  let tls: TlsServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lk-e2e-doctor-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    tls = createTlsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (s) => s.end());
    tls.on('tlsClientError', () => {});
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    await new Promise<void>((r) => tls.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('says the port speaks TLS and to use the https:// URL', async () => {
    const port = (tls.address() as AddressInfo).port;
    const r = await runLk(['doctor', '--server', `http://127.0.0.1:${port}/labkey`], { home, timeoutMs: 60_000 });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toContain(`[FAIL] server and context path: http://127.0.0.1:${port}/labkey (from --server): port ${port} of 127.0.0.1 speaks TLS (https), not plain HTTP.`);
    expect(r.stdout).toContain(`Use --server https://127.0.0.1:${port}/labkey.`);
    const json = await runLk(['doctor', '--server', `http://127.0.0.1:${port}/labkey`, '--json'], { home, timeoutMs: 60_000 });
    expect(json.stdout).toContain(`Use --server https://127.0.0.1:${port}/labkey.`);
  });
});
