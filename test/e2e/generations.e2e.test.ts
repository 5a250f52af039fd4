/**
 * lk against the oldest (pre-23.3 keys, bad keys silently guest), a middle (24.11) and the newest
 * (26.7) LabKey generation: login, status, doctor and keys list work; the server's 401 text for
 * a bad key, and lk's message for an expired, a revoked and a prefixed key, on each.
 */
import { withMockServer } from '../helpers/with-mock-server.js';
import { useTempHome } from '../helpers/temp-home.js';
import { expectNoLeaks, runLk, trackSecret } from '../helpers/run-lk.js';

expectNoLeaks();
jest.setTimeout(180_000);

const BAD_KEY_ANSWER: Record<string, { status: number; exception?: string }> = {
  '22.11': { status: 200 }, // silently guest
  '24.11': { status: 401, exception: 'The email address and password you entered did not match any accounts on file.' },
  '26.7': { status: 401, exception: 'The API key you provided is invalid.' },
};

describe.each(['22.11', '24.11', '26.7'].map((v) => [v]))('LabKey %s, end to end', (version) => {
  const mock = withMockServer({ labkeyVersion: version });
  const home = useTempHome();
  const silent = version === '22.11';

  it('login, status, doctor and keys list work; the 401 text; lk names an expired, a revoked and a prefixed key', async () => {
    const s = mock.server;
    const bad = await fetch(`${mock.url}/login-whoAmI.api`, { headers: { apikey: 'e'.repeat(64) } });
    const body = (await bad.json()) as { id?: number; exception?: string };
    expect(bad.status).toBe(BAD_KEY_ANSWER[version]!.status);
    if (silent) expect(body.id).toBe(0);
    else expect(body.exception).toBe(BAD_KEY_ANSWER[version]!.exception);

    // A key that expires in an hour: login records the expiry.
    const { key } = s.state.issueApiKey('alice@lk.test', { expirationSeconds: 3600 });
    trackSecret(key);
    expect(key).toMatch(silent ? /^apikey\|[0-9a-f]{32}$/ : /^[0-9a-f]{64}$/);
    const login = await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: key });
    expect(login.code).toBe(0);
    const status = await runLk(['auth', 'status'], { home });
    expect(status.code).toBe(0);
    expect(status.stdout + status.stderr).toContain('alice@lk.test');
    const doctor = await runLk(['doctor'], { home });
    expect(doctor.stdout + doctor.stderr).toContain('key accepted: ');
    expect(doctor.stdout + doctor.stderr).not.toContain('[FAIL] key accepted');
    const list = await runLk(['keys', 'list', '--json'], { home });
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as Array<{ Current: boolean }>).some((r) => r.Current)).toBe(true);

    s.clock.advance(2 * 3600 * 1000);
    const expired = await runLk(['query', 'select', 'lists', 'People'], { home });
    expect(expired.code).toBe(4);
    expect(expired.stderr).toMatch(/expired at \d{4}-\d\d-\d\dT/);
    if (silent) expect(expired.stderr).toContain('silently ignore a key');

    // A key that never expires, revoked on the server.
    const other = s.state.issueApiKey('alice@lk.test');
    trackSecret(other.key);
    expect((await runLk(['auth', 'login', '--server', mock.url, '--with-token'], { home, stdin: other.key })).code).toBe(0);
    s.state.revokeApiKey(other.rowId);
    const revoked = await runLk(['query', 'select', 'lists', 'People'], { home });
    expect(revoked.code).toBe(4);
    expect(revoked.stderr).toContain('revoked');

    // A prefix added to a key that was issued without it (or a second one on a legacy key).
    const plain = s.state.issueApiKey('bob@lk.test').key;
    trackSecret(plain);
    const prefixed = `apikey|${plain}`;
    trackSecret(prefixed);
    const p = await runLk(['query', 'select', 'lists', 'People', '--server', mock.url], { home, env: { LABKEY_API_KEY: prefixed } });
    expect(p.code).toBe(4);
    expect(p.stderr).toContain('apikey|');
  });

  it('lk query sql returns rows (a server before 23.9 cannot decode WAF-encoded SQL: lk sends it plain)', async () => {
    const { key } = mock.server.state.issueApiKey('alice@lk.test');
    trackSecret(key);
    const r = await runLk(['query', 'sql', '--schema', 'lists', "SELECT Name FROM People WHERE Name <> 'nobody'", '--format', 'ndjson', '--server', mock.url], { home, env: { LABKEY_API_KEY: key } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').length).toBeGreaterThan(0);
    expect(JSON.parse(r.stdout.trim().split('\n')[0]!)).toHaveProperty('Name');
  });
});
