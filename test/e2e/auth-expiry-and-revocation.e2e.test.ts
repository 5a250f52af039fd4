/** A key that expires (the mock's clock moves) or is revoked: lk says which, exit 4. */
import { withMockServer } from '../helpers/with-mock-server.js';
import { useTempHome } from '../helpers/temp-home.js';
import { expectNoLeaks, runLk, trackSecret } from '../helpers/run-lk.js';

expectNoLeaks();
// Each test spawns lk several times; on a busy two-core machine that can take a while.
jest.setTimeout(120_000);

describe('expired and revoked keys, end to end', () => {
  // The server decides expiry by its clock, and lk judges "expired" by the server's Date header
  // against the expiry it recorded at login, so moving only the server's clock is enough.
  const mock = withMockServer();
  const home = useTempHome();

  it('an expired key: the error says it expired and when, exit 4', async () => {
    const { key } = mock.server.state.issueApiKey('alice@lk.test', { expirationSeconds: 3600 });
    mock.server.state.issueApiKey('alice@lk.test'); // another key: lk must still tell which row is its own
    trackSecret(key);
    const login = await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: key });
    expect(login.code).toBe(0);
    expect(login.stderr).toContain('The key expires at ');
    expect((await runLk(['query', 'select', 'lists', 'People'], { home })).code).toBe(0);

    mock.server.clock.advance(2 * 3600 * 1000 + 1000);
    const r = await runLk(['query', 'select', 'lists', 'People'], { home });
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/expired at \d{4}-\d\d-\d\dT/);
    expect(r.stderr).toContain('hint: ');
    const status = await runLk(['auth', 'status'], { home });
    expect(status.code).toBe(4); // as from query: 4 means one thing everywhere
    expect(status.stderr).toContain('expired');
  });

  it('a revoked key: the error says it was revoked, exit 4', async () => {
    const { key, rowId } = mock.server.state.issueApiKey('alice@lk.test');
    trackSecret(key);
    expect((await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: key })).code).toBe(0);
    mock.server.state.revokeApiKey(rowId);
    const r = await runLk(['query', 'sql', 'SELECT Name FROM People', '--schema', 'lists'], { home });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('revoked');
    const status = await runLk(['auth', 'status'], { home });
    expect(status.code).toBe(4);
    expect(status.stderr).toContain('revoked');
    const doctor = await runLk(['doctor'], { home });
    expect(doctor.code).toBe(4);
    expect(doctor.stdout).toContain('[FAIL] key accepted: ');
    const json = await runLk(['keys', 'list', '--json'], { home });
    expect(json.code).toBe(4);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'LK_API_KEY_REJECTED', reason: 'revoked', exitCode: 4 } });
  });
});
