import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDeps, parseOnly, type TestDeps } from '../../testing/test-deps.js';
import { useMockServer, useTestDeps } from '../../testing/harness.js';
import { runLogin } from './login.js';
import { logoutCommand, runLogout } from './logout.js';

describe('lk auth logout', () => {
  describe('flags become options', () => {
    const deps = useTestDeps();

    it('maps --server', async () => {
      expect(await parseOnly(logoutCommand, deps, ['logout', '--server', 'http://h'])).toEqual([{ server: 'http://h' }]);
      expect(await parseOnly(logoutCommand, deps, ['logout'])).toEqual([{}]);
      expect(await parseOnly(logoutCommand, deps, ['logout', '--revoke'])).toEqual([{ revoke: true }]);
    });
  });

  describe('behaviour given stubbed deps', () => {
    const server = useMockServer();
    let deps: TestDeps;

    it('--revoke revokes the key on the server, then removes it locally', async () => {
      server.state.addUser({ email: 'lena@lk.test', password: 'lena-password' });
      const { key, rowId } = server.state.issueApiKey('lena@lk.test');
      deps = await createTestDeps({ stdin: key });
      await runLogin({ server: server.url, withToken: true }, deps); // her only key: lk knows its row
      const other = server.state.issueApiKey('lena@lk.test');
      await runLogout({ server: server.url, revoke: true }, deps);
      expect(server.state.lookupApiKey(key)).toBeUndefined();
      expect(server.state.lookupApiKey(other.key)).toBeDefined();
      expect(readFileSync(join(deps.home, '.netrc'), 'utf8')).not.toContain(key);
      expect(deps.io.stderr()).toContain(`✓ Revoked the key (row ${rowId}) on ${server.url}\n✓ Removed the key for ${server.url} from`);
      expect(deps.io.stderr()).not.toContain('stays valid');
      expect(Object.keys((await deps.config.load()).keys)).toEqual([]);
    });

    it('--revoke with a row lk only guessed (from LastUsed, at login) revokes nothing and keeps the key', async () => {
      const { key } = server.state.issueApiKey('alice@lk.test');
      server.state.issueApiKey('alice@lk.test');
      deps = await createTestDeps({ stdin: key });
      await runLogin({ server: server.url, withToken: true }, deps);
      await expect(runLogout({ server: server.url, revoke: true }, deps)).rejects.toMatchObject({ code: 'LK_KEY_NOT_IDENTIFIED' });
      expect(server.state.lookupApiKey(key)).toBeDefined();
      expect(readFileSync(join(deps.home, '.netrc'), 'utf8')).toContain(key);
    });

    it('--revoke with a key whose row lk does not know revokes nothing, keeps the key, lists the rows it may be', async () => {
      const a = server.state.issueApiKey('alice@lk.test', { description: 'typed by hand' });
      deps = await createTestDeps();
      const netrc = join(deps.home, '.netrc');
      writeFileSync(netrc, `machine 127.0.0.1 login apikey password ${a.key}\n`, { mode: 0o600 });
      await expect(runLogout({ server: server.url, revoke: true }, deps)).rejects.toMatchObject({
        code: 'LK_KEY_NOT_IDENTIFIED',
        message: expect.stringContaining(`row ${a.rowId}: created`),
        hint: 'Revoke the right row with `lk keys revoke ROWID`, then run `lk auth logout`.',
      });
      expect(server.state.lookupApiKey(a.key)).toBeDefined();
      expect(readFileSync(netrc, 'utf8')).toContain(a.key);
    });

    it('--revoke with a key the server no longer accepts removes it locally and says there was nothing to revoke', async () => {
      const { key, rowId } = server.state.issueApiKey('alice@lk.test');
      deps = await createTestDeps({ stdin: key });
      await runLogin({ server: server.url, withToken: true }, deps);
      expect(server.state.revokeApiKey(rowId)).toBe(true);
      await runLogout({ server: server.url, revoke: true }, deps);
      expect(deps.io.stderr()).toContain('no longer accepts the key (revoked or expired): there is nothing to revoke.');
      expect(readFileSync(join(deps.home, '.netrc'), 'utf8')).not.toContain(key);
    });

    it('removes only the netrc entry, keeps comments and other entries, keeps 0600, says how to revoke', async () => {
      const { key, rowId } = server.state.issueApiKey('alice@lk.test');
      deps = await createTestDeps({ stdin: key });
      const netrc = join(deps.home, '.netrc');
      const before = '# my hosts\nmachine a.example.org login u password p\n\n# labkey below\n';
      const after = '\n# trailing comment\nmachine b.example.org login apikey password lk_test_2\n';
      writeFileSync(netrc, before, { mode: 0o600 });
      await runLogin({ server: server.url, withToken: true }, deps);
      writeFileSync(netrc, readFileSync(netrc, 'utf8') + after, { mode: 0o600 });

      const d2 = await createTestDeps();
      d2.cleanup();
      Object.assign(deps, { io: d2.io });
      await runLogout({ server: server.url }, deps);

      expect(readFileSync(netrc, 'utf8')).toBe(before + after);
      expect(statSync(netrc).mode & 0o777).toBe(0o600);
      expect(deps.io.stdout()).toBe('');
      expect(deps.io.stderr()).toBe(
        `✓ Removed the key for ${server.url} from ${netrc} (machine 127.0.0.1)\n` +
          '! The key itself stays valid on the server until it is revoked.\n' +
          `  Revoke it on ${server.url}/home/security-externalToolsView.view, or with \`lk keys revoke ${rowId}\` while logged in with another key (\`lk keys list\` shows the row ids).\n`,
      );
      // Logged out: lk forgets the server (as gh does); what it knew of the key stays, for the revoke hint.
      expect((await deps.config.load()).servers[server.url]).toBeUndefined();
      expect((await deps.config.load()).defaultServer).toBeUndefined();
    });

    it('says so when another stored key (netrc under the keychain item) is still used after logout', async () => {
      const { key } = server.state.issueApiKey('alice@lk.test');
      deps = await createTestDeps({ stdin: key });
      await runLogin({ server: server.url, withToken: true, store: 'keychain' }, deps);
      // The same key was also in ~/.netrc (written before, or by another tool).
      writeFileSync(join(deps.home, '.netrc'), `machine 127.0.0.1 login apikey password ${key}\n`, { mode: 0o600 });
      await runLogout({ server: server.url }, deps);
      expect(await deps.keychain.get('lk', server.url)).toBeUndefined();
      expect(deps.io.stderr()).toContain(
        `! lk still finds the same key for ${server.url} in netrc:${join(deps.home, '.netrc')}:1, and keeps using it.\n` +
          '  Run `lk auth logout` again to remove that one too (`lk auth status` shows where the key comes from).\n',
      );
      await runLogout({ server: server.url }, deps);
      expect(readFileSync(join(deps.home, '.netrc'), 'utf8')).toBe('');
      expect(deps.io.stderr().match(/still finds/g)).toHaveLength(1);
    });

    it('removes a keychain item', async () => {
      const { key } = server.state.issueApiKey('alice@lk.test');
      deps = await createTestDeps({ stdin: key });
      await runLogin({ server: server.url, withToken: true, store: 'keychain' }, deps);
      await runLogout({ server: server.url }, deps);
      expect(await deps.keychain.get('lk', server.url)).toBeUndefined();
      expect(deps.io.stderr()).toContain(`✓ Removed the key for ${server.url} from the memory keychain (service lk, account ${server.url})\n`);
    });

    it('refuses when the key comes from the environment, and says why', async () => {
      deps = await createTestDeps({ env: { LABKEY_API_KEY: 'lk_test_0000000000000001' } });
      await expect(runLogout({ server: server.url }, deps)).rejects.toMatchObject({
        code: 'LK_KEY_FROM_ENV',
        message: `The key for ${server.url} comes from the environment (LABKEY_API_KEY), which lk cannot remove.`,
        hint: expect.stringContaining('unset LABKEY_API_KEY'),
      });
    });

    it('with no stored key: says there is nothing to log out of (not "run lk auth login"), exit 1, no file created', async () => {
      deps = await createTestDeps();
      await expect(runLogout({ server: server.url }, deps)).rejects.toMatchObject({
        code: 'LK_NOT_LOGGED_IN',
        kind: 'error',
        message: `No key is stored for ${server.url}: there is nothing to log out of.`,
        hint: '`lk auth status` shows the servers lk knows and where their keys come from.',
      });
      expect(existsSync(join(deps.home, '.netrc'))).toBe(false);
    });
  });
});
