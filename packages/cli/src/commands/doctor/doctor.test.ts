import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { CredentialStoreError } from '@lk/sdk';
import { createTestDeps, parseOnly, type TestDeps } from '../../testing/test-deps.js';
import { useMockServer, useTestDeps } from '../../testing/harness.js';
import type { Check } from './check.js';
import { diagnose, outcomeOf, runChecks, runDoctor } from './doctor.js';
import { gatherFacts } from './facts.js';
import { doctorOptions, registerDoctor } from './index.js';
import { useDoctorHarness } from './testing.js';

describe('lk doctor', () => {
  describe('flags become options', () => {
    const deps = useTestDeps();
    const factory = (d: TestDeps) => (parent: Command) => registerDoctor(parent, d);

    it('maps --server, --fix and --json', async () => {
      const [flags] = await parseOnly(factory as never, deps, ['doctor', '--server', 'http://h:1/labkey', '--fix', '--json']);
      expect(flags).toEqual({ server: 'http://h:1/labkey', fix: true, json: true });
      expect(doctorOptions(flags as never)).toEqual({ server: 'http://h:1/labkey', fix: true, json: true });
    });

    it('needs no flags', async () => {
      const [flags] = await parseOnly(factory as never, deps, ['doctor']);
      expect(doctorOptions(flags as never)).toEqual({ fix: false, json: false });
    });

    it('a malformed --server is a usage error', async () => {
      await expect(diagnose({ server: 'ftp://x' }, deps)).rejects.toMatchObject({ code: 'LK_USAGE', kind: 'usage' });
    });
  });

  describe('behaviour given stubbed deps', () => {
    const server = useMockServer({ labkeyVersion: '25.7' }) // before Bearer: no recommendation in the exact report below;
    const h = useDoctorHarness(server);

    it('a healthy netrc: every check passes, one line each on stdout, exit 0', async () => {
      h.write(`machine 127.0.0.1\n  login apikey\n  password ${h.key()}\n`);
      const report = await runDoctor({ server: server.url }, h.deps);
      expect(report.checks.map((c) => `${c.id}:${c.status}`)).toEqual([
        'netrc-file:pass',
        'netrc-permissions:pass',
        'netrc-syntax:pass',
        'netrc-entry:pass',
        'machine-names:pass',
        'netrc-login:pass',
        'duplicate-machines:pass',
        'entries-after-default:pass',
        'netrc-readers:pass',
        'key-shape:pass',
        'shadowing:pass',
        'server:pass',
        'key-accepted:pass',
      ]);
      const fp = /key ([0-9a-f]{8})/.exec(report.checks[12]!.detail)![1];
      expect(h.deps.io.stderr()).toBe('');
      expect(h.deps.io.stdout()).toBe(
        `lk doctor: ${server.url}\n` +
          `[ok]   netrc file: ${h.netrc} (~/.netrc exists).\n` +
          `[ok]   netrc permissions: ${h.netrc} is mode 0600 (only you can read it).\n` +
          `[ok]   netrc syntax: ${h.netrc} parses cleanly (1 entry).\n` +
          `[ok]   netrc entry for the server: machine 127.0.0.1 at ${h.netrc} lines 1-3.\n` +
          '[ok]   machine names: Every machine is a bare hostname.\n' +
          '[ok]   netrc login: login apikey (lines 1-3).\n' +
          '[ok]   duplicate machines: No machine is listed twice.\n' +
          '[ok]   entries after default: No `default` entry.\n' +
          `[ok]   other netrc readers: Python (requests, netrc), R (Rlabkey, libcurl), curl and LabKey Java client all send key ${fp}, the one lk uses.\n` +
          `[ok]   key format: key ${fp} in ${h.netrc} lines 1-3: 64 lower-case hex characters.\n` +
          `[ok]   key sources: lk uses key ${fp} from ${h.netrc} line 1.\n` +
          `[ok]   server and context path: ${server.url} (from --server) answers login-whoAmI.api.\n` +
          `[ok]   key accepted: key ${fp} from ${h.netrc} line 1 is accepted: it belongs to alice@lk.test.\n` +
          '\n' +
          'All checks passed.\n',
      );
    });

    it('marks are ✓ ! ✗ in color on a terminal', async () => {
      h.write(`machine 127.0.0.1 login apikey password ${h.key()}\n`);
      const tty = await createTestDeps({ stdoutIsTTY: true });
      tty.cleanup();
      Object.assign(h.deps, { io: tty.io });
      await runDoctor({ server: server.url }, h.deps);
      expect(h.deps.io.stdout()).toContain('\u001b[32m✓\u001b[39m \u001b[1mkey accepted\u001b[22m: ');
    });

    it('NO_COLOR on a terminal: ASCII marks', async () => {
      h.write(`machine 127.0.0.1 login apikey password ${h.key()}\n`);
      const tty = await createTestDeps({ stdoutIsTTY: true });
      tty.cleanup();
      Object.assign(h.deps, { io: tty.io, env: { ...h.deps.env, NO_COLOR: '1' } });
      await runDoctor({ server: server.url }, h.deps);
      expect(h.deps.io.stdout()).toContain('[ok]   key accepted: ');
    });

    it('a failing run: the report still goes to stdout (`lk doctor > report.txt`) with each fix, and an already-reported auth error (exit 4)', async () => {
      h.write(`machine 127.0.0.1 login apikey password ${h.secret('d'.repeat(64))}\n`);
      await expect(runDoctor({ server: server.url }, h.deps)).rejects.toMatchObject({ code: 'LK_API_KEY_REJECTED', reported: true });
      expect(h.deps.io.stderr()).toBe('');
      expect(h.deps.io.stdout()).toContain('[FAIL] key accepted: ');
      expect(h.deps.io.stdout()).toContain(`    fix: Create a new key on ${server.url}`);
      expect(h.deps.io.stdout()).toMatch(/\n1 failed\. Run `lk doctor` again after a fix\.\n$/);
    });

    it('a non-auth failure is LK_DOCTOR_FAILED (exit 1)', async () => {
      h.write(`machine 127.0.0.1 login apikey password ${h.key()}\n`, 0o644);
      await expect(runDoctor({ server: server.url }, h.deps)).rejects.toMatchObject({ code: 'LK_DOCTOR_FAILED', kind: 'error', reported: true });
      expect(h.deps.io.stdout()).toContain('`lk doctor --fix` can repair one of them (after a backup).');
    });

    it('--fix repairs several problems of one file, round after round, after one backup of the original', async () => {
      const key = h.key();
      const before =
        '# my netrc\n' +
        'default login anonymous password guest\n' +
        `machine ${server.url}\n  login alice@lk.test\n  password apikey|${key}\n` +
        'machine other.org:8443 login apikey password lk_test_0001\n';
      h.write(before, 0o644);
      const first = await diagnose({ server: server.url }, h.deps);
      expect(outcomeOf(first.checks)).toBe('problems');
      const report = await runDoctor({ server: server.url, fix: true }, h.deps);
      // Round 1 renames the machines, moves them and tightens the mode; round 2 then finds the
      // entry again and fixes its login and stray prefix. One backup: the original file.
      expect(report.fixed.map((f) => f.id).sort()).toEqual(['chmod-600', 'login-apikey', 'move-before-default', 'rewrite-machine', 'rewrite-machine']);
      expect(outcomeOf(report.checks)).toBe('ok');
      expect(statSync(h.netrc).mode & 0o777).toBe(0o600);
      expect(h.backups()).toHaveLength(1);
      expect(h.read(h.backups()[0]!)).toBe(before);
      expect(h.deps.io.stdout()).toContain(`Fixed (backup: ${h.netrc}.lk-backup-`);
      expect(h.deps.io.stdout()).toContain('Checks after fixing:');
      expect(h.deps.io.stdout()).toContain('All checks passed.');
      expect(h.read()).toBe(
        '# my netrc\n' +
          `machine 127.0.0.1\n  login apikey\n  password ${key}\n` +
          'machine other.org login apikey password lk_test_0001\n' +
          'default login anonymous password guest\n',
      );
    });

    it('a symlinked netrc: --fix writes through to its target and the link stays a link', async () => {
      const { lstatSync, symlinkSync, mkdirSync, realpathSync } = await import('node:fs');
      const { join } = await import('node:path');
      const key = h.key();
      mkdirSync(join(h.home, 'dotfiles'));
      const target = h.write(`machine 127.0.0.1 login apikey password apikey|${key}\n`, 0o644, 'dotfiles/netrc');
      symlinkSync(target, h.netrc);
      const r = await diagnose({ server: server.url, fix: true }, h.deps);
      expect(r.fixed.map((f) => f.id).sort()).toEqual(['chmod-600', 'strip-prefix']);
      expect(lstatSync(h.netrc).isSymbolicLink()).toBe(true);
      expect(realpathSync(h.netrc)).toBe(realpathSync(target));
      expect(h.read('dotfiles/netrc')).toBe(`machine 127.0.0.1 login apikey password ${key}\n`);
      expect(statSync(target).mode & 0o777).toBe(0o600);
      expect(outcomeOf(r.checks)).toBe('ok');
    });

    it('--json prints { checks, fixed } on stdout, failures included', async () => {
      h.write(`machine 127.0.0.1 login apikey password apikey|${h.key()}\n`, 0o644);
      await expect(runDoctor({ server: server.url, json: true }, h.deps)).rejects.toMatchObject({ code: 'LK_API_KEY_REJECTED' });
      const failed = JSON.parse(h.deps.io.stdout()) as { checks: Record<string, unknown>[]; fixed: unknown[]; exitCode: number };
      expect(failed.exitCode).toBe(4);
      expect(failed.fixed).toEqual([]);
      expect(Object.keys(failed.checks[0]!)).toEqual(['id', 'status', 'title', 'detail', 'fix']);
      expect(h.deps.io.stderr()).toBe('');
    });

    it('--json --fix lists what was fixed and the backup', async () => {
      h.write(`machine 127.0.0.1 login apikey password apikey|${h.key()}\n`, 0o644);
      await runDoctor({ server: server.url, json: true, fix: true }, h.deps);
      const data = JSON.parse(h.deps.io.stdout()) as { fixed: { id: string }[]; backup: string; exitCode: number };
      expect(data.fixed.map((f) => f.id).sort()).toEqual(['chmod-600', 'strip-prefix']);
      expect(data.backup).toMatch(/\.netrc\.lk-backup-\d{8}T\d{6}Z$/);
      expect(data.exitCode).toBe(0);
    });

    it('without any server, the file checks still run and the server checks are skipped', async () => {
      h.write('machine a.org login apikey password lk_test_0001\n', 0o640);
      const r = await diagnose({}, h.deps);
      expect(r.server).toBeUndefined();
      expect(r.checks.find((c) => c.id === 'netrc-permissions')?.status).toBe('fail');
      expect(r.checks.find((c) => c.id === 'server')?.status).toBe('skip');
      expect(r.checks.find((c) => c.id === 'key-accepted')?.status).toBe('skip');
      expect(outcomeOf(r.checks)).toBe('problems');
    });

    it('a check that crashes is reported as failed and the others still run', async () => {
      const boom: Check = { id: 'boom', title: 'boom', run: () => Promise.reject(new CredentialStoreError('netrc', 'it broke.\nsecond line')) };
      const ok: Check = { id: 'ok', title: 'ok', run: () => ({ id: 'ok', status: 'pass', title: 'ok', detail: 'fine', fix: '' }) };
      const results = await runChecks(await gatherFacts({}, h.deps), [boom, ok]);
      expect(results).toEqual([
        { id: 'boom', status: 'fail', title: 'boom', detail: 'The check itself failed: LK_CREDENTIAL_STORE: it broke', fix: 'Run `NODE_DEBUG=lk lk doctor` and report the problem.' },
        { id: 'ok', status: 'pass', title: 'ok', detail: 'fine', fix: '' },
      ]);
    });
  });
});
