import { startMockServer } from '@lk/mock-server';
import { exitCodeFor } from '../../handle-error.js';
import { createTestDeps, parseOnly, type TestDeps } from '../../testing/test-deps.js';
import { useMockServer, useTestDeps } from '../../testing/harness.js';
import { runLogin } from './login.js';
import { runStatus, statusCommand } from './status.js';

describe('lk auth status', () => {
  describe('flags become options', () => {
    const deps = useTestDeps();

    it('maps --server, --show-token and --json', async () => {
      const [opts] = await parseOnly(statusCommand, deps, ['status', '--server', 'http://h', '--show-token', '--json']);
      expect(opts).toEqual({ server: 'http://h', showToken: true, json: true });
    });

    it('needs no flags', async () => {
      expect(await parseOnly(statusCommand, deps, ['status'])).toEqual([{}]);
    });

    it('maps --check and --within', async () => {
      expect(await parseOnly(statusCommand, deps, ['status', '--check', '--within', '12h'])).toEqual([{ check: true, within: '12h' }]);
    });
  });

  describe('--check, for cron and CI', () => {
    const server = useMockServer();
    const DAY = 86_400;
    const loginWith = async (expirationSeconds: number) => {
      const { key } = server.state.issueApiKey('alice@lk.test', { expirationSeconds });
      const deps = await createTestDeps({ stdin: key });
      await runLogin({ server: server.url, withToken: true }, deps);
      deps.io.stderr();
      return deps;
    };

    it('fails (exit 1) when the key expires within 7 days by default, says so, and passes with a shorter --within', async () => {
      const deps = await loginWith(3 * DAY);
      const e = await runStatus({ check: true }, deps).then(() => undefined, (x: unknown) => x);
      expect(e).toMatchObject({ code: 'LK_KEY_EXPIRES_SOON', reported: true });
      expect(await exitCodeFor(e)).toBe(1);
      expect(deps.io.stderr()).toContain('! The key expires soon: run `lk keys rotate` for a new one');
      expect(deps.io.stdout()).toBe('');
      await expect(runStatus({ check: true, within: '2d' }, deps)).resolves.toHaveLength(1);
      await expect(runStatus({ within: '72h1m' }, deps)).rejects.toMatchObject({ code: 'LK_KEY_EXPIRES_SOON' });
      // Without --check, an expiring key that works is not a failure.
      await expect(runStatus({}, deps)).resolves.toMatchObject([{ ok: true }]);
    });

    it('passes for a key that expires later or never', async () => {
      const later = await loginWith(30 * DAY);
      await expect(runStatus({ check: true }, later)).resolves.toMatchObject([{ ok: true }]);
      const never = await loginWith(-1);
      await expect(runStatus({ check: true, within: '3650d' }, never)).resolves.toMatchObject([{ ok: true, expiresAt: null }]);
    });

    it('fails (exit 4) for a key the server rejects', async () => {
      const { key, rowId } = server.state.issueApiKey('alice@lk.test');
      const deps = await createTestDeps({ stdin: key });
      await runLogin({ server: server.url, withToken: true }, deps);
      server.state.revokeApiKey(rowId);
      const e = await runStatus({ check: true }, deps).then(() => undefined, (x: unknown) => x);
      expect(await exitCodeFor(e)).toBe(4);
    });

    it('a bad --within is a usage error', async () => {
      const deps = await loginWith(30 * DAY);
      for (const bad of ['7', 'd7', '7 days', '-1d', '']) {
        await expect(runStatus({ check: true, within: bad }, deps)).rejects.toMatchObject({ code: 'LK_USAGE', message: `Not a duration: "${bad}".` });
      }
    });
  });

  describe('behaviour given stubbed deps', () => {
    const server = useMockServer();
    let deps: TestDeps;
    let key: string;
    let rowId: number;
    beforeEach(async () => {
      ({ key, rowId } = server.state.issueApiKey('alice@lk.test'));
      deps = await createTestDeps({ stdin: key });
      await runLogin({ server: server.url, withToken: true }, deps);
      deps.io.stderr(); // login output is not what these tests look at
    });

    const freshIO = async () => {
      const d = await createTestDeps();
      d.cleanup();
      return Object.assign(deps, { io: d.io });
    };

    it('shows source, masked key and user on stdout when all is well', async () => {
      await freshIO();
      const [r] = await runStatus({}, deps);
      expect(deps.io.stderr()).toBe('');
      expect(deps.io.stdout()).toBe(
        `${server.url} (default)\n` +
          '  ✓ Logged in as alice@lk.test (alice)\n' +
          `  - Key source: ${deps.home}/.netrc line 1\n` +
          `  - Key: ${key.slice(0, 4)}******** (64 chars) (fingerprint ${r?.fingerprint})\n` +
          '  - Sent as: apikey header\n' +
          '  - Default container: /home\n' +
          '  - Expires: never\n',
      );
      expect(deps.io.stdout()).not.toContain(key);
    });

    it('--show-token shows the whole key', async () => {
      await freshIO();
      await runStatus({ showToken: true }, deps);
      expect(deps.io.stdout()).toContain(`  - Key: ${key} (fingerprint `);
    });

    it('--json prints data', async () => {
      await freshIO();
      await runStatus({ json: true }, deps);
      const data = JSON.parse(deps.io.stdout()) as Array<Record<string, unknown>>;
      expect(data).toEqual([
        expect.objectContaining({ server: server.url, default: true, ok: true, user: { id: expect.any(Number), email: 'alice@lk.test', displayName: 'alice' } }),
      ]);
      expect(deps.io.stdout()).not.toContain(key);
    });

    it('a revoked key fails: the report goes to stderr, and the already-reported error is the SDK auth error (exit 4, as from any command)', async () => {
      server.state.revokeApiKey(rowId);
      await freshIO();
      const e = await runStatus({}, deps).catch((x: unknown) => x);
      expect(e).toMatchObject({ code: 'LK_API_KEY_REJECTED', reported: true });
      expect(await exitCodeFor(e)).toBe(4);
      expect(deps.io.stdout()).toBe('');
      expect(deps.io.stderr()).toContain(`${server.url} (default)\n  ✗ `);
      expect(deps.io.stderr()).toContain('revoked');
      expect(deps.io.stderr()).toContain('  - hint: ');
    });

    it('no key for the server: says what was tried', async () => {
      const other = await startMockServer();
      try {
        await freshIO();
        await expect(runStatus({ server: other.url.replace('127.0.0.1', 'localhost') }, deps)).rejects.toMatchObject({ code: 'LK_NO_CREDENTIALS', reported: true });
        expect(deps.io.stderr()).toContain('No LabKey API key found');
      } finally {
        await other.close();
      }
    });

    it('a failure that is not the key\'s (server down) is LK_AUTH_STATUS_FAILED (exit 1)', async () => {
      const gone = await startMockServer();
      const url = gone.url;
      await gone.close();
      await freshIO();
      const e = await runStatus({ server: url }, deps).catch((x: unknown) => x);
      expect(e).toMatchObject({ code: 'LK_AUTH_STATUS_FAILED', reported: true });
      expect(await exitCodeFor(e)).toBe(1);
      expect(deps.io.stderr()).toContain('connection refused');
    });

    it('says when LABKEY_API_KEY shadows the stored key', async () => {
      const other = server.state.issueApiKey('bob@lk.test').key;
      const d = await createTestDeps({ env: { LABKEY_API_KEY: other, HOME: deps.home } });
      try {
        const [r] = await runStatus({ server: server.url }, d);
        expect(r?.source).toBe('env:LABKEY_API_KEY');
        expect(r?.user?.email).toBe('bob@lk.test');
        expect(d.io.stdout()).toMatch(new RegExp(`  ! ${deps.home}/\\.netrc line 1 holds a different key \\(fingerprint [0-9a-f]{8}\\), which is not used\n`));
      } finally {
        d.cleanup();
      }
    });

    it('knows no server: tells the user to log in', async () => {
      const d = await createTestDeps();
      try {
        // Exit 4 as every "no key" (as gh auth status when logged out).
        await expect(runStatus({}, d)).rejects.toMatchObject({ code: 'LK_NO_CREDENTIALS', message: 'You are not logged in to any LabKey server.', hint: expect.stringContaining('lk auth login') });
      } finally {
        d.cleanup();
      }
    });
  });
});
