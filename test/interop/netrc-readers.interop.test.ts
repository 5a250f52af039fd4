/**
 * Interop tier: the netrc files lk writes, read by the REAL readers of LabKey's other clients.
 *
 * For each pre-existing layout in CORPUS (netrc-corpus.ts): run the built `lk auth login
 * --with-token` against the real mock server, then read the file with
 * - python3's `netrc` module and requests' `get_netrc_auth`, plus a real `requests.get` of
 *   whoAmI (what LabKey's Python client does), with every python3 here that has requests
 *   (Debian's /usr/bin/python3 with python3-requests, and `python3` on PATH when it is another);
 * - curl `--netrc` (libcurl, `$HOME/.netrc`) making a real request to whoAmI, and curl's trace of
 *   the Authorization header it sends for every other machine in the file;
 * - lk's own parser.
 * Every other entry must read back as it did before, in each reader. Then the same after
 * `lk doctor --fix`, and after `lk auth logout` (the server's host then reads as any unknown host
 * does). Where a real reader cannot read a layout at all (Python and a `port` token on another
 * entry; curl and a `_netrc` or `NETRC` file), the test asserts what that reader really does.
 * Every case also checks lk's reader models (netrcReadersView) against what the real readers did.
 * R (Rlabkey's httr and libcurl) reads the same layouts in r-netrc.interop.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { netrcReadersView, parseNetrc } from '@lk/sdk';
import { withMockServer } from '../helpers/with-mock-server.js';
import { useTempHome, type TempHome } from '../helpers/temp-home.js';
import { expectNoLeaks, runLk, trackSecret } from '../helpers/run-lk.js';
import { CORPUS, DOCTOR, H, UNKNOWN, emailOf, envFile, envOf, lkFile, place, readersFiles, run, setUpCase, type Case } from './netrc-corpus.js';

expectNoLeaks();
jest.setTimeout(240_000);

// ── the real readers ──────────────────────────────────────────────────────────

const PYTHONS = [...new Set(['/usr/bin/python3', 'python3'].filter((p) => spawnSync(p, ['-c', 'import requests'], { encoding: 'utf8' }).status === 0))];

interface PyOut {
  python: string;
  requests: string;
  netrc?: { hosts?: Record<string, [string, string, string] | null>; error?: string };
  get_netrc_auth: Record<string, [string, string] | null>;
  whoami: { status: number; email: string | null };
}

interface Reading {
  lk: Record<string, string | undefined>;
  python: PyOut[];
  /** curl --netrc: the whoAmI answer, and the Basic credentials it sends per host. */
  curl: { email: string | undefined; auth: Record<string, string | undefined> };
  /** curl --netrc-file <the file lk wrote>: the whoAmI answer. */
  curlFile: { email: string | undefined };
}

async function curl(args: string[], env: Record<string, string>): Promise<{ body: string; auth: string | undefined }> {
  const r = await run('curl', ['-s', '-v', '--max-time', '20', ...args], env);
  const m = /^> Authorization: Basic ([A-Za-z0-9+/=]+)\r?$/m.exec(r.stderr);
  return { body: r.stdout, auth: m ? Buffer.from(m[1]!, 'base64').toString('utf8') : undefined };
}

describe('netrc interop: lk auth login, doctor --fix, logout, read by the real readers', () => {
  const mock = withMockServer();
  const home = useTempHome();

  test('the real readers are here (python3 with requests, curl)', () => {
    expect(PYTHONS.length).toBeGreaterThan(0);
    expect(spawnSync('curl', ['--version']).status).toBe(0);
  });

  const port = () => Number(new URL(mock.url).port);
  const whoamiUrl = () => `${mock.url}/login-whoAmI.api`;

  async function read(c: Case, home: TempHome, hosts: string[]): Promise<Reading> {
    const env = envOf(c, home);
    const file = lkFile(c, home);
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    const parsed = parseNetrc(text);
    const lk: Record<string, string | undefined> = {};
    for (const h of hosts) {
      const l = parsed.lookup(h);
      lk[h] = l ? `${l.login}:${l.password.reveal()}` : undefined;
    }
    const python: PyOut[] = [];
    for (const py of PYTHONS) {
      const r = await run(py, [join(__dirname, 'readers.py'), JSON.stringify({ file: existsSync(file) ? file : null, whoami: whoamiUrl(), hosts, port: port() })], env);
      if (r.code !== 0) throw new Error(`${py} readers.py failed: ${r.stderr}`);
      python.push(JSON.parse(r.stdout) as PyOut);
    }
    const auth: Record<string, string | undefined> = {};
    for (const h of hosts) {
      const url = h === H ? whoamiUrl() : `http://${h}:${port()}/labkey/login-whoAmI.api`;
      auth[h] = (await curl(['--netrc', ...(h === H ? [] : ['--resolve', `${h}:${port()}:127.0.0.1`]), url], env)).auth;
    }
    const email = emailOf((await curl(['--netrc', whoamiUrl()], env)).body);
    const curlFile = { email: existsSync(file) ? emailOf((await curl(['--netrc-file', file, whoamiUrl()], env)).body) : undefined };
    return { lk, python, curl: { email, auth }, curlFile };
  }

  /**
   * Every other entry reads back as before, in every reader; where a reader could not read it
   * before (and lk's edit or doctor's fix makes it readable), it now reads what lk reads.
   */
  function expectOthersUnchanged(c: Case, stage: 'login' | 'fix' | 'logout', before: Reading, after: Reading, others: string[]): void {
    for (const h of [...others, UNKNOWN]) {
      expect({ host: h, lk: after.lk[h] }).toEqual({ host: h, lk: before.lk[h] });
      const curlWant = c.fixMovesAboveDefault && stage !== 'login' ? after.lk[h] : before.curl.auth[h];
      expect({ host: h, curl: after.curl.auth[h] }).toEqual({ host: h, curl: curlWant });
      after.python.forEach((p, i) => {
        if (c.pythonRejects) return; // asserted in expectKeyRead: it reads nothing
        if (c.pythonRejectsBefore) {
          const lk = after.lk[h];
          expect({ host: h, python: p.python, get_netrc_auth: p.get_netrc_auth[h] }).toEqual({ host: h, python: p.python, get_netrc_auth: lk === undefined ? null : lk.split(':') });
          return;
        }
        expect({ host: h, python: p.python, get_netrc_auth: p.get_netrc_auth[h] }).toEqual({ host: h, python: p.python, get_netrc_auth: before.python[i]!.get_netrc_auth[h] });
        if (p.netrc?.hosts && before.python[i]!.netrc?.hosts) expect({ host: h, netrc: p.netrc.hosts[h] }).toEqual({ host: h, netrc: before.python[i]!.netrc!.hosts![h] });
      });
    }
  }

  /** The server's key is read by every reader that can read this layout; the others as they really behave. */
  function expectKeyRead(c: Case, r: Reading, key: string): void {
    expect(r.lk[H]).toBe(`apikey:${key}`);
    for (const p of r.python) {
      if (c.pythonRejects) {
        expect({ python: p.python, netrc: p.netrc?.error }).toEqual({ python: p.python, netrc: 'NetrcParseError' });
        expect({ python: p.python, auth: p.get_netrc_auth[H] }).toEqual({ python: p.python, auth: null });
        expect({ python: p.python, whoami: p.whoami.email }).toEqual({ python: p.python, whoami: 'guest' });
      } else {
        expect({ python: p.python, netrc: p.netrc?.hosts?.[H] }).toEqual({ python: p.python, netrc: ['apikey', '', key] });
        expect({ python: p.python, auth: p.get_netrc_auth[H] }).toEqual({ python: p.python, auth: ['apikey', key] });
        expect({ python: p.python, whoami: p.whoami.email }).toEqual({ python: p.python, whoami: 'alice@lk.test' });
      }
    }
    expect(r.curlFile.email).toBe('alice@lk.test');
    if (c.underscore !== undefined || c.netrcEnv !== undefined) {
      // curl 7.88 / libcurl reads only $HOME/.netrc on Linux: the key lk wrote is not in it.
      expect(r.curl.auth[H]).toBeUndefined();
      expect(r.curl.email).toBe('guest');
    } else {
      expect(r.curl.auth[H]).toBe(`apikey:${key}`);
      expect(r.curl.email).toBe('alice@lk.test');
    }
  }

  /** lk's models of the readers agree with what the real readers did (same key as lk, or not). */
  function expectModelsMatch(c: Case, home: TempHome, r: Reading): void {
    const view = netrcReadersView(mock.url, readersFiles(c, home));
    const v = (id: string) => view.readers.find((x) => x.reader === id)!;
    const lkPw = r.lk[H]?.slice(r.lk[H]!.indexOf(':') + 1);
    for (const p of r.python) {
      const real = lkPw !== undefined && p.get_netrc_auth[H]?.[1] === lkPw;
      expect({ reader: 'python', python: p.python, predicted: v('python').sameKeyAsLk }).toEqual({ reader: 'python', python: p.python, predicted: real });
    }
    const sent = r.curl.auth[H];
    const realCurl = lkPw !== undefined && sent !== undefined && sent.slice(sent.indexOf(':') + 1) === lkPw;
    expect({ reader: 'curl', predicted: v('curl').sameKeyAsLk }).toEqual({ reader: 'curl', predicted: realCurl });
  }

  test.each(CORPUS.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const { env, others, hosts } = setUpCase(c, home);
    const before = await read(c, home, hosts);
    expectModelsMatch(c, home, before);
    if (c.pythonRejects || c.pythonRejectsBefore) for (const p of before.python) expect(p.netrc?.error).toBe('NetrcParseError');

    const key = trackSecret(mock.server.state.issueApiKey('alice@lk.test').key);
    const login = await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: `${key}\n`, env });
    expect({ code: login.code, stderr: login.stderr }).toEqual({ code: 0, stderr: expect.stringContaining('✓ Logged in') });
    // one line when the file lk wrote is not the one every client reads
    expect({ note: login.stderr.includes('not every client reads') }).toEqual({ note: c.underscore !== undefined || c.netrcEnv !== undefined });
    const afterLogin = await read(c, home, hosts);
    expectKeyRead(c, afterLogin, key);
    expectOthersUnchanged(c, 'login', before, afterLogin, others);
    expectModelsMatch(c, home, afterLogin);
    expect(parseNetrc(readFileSync(lkFile(c, home), 'utf8')).entriesFor(H)).toHaveLength(1);

    const fix = await runLk(['doctor', '--fix', '--server', mock.url], { home, env });
    expect(fix.code === 0 || fix.code === 1).toBe(true);
    const afterFix = await read(c, home, hosts);
    expectKeyRead(c, afterFix, key);
    expectOthersUnchanged(c, 'fix', before, afterFix, others);
    expectModelsMatch(c, home, afterFix);

    const logout = await runLk(['auth', 'logout', '--server', mock.url], { home, env });
    expect(logout.code).toBe(0);
    const afterLogout = await read(c, home, hosts);
    expect(parseNetrc(existsSync(lkFile(c, home)) ? readFileSync(lkFile(c, home), 'utf8') : '').entriesFor(H)).toEqual([]);
    // the server's host now reads as any host the file does not name
    expect(afterLogout.lk[H]).toEqual(afterLogout.lk[UNKNOWN]);
    expect(afterLogout.curl.auth[H]).toEqual(afterLogout.curl.auth[UNKNOWN]);
    for (const p of afterLogout.python) {
      expect({ python: p.python, auth: p.get_netrc_auth[H] }).toEqual({ python: p.python, auth: p.get_netrc_auth[UNKNOWN] });
      if (p.netrc?.hosts) expect(p.netrc.hosts[H]).toEqual(p.netrc.hosts[UNKNOWN]);
    }
    expectOthersUnchanged(c, 'logout', before, afterLogout, others);
    expectModelsMatch(c, home, afterLogout);
  });

  // ── lk doctor on layouts where lk's own entry is one some reader misses ──
  test.each(DOCTOR.map((d) => [d.name, d] as const))('lk doctor on %s names the reader that fails and why', async (_name, d) => {
    const key = trackSecret(mock.server.state.issueApiKey('alice@lk.test').key);
    const c: Case = { name: d.name, ...(d.where === 'env' ? { netrcEnv: '' } : {}), ...(d.pythonRejectsBefore ? { pythonRejectsBefore: true } : {}) };
    place(home, d.text.replace('KEY', key), d.where);
    const env = d.where === 'env' ? { NETRC: envFile(home) } : {};
    const others = ['git.example.org'];
    const hosts = [H, ...others, UNKNOWN];
    const before = await read(c, home, hosts);
    expectModelsMatch(c, home, before);

    const doctor = await runLk(['doctor', '--server', mock.url], { home, env });
    for (const s of d.says) expect({ says: s, stdout: doctor.stdout.includes(s) }).toEqual({ says: s, stdout: true });

    const fix = await runLk(['doctor', '--fix', '--server', mock.url], { home, env });
    expect(fix.code === 0 || fix.code === 1).toBe(true);
    const after = await read(c, home, hosts);
    expectModelsMatch(c, home, after);
    if (d.fixes) {
      expect(fix.stdout).toContain('rewrote the entry for 127.0.0.1');
      expectKeyRead(c, after, key);
      if (d.text.includes('git.example.org')) expectOthersUnchanged(c, 'fix', before, after, others.filter((o) => before.lk[o] !== undefined));
      const again = await runLk(['doctor', '--server', mock.url], { home, env });
      expect(again.stdout).toContain('all send key');
    } else {
      // not a safe repair: the file stays as it was, and curl --netrc still sends nothing
      expect(after.curl.auth[H]).toBeUndefined();
      expect(readFileSync(lkFile(c, home), 'utf8')).toBe(d.text.replace('KEY', key).replace(/\bH\b/g, H));
    }
  });
});

