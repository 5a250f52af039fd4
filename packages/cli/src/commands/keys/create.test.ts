import { createTestDeps, parseOnly, type TestDeps } from '../../testing/test-deps.js';
import { useMockServer, useTestDeps } from '../../testing/harness.js';
import { createCommand, runCreate } from './create.js';

describe('lk keys create', () => {
  describe('flags become options', () => {
    const deps = useTestDeps();

    it('maps --description and --server', async () => {
      expect(await parseOnly(createCommand, deps, ['create', '--description', 'for CI', '--server', 'http://h'])).toEqual([{ description: 'for CI', server: 'http://h' }]);
    });
  });

  describe('behaviour given stubbed deps', () => {
    const server = useMockServer();
    let deps: TestDeps;

    it('prints the new key once on stdout, a warning on stderr, and records its info (not the key)', async () => {
      const { key } = server.state.issueApiKey('alice@lk.test');
      deps = await createTestDeps({ env: { LABKEY_API_KEY: key } });
      await runCreate({ server: server.url, description: 'for CI' }, deps);
      const newKey = deps.io.stdout().trim();
      expect(newKey).toMatch(/^[0-9a-f]{64}$/);
      expect(deps.io.stdout()).toBe(`${newKey}\n`);
      expect(deps.io.stderr()).toContain('! This is the only time the new key is shown; it is not stored anywhere.\n');
      expect(deps.io.stderr()).not.toContain(newKey);
      const row = server.state.listApiKeys('alice@lk.test').find((r) => r.Description === 'for CI');
      expect(row).toBeDefined();
      const config = await deps.config.load();
      expect(Object.values(config.keys)).toContainEqual(expect.objectContaining({ rowId: row?.RowId, server: server.url }));
      expect(JSON.stringify(config)).not.toContain(newKey);
    });

    it('fails with a typed error when the server does not allow keys', async () => {
      const { key } = server.state.issueApiKey('alice@lk.test');
      server.state.updateSettings({ allowApiKeys: false });
      try {
        deps = await createTestDeps({ env: { LABKEY_API_KEY: key } });
        await expect(runCreate({ server: server.url }, deps)).rejects.toMatchObject({
          code: 'LK_API_KEYS_DISABLED',
          message: `${server.url} does not let users create API keys (the site setting is off).`,
          hint: expect.stringContaining('"Let users create API keys"'),
        });
        expect(deps.io.stdout()).toBe('');
      } finally {
        server.state.updateSettings({ allowApiKeys: true });
      }
    });
  });
});
