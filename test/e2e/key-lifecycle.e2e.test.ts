/** lk keys rotate, lk auth logout --revoke and lk auth status --check, end to end through the bin. */
import { withMockServer } from '../helpers/with-mock-server.js';
import { useTempHome } from '../helpers/temp-home.js';
import { expectNoLeaks, runLk, trackSecret } from '../helpers/run-lk.js';

expectNoLeaks();
// Each test spawns lk several times; on a busy two-core machine that can take a while.
jest.setTimeout(120_000);

describe('the key life cycle, end to end', () => {
  const mock = withMockServer();
  const home = useTempHome();
  const storedKeys = () => [...home.readNetrc().matchAll(/password ([0-9a-f]{64})/g)].map((m) => m[1]!);
  const owner = (key: string) => mock.server.state.lookupApiKey(key)?.user.email;

  let users = 0;
  /** Logs a new user in with their only key (so lk knows its row for certain). */
  const login = async (opts: { expirationSeconds?: number } = {}) => {
    const email = `user${++users}@lk.test`;
    mock.server.state.addUser({ email, password: `${email}-password` });
    const issued = mock.server.state.issueApiKey(email, { description: 'laptop', ...opts });
    trackSecret(issued.key);
    expect((await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: issued.key })).code).toBe(0);
    return { ...issued, email };
  };

  it('rotate leaves exactly one working key where lk stores it and revokes the old one; lk goes on working', async () => {
    home.writeNetrc('# mine\nmachine example.org login me password other\n');
    const old = await login();
    const r = await runLk(['keys', 'rotate'], { home });
    expect(r).toMatchObject({ code: 0, stdout: '' });
    const [fresh, ...more] = storedKeys();
    trackSecret(fresh!, 'rotated key');
    expect(more).toEqual([]);
    expect(fresh).not.toBe(old.key);
    expect(owner(fresh!)).toBe(old.email);
    expect(owner(old.key)).toBeUndefined(); // the server answers the old key with a 401
    expect(home.readNetrc()).toContain('# mine\nmachine example.org login me password other\n');
    expect(r.stderr).toContain(`✓ Revoked the old key (row ${old.rowId})`);
    const rows = mock.server.state.listApiKeys(old.email);
    expect(rows.map((x) => x.Description)).toEqual(['laptop']);
    const q = await runLk(['query', 'select', 'lists', 'People', '--columns', 'Key', '--max-rows', '1', '--format', 'csv'], { home });
    expect(q).toMatchObject({ code: 0, stdout: 'Key\n1\n' });
  });

  it('rotate --format json (and --json) says what was done, never the key', async () => {
    for (const flags of [['--format', 'json'], ['--json']]) {
      const old = await login();
      const r = await runLk(['keys', 'rotate', ...flags], { home });
      expect(r.code).toBe(0);
      const [fresh] = storedKeys();
      trackSecret(fresh!, 'rotated key');
      expect(r.stdout).not.toContain(fresh!);
      const data = JSON.parse(r.stdout) as Record<string, unknown>;
      const newRow = mock.server.state.listApiKeys(old.email)[0]!.RowId;
      expect(data).toEqual({ server: mock.url, fingerprint: expect.stringMatching(/^[0-9a-f]{8,}$/), rowId: newRow, stored: expect.stringContaining(home.netrcPath), revoked: old.rowId });
      expect(r.stderr).toContain(`✓ Revoked the old key (row ${old.rowId})`);
    }
    expect((await runLk(['keys', 'rotate', '--format', 'ndjson'], { home })).code).toBe(2);
  });

  it('logout --revoke revokes the key on the server, then removes it', async () => {
    const { key, rowId } = await login();
    const r = await runLk(['auth', 'logout', '--revoke'], { home });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`✓ Revoked the key (row ${rowId}) on ${mock.url}`);
    expect(owner(key)).toBeUndefined();
    expect(home.readNetrc()).not.toContain(key);
  });

  it('status --check: exit 1 for a key that expires within --within, 0 otherwise, 4 for a refused key', async () => {
    const { rowId } = await login({ expirationSeconds: 2 * 86_400 });
    const soon = await runLk(['auth', 'status', '--check'], { home });
    expect(soon.code).toBe(1);
    expect(soon.stderr).toContain('The key expires soon: run `lk keys rotate` for a new one');
    expect((await runLk(['auth', 'status', '--check', '--within', '1d'], { home })).code).toBe(0);
    expect((await runLk(['auth', 'status', '--check', '--within', 'soon'], { home })).code).toBe(2);
    mock.server.state.revokeApiKey(rowId);
    expect((await runLk(['auth', 'status', '--check'], { home })).code).toBe(4);
  });
});
