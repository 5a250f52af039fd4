import { createTestDeps, parseOnly, type TestDeps } from '../../testing/test-deps.js';
import { useMockServer, useTestDeps } from '../../testing/harness.js';
import { revokeCommand, runRevoke } from './revoke.js';

describe('lk keys revoke', () => {
  describe('flags become options', () => {
    const deps = useTestDeps();

    it('takes row ids, --yes, --all, --server', async () => {
      expect(await parseOnly(revokeCommand, deps, ['revoke', '3', '4', '--yes', '--all', '--server', 'http://h'])).toEqual([['3', '4'], { yes: true, all: true, server: 'http://h' }]);
      await expect(parseOnly(revokeCommand, deps, ['revoke'])).rejects.toMatchObject({ code: 'commander.missingArgument' });
    });
  });

  describe('behaviour given stubbed deps', () => {
    const server = useMockServer();
    let deps: TestDeps;

    it('--yes revokes at once; the key stops working', async () => {
      const mine = server.state.issueApiKey('alice@lk.test');
      const old = server.state.issueApiKey('alice@lk.test');
      deps = await createTestDeps({ env: { LABKEY_API_KEY: mine.key } });
      await runRevoke([String(old.rowId)], { server: server.url, yes: true }, deps);
      expect(deps.io.stderr()).toBe(`✓ Revoked key ${old.rowId}\n`);
      expect(server.state.listApiKeys('alice@lk.test').map((r) => r.RowId)).not.toContain(old.rowId);
    });

    it('a row id that is not one of your keys (e.g. already revoked) is an error, and nothing is revoked', async () => {
      const mine = server.state.issueApiKey('alice@lk.test');
      const old = server.state.issueApiKey('alice@lk.test');
      const bobs = server.state.issueApiKey('bob@lk.test');
      deps = await createTestDeps({ env: { LABKEY_API_KEY: mine.key } });
      await runRevoke([String(old.rowId)], { server: server.url, yes: true }, deps);
      await expect(runRevoke([String(old.rowId)], { server: server.url, yes: true }, deps)).rejects.toMatchObject({
        code: 'LK_NO_SUCH_KEY',
        kind: 'error',
        message: `You have no key with row id ${old.rowId} on ${server.url}; nothing was revoked.`,
        hint: expect.stringContaining('`lk keys list`'),
      });
      const other = server.state.issueApiKey('alice@lk.test');
      await expect(runRevoke([String(other.rowId), String(bobs.rowId)], { server: server.url, yes: true }, deps)).rejects.toMatchObject({ code: 'LK_NO_SUCH_KEY' });
      expect(server.state.listApiKeys('alice@lk.test').map((r) => r.RowId)).toContain(other.rowId);
      expect(server.state.listApiKeys('bob@lk.test').map((r) => r.RowId)).toContain(bobs.rowId);
    });

    it('revokes the key lk is using last, so the others still go through', async () => {
      const mine = server.state.issueApiKey('alice@lk.test');
      const old = server.state.issueApiKey('alice@lk.test');
      deps = await createTestDeps({ env: { LABKEY_API_KEY: mine.key } });
      const { fingerprintKey, Secret } = await deps.sdk();
      const fp = fingerprintKey(new Secret(mine.key));
      await deps.config.update((cfg) => {
        cfg.keys[fp] = { fingerprint: fp, server: server.url, rowId: mine.rowId };
      });
      expect(await runRevoke([String(mine.rowId), String(old.rowId)], { server: server.url, yes: true }, deps)).toEqual([old.rowId, mine.rowId]);
      expect(server.state.listApiKeys('alice@lk.test').map((r) => r.RowId)).not.toContain(old.rowId);
      expect(deps.io.stderr()).toMatch(new RegExp(`^! Key ${mine.rowId} is the key lk uses for .*\\n✓ Revoked key ${old.rowId}\\n✓ Revoked key ${mine.rowId}\\n$`));
    });

    it('asks on a terminal; "n" revokes nothing', async () => {
      const mine = server.state.issueApiKey('alice@lk.test');
      const old = server.state.issueApiKey('alice@lk.test');
      deps = await createTestDeps({ env: { LABKEY_API_KEY: mine.key }, stdinIsTTY: true, answers: ['n'] });
      expect(await runRevoke([String(old.rowId)], { server: server.url }, deps)).toEqual([]);
      expect(deps.io.asked).toEqual([`Revoke key ${old.rowId} on ${server.url}? It stops working at once. [y/N] `]);
      expect(server.state.listApiKeys('alice@lk.test').map((r) => r.RowId)).toContain(old.rowId);
    });

    it('two keys: the question speaks of both ("They stop working")', async () => {
      const mine = server.state.issueApiKey('alice@lk.test');
      const a = server.state.issueApiKey('alice@lk.test');
      const b = server.state.issueApiKey('alice@lk.test');
      deps = await createTestDeps({ env: { LABKEY_API_KEY: mine.key }, stdinIsTTY: true, answers: ['n'] });
      expect(await runRevoke([String(a.rowId), String(b.rowId)], { server: server.url }, deps)).toEqual([]);
      expect(deps.io.asked).toEqual([`Revoke keys ${a.rowId}, ${b.rowId} on ${server.url}? They stop working at once. [y/N] `]);
    });

    it('without a terminal and without --yes: usage error, nothing revoked', async () => {
      const mine = server.state.issueApiKey('alice@lk.test');
      deps = await createTestDeps({ env: { LABKEY_API_KEY: mine.key } });
      await expect(runRevoke([String(mine.rowId)], { server: server.url }, deps)).rejects.toMatchObject({ code: 'LK_USAGE' });
      expect(server.state.listApiKeys('alice@lk.test').map((r) => r.RowId)).toContain(mine.rowId);
    });

    it('a row id that is not a number is a usage error', async () => {
      deps = await createTestDeps();
      await expect(runRevoke(['abc'], { server: server.url, yes: true }, deps)).rejects.toMatchObject({ code: 'LK_USAGE', message: 'Not a row id: "abc".' });
    });
  });
});
