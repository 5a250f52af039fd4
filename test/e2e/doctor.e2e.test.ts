/**
 * `lk doctor` end to end: the built `lk` binary, spawned with a temporary HOME against the
 * in-process mock server. Each problem doctor lists gets a netrc that has it; doctor must find
 * it, and `--fix` must repair the ones it can (after a backup) while leaving every other entry and
 * comment byte for byte, and leave the others alone. No key ever appears in the output.
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startMockServer, type MockServer } from '@lk/mock-server';

const LK = resolve(__dirname, '../../packages/cli/dist/bin/lk.js');
const HEX32 = 'fedcba9876543210fedcba9876543210';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Spawns the built lk asynchronously (the mock server lives in this process: never block it). */
function lk(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((done) => {
    const child = execFile(process.execPath, [LK, ...args], { env, encoding: 'utf8', timeout: 30_000 }, (_err, stdout, stderr) => {
      done({ code: child.exitCode, stdout, stderr });
    });
  });
}

const OTHER = '# lk e2e: keep this comment\nmachine other.example.org\n  login apikey\n  password lk_test_0000000000000001\n\n';
const TAIL = '# trailing comment, also kept\n';

describe('lk doctor (e2e)', () => {
  let server: MockServer;
  let home: string;
  const secrets: string[] = [];
  const outputs: string[] = [];

  beforeAll(async () => {
    expect(existsSync(LK)).toBe(true); // built by `pnpm test` (tsc -b) before the e2e tier runs
    server = await startMockServer();
  });
  afterAll(async () => {
    await server.close();
    // The leak check over every stdout and stderr of this file.
    const all = outputs.join('\n');
    for (const s of secrets) expect(all).not.toContain(s);
  });
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'lk-doctor-e2e-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  const newKey = (email = 'alice@lk.test') => {
    const { key } = server.state.issueApiKey(email);
    secrets.push(key);
    return key;
  };
  const netrc = () => join(home, '.netrc');
  const write = (text: string, mode = 0o600) => {
    writeFileSync(netrc(), text, { mode });
    chmodSync(netrc(), mode);
  };
  const backups = () => readdirSync(home).filter((f) => f.startsWith('.netrc.lk-backup-'));
  const doctor = async (extra: string[] = [], env: Record<string, string> = {}, url = server.url) => {
    const r = await lk(['doctor', '--server', url, ...extra], { PATH: process.env.PATH ?? '', HOME: home, LK_CONFIG_DIR: join(home, 'lk-config'), ...env });
    outputs.push(r.stdout, r.stderr);
    return r;
  };
  /** doctor, then doctor --fix; returns both runs. */
  const findThenFix = async (env: Record<string, string> = {}, url = server.url) => ({ found: await doctor([], env, url), fixed: await doctor(['--fix'], env, url) });

  it('a healthy netrc: all checks pass, exit 0, report on stdout', async () => {
    write(`${OTHER}machine 127.0.0.1 login apikey password ${newKey()}\n${TAIL}`);
    const r = await doctor();
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('[ok]   key accepted: key ');
    expect(r.stdout).toMatch(/All checks passed\.\n$/);
  });

  it('prefixed key: found (exit 4), --fix strips the prefix after a backup, others untouched', async () => {
    const key = newKey();
    const before = `${OTHER}machine 127.0.0.1\n  login apikey\n  password apikey|${key}\n${TAIL}`;
    write(before);
    const { found, fixed } = await findThenFix();
    expect(found.code).toBe(4);
    expect(found.stderr).toContain('[FAIL] key accepted: ');
    expect(found.stderr).toContain('but the same key without the `apikey|` prefix is accepted (it belongs to alice@lk.test)');
    expect(found.stderr).toContain('`lk doctor --fix` can repair one of them');
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toContain('removed the stale `apikey|` prefix from the key in');
    expect(fixed.stdout).toContain('All checks passed.');
    expect(readFileSync(netrc(), 'utf8')).toBe(before.replace(`apikey|${key}`, key));
    expect(backups()).toHaveLength(1);
    expect(readFileSync(join(home, backups()[0]!), 'utf8')).toBe(before);
    expect(statSync(join(home, backups()[0]!)).mode & 0o777).toBe(0o600);
  });

  it('legacy key seeded as apikey|…: a warning only (exit 0), and --fix does not strip it', async () => {
    const legacy = `apikey|${HEX32}`;
    secrets.push(legacy);
    server.state.seedApiKey('bob@lk.test', legacy);
    const before = `${OTHER}machine 127.0.0.1 login apikey password ${legacy}\n${TAIL}`;
    write(before);
    const { found, fixed } = await findThenFix();
    expect(found.code).toBe(0);
    expect(found.stdout).toContain('legacy format (`apikey|` + 32 hex, issued before LabKey 23.3), still accepted.');
    expect(found.stdout).toContain('consider generating a new key'.replace('c', 'C'));
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
    expect(found.stderr).toContain(`[FAIL] netrc permissions: ${netrc()} is mode 0644: group and others can read it`);
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
    const before = `${OTHER}machine ${server.origin}\n  login apikey\n  password ${key}\n${TAIL}`;
    write(before);
    const { found, fixed } = await findThenFix();
    expect(found.code).toBe(1);
    expect(found.stderr).toContain(`[FAIL] machine names: lines 6-8: \`machine ${server.origin}\` holds a scheme (http://) and a port (:${server.port}); it never matches any server.`);
    expect(fixed.code).toBe(0);
    expect(readFileSync(netrc(), 'utf8')).toBe(before.replace(`machine ${server.origin}`, 'machine 127.0.0.1'));
    expect(backups()).toHaveLength(1);
  });

  it('login not apikey: found (exit 1), --fix sets login apikey because the server accepts the password as a key', async () => {
    const key = newKey();
    const before = `${OTHER}machine 127.0.0.1 login alice@lk.test password ${key}\n${TAIL}`;
    write(before);
    const { found, fixed } = await findThenFix();
    expect(found.code).toBe(1);
    expect(found.stderr).toContain('[FAIL] netrc login: The entry at line 6 has login `alice@lk.test`, not `apikey`');
    expect(fixed.code).toBe(0);
    expect(readFileSync(netrc(), 'utf8')).toBe(before.replace('login alice@lk.test', 'login apikey'));
  });

  it('duplicates: found (warning, the later one is dead); --fix leaves them for the user', async () => {
    const key = newKey();
    const stale = `${'0'.repeat(63)}1`;
    const before = `${OTHER}machine 127.0.0.1 login apikey password ${key}\nmachine 127.0.0.1 login apikey password ${stale}\n${TAIL}`;
    write(before);
    const { found, fixed } = await findThenFix();
    expect(found.code).toBe(0);
    expect(found.stdout).toContain('[warn] duplicate machines: machine 127.0.0.1 at line 7 is never read: the entry at line 6 comes first and wins.');
    expect(found.stdout).toContain('delete line 7');
    expect(fixed.stdout).toContain('Nothing to repair automatically.');
    expect(readFileSync(netrc(), 'utf8')).toBe(before);
    expect(backups()).toEqual([]);
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
    const r = await doctor([], {}, server.origin);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[FAIL] server and context path: Wrong context path: ');
    expect(r.stderr).toContain(`but ${server.url} works.`);
    expect(r.stderr).toContain(`fix: Use --server ${server.url}.`);
  });

  it('malformed file: the line and column, exit 1, and --fix changes nothing', async () => {
    const before = `${OTHER}machine 127.0.0.1 login apikey password "${newKey()}\n${TAIL}`;
    write(before);
    const { found, fixed } = await findThenFix();
    expect(found.code).toBe(1);
    expect(found.stderr).toContain(`[FAIL] netrc syntax: ${netrc()} line 6, column 41: unterminated quoted token`);
    expect(fixed.code).toBe(1);
    expect(fixed.stderr).toContain('Nothing to repair automatically.');
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
