/**
 * lk auth login / status / token / logout, end to end: the built lk, a temporary HOME, the real mock
 * server. netrc is checked byte for byte: the entry is added and removed, everything else stays.
 */
import { withMockServer } from '../helpers/with-mock-server.js';
import { createTempHome, useTempHome } from '../helpers/temp-home.js';
import { expectNoLeaks, runLk, trackSecret } from '../helpers/run-lk.js';

expectNoLeaks();
// Each test spawns lk several times; on a busy two-core machine that can take a while.
jest.setTimeout(120_000);

const OTHER = '# work machines\nmachine git.example.org\n  login me\n  password lk_test_not_a_labkey_key\n\n# default for everything else\n';
const DEFAULT = 'default login anonymous password guest\n';

describe('lk auth, end to end', () => {
  const mock = withMockServer();
  const home = useTempHome();

  const issue = (email = 'alice@lk.test', o?: { expirationSeconds?: number }) => trackSecret(mock.server.state.issueApiKey(email, o).key);

  it('login --with-token writes a 0600 netrc entry before `default`, leaving comments and other entries as they were', async () => {
    const key = issue();
    home.writeNetrc(OTHER + DEFAULT, 0o644);
    const r = await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: `${key}\n` });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`✓ Logged in to ${mock.url} as alice@lk.test`);
    expect(r.stderr).toContain(`✓ Key stored in ${home.netrcPath} (machine 127.0.0.1, login apikey)`);
    const text = home.readNetrc();
    expect(text.startsWith(OTHER)).toBe(true);
    expect(text.endsWith(DEFAULT)).toBe(true);
    expect(text.slice(OTHER.length, text.length - DEFAULT.length)).toMatch(new RegExp(`^machine 127\\.0\\.0\\.1\\s+login apikey\\s+password ${key}\\s*$`));
    expect(home.netrcMode()).toBe(0o600);
    const config = home.readConfig();
    expect(config.defaultServer).toBe(mock.url);
    expect(config.servers[mock.url]).toMatchObject({ url: mock.url, store: 'netrc', auth: 'apikey', container: '/home' });
    expect(JSON.stringify(config)).not.toContain(key);
  });

  it('status, token and logout after login; logout removes only that entry', async () => {
    const key = issue();
    home.writeNetrc(OTHER);
    expect((await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: key })).code).toBe(0);

    const status = await runLk(['auth', 'status'], { home });
    expect(status.code).toBe(0);
    expect(status.stderr).toBe('');
    expect(status.stdout).toContain(`${mock.url} (default)\n  ✓ Logged in as alice@lk.test`);
    expect(status.stdout).toContain(`  - Key source: ${home.netrcPath} line `);
    expect(status.stdout).toContain(`  - Key: ${key.slice(0, 4)}******** (64 chars)`);

    const shown = await runLk(['auth', 'status', '--show-token'], { home });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain(`  - Key: ${key} (fingerprint `);

    const json = await runLk(['auth', 'status', '--json'], { home });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({ server: mock.url, ok: true, default: true, source: expect.stringMatching(/^netrc:/) })]);

    const token = await runLk(['auth', 'token'], { home });
    expect(token).toMatchObject({ code: 0, stdout: `${key}\n`, stderr: '' });

    const logout = await runLk(['auth', 'logout'], { home });
    expect(logout.code).toBe(0);
    expect(logout.stdout).toBe('');
    expect(logout.stderr).toContain(`✓ Removed the key for ${mock.url} from ${home.netrcPath} (machine 127.0.0.1)`);
    expect(logout.stderr).toContain('The key itself stays valid on the server until it is revoked');
    expect(logout.stderr).toContain('lk keys revoke');
    expect(home.readNetrc()).toBe(OTHER);
    expect(home.netrcMode()).toBe(0o600);

    // No key: exit 4 from status as from token (status exited 1 before: 4 now means one thing).
    // lk forgot the server at logout, so status no longer lists it.
    const after = await runLk(['auth', 'status'], { home });
    expect(after.code).toBe(4);
    expect(after.stdout).toBe('');
    expect(after.stderr).toContain('lk: You are not logged in to any LabKey server.');
    const tokenAfter = await runLk(['auth', 'token'], { home });
    expect(tokenAfter.code).toBe(4);
    expect(tokenAfter.stdout).toBe('');
  });

  it('LABKEY_SERVER picks the server; --server overrides it', async () => {
    const key = issue();
    expect((await runLk(['auth', 'login', '--with-token'], { home, stdin: key, env: { LABKEY_SERVER: mock.url } })).code).toBe(0);
    const other = await runLk(['auth', 'status', '--server', 'http://localhost:1/labkey'], { home, env: { LABKEY_SERVER: mock.url } });
    expect(other.code).toBe(4); // no key for localhost
    expect(other.stderr).toContain('http://localhost:1/labkey\n  ✗ ');
    const token = await runLk(['auth', 'token', '--server', mock.url], { home });
    expect(token).toMatchObject({ code: 0, stdout: `${key}\n` });
    const none = await runLk(['auth', 'token', '--server', 'https://lk.example.org'], { home });
    expect(none).toMatchObject({ code: 4, stdout: '' });
  });

  it('a netrc file other users can read: token still prints the key alone on stdout, the warning goes to stderr', async () => {
    const key = issue();
    home.writeNetrc(`machine 127.0.0.1\n  login apikey\n  password ${key}\n`, 0o644);
    const token = await runLk(['auth', 'token', '--server', mock.url], { home });
    expect(token).toMatchObject({ code: 0, stdout: `${key}\n` });
    expect(token.stderr).toContain(`warning: ${home.netrcPath} can be read by other users (mode 644); run: chmod 600 ${home.netrcPath}`);
    const query = await runLk(['query', 'select', 'lists', 'People', '--server', mock.url, '--format', 'csv'], { home });
    expect(query.code).toBe(0);
    expect(query.stderr).toContain('can be read by other users (mode 644)');
    expect(home.netrcMode()).toBe(0o644); // reading never changes the user's file
  });

  it('status covers every known server; netrc entries are per host, and login --force warns when one key now serves two servers', async () => {
    const { startMockServer } = await import('@lk/mock-server');
    const second = await startMockServer();
    try {
      const k1 = issue();
      const k2 = trackSecret(second.state.issueApiKey('bob@lk.test').key);
      expect((await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: k1 })).code).toBe(0);
      // Without --force the second login refuses (first-hour-auth.e2e.test.ts); with it, it warns.
      const login2 = await runLk(['auth', 'login', '--server', second.url, '--with-token', '--force'], { home, stdin: k2 });
      expect(login2.code).toBe(0);
      expect(login2.stderr).toContain(`! netrc entries match the host name only: this key replaced the one for ${mock.url}, which will now be rejected there.`);
      const status = await runLk(['auth', 'status'], { home });
      expect(status.code).toBe(4); // the one failure is a key the server does not accept
      expect(status.stderr).toContain(`${mock.url}\n  ✗ `);
      expect(status.stderr).toContain(`${second.url} (default)\n  ✓ Logged in as bob@lk.test`);
      const json = await runLk(['auth', 'status', '--json'], { home });
      expect((JSON.parse(json.stdout) as Array<{ server: string; ok: boolean }>).map((r) => [r.server, r.ok])).toEqual([
        [mock.url, false],
        [second.url, true],
      ]);
    } finally {
      await second.close();
    }
  });

  it('login refuses while LABKEY_API_KEY is set (exit 1), and so does logout of an env key', async () => {
    const key = issue();
    const login = await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: key, env: { LABKEY_API_KEY: key } });
    expect(login.code).toBe(1);
    expect(login.stderr).toBe(
      'lk: LABKEY_API_KEY is set, so lk would keep using that key and ignore the one you store now.\n' +
        'hint: Unset it first (`unset LABKEY_API_KEY`), then run `lk auth login` again; or keep using the variable and skip login.\n',
    );
    expect(home.netrcExists()).toBe(false);
    const logout = await runLk(['auth', 'logout', '--server', mock.url], { home, env: { LABKEY_API_KEY: key } });
    expect(logout.code).toBe(1);
    expect(logout.stderr).toContain('comes from the environment (LABKEY_API_KEY)');
  });

  it('login: a rejected key is exit 4 and nothing is written; no key on stdin is exit 2', async () => {
    const bad = trackSecret('lk_test_0000000000000000000000000000000000000000000000000000000000000009');
    const r = await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: bad });
    expect(r.code).toBe(4);
    expect(home.netrcExists()).toBe(false);
    const empty = await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: '\n' });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('lk: The key is empty.');
    const noTty = await runLk(['auth', 'login', '--server', mock.url], { home });
    expect(noTty.code).toBe(2);
    expect(noTty.stderr).toContain('stdin is not a terminal');
  });

  it('login: --strip-prefix removes a pasted apikey| prefix; without it lk falls back when only the bare key works', async () => {
    const key = issue();
    const r = await runLk(['auth', 'login', '--server', mock.url, '--with-token', '--strip-prefix'], { home, stdin: `apikey|${key}` });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('! The key starts with "apikey|".');
    expect(home.readNetrc()).toContain(`password ${key}`);
    expect(home.readNetrc()).not.toContain('apikey|');

    const home2 = createTempHome();
    try {
      const r2 = await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home: home2, stdin: `apikey|${key}` });
      expect(r2.code).toBe(0);
      expect(r2.stderr).toContain('accepted it without: storing it without the prefix');
      expect(home2.readNetrc()).not.toContain('apikey|');
    } finally {
      home2.cleanup();
    }
  });

  it('login --auth basic and --container are remembered and used by later commands', async () => {
    const key = issue();
    const r = await runLk(['auth', 'login', '--server', mock.url, '--with-token', '--auth', 'basic', '--container', '/Shared'], { home, stdin: key });
    expect(r.code).toBe(0);
    expect(home.readConfig().servers[mock.url]).toMatchObject({ auth: 'basic', container: '/Shared' });
    const before = mock.server.requests.length;
    const status = await runLk(['auth', 'status'], { home });
    expect(status.stdout).toContain('  - Sent as: Basic apikey:<key>');
    expect(mock.server.requests.slice(before).map((q) => q.authForm)).toContain('basic-apikey');
  });

  it('login --store keychain without a Secret Service falls back to netrc and says so', async () => {
    const key = issue();
    const r = await runLk(['auth', 'login', '--server', mock.url, '--with-token', '--store', 'keychain'], { home, stdin: key });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('keychain is not available here, so the key went to the netrc file instead (');
    expect(r.stderr).not.toContain('.)');
    expect(home.readNetrc()).toContain(`password ${key}`);
    expect(home.readConfig().servers[mock.url]).toMatchObject({ store: 'netrc' });
  });

  it('login twice for the same host replaces the key in place', async () => {
    const k1 = issue();
    const k2 = issue();
    home.writeNetrc(OTHER);
    await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: k1 });
    await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: k2 });
    const text = home.readNetrc();
    expect(text).toContain(`password ${k2}`);
    expect(text).not.toContain(k1);
    expect(text.match(/machine 127\.0\.0\.1/g)).toHaveLength(1);
    expect(text.startsWith(OTHER)).toBe(true);
  });
});
