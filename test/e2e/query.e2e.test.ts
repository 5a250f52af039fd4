/** lk query select / sql end to end: every flag and format, every credential form, exit codes. */
import { withMockServer } from '../helpers/with-mock-server.js';
import { createTempHome, useTempHome } from '../helpers/temp-home.js';
import { expectNoLeaks, runLk, trackSecret } from '../helpers/run-lk.js';

expectNoLeaks();
// Each test spawns lk several times; on a busy two-core machine that can take a while.
jest.setTimeout(120_000);

describe('lk query, end to end', () => {
  const mock = withMockServer({ bearer: true, generatedRows: 1500 });
  const home = useTempHome();
  let key: string;
  beforeEach(async () => {
    key = trackSecret(mock.server.state.issueApiKey('alice@lk.test').key);
    const r = await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: key });
    expect(r.code).toBe(0);
  });

  it('select with --columns, --filter (repeated), --sort, --format csv', async () => {
    const r = await runLk(['query', 'select', 'lists', 'People', '--columns', 'Name,Age', '--filter', 'Age~gt=40', '--filter', 'Age~lt=100', '--sort', '-Age', '--format', 'csv'], { home });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe('Name,Age\nGrace Hopper,85\nEdsger Dijkstra,72\nAlan Turing,41\n');
  });

  it('each output format', async () => {
    const base = ['query', 'select', 'lists', 'People', '--columns', 'Key,Name,Email', '--filter', 'Key~in=1;4'];
    expect((await runLk([...base, '--format', 'tsv'], { home })).stdout).toBe('Key\tName\tEmail\n1\tAda Lovelace\tada@example.org\n4\tKatherine Johnson\t\n');
    expect((await runLk([...base, '--format', 'table'], { home })).stdout).toBe('Key  Name               Email\n1    Ada Lovelace       ada@example.org\n4    Katherine Johnson\n');
    expect(JSON.parse((await runLk([...base, '--format', 'json'], { home })).stdout)).toEqual([
      { Key: 1, Name: 'Ada Lovelace', Email: 'ada@example.org' },
      { Key: 4, Name: 'Katherine Johnson', Email: null },
    ]);
    expect((await runLk([...base, '--format', 'ndjson'], { home })).stdout.trimEnd().split('\n').map((l) => JSON.parse(l).Key)).toEqual([1, 4]);
    // Not a terminal and no --format: tsv.
    expect((await runLk(base, { home })).stdout.split('\n')[0]).toBe('Key\tName\tEmail');
  });

  it('streams a large result page by page; --max-rows stops early; --container picks the folder', async () => {
    const before = mock.server.requests.length;
    const all = await runLk(['query', 'select', 'lists', 'Generated', '--columns', 'Key', '--page-size', '500', '--format', 'tsv'], { home });
    expect(all.code).toBe(0);
    expect(all.stdout.trimEnd().split('\n')).toHaveLength(1501);
    expect(mock.server.requests.slice(before).filter((q) => q.action?.toLowerCase() === 'selectrows').length).toBe(3);
    const some = await runLk(['query', 'select', 'lists', 'Generated', '--columns', 'Key', '--max-rows', '2', '--format', 'csv', '--container', '/home'], { home });
    expect(some.stdout).toBe('Key\n1\n2\n');
  });

  it.each([
    ['apikey', 'apikey-header'],
    ['basic', 'basic-apikey'],
    ['bearer', 'bearer'],
  ])('--auth %s sends the key as %s', async (auth, form) => {
    const before = mock.server.requests.length;
    const r = await runLk(['query', 'select', 'lists', 'People', '--columns', 'Name', '--max-rows', '1', '--format', 'csv', '--auth', auth], { home });
    expect(r).toMatchObject({ code: 0, stdout: 'Name\nAda Lovelace\n' });
    expect(mock.server.requests.slice(before).map((q) => q.authForm)).toEqual([form]);
  });

  it('sql --schema', async () => {
    const r = await runLk(['query', 'sql', 'SELECT Name FROM People WHERE Age > 80 ORDER BY Name', '--schema', 'lists', '--format', 'csv'], { home });
    expect(r).toMatchObject({ code: 0, stdout: 'Name\nGrace Hopper\nKatherine Johnson\n', stderr: '' });
  });

  it('exit codes: bad filter 2, missing --schema 2, unknown query 1, no key 4', async () => {
    const bad = await runLk(['query', 'select', 'lists', 'People', '--filter', 'Age>3'], { home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('lk: Bad --filter "Age>3"');
    expect(bad.stderr).toContain('hint: Write it as COLUMN~OPERATOR=VALUE');
    expect((await runLk(['query', 'sql', 'SELECT 1'], { home })).code).toBe(2);
    const missing = await runLk(['query', 'select', 'lists', 'Nope'], { home });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^lk: .*Nope/);
    expect(missing.stderr).toContain('hint: ');
    expect(missing.stderr).not.toMatch(/\n\s+at /); // no stack without NODE_DEBUG=lk
    const debug = await runLk(['query', 'select', 'lists', 'Nope'], { home, env: { NODE_DEBUG: 'lk' } });
    expect(debug.stderr).toMatch(/\n\s+at /);
    const nokey = createTempHome();
    try {
      const r = await runLk(['query', 'select', 'lists', 'People', '--server', mock.url], { home: nokey });
      expect(r.code).toBe(4);
    } finally {
      nokey.cleanup();
    }
  });
});
