/**
 * Rough edges a new user met in the first hour, each typed as they typed it, through the built lk
 * against the real mock server in a temporary HOME. A hint that names a command is run as the
 * user would type it: a suggestion must work.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectNoLeaks, runLk, trackSecret, type LkRun } from '../helpers/run-lk.js';
import { useTempHome, type TempHome } from '../helpers/temp-home.js';
import { withMockServer } from '../helpers/with-mock-server.js';

expectNoLeaks();
jest.setTimeout(120_000);

/** The command in a `hint:` line (the first in backquotes). */
function suggested(run: LkRun): string {
  const hint = /^hint: (.*)$/m.exec(run.stderr)?.[1] ?? '';
  const cmd = /`(lk [^`]+)`/.exec(hint)?.[1];
  if (!cmd) throw new Error(`no command in the hint: ${JSON.stringify(hint)}`);
  return cmd;
}

/** Runs `cmd` (`lk …`, plain words, optionally `< FILE`) in HOME, as a shell would. */
function typeIn(cmd: string, home: TempHome, files: Record<string, string>): Promise<LkRun> {
  const m = /^lk (.*?)(?:\s+<\s*(\S+))?$/.exec(cmd);
  if (!m) throw new Error(`not an lk command: ${cmd}`);
  const file = m[2];
  if (file !== undefined && files[file] === undefined) throw new Error(`the hint reads ${file}, which the test did not make`);
  if (file !== undefined) writeFileSync(join(home.dir, file), files[file]!);
  return runLk(m[1]!.split(/\s+/), { home, stdin: file !== undefined ? files[file] : '' });
}

describe("a new user's first hour: login", () => {
  const mock = withMockServer();
  const home = useTempHome();
  const key = () => trackSecret(mock.server.state.issueApiKey('alice@lk.test').key);

  it('`echo KEY | lk auth login --server URL` (no --with-token): the hint names a command that works as typed, --server included', async () => {
    const k = key();
    const piped = await runLk(['auth', 'login', '--server', mock.url], { home, stdin: `${k}\n` });
    expect(piped.code).toBe(2);
    expect(piped.stderr).toContain('lk: No key to read: stdin is not a terminal, and --with-token was not given.\n');
    // Before: "Pipe the key in: `lk auth login --with-token < key.txt`", which then said "No server given".
    const cmd = suggested(piped);
    expect(cmd).toBe(`lk auth login --server ${mock.url} --with-token < key.txt`);
    const typed = await typeIn(cmd, home, { 'key.txt': `${k}\n` });
    expect(typed.stderr).toContain(`Logged in to ${mock.url} as alice@lk.test`);
    expect(typed.code).toBe(0);
  });

  it('a key pasted with an invisible character (a zero-width space): refused in words, exit 4 as for any malformed key', async () => {
    const r = await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: `\u200b${key()}\n` });
    // Before: "The API key from option contains a non-ASCII character …" with "hint: Copy the key again
    // as plain text (64 hex characters) into that source, or run `lk doctor`.", exit 2.
    expect(r.stderr).toBe(
      'lk: That is not a LabKey API key: it holds a character that is not plain ASCII (often an invisible one picked up by copy and paste, such as a zero-width space); nothing was stored.\n' +
        `hint: Copy the key again as plain text (64 lower-case hex characters) from ${mock.url}/home/security-externalToolsView.view, then run \`lk auth login\` again.\n`,
    );
    expect(r.code).toBe(4);
    expect(home.netrcExists()).toBe(false);
  });

  it('a mistyped context path (/labkye): login and doctor name the base URL that answers, which then works', async () => {
    const typo = mock.url.replace(/\/labkey$/, '/labkye');
    const login = await runLk(['auth', 'login', '--server', typo, '--with-token'], { home, stdin: key() });
    // Before: "… does not answer like a LabKey server (…), nor does http://…/labkye/labkey."
    expect(login.stderr).toContain(`lk: There is no LabKey API at ${typo} (answered 404 without LabKey JSON: there is no LabKey API at that URL), but ${mock.url} answers like LabKey: the context path is /labkey.`);
    expect(login.code).toBe(1);
    const doctor = await runLk(['doctor', '--server', typo], { home });
    expect(doctor.stdout).toContain(`[FAIL] server and context path: Wrong context path: ${typo}/login-whoAmI.api answered 404 without LabKey JSON: there is no LabKey API at that URL; but ${mock.url} works.\n    fix: Use --server ${mock.url}.\n`);
    expect(suggested(login)).toBe(`lk auth login --server ${mock.url}`);
    const ok = await runLk([...suggested(login).split(' ').slice(1), '--with-token'], { home, stdin: key() });
    expect(ok.stderr).toContain(`Logged in to ${mock.url} as alice@lk.test`);
  });

  it.each([
    ['the colon left out', (u: string) => u.replace('http://', 'http//')],
    ['one slash', (u: string) => u.replace('http://', 'http:/')],
    ['htp://', (u: string) => u.replace('http://', 'htp://')],
  ])('--server with the scheme mistyped (%s): a usage error naming the URL meant, which then works', async (_what, typo) => {
    const typed = typo(mock.url);
    const r = await runLk(['auth', 'login', '--server', typed, '--with-token'], { home, stdin: key() });
    // Before, for http//: "Cannot reach https://http//127.0.0.1:…/labkey (host name not found)", exit 1.
    expect(r.stderr).toBe(`lk: The server URL "${typed}" has a mistyped scheme: it does not start with http:// or https://.\nhint: Did you mean ${mock.url}?\n`);
    expect(r.code).toBe(2);
    const meant = /Did you mean (\S+)\?/.exec(r.stderr)![1]!;
    const ok = await runLk(['auth', 'login', '--server', meant, '--with-token'], { home, stdin: key() });
    expect(ok.stderr).toContain(`Logged in to ${mock.url} as alice@lk.test`);
    expect(ok.code).toBe(0);
  });
});

describe("a new user's first hour: lk query select --filter", () => {
  const mock = withMockServer();
  const home = useTempHome();
  const env = () => ({ LABKEY_SERVER: mock.url, LABKEY_API_KEY: trackSecret(mock.server.state.issueApiKey('alice@lk.test').key) });

  it("--filter 'Age>=40' (a comparison, as in SQL) is a usage error naming Age~gte=40, not every row with exit 0", async () => {
    const r = await runLk(['query', 'select', 'lists', 'People', '--filter', 'Age>=40', '--format', 'csv'], { home, env: env() });
    // Before: "! warning: lists.People has no column Age> (…the server ignored it)", then all five rows, exit 0.
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('lk: Bad --filter "Age>=40": "Age>=40" is a comparison, which a LabKey filter is not written as: write it Age~gte=40.\n');
    expect(r.code).toBe(2);
    const meant = await runLk(['query', 'select', 'lists', 'People', '--filter', 'Age~gte=40', '--format', 'csv', '--columns', 'Age'], { home, env: env() });
    expect(meant.code).toBe(0);
    const ages = meant.stdout.trim().split('\n').slice(1).map(Number);
    expect(ages.length).toBeGreaterThan(0);
    expect(ages.every((a) => a >= 40)).toBe(true);
  });
});
