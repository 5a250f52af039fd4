/** lk keys create --role (LabKey 26.7 role-restricted keys) end to end, and a server too old for it. */
import { withMockServer } from '../helpers/with-mock-server.js';
import { useTempHome } from '../helpers/temp-home.js';
import { expectNoLeaks, runLk, trackSecret } from '../helpers/run-lk.js';

expectNoLeaks();
jest.setTimeout(120_000);

const PEOPLE_ROW = JSON.stringify({ schemaName: 'lists', queryName: 'People', rows: [{ Name: 'Reader Was Here' }] });

describe('lk keys create --role on 26.7', () => {
  const mock = withMockServer({ labkeyVersion: '26.7' });
  const home = useTempHome();

  it('a reader key reads lists.People, gets a 403 on insertRows that names its role; keys list and auth status show the role', async () => {
    const { key } = mock.server.state.issueApiKey('alice@lk.test');
    trackSecret(key);
    expect((await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: key })).code).toBe(0);

    const created = await runLk(['keys', 'create', '--role', 'reader', '--description', 'read only'], { home });
    expect(created.code).toBe(0);
    const reader = created.stdout.trim();
    expect(reader).toMatch(/^[0-9a-f]{64}$/);
    trackSecret(reader, 'reader key');
    expect(created.stderr).toContain('restricted to the reader role');

    const env = { LABKEY_API_KEY: reader };
    const read = await runLk(['query', 'select', 'lists', 'People', '--server', mock.url, '--format', 'tsv'], { home, env });
    expect(read.code).toBe(0);
    expect(read.stdout).toContain('Ada Lovelace');

    const insert = await runLk(['api', 'query-insertRows', '/home', '--server', mock.url, '--input', '-'], { home, env, stdin: PEOPLE_ROW });
    expect(insert.code).not.toBe(0);
    expect(insert.stderr).toContain('restricted to the reader role');
    expect(insert.stderr).toContain('lk keys create --role editor');

    const list = await runLk(['keys', 'list', '--json'], { home });
    const rows = JSON.parse(list.stdout) as Array<{ Description: string | null; Role: string | null }>;
    expect(rows.find((r) => r.Description === 'read only')?.Role).toBe('reader');
    expect(rows.find((r) => r.Description === null)?.Role).toBe('all');

    // Stored with lk auth login, the key keeps its role: status shows it, a 403 names it.
    expect((await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: reader })).code).toBe(0);
    const status = await runLk(['auth', 'status'], { home });
    expect(status.stdout + status.stderr).toContain('Role: reader');
    const again = await runLk(['api', 'query-insertRows', '/home', '--input', '-'], { home, stdin: PEOPLE_ROW });
    expect(again.stderr).toContain('restricted to the reader role');
    expect((await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: key })).code).toBe(0);

    const wrong = await runLk(['keys', 'create', '--role', 'owner'], { home });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('reader, author, editor-without-delete, editor');
  });
});

describe('lk keys create --role on 26.3', () => {
  const mock = withMockServer({ labkeyVersion: '26.3' });
  const home = useTempHome();

  it('says this server cannot restrict keys, and creates nothing', async () => {
    const { key } = mock.server.state.issueApiKey('alice@lk.test');
    trackSecret(key);
    expect((await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: key })).code).toBe(0);
    const before = mock.server.state.listApiKeys('alice@lk.test').length;
    const r = await runLk(['keys', 'create', '--role', 'reader'], { home });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('cannot restrict keys to a role');
    expect(r.stderr).toContain('older than LabKey 26.7');
    expect(mock.server.state.listApiKeys('alice@lk.test')).toHaveLength(before);
  });
});
