import { createTestDeps, parseOnly, type TestDeps } from '../../testing/test-deps.js';
import { useMockServer, useTestDeps } from '../../testing/harness.js';
import { runSql, sqlCommand } from './sql.js';

describe('lk query sql', () => {
  describe('flags become options', () => {
    const deps = useTestDeps();

    it('maps the SQL and every flag', async () => {
      expect(await parseOnly(sqlCommand, deps, ['sql', 'SELECT 1', '--schema', 'lists', '--format', 'json', '--max-rows', '2', '--container', '/home'])).toEqual([
        'SELECT 1',
        { schema: 'lists', format: 'json', maxRows: 2, container: '/home' },
      ]);
    });

    it('--schema is required', async () => {
      await expect(parseOnly(sqlCommand, deps, ['sql', 'SELECT 1'])).rejects.toMatchObject({ code: 'commander.missingMandatoryOptionValue' });
    });
  });

  describe('behaviour given stubbed deps', () => {
    const server = useMockServer({ generatedRows: 120 });
    let deps: TestDeps;

    it('runs LabKey SQL and prints json', async () => {
      const { key } = server.state.issueApiKey('alice@lk.test');
      deps = await createTestDeps({ env: { LABKEY_API_KEY: key } });
      await runSql('SELECT Name FROM People WHERE Age > 80 ORDER BY Name', { server: server.url, schema: 'lists', format: 'json' }, deps);
      expect(deps.io.stdout()).toBe('[\n  {"Name":"Grace Hopper"},\n  {"Name":"Katherine Johnson"}\n]\n');
    });

    it('pages through a large result', async () => {
      const { key } = server.state.issueApiKey('alice@lk.test');
      deps = await createTestDeps({ env: { LABKEY_API_KEY: key } });
      const n = await runSql('SELECT Key FROM Generated', { server: server.url, schema: 'lists', format: 'tsv', pageSize: 50 }, deps);
      expect(n).toBe(120);
      expect(deps.io.stdout().split('\n')[0]).toBe('Key');
    });

    it('a SQL error comes back typed', async () => {
      const { key } = server.state.issueApiKey('alice@lk.test');
      deps = await createTestDeps({ env: { LABKEY_API_KEY: key } });
      await expect(runSql('SELEC nonsense', { server: server.url, schema: 'lists' }, deps)).rejects.toMatchObject({ code: expect.stringMatching(/^LK_/) });
    });
  });
});
