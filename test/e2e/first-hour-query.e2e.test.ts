/** A new user's first hour with lk query and lk keys: the things that misled or lost data, each as the user did it. */
import { withMockServer } from '../helpers/with-mock-server.js';
import { useTempHome } from '../helpers/temp-home.js';
import { expectNoLeaks, runLk, trackSecret, type LkRun } from '../helpers/run-lk.js';
import type { TempHome } from '../helpers/temp-home.js';

expectNoLeaks();
jest.setTimeout(120_000);

describe("a new user's first hour: lk query", () => {
  const mock = withMockServer({ generatedRows: 1500 });
  const home = useTempHome();
  beforeEach(async () => {
    const key = trackSecret(mock.server.state.issueApiKey('alice@lk.test').key);
    expect((await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: key })).code).toBe(0);
  });

  it('a filter that matches nothing, as csv or tsv, still prints the header (pandas can read it)', async () => {
    const csv = await runLk(['query', 'select', 'lists', 'People', '--filter', 'Age~gt=1000', '--format', 'csv'], { home });
    expect(csv).toMatchObject({ code: 0, stdout: 'Key,Name,Age,Email\n' });
    const tsv = await runLk(['query', 'select', 'lists', 'People', '--columns', 'name,AGE', '--filter', 'Age~gt=1000', '--format', 'tsv'], { home });
    expect(tsv).toMatchObject({ code: 0, stdout: 'Name\tAge\n' });
    const sql = await runLk(['query', 'sql', 'SELECT Name, Age FROM People WHERE Age > 1000', '--schema', 'lists', '--format', 'csv'], { home });
    expect(sql).toMatchObject({ code: 0, stdout: 'Name,Age\n' });
  });

  it('--format table over several pages: the 1000th key is not cut to "10…" (sized from all the rows)', async () => {
    const r = await runLk(['query', 'select', 'lists', 'Generated', '--columns', 'Key,Name', '--page-size', '500', '--format', 'table'], { home });
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('Key   Name');
    expect(lines[1]).toBe('1     Row 1');
    expect(lines[1000]).toBe('1000  Row 1000');
    expect(r.stdout).not.toContain('…');
  });

  it("--filter 'Age~gte=abc' is a bad value naming the column and its type (exit 2), not LK_HTTP with 'run lk doctor'", async () => {
    const r = await runLk(['query', 'select', 'lists', 'People', '--filter', 'Name~eq=Ada', '--filter', 'Age~gte=abc', '--format', 'csv'], { home });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('lk: The filter Age~gte=abc has a value the column cannot hold: lists.People.Age is of type int, and "abc" is not a whole number');
    expect(r.stderr).toContain('hint: Give Age~gte a whole number, e.g. Age~gte=30.');
    expect(r.stderr).not.toContain('doctor');
  });

  it('--json and --format json mean the same on query select, query sql and keys list; a usage error in JSON is LK_USAGE', async () => {
    const a = await runLk(['query', 'select', 'lists', 'People', '--columns', 'Name', '--max-rows', '2', '--json'], { home });
    const b = await runLk(['query', 'select', 'lists', 'People', '--columns', 'Name', '--max-rows', '2', '--format', 'json'], { home });
    expect(a).toMatchObject({ code: 0, stdout: b.stdout });
    expect(JSON.parse(a.stdout)).toEqual([{ Name: 'Ada Lovelace' }, { Name: 'Alan Turing' }]);
    const sql = await runLk(['query', 'sql', 'SELECT Name FROM People WHERE Age > 80 ORDER BY Name', '--schema', 'lists', '--json'], { home });
    expect(JSON.parse(sql.stdout)).toEqual([{ Name: 'Grace Hopper' }, { Name: 'Katherine Johnson' }]);
    const keys = await runLk(['keys', 'list', '--format', 'json'], { home });
    const keysJson = await runLk(['keys', 'list', '--json'], { home });
    expect(keys).toMatchObject({ code: 0, stdout: keysJson.stdout });
    expect(JSON.parse(keys.stdout)[0]).toMatchObject({ RowId: expect.any(Number), Current: true });
    expect((await runLk(['keys', 'list', '--format', 'csv'], { home })).stdout).toMatch(/^RowId,Created,Expiration,LastUsed,Description,(Role,)?Current\n/);
    const clash = await runLk(['query', 'select', 'lists', 'People', '--json', '--format', 'csv'], { home });
    expect(clash.code).toBe(2);
    expect(JSON.parse(clash.stdout).error).toMatchObject({ code: 'LK_USAGE', exitCode: 2 });
    const unknown = await runLk(['keys', 'create', '--nope', '--json'], { home });
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stdout).error).toMatchObject({ code: 'LK_USAGE', reason: 'unknownOption', message: expect.stringContaining("unknown option '--nope'"), exitCode: 2 });
  });

  it('a misspelt query, a wrong schema or bad SQL get hints that fit: the real discovery command, no position that is not there, no core.APIKeys aside', async () => {
    const q = await runLk(['query', 'select', 'lists', 'Nope'], { home });
    expect(q.code).toBe(1);
    expect(q.stderr).toContain('hint: Check the query name (case matters for some); `lk query queries <schema>` lists its queries.\n');
    const s = await runLk(['query', 'select', 'nope', 'People'], { home });
    expect(s.stderr).toContain('`lk query schemas` lists the schemas.');
    const sql = await runLk(['query', 'sql', 'SELECT Nope FROM People', '--schema', 'lists'], { home });
    expect(sql.code).toBe(1);
    expect(sql.stderr).toContain('Unknown field [Nope]');
    for (const r of [q, s, sql]) {
      expect(r.stderr).not.toMatch(/schema browser|position given|core\.APIKeys/);
    }
    // The admin-only key table still says why a non-admin cannot see it.
    const keys = await runLk(['query', 'select', 'core', 'APIKeys'], { home });
    expect(keys.code).toBe(1);
    expect(keys.stderr).toContain('core.APIKeys (every user\'s keys) exists only for site administrators.');
  });

  it('--filter Nope~eq=1, --sort Nope and --columns Nope each say once that the column does not exist', async () => {
    for (const args of [['--filter', 'Nope~eq=1'], ['--sort', 'Nope'], ['--columns', 'Name,Nope']]) {
      const r = await runLk(['query', 'select', 'lists', 'People', ...args, '--max-rows', '1', '--format', 'csv'], { home });
      expect(r.code).toBe(0);
      expect(r.stderr.match(/Nope/g)).toHaveLength(1);
      expect(r.stderr).toMatch(/^! warning: lists\.People has no column Nope /);
    }
  });
});

/** The sub-commands a `--help` screen lists under "Commands:" (commander's help command left out). */
function subcommands(help: string): string[] {
  const section = help.split('\nCommands:\n')[1]?.split('\n\n')[0] ?? '';
  return [...section.matchAll(/^ {2}([a-z][\w-]*)/gm)].map((m) => m[1]!).filter((n) => n !== 'help');
}

/** Every leaf command of lk (`auth status`, `doctor`, …) and its --help screen, walked from `lk --help`. */
async function walkCommands(home: TempHome): Promise<Map<string, string>> {
  const leaves = new Map<string, string>();
  const visit = async (path: string[]): Promise<void> => {
    const r: LkRun = await runLk([...path, '--help'], { home });
    expect(r.code).toBe(0);
    const subs = subcommands(r.stdout);
    if (path.length > 0 && subs.length === 0) leaves.set(path.join(' '), r.stdout);
    for (const sub of subs) await visit([...path, sub]);
  };
  await visit([]);
  return leaves;
}

describe("a new user's first hour: --json and --format on every command", () => {
  const mock = withMockServer();
  const home = useTempHome();

  it('lk <command> --help, for every command that prints data, lists both --format and --json', async () => {
    const leaves = await walkCommands(home);
    const lists = (help: string, flag: string) => new RegExp(`^ +${flag}\\b`, 'm').test(help);
    const withBoth = [...leaves].filter(([, help]) => lists(help, '--format') && lists(help, '--json')).map(([name]) => name);
    const withOne = [...leaves].filter(([, help]) => lists(help, '--format') !== lists(help, '--json')).map(([name]) => name);
    expect(withOne).toEqual([]);
    expect(withBoth.sort()).toEqual(['api', 'auth status', 'doctor', 'keys create', 'keys list', 'keys rotate', 'query columns', 'query queries', 'query schemas', 'query select', 'query sql']);
    // The rest print no data (a key for scripts, a script, a confirmation): a new command that does must be added above.
    expect([...leaves.keys()].filter((n) => !withBoth.includes(n)).sort()).toEqual(['auth login', 'auth logout', 'auth token', 'completion', 'keys revoke']);
    for (const name of withBoth) expect(leaves.get(name)).toContain('(same as --format json)');
  });

  it('lk auth status and lk doctor take --format json (same as --json) and --format text (the default); --format csv is an lk usage error naming the formats', async () => {
    const key = trackSecret(mock.server.state.issueApiKey('alice@lk.test').key);
    expect((await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: key })).code).toBe(0);
    for (const cmd of [['auth', 'status'], ['doctor']]) {
      const [json, format, text, plain] = await Promise.all([['--json'], ['--format', 'json'], ['--format', 'text'], []].map((f) => runLk([...cmd, ...f], { home })));
      for (const r of [json, format, text, plain]) expect(r.code).toBe(0);
      expect(JSON.parse(format!.stdout)).toEqual(JSON.parse(json!.stdout));
      expect(text!.stdout).toBe(plain!.stdout);
      expect(text!.stdout).toContain(mock.url);
      const csv = await runLk([...cmd, '--format', 'csv'], { home });
      expect(csv.code).toBe(2);
      expect(csv.stderr).toContain(`lk: option '--format <format>' argument 'csv' is invalid. Allowed choices are text, json.`);
      expect(csv.stderr).not.toContain('commander');
      const csvJson = await runLk([...cmd, '--format', 'csv', '--json'], { home });
      expect(csvJson.code).toBe(2);
      expect(JSON.parse(csvJson.stdout).error).toMatchObject({ code: 'LK_USAGE', exitCode: 2, message: expect.stringContaining('Allowed choices are text, json.') });
      const both = await runLk([...cmd, '--json', '--format', 'text'], { home });
      expect(both.code).toBe(2);
      expect(JSON.parse(both.stdout).error).toMatchObject({ code: 'LK_USAGE', message: '--json is --format json; it cannot go with --format text.' });
    }
    // The discovery commands check --json against --format too (they printed JSON and ignored csv).
    const schemas = await runLk(['query', 'schemas', '--json', '--format', 'csv'], { home });
    expect(schemas.code).toBe(2);
    expect(JSON.parse(schemas.stdout).error).toMatchObject({ code: 'LK_USAGE', message: '--json is --format json; it cannot go with --format csv.' });
    // lk api answers JSON either way: --format json is accepted, any other format named as not.
    const api = await runLk(['api', 'login-whoAmI.api', '--format', 'json'], { home });
    expect(api.code).toBe(0);
    expect(JSON.parse(api.stdout)).toMatchObject({ email: 'alice@lk.test' });
    const apiCsv = await runLk(['api', 'login-whoAmI.api', '--format', 'csv'], { home });
    expect(apiCsv.code).toBe(2);
    expect(apiCsv.stderr).toContain('Allowed choices are json.');
  });
});
