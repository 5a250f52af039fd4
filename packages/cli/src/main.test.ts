import { useTestDeps } from './testing/harness.js';
import { main } from './main.js';
import { VERSION } from './version.js';

describe('main', () => {
  const deps = useTestDeps();
  const run = (...args: string[]) => main(['node', 'lk', ...args], deps);

  it('--version prints the version alone, exit 0', async () => {
    expect(await run('--version')).toBe(0);
    expect(deps.io.stdout()).toBe(`${VERSION}\n`);
  });

  it('--help goes to stdout, exit 0', async () => {
    expect(await run('--help')).toBe(0);
    expect(deps.io.stdout()).toContain('Usage: lk [options] [command]');
    expect(deps.io.stdout()).toContain('Exit codes: 0 ok, 1 error, 2 usage, 4 authentication, 130 interrupted (Ctrl-C).');
  });

  it('an unknown option is exit 2 with one message and a hint', async () => {
    expect(await run('auth', 'status', '--nope')).toBe(2);
    expect(deps.io.stderr()).toBe("lk: unknown option '--nope'\nhint: Run `lk auth status --help` for usage.\n");
  });

  it('a usage error names the --help of the command it is about', async () => {
    expect(await run('query', 'sql', 'SELECT 1')).toBe(2);
    expect(deps.io.stderr()).toBe("lk: required option '--schema <name>' not specified\nhint: Run `lk query sql --help` for usage.\n");
    expect(await run('nope')).toBe(2);
    expect(deps.io.stderr()).toContain("lk: unknown command 'nope'\nhint: Run `lk --help` (or `lk <command> --help`) for usage.\n");
  });

  it('a group without a verb shows its help on stderr, exit 2', async () => {
    expect(await run('keys')).toBe(2);
    expect(deps.io.stderr()).toContain('Usage: lk keys [options] [command]');
  });

  it('no key is exit 4; --json prints the error as data', async () => {
    expect(await run('auth', 'token', '--server', 'https://lk.example.org')).toBe(4);
    expect(deps.io.stderr()).toContain('lk: No LabKey API key found for https://lk.example.org');
    expect(await run('keys', 'list', '--json', '--server', 'https://lk.example.org')).toBe(4);
    expect(JSON.parse(deps.io.stdout())).toMatchObject({ error: { code: 'LK_NO_CREDENTIALS', exitCode: 4 } });
  });
});
