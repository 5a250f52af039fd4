/**
 * Interop tier: the netrc files lk writes, read by R the way LabKey's R client (Rlabkey) reads
 * them: Rscript with httr over libcurl, set up as Rlabkey's labkey.getRequestOptions() sets it up
 * when no apiKey and no email/password are configured (netrc = 1, httpauth = 1, no netrc file
 * named, so libcurl reads `$HOME/.netrc`), in r-reader.R.
 *
 * For each layout in CORPUS (netrc-corpus.ts, the one netrc-readers.interop.test.ts runs), and
 * after `lk auth login --with-token`, `lk doctor --fix` and `lk auth logout`:
 * - R makes a real GET of Rlabkey's whoAmI URL (`{baseUrl}login/whoAmI.view`) on the mock, and the
 *   test asserts whom the server saw: the key's user where R reads lk's entry, else guest;
 * - R's request to every other machine in the file (resolved to the mock) sends the credentials
 *   it sent before lk touched the file, and the same as lk's parser reads where lk's edit moved
 *   them (doctor --fix lifting entries above `default`);
 * - what R sent for each host is what curl sends (lk models R and curl as one libcurl reader);
 * - lk's model of R (netrcReadersView, reader 'r') says "same key as lk" exactly when real R sent
 *   lk's key.
 * The doctor layouts (lk's own entry in a shape some reader misses) are read by R before and after
 * `lk doctor --fix`, with the same model check. And a server on an IPv6 address (`machine ::1`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { netrcReadersView, parseNetrc } from '@lk/sdk';
import { withMockServer } from '../helpers/with-mock-server.js';
import { useTempHome, type TempHome } from '../helpers/temp-home.js';
import { expectNoLeaks, runLk, trackSecret } from '../helpers/run-lk.js';
import { CORPUS, DOCTOR, H, UNKNOWN, envFile, envOf, lkFile, place, readersFiles, run, setUpCase, type Case } from './netrc-corpus.js';

expectNoLeaks();
jest.setTimeout(240_000);

interface ROut {
  r: string;
  httr: string;
  libcurl: string;
  whoami: { status: number; email: string | null };
  /** Basic credentials libcurl sent per host, `login:password` (null: none). */
  auth: Record<string, string | null>;
  /** whoAmI with netrc_file set to lk's file (labkey.setCurlOptions(NETRC_FILE = …)). */
  file?: { status: number; email: string | null };
}

interface Reading {
  lk: Record<string, string | undefined>;
  r: ROut;
  /** curl --netrc: the Basic credentials it sends per host. */
  curl: Record<string, string | null>;
}

async function curlAuth(args: string[], env: Record<string, string>): Promise<string | null> {
  const r = await run('curl', ['-s', '-v', '-g', '--max-time', '20', '-o', '/dev/null', ...args], env);
  const m = /^> Authorization: Basic ([A-Za-z0-9+/=]+)\r?$/m.exec(r.stderr);
  return m ? Buffer.from(m[1]!, 'base64').toString('utf8') : null;
}

describe('netrc interop: lk auth login, doctor --fix, logout, read by R (httr, libcurl) as Rlabkey reads', () => {
  const mock = withMockServer();
  const home = useTempHome();

  test('R with httr is here', () => {
    const r = spawnSync('Rscript', ['-e', 'library(httr); library(jsonlite); cat(as.character(packageVersion("httr")))'], { encoding: 'utf8' });
    expect({ status: r.status, stderr: r.status === 0 ? '' : r.stderr }).toEqual({ status: 0, stderr: '' });
  });

  const port = () => Number(new URL(mock.url).port);
  /** Rlabkey's whoAmI: `{baseUrl}login/whoAmI.view` (old-style URL, root container). */
  const whoamiUrl = () => `${mock.url}/login/whoAmI.view`;

  async function read(c: Case, home: TempHome, hosts: string[]): Promise<Reading> {
    const env = envOf(c, home);
    const file = lkFile(c, home);
    const parsed = parseNetrc(existsSync(file) ? readFileSync(file, 'utf8') : '');
    const lk: Record<string, string | undefined> = {};
    for (const h of hosts) {
      const l = parsed.lookup(h);
      lk[h] = l ? `${l.login}:${l.password.reveal()}` : undefined;
    }
    const arg = { whoami: whoamiUrl(), server: H, hosts, port: port(), file: existsSync(file) ? file : null };
    const out = await run('Rscript', [join(__dirname, 'r-reader.R'), JSON.stringify(arg)], env);
    if (out.code !== 0) throw new Error(`Rscript r-reader.R failed (${out.code}): ${out.stderr}`);
    const r = JSON.parse(out.stdout) as ROut;
    const curl: Record<string, string | null> = {};
    for (const h of hosts) {
      const url = h === H ? whoamiUrl() : `http://${h}:${port()}/labkey/login/whoAmI.view`;
      curl[h] = await curlAuth(['--netrc-optional', ...(h === H ? [] : ['--resolve', `${h}:${port()}:127.0.0.1`]), url], env);
    }
    return { lk, r, curl };
  }

  /** R sends for every host what curl sends: lk's one libcurl model stands for both. */
  function expectRIsCurl(r: Reading, hosts: string[]): void {
    for (const h of hosts) expect({ host: h, r: r.r.auth[h] }).toEqual({ host: h, r: r.curl[h] });
  }

  /** Whom the server saw in R's whoAmI: the key's user where R sent lk's key, guest where R sent nothing. */
  function expectWhoAmI(r: Reading, key: string | undefined): void {
    const sent = r.r.auth[H];
    if (key !== undefined && sent === `apikey:${key}`) expect(r.r.whoami).toEqual({ status: 200, email: 'alice@lk.test' });
    else if (sent === null) expect(r.r.whoami).toEqual({ status: 200, email: 'guest' });
    // other credentials (a stale key, a `default` entry's anonymous login): rejected (24.8 and later)
    else expect({ sent: sent !== undefined, status: r.r.whoami.status }).toEqual({ sent: true, status: 401 });
  }

  /** The server's key is read by R where libcurl reads lk's file: ~/.netrc (not ~/_netrc, not NETRC). */
  function expectKeyRead(c: Case, r: Reading, key: string): void {
    // Rlabkey told the file (labkey.setCurlOptions(NETRC_FILE = …)) reads lk's entry wherever it is.
    expect(r.r.file).toEqual({ status: 200, email: 'alice@lk.test' });
    if (c.underscore !== undefined || c.netrcEnv !== undefined) {
      // libcurl 7.88 reads only $HOME/.netrc on Linux: the key lk wrote is not in it.
      expect(r.r.auth[H]).toBeNull();
      expect(r.r.whoami).toEqual({ status: 200, email: 'guest' });
    } else {
      expect(r.r.auth[H]).toBe(`apikey:${key}`);
      expect(r.r.whoami).toEqual({ status: 200, email: 'alice@lk.test' });
    }
    expect(r.lk[H]).toBe(`apikey:${key}`);
  }

  /** Every other entry reads back in R as before; where `doctor --fix` lifted it above `default`, as lk reads it. */
  function expectOthersUnchanged(c: Case, stage: 'login' | 'fix' | 'logout', before: Reading, after: Reading, others: string[]): void {
    for (const h of [...others, UNKNOWN]) {
      expect({ host: h, lk: after.lk[h] }).toEqual({ host: h, lk: before.lk[h] });
      const want = c.fixMovesAboveDefault && stage !== 'login' ? (after.lk[h] ?? null) : before.r.auth[h];
      expect({ host: h, r: after.r.auth[h] }).toEqual({ host: h, r: want });
    }
  }

  /** lk's model of R agrees with what R did: same key as lk, or not. */
  function expectModelMatches(c: Case, home: TempHome, r: Reading): void {
    const view = netrcReadersView(mock.url, readersFiles(c, home));
    const lkPw = r.lk[H]?.slice(r.lk[H]!.indexOf(':') + 1);
    const sent = r.r.auth[H];
    const real = lkPw !== undefined && sent !== null && sent.slice(sent.indexOf(':') + 1) === lkPw;
    const model = view.readers.find((x) => x.reader === 'r')!;
    expect({ reader: 'r', predicted: model.sameKeyAsLk }).toEqual({ reader: 'r', predicted: real });
    // R sends a password exactly when the model says it finds one
    expect({ reader: 'r', found: model.outcome === 'found' }).toEqual({ reader: 'r', found: sent !== null });
  }

  test.each(CORPUS.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { env, others, hosts } = setUpCase(c, home);
    const before = await read(c, home, hosts);
    expectRIsCurl(before, hosts);
    expectWhoAmI(before, undefined);
    expectModelMatches(c, home, before);

    const key = trackSecret(mock.server.state.issueApiKey('alice@lk.test').key);
    const login = await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: `${key}\n`, env });
    expect({ code: login.code, stderr: login.stderr }).toEqual({ code: 0, stderr: expect.stringContaining('✓ Logged in') });
    const afterLogin = await read(c, home, hosts);
    expectKeyRead(c, afterLogin, key);
    expectRIsCurl(afterLogin, hosts);
    expectOthersUnchanged(c, 'login', before, afterLogin, others);
    expectModelMatches(c, home, afterLogin);

    const fix = await runLk(['doctor', '--fix', '--server', mock.url], { home, env });
    expect(fix.code === 0 || fix.code === 1).toBe(true);
    const afterFix = await read(c, home, hosts);
    expectKeyRead(c, afterFix, key);
    expectRIsCurl(afterFix, hosts);
    expectOthersUnchanged(c, 'fix', before, afterFix, others);
    expectModelMatches(c, home, afterFix);

    const logout = await runLk(['auth', 'logout', '--server', mock.url], { home, env });
    expect(logout.code).toBe(0);
    const afterLogout = await read(c, home, hosts);
    // the server's host now reads as any host the file does not name; the server sees who that is
    expect(afterLogout.r.auth[H]).toEqual(afterLogout.r.auth[UNKNOWN]);
    expectWhoAmI(afterLogout, undefined);
    expectRIsCurl(afterLogout, hosts);
    expectOthersUnchanged(c, 'logout', before, afterLogout, others);
    expectModelMatches(c, home, afterLogout);
  });

  test.each(DOCTOR.map((d) => [d.name, d] as const))('lk doctor on %s: R before and after --fix, as lk models it', async (_name, d) => {
    const key = trackSecret(mock.server.state.issueApiKey('alice@lk.test').key);
    const c: Case = { name: d.name, ...(d.where === 'env' ? { netrcEnv: '' } : {}) };
    place(home, d.text.replace('KEY', key), d.where);
    const env = d.where === 'env' ? { NETRC: envFile(home) } : {};
    const hosts = [H, 'git.example.org', UNKNOWN];
    const before = await read(c, home, hosts);
    expectRIsCurl(before, hosts);
    expectWhoAmI(before, key);
    expectModelMatches(c, home, before);
    const doctor = await runLk(['doctor', '--server', mock.url], { home, env });
    // doctor's line for R says ✓ exactly when R sent lk's key
    const rLine = doctor.stdout.split('\n').find((l) => l.includes('R (Rlabkey, libcurl)'));
    expect({ line: rLine?.trim().slice(0, 1) }).toEqual({ line: before.r.auth[H] === `apikey:${key}` ? '✓' : '✗' });

    const fix = await runLk(['doctor', '--fix', '--server', mock.url], { home, env });
    expect(fix.code === 0 || fix.code === 1).toBe(true);
    const after = await read(c, home, hosts);
    expectRIsCurl(after, hosts);
    expectWhoAmI(after, key);
    expectModelMatches(c, home, after);
    if (d.fixes) expectKeyRead(c, after, key);
  });
});

describe('netrc interop: R, Python and a server on an IPv6 address', () => {
  const mock = withMockServer({ host: '::1' });
  const home = useTempHome();

  test('lk auth login on http://[::1]:PORT writes machine ::1, which R reads, as lk models it', async () => {
    const key = trackSecret(mock.server.state.issueApiKey('alice@lk.test').key);
    const login = await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: `${key}\n` });
    expect({ code: login.code, stderr: login.stderr }).toEqual({ code: 0, stderr: expect.stringContaining('machine ::1') });
    const whoami = `${mock.url}/login/whoAmI.view`;
    const arg = { whoami, server: '::1', hosts: ['::1'], port: Number(new URL(mock.url).port), file: home.netrcPath };
    const out = await run('Rscript', [join(__dirname, 'r-reader.R'), JSON.stringify(arg)], envOf({ name: 'ipv6' }, home));
    if (out.code !== 0) throw new Error(`Rscript r-reader.R failed (${out.code}): ${out.stderr}`);
    const r = JSON.parse(out.stdout) as ROut;
    expect(r.auth['::1']).toBe(`apikey:${key}`);
    expect(r.whoami).toEqual({ status: 200, email: 'alice@lk.test' });
    expect(await curlAuth(['--netrc-optional', whoami], envOf({ name: 'ipv6' }, home))).toBe(`apikey:${key}`);
    const model = netrcReadersView(mock.url, readersFiles({ name: 'ipv6' }, home)).readers.find((x) => x.reader === 'r')!;
    expect({ outcome: model.outcome, sameKeyAsLk: model.sameKeyAsLk }).toEqual({ outcome: 'found', sameKeyAsLk: true });
  });

  // requests before 2.32.4 (psf/requests#6965) looks up the netloc cut at its first colon, "[", so
  // Debian 12's python3-requests 2.28.1 sends nothing for machine ::1; lk's finding names Python.
  test('the same file, read by every python3 with requests here: the key from requests 2.32.4 on, nothing before, as the ipv6-host finding says', async () => {
    const key = trackSecret(mock.server.state.issueApiKey('alice@lk.test').key);
    expect((await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: `${key}\n` })).code).toBe(0);
    const pythons = [...new Set(['/usr/bin/python3', 'python3'].filter((p) => spawnSync(p, ['-c', 'import requests'], { encoding: 'utf8' }).status === 0))];
    expect(pythons.length).toBeGreaterThan(0);
    const script = 'import json, sys, requests\nfrom requests.utils import get_netrc_auth\nprint(json.dumps({"version": requests.__version__, "auth": get_netrc_auth(sys.argv[1])}))';
    for (const py of pythons) {
      const out = await run(py, ['-c', script, `${mock.url}/login-whoAmI.api`], envOf({ name: 'ipv6' }, home));
      if (out.code !== 0) throw new Error(`${py} failed (${out.code}): ${out.stderr}`);
      const got = JSON.parse(out.stdout) as { version: string; auth: [string, string] | null };
      const [major = 0, minor = 0, patch = 0] = got.version.split('.').map((n) => Number.parseInt(n, 10));
      const fixed = major > 2 || (major === 2 && (minor > 32 || (minor === 32 && patch >= 4)));
      expect({ py, version: got.version, auth: got.auth }).toEqual({ py, version: got.version, auth: fixed ? ['apikey', key] : null });
    }
    const finding = netrcReadersView(mock.url, readersFiles({ name: 'ipv6' }, home)).findings.find((f) => f.code === 'ipv6-host');
    expect(finding?.readers).toEqual(expect.arrayContaining(['python', 'java']));
  });
});
