import { createTestDeps, parseOnly, type TestDeps } from '../../testing/test-deps.js';
import { useMockServer, useTestDeps } from '../../testing/harness.js';
import { runLogin } from '../auth/login.js';
import { listCommand, runList } from './list.js';
import { runRevoke } from './revoke.js';

describe('lk keys list', () => {
  describe('flags become options', () => {
    const deps = useTestDeps();

    it('maps --all, --json, --server', async () => {
      expect(await parseOnly(listCommand, deps, ['list', '--all', '--json', '--server', 'http://h'])).toEqual([{ all: true, json: true, server: 'http://h' }]);
      expect(await parseOnly(listCommand, deps, ['list'])).toEqual([{}]);
    });
  });

  describe('behaviour given stubbed deps', () => {
    const server = useMockServer();
    let deps: TestDeps;

    it('lists your keys, marks the one lk uses, never prints a key', async () => {
      server.state.addUser({ email: 'dora@lk.test', password: 'dora-password' });
      const a = server.state.issueApiKey('dora@lk.test', { description: 'laptop' });
      deps = await createTestDeps({ stdin: a.key });
      await runLogin({ server: server.url, withToken: true }, deps);
      const b = server.state.issueApiKey('dora@lk.test', { description: 'ci' });
      const fresh = await createTestDeps();
      fresh.cleanup();
      Object.assign(deps, { io: fresh.io });

      await runList({}, deps);
      const lines = deps.io.stdout().trimEnd().split('\n');
      expect(lines[0]).toBe('RowId\tCreated\tExpiration\tLastUsed\tDescription\tRole\tCurrent');
      expect(lines).toHaveLength(3);
      expect(lines.find((l) => l.startsWith(`${a.rowId}\t`))).toMatch(/\tlaptop\tall\t\*$/);
      expect(lines.find((l) => l.startsWith(`${b.rowId}\t`))).toMatch(/^\d+\t\S+\tnever\t\tci\tall\t$/);
      expect(deps.io.stdout()).not.toContain(a.key);
    });

    it('--json prints rows as data', async () => {
      const { key, rowId } = server.state.issueApiKey('bob@lk.test', { description: 'bob key' });
      deps = await createTestDeps({ env: { LABKEY_API_KEY: key } });
      await runList({ server: server.url, json: true }, deps);
      const data = JSON.parse(deps.io.stdout()) as Array<Record<string, unknown>>;
      expect(data).toContainEqual(expect.objectContaining({ RowId: rowId, Description: 'bob key', Expiration: null }));
    });

    it('--all is for administrators: others get a typed error', async () => {
      const { key } = server.state.issueApiKey('bob@lk.test');
      deps = await createTestDeps({ env: { LABKEY_API_KEY: key } });
      await expect(runList({ server: server.url, all: true }, deps)).rejects.toMatchObject({
        code: 'LK_ADMIN_ONLY',
        message: `--all needs a site administrator: ${server.url} shows every user's keys (core.APIKeys) only to site administrators, and the key lk uses is not one.`,
        hint: "Leave out --all to work with your own keys, or use a site administrator's key.",
      });
      // The same for revoke, where the server answers 500 "does not exist" (not "an internal error").
      await expect(runRevoke(['1'], { server: server.url, all: true, yes: true }, deps)).rejects.toMatchObject({ code: 'LK_ADMIN_ONLY' });
      const admin = server.state.issueApiKey('admin@lk.test');
      deps.cleanup();
      deps = await createTestDeps({ env: { LABKEY_API_KEY: admin.key } });
      await runList({ server: server.url, all: true, json: true }, deps);
      const data = JSON.parse(deps.io.stdout()) as Array<Record<string, unknown>>;
      expect(data.length).toBeGreaterThan(1);
      expect(data[0]).toHaveProperty('CreatedBy');
    });
  });
});
