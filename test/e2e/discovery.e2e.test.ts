/** lk query schemas / queries / columns end to end, and "did you mean" for a misspelt schema or query. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withMockServer } from '../helpers/with-mock-server.js';
import { useTempHome } from '../helpers/temp-home.js';
import { expectNoLeaks, runLk, trackSecret } from '../helpers/run-lk.js';

expectNoLeaks();
jest.setTimeout(120_000);

describe('lk query discovery, end to end', () => {
  const mock = withMockServer({ generatedRows: 10 });
  const home = useTempHome();
  beforeEach(async () => {
    const key = trackSecret(mock.server.state.issueApiKey('alice@lk.test').key);
    expect((await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: key })).code).toBe(0);
  });

  it('columns lists Key as the key of lists.People, with types', async () => {
    const r = await runLk(['query', 'columns', 'lists', 'People', '--json'], { home });
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const cols = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
    expect(cols.find((c) => c.Name === 'Key')).toMatchObject({ Type: 'int', Key: true, Hidden: false });
    expect(cols.filter((c) => c.Key === true).map((c) => c.Name)).toEqual(['Key']);
    expect(cols.find((c) => c.Name === 'Name')).toMatchObject({ Type: 'string', Key: false });
    const table = await runLk(['query', 'columns', 'lists', 'People', '--format', 'csv'], { home });
    expect(table.stdout.split('\n')[0]).toBe('Name,Type,Key,Hidden,Lookup,Caption');
    expect(table.stdout).toMatch(/^Key,int,true,false,,Key$/m);
  });

  it('schemas and queries, in each format; they fill the completion cache', async () => {
    const s = await runLk(['query', 'schemas', '--format', 'tsv'], { home });
    expect(s.code).toBe(0);
    expect(s.stdout.split('\n').map((l) => l.split('\t')[0])).toEqual(expect.arrayContaining(['Name', 'core', 'lists']));
    const q = await runLk(['query', 'queries', 'lists', '--json'], { home });
    expect(JSON.parse(q.stdout).map((x: { Name: string }) => x.Name)).toEqual(['Generated', 'People']);
    const cache = join(home.dir, '.config', 'lk', 'completion-cache.json');
    expect(existsSync(cache)).toBe(true);
    const data = JSON.parse(readFileSync(cache, 'utf8'));
    expect(data.servers[mock.url].schemas.names).toEqual(expect.arrayContaining(['core', 'lists']));
    expect(data.servers[mock.url].queries.lists.names).toEqual(['Generated', 'People']);
  });

  it('select lists Peple suggests People; columns and queries suggest too (exit 1); a missing column is a warning', async () => {
    const r = await runLk(['query', 'select', 'lists', 'Peple'], { home });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("The specified query 'Peple' does not exist in schema 'lists'");
    expect(r.stderr).toContain('hint: Did you mean People?');
    const c = await runLk(['query', 'columns', 'lsts', 'People'], { home });
    expect(c).toMatchObject({ code: 1 });
    expect(c.stderr).toContain('Did you mean lists?');
    // A column the query does not have: the rows still come, with a warning naming the closest.
    const col = await runLk(['query', 'select', 'lists', 'People', '--columns', 'Name,Agee', '--max-rows', '1', '--format', 'csv'], { home });
    expect(col).toMatchObject({ code: 0, stdout: 'Name\nAda Lovelace\n' });
    expect(col.stderr).toContain('warning: lists.People has no column Agee (asked for; the server left it out). Did you mean Age?');
    const j = await runLk(['query', 'queries', 'List', '--json'], { home });
    expect(JSON.parse(j.stdout).error).toMatchObject({ code: 'LK_NOT_FOUND', what: 'schema', missing: 'List', suggestions: ['lists'] });
  });
});
