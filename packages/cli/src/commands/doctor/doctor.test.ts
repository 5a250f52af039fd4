import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { startMockServer, type MockServer } from '@lk/mock-server';
import { KEYCHAIN_SERVICE, keychainAccountFor } from '@lk/sdk';
import { createTestDeps, parseOnly, type TestDeps } from '../../testing/test-deps.js';
import { diagnose, exitCodeOf, runDoctor } from './doctor.js';
import { doctorOptions, registerDoctor } from './index.js';
import type { DoctorOptions } from './facts.js';
import type { CheckResult } from './check.js';

const HEX32 = '0123456789abcdef0123456789abcdef';

describe('lk doctor', () => {
  describe('flags become options', () => {
    let deps: TestDeps;
    beforeEach(async () => {
      deps = await createTestDeps();
    });
    afterEach(() => deps.cleanup());
    const factory = (d: TestDeps) => (parent: import('commander').Command) => registerDoctor(parent, d);

    it('maps --server, --fix and --json', async () => {
      const [flags] = await parseOnly(factory as never, deps, ['doctor', '--server', 'http://h:1/labkey', '--fix', '--json']);
      expect(flags).toEqual({ server: 'http://h:1/labkey', fix: true, json: true });
      expect(doctorOptions(flags as never)).toEqual({ server: 'http://h:1/labkey', fix: true, json: true });
    });

    it('needs no flags', async () => {
      const [flags] = await parseOnly(factory as never, deps, ['doctor']);
      expect(doctorOptions(flags as never)).toEqual({ fix: false, json: false });
    });
  });

  describe('behaviour given stubbed deps', () => {
    let server: MockServer;
    let deps: TestDeps;
    let key: string;
    const keys: string[] = [];
    beforeAll(async () => {
      server = await startMockServer();
    });
    afterAll(async () => {
      await server.close();
    });
    beforeEach(async () => {
      key = server.state.issueApiKey('alice@lk.test').key;
      keys.push(key);
      deps = await createTestDeps();
    });
    afterEach(() => {
      // No key value ever reaches doctor's output.
      const out = deps.io.stdout() + deps.io.stderr();
      for (const k of keys) expect(out).not.toContain(k);
      deps.cleanup();
    });

    const netrcPath = () => join(deps.home, '.netrc');
    const writeNetrc = (text: string, mode = 0o600, name = '.netrc') => {
      const p = join(deps.home, name);
      writeFileSync(p, text, { mode });
      chmodSync(p, mode);
      return p;
    };
    const run = (o: DoctorOptions = {}) => diagnose({ server: server.url, ...o }, deps);
    const check = (checks: CheckResult[], id: string) => {
      const c = checks.find((x) => x.id === id);
      if (!c) throw new Error(`no check ${id}`);
      return c;
    };
    const backups = () => readdirSync(deps.home).filter((f) => f.startsWith('.netrc.lk-backup-'));

    it('a healthy netrc: every check passes, the report goes to stdout, exit 0', async () => {
      writeNetrc(`machine 127.0.0.1\n  login apikey\n  password ${key}\n`);
      const report = await runDoctor({ server: server.url }, deps);
      expect(report.checks.map((c) => `${c.id}:${c.status}`)).toEqual([
        'netrc-file:pass',
        'netrc-permissions:pass',
        'netrc-syntax:pass',
        'netrc-entry:pass',
        'machine-names:pass',
        'netrc-login:pass',
        'duplicate-machines:pass',
        'entries-after-default:pass',
        'key-shape:pass',
        'shadowing:pass',
        'server:pass',
        'key-accepted:pass',
      ]);
      const fp = check(report.checks, 'key-accepted').detail.match(/key ([0-9a-f]{8})/)![1];
      expect(deps.io.stderr()).toBe('');
      expect(deps.io.stdout()).toBe(
        `lk doctor: ${server.url}\n` +
          `[ok]   netrc file: ${netrcPath()} (~/.netrc exists).\n` +
          `[ok]   netrc permissions: ${netrcPath()} is mode 0600 (only you can read it).\n` +
          `[ok]   netrc syntax: ${netrcPath()} parses cleanly (1 entries).\n` +
          `[ok]   netrc entry for the server: machine 127.0.0.1 at ${netrcPath()} lines 1-3.\n` +
          '[ok]   machine names: Every machine is a bare hostname.\n' +
          '[ok]   netrc login: login apikey (lines 1-3).\n' +
          '[ok]   duplicate machines: No machine is listed twice.\n' +
          '[ok]   entries after default: No `default` entry.\n' +
          `[ok]   key format: key ${fp} in ${netrcPath()} lines 1-3: 64 lower-case hex characters.\n` +
          `[ok]   key sources: lk uses key ${fp} from ${netrcPath()} line 1.\n` +
          `[ok]   server and context path: ${server.url} (from --server) answers login-whoAmI.api.\n` +
          `[ok]   key accepted: key ${fp} from ${netrcPath()} line 1 is accepted: it belongs to alice@lk.test.\n` +
          '\n' +
          'All checks passed.\n',
      );
    });

    it('marks are ✓ ! ✗ on a color terminal', async () => {
      writeNetrc(`machine 127.0.0.1 login apikey password ${key}\n`);
      const tty = await createTestDeps({ stdoutIsTTY: true });
      tty.cleanup();
      Object.assign(deps, { io: tty.io });
      await runDoctor({ server: server.url }, deps);
      expect(deps.io.stdout()).toContain('\u001b[32m✓\u001b[39m \u001b[1mkey accepted\u001b[22m: ');
    });

    describe('which file, and why', () => {
      it('NETRC pointing at a missing file fails and says no other file is read', async () => {
        writeNetrc(`machine 127.0.0.1 login apikey password ${key}\n`);
        Object.assign(deps, { env: { ...deps.env, NETRC: join(deps.home, 'nope') } });
        const r = await run();
        expect(check(r.checks, 'netrc-file')).toMatchObject({ status: 'fail' });
        expect(check(r.checks, 'netrc-file').detail).toBe(`NETRC points at ${join(deps.home, 'nope')}, which does not exist (lk reads no other file while NETRC is set).`);
      });

      it('NETRC set: that file, "NETRC is set"', async () => {
        const p = writeNetrc(`machine 127.0.0.1 login apikey password ${key}\n`, 0o600, 'custom-netrc');
        Object.assign(deps, { env: { ...deps.env, NETRC: p } });
        const r = await run();
        expect(check(r.checks, 'netrc-file').detail).toBe(`${p} (NETRC is set).`);
        expect(exitCodeOf(r.checks)).toBe(0);
      });

      it('~/_netrc when there is no ~/.netrc', async () => {
        const p = writeNetrc(`machine 127.0.0.1 login apikey password ${key}\n`, 0o600, '_netrc');
        const r = await run();
        expect(check(r.checks, 'netrc-file').detail).toBe(`${p} (~/_netrc exists; ${netrcPath()} not found).`);
        expect(check(r.checks, 'key-accepted').status).toBe('pass');
      });

      it('no file and no key anywhere: a warning, and the key check fails with exit 4', async () => {
        const r = await run();
        expect(check(r.checks, 'netrc-file').status).toBe('warn');
        expect(check(r.checks, 'key-accepted')).toMatchObject({ status: 'fail', fix: `Run \`lk auth login --server ${server.url}\`.` });
        expect(exitCodeOf(r.checks)).toBe(4);
      });
    });

    describe('permissions', () => {
      it('mode 0644 fails; --fix makes it 0600 after a 0600 backup, and the re-run passes', async () => {
        const text = `# keep me\nmachine 127.0.0.1 login apikey password ${key}\n`;
        writeNetrc(text, 0o644);
        const r = await run();
        expect(check(r.checks, 'netrc-permissions')).toMatchObject({
          status: 'fail',
          detail: `${netrcPath()} is mode 0644: group and others can read it, and it holds API keys.`,
          fix: `chmod 600 ${netrcPath()}  (or \`lk doctor --fix\`)`,
        });
        expect(exitCodeOf(r.checks)).toBe(1);
        const fixed = await run({ fix: true });
        expect(fixed.fixed).toEqual([{ id: 'chmod-600', description: `set the mode of ${netrcPath()} to 0600 (was 0644)` }]);
        expect(statSync(netrcPath()).mode & 0o777).toBe(0o600);
        expect(readFileSync(netrcPath(), 'utf8')).toBe(text);
        expect(backups()).toHaveLength(1);
        expect(statSync(join(deps.home, backups()[0]!)).mode & 0o777).toBe(0o600);
        expect(readFileSync(join(deps.home, backups()[0]!), 'utf8')).toBe(text);
        expect(check(fixed.checks, 'netrc-permissions').status).toBe('pass');
        expect(exitCodeOf(fixed.checks)).toBe(0);
      });
    });

    describe('syntax', () => {
      it('an unterminated quote fails with its line and column, and never shows the token', async () => {
        writeNetrc(`machine a.org login apikey password lk_test_0001\nmachine 127.0.0.1 login apikey password "${key}\n`);
        const r = await run();
        const c = check(r.checks, 'netrc-syntax');
        expect(c.status).toBe('fail');
        expect(c.detail).toBe(`${netrcPath()} line 2, column 41: unterminated quoted token (a quoted token must close on its own line). No client can use this file until it is fixed.`);
        // The key check says to fix the file first; a broken file is exit 1, not 4.
        expect(check(r.checks, 'key-accepted').status).toBe('fail');
        expect(exitCodeOf(r.checks)).toBe(1);
        const f = await run({ fix: true });
        expect(f.fixed).toEqual([]);
        expect(backups()).toEqual([]);
      });

      it('skipped tokens are a warning with their lines', async () => {
        writeNetrc(`machine 127.0.0.1 login apikey password ${key} bogus\n`);
        const c = check((await run()).checks, 'netrc-syntax');
        expect(c.status).toBe('warn');
        expect(c.detail).toContain('line 1, column ');
        expect(c.detail).toContain('unknown token skipped');
      });
    });

    describe('the entry for the server', () => {
      it('only `default` applies: a warning naming its line', async () => {
        writeNetrc(`machine a.org login apikey password lk_test_0001\ndefault login apikey password ${key}\n`);
        const r = await run();
        expect(check(r.checks, 'netrc-entry')).toMatchObject({ status: 'warn', detail: `No machine 127.0.0.1 in ${netrcPath()}; the \`default\` entry at line 2 applies to it (and to every other host).` });
      });

      it('no entry and no other source: fails, exit 4', async () => {
        writeNetrc('machine a.org login apikey password lk_test_0001\n');
        const r = await run();
        expect(check(r.checks, 'netrc-entry')).toMatchObject({ status: 'fail', fix: `Run \`lk auth login --server ${server.url}\`.` });
        expect(exitCodeOf(r.checks)).toBe(4);
      });
    });

    describe('machine names with a scheme, port or path', () => {
      it('fails (it never matches); --fix rewrites it to the bare hostname and touches nothing else', async () => {
        const before = `# work\r\nmachine a.org login apikey password lk_test_0001\r\n\r\nmachine ${server.url.replace('/labkey', '')}/labkey\r\n  login apikey\r\n  password ${key}\r\n# end\r\n`;
        writeNetrc(before);
        const r = await run();
        expect(check(r.checks, 'machine-names').status).toBe('fail');
        expect(check(r.checks, 'machine-names').detail).toBe(
          `lines 4-6: \`machine ${server.url}\` holds a scheme (http://) and a port (:${server.port}) and a path (/labkey); it never matches any server.`,
        );
        expect(check(r.checks, 'netrc-entry').fix).toBe('Change it to `machine 127.0.0.1` (`lk doctor --fix` does this).');
        expect(exitCodeOf(r.checks)).toBe(1); // the entry is there, only misnamed: not a key problem
        const f = await run({ fix: true });
        expect(f.fixed.map((x) => x.id)).toEqual(['rewrite-machine']);
        expect(readFileSync(netrcPath(), 'utf8')).toBe(before.replace(server.url, '127.0.0.1'));
        expect(exitCodeOf(f.checks)).toBe(0);
      });

      it('is not rewritten when a bare entry for that host exists (that would change which key wins)', async () => {
        writeNetrc(`machine 127.0.0.1 login apikey password ${key}\nmachine 127.0.0.1:8080 login apikey password lk_test_0002\n`);
        const r = await run();
        expect(check(r.checks, 'machine-names')).toMatchObject({ status: 'fail', fix: 'delete line 2 (an entry for 127.0.0.1 already exists)' });
        expect(check(r.checks, 'machine-names').repairs).toEqual([]);
      });
    });

    describe('login', () => {
      it('login not apikey with an accepted key as password: fails; --fix sets login apikey', async () => {
        writeNetrc(`machine 127.0.0.1 login alice@lk.test password ${key}\nmachine b.org login bob password pw\n`);
        const r = await run();
        expect(check(r.checks, 'netrc-login')).toMatchObject({ status: 'fail' });
        expect(check(r.checks, 'netrc-login').detail).toContain('has login `alice@lk.test`, not `apikey`');
        const f = await run({ fix: true });
        expect(f.fixed.map((x) => x.id)).toEqual(['login-apikey']);
        expect(readFileSync(netrcPath(), 'utf8')).toBe(`machine 127.0.0.1 login apikey password ${key}\nmachine b.org login bob password pw\n`);
        expect(exitCodeOf(f.checks)).toBe(0);
      });

      it('a real account password is never relabelled', async () => {
        writeNetrc('machine 127.0.0.1 login alice@lk.test password alice-password\n');
        const r = await run();
        expect(check(r.checks, 'netrc-login').repairs).toBeUndefined();
        const f = await run({ fix: true });
        expect(f.fixed).toEqual([]);
        expect(readFileSync(netrcPath(), 'utf8')).toBe('machine 127.0.0.1 login alice@lk.test password alice-password\n');
      });
    });

    describe('the key', () => {
      it('a new key with a stray apikey| prefix: rejected, accepted without; --fix strips it', async () => {
        const text = `machine a.org login apikey password lk_test_0001 # other\nmachine 127.0.0.1 login apikey password apikey|${key}\n`;
        writeNetrc(text);
        const r = await run();
        const c = check(r.checks, 'key-accepted');
        expect(c.status).toBe('fail');
        expect(c.detail).toContain('but the same key without the `apikey|` prefix is accepted (it belongs to alice@lk.test)');
        expect(exitCodeOf(r.checks)).toBe(4);
        const f = await run({ fix: true });
        expect(f.fixed.map((x) => x.id)).toEqual(['strip-prefix']);
        expect(readFileSync(netrcPath(), 'utf8')).toBe(text.replace(`apikey|${key}`, key));
        expect(check(f.checks, 'key-accepted').status).toBe('pass');
        expect(exitCodeOf(f.checks)).toBe(0);
      });

      it('a legacy key seeded as apikey|…: accepted as issued, a warning, and --fix leaves it alone', async () => {
        const legacy = `apikey|${HEX32}`;
        keys.push(legacy);
        server.state.seedApiKey('bob@lk.test', legacy);
        writeNetrc(`machine 127.0.0.1 login apikey password ${legacy}\n`);
        const r = await run({ fix: true });
        expect(check(r.checks, 'key-shape').status).toBe('warn');
        expect(check(r.checks, 'key-shape').detail).toContain('legacy format (`apikey|` + 32 hex, issued before LabKey 23.3), still accepted.');
        expect(check(r.checks, 'key-shape').fix).toContain('Consider generating a new key');
        expect(check(r.checks, 'key-accepted').status).toBe('pass');
        expect(r.fixed).toEqual([]);
        expect(readFileSync(netrcPath(), 'utf8')).toBe(`machine 127.0.0.1 login apikey password ${legacy}\n`);
        expect(exitCodeOf(r.checks)).toBe(0);
      });

      it('quotes and whitespace inside the value fail the format check', async () => {
        writeNetrc(`machine 127.0.0.1 login apikey password "\\"${key}\\""\n`);
        const c = check((await run()).checks, 'key-shape');
        expect(c.status).toBe('fail');
        expect(c.detail).toContain('it is wrapped in quote characters that are part of the value');
      });

      it('a revoked key is rejected: exit 4 and a fix that says how to get a new one', async () => {
        const { key: k, rowId } = server.state.issueApiKey('alice@lk.test');
        keys.push(k);
        server.state.revokeApiKey(rowId);
        writeNetrc(`machine 127.0.0.1 login apikey password ${k}\n`);
        const r = await run();
        const c = check(r.checks, 'key-accepted');
        expect(c.status).toBe('fail');
        expect(c.detail).toContain('is rejected: the server answered 401');
        expect(c.fix).toContain(`lk auth login --server ${server.url}`);
        expect(exitCodeOf(r.checks)).toBe(4);
      });
    });

    describe('duplicates and default', () => {
      it('a machine listed twice: the later entry is dead, named by line', async () => {
        writeNetrc(`machine 127.0.0.1 login apikey password ${key}\n\nmachine 127.0.0.1\n  login apikey\n  password lk_test_0002\n`);
        const c = check((await run()).checks, 'duplicate-machines');
        expect(c.status).toBe('warn');
        expect(c.detail.split('\n')[0]).toBe('machine 127.0.0.1 at lines 3-5 is never read: the entry at line 1 comes first and wins.');
      });

      it('an entry after default: a warning; --fix moves it before default, comments stay', async () => {
        const text = `# top\nmachine a.org login apikey password lk_test_0001\n# the fallback\ndefault login anonymous password guest\n# mine\nmachine 127.0.0.1 login apikey password ${key}\n# tail\n`;
        writeNetrc(text);
        const r = await run();
        expect(check(r.checks, 'entries-after-default')).toMatchObject({ status: 'warn' });
        const f = await run({ fix: true });
        expect(f.fixed.map((x) => x.id)).toEqual(['move-before-default']);
        expect(readFileSync(netrcPath(), 'utf8')).toBe(
          `# top\nmachine a.org login apikey password lk_test_0001\n# the fallback\nmachine 127.0.0.1 login apikey password ${key}\ndefault login anonymous password guest\n# mine\n# tail\n`,
        );
        expect(check(f.checks, 'entries-after-default').status).toBe('pass');
        expect(backups()).toHaveLength(1);
        expect(readFileSync(join(deps.home, backups()[0]!), 'utf8')).toBe(text);
      });
    });

    describe('shadowing', () => {
      it('LABKEY_API_KEY with a different key: a warning by fingerprint; a rejected env key names the netrc key that works', async () => {
        writeNetrc(`machine 127.0.0.1 login apikey password ${key}\n`);
        Object.assign(deps, { env: { ...deps.env, LABKEY_API_KEY: 'f'.repeat(64) } });
        const r = await run();
        const s = check(r.checks, 'shadowing');
        expect(s.status).toBe('warn');
        expect(s.detail).toMatch(/^lk uses key [0-9a-f]{8} from the environment variable LABKEY_API_KEY; .* holds a different key \([0-9a-f]{8}\), which is ignored\.$/);
        expect(s.fix).toContain('Unset LABKEY_API_KEY');
        expect(check(r.checks, 'key-accepted').fix).toBe(`Unset LABKEY_API_KEY: the key in ${netrcPath()} line 1 is accepted.`);
        expect(exitCodeOf(r.checks)).toBe(4);
      });

      it('LABKEY_API_KEY with the same key: passes', async () => {
        writeNetrc(`machine 127.0.0.1 login apikey password ${key}\n`);
        Object.assign(deps, { env: { ...deps.env, LABKEY_API_KEY: key } });
        const s = check((await run()).checks, 'shadowing');
        expect(s.status).toBe('pass');
        expect(s.detail).toContain('holds the same key');
      });

      it('a keychain item with a different key shadows the netrc file', async () => {
        writeNetrc(`machine 127.0.0.1 login apikey password ${key}\n`);
        const other = server.state.issueApiKey('bob@lk.test').key;
        keys.push(other);
        await deps.keychain.set(KEYCHAIN_SERVICE, keychainAccountFor(server.url), other);
        const r = await run();
        const s = check(r.checks, 'shadowing');
        expect(s.status).toBe('warn');
        expect(s.detail).toContain('from the keychain item');
        expect(s.fix).toContain('lk auth logout');
        expect(check(r.checks, 'key-accepted').detail).toContain('belongs to bob@lk.test');
      });
    });

    describe('server and context path', () => {
      it('without /labkey: says the context path is wrong and that /labkey works', async () => {
        writeNetrc(`machine 127.0.0.1 login apikey password ${key}\n`);
        const r = await run({ server: server.origin });
        const c = check(r.checks, 'server');
        expect(c.status).toBe('fail');
        expect(c.detail).toMatch(/^Wrong context path: .*login-whoAmI\.api answered 404 without LabKey JSON: there is no LabKey API at that URL; but http:\/\/127\.0\.0\.1:\d+\/labkey works\.$/);
        expect(c.fix).toBe(`Use --server ${server.url}.`);
        expect(check(r.checks, 'key-accepted').status).toBe('skip');
        expect(exitCodeOf(r.checks)).toBe(1);
      });

      it('a root-context server asked with /labkey: says the root works', async () => {
        const root = await startMockServer({ contextPath: '' });
        try {
          const k = root.state.issueApiKey('alice@lk.test').key;
          keys.push(k);
          writeNetrc(`machine 127.0.0.1 login apikey password ${k}\n`);
          const r = await run({ server: `${root.origin}/labkey` });
          expect(check(r.checks, 'server').fix).toBe(`Use --server ${root.origin}.`);
          expect((await run({ server: root.origin })).checks.every((c) => c.status === 'pass')).toBe(true);
        } finally {
          await root.close();
        }
      });

      it('nothing listening: fails, and the key is not asked', async () => {
        const port = await new Promise<number>((resolve) => {
          const s = createServer().listen(0, '127.0.0.1', () => {
            const p = (s.address() as { port: number }).port;
            s.close(() => resolve(p));
          });
        });
        writeNetrc(`machine 127.0.0.1 login apikey password ${key}\n`);
        const r = await run({ server: `http://127.0.0.1:${port}/labkey` });
        expect(check(r.checks, 'server').detail).toContain('connection refused');
        expect(check(r.checks, 'key-accepted').status).toBe('skip');
      });

      it('a pre-2024 server that answers a bad key as guest: rejected', async () => {
        const legacyServer = await startMockServer({ legacyAuth: true });
        try {
          writeNetrc(`machine 127.0.0.1 login apikey password ${'e'.repeat(64)}\n`);
          const r = await run({ server: legacyServer.url });
          expect(check(r.checks, 'key-accepted').detail).toContain('answered as guest');
          expect(exitCodeOf(r.checks)).toBe(4);
        } finally {
          await legacyServer.close();
        }
      });
    });

    it('without any server, the file checks still run', async () => {
      writeNetrc(`machine a.org login apikey password lk_test_0001\n`, 0o640);
      const r = await diagnose({}, deps);
      expect(r.server).toBeUndefined();
      expect(check(r.checks, 'netrc-permissions').status).toBe('fail');
      expect(check(r.checks, 'server').status).toBe('skip');
      expect(check(r.checks, 'key-accepted').status).toBe('skip');
    });

    it('--json prints { checks, fixed } on stdout, failures included', async () => {
      writeNetrc(`machine 127.0.0.1 login apikey password apikey|${key}\n`, 0o644);
      await expect(runDoctor({ server: server.url, json: true, fix: true }, deps)).resolves.toBeDefined();
      const data = JSON.parse(deps.io.stdout()) as { checks: Record<string, unknown>[]; fixed: { id: string }[]; backup: string; exitCode: number };
      expect(data.fixed.map((f) => f.id).sort()).toEqual(['chmod-600', 'strip-prefix']);
      expect(data.backup).toMatch(/\.netrc\.lk-backup-\d{8}T\d{6}Z$/);
      expect(Object.keys(data.checks[0]!)).toEqual(['id', 'status', 'title', 'detail', 'fix']);
      expect(data.exitCode).toBe(0);
      expect(deps.io.stderr()).toBe('');
    });

    it('a failing run reports on stderr and throws an already-reported error (exit 4 for a rejected key)', async () => {
      writeNetrc(`machine 127.0.0.1 login apikey password ${'d'.repeat(64)}\n`);
      await expect(runDoctor({ server: server.url }, deps)).rejects.toMatchObject({ code: 'LK_DOCTOR_AUTH', kind: 'auth', reported: true });
      expect(deps.io.stdout()).toBe('');
      expect(deps.io.stderr()).toContain('[FAIL] key accepted: ');
      expect(deps.io.stderr()).toContain('1 failed.');
    });
  });
});
