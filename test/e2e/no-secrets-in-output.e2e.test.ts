/**
 * The leak test: a full tour of lk (login, status, token, query with each scheme, keys, doctor,
 * failures: rejected, expired, revoked, prefixed, malformed netrc, NODE_DEBUG=lk stacks, --json
 * errors) with every stdout and stderr captured. The test keys may appear only in the stdout of
 * `lk auth token` and `lk auth status --show-token` (and a new key in `lk keys create`'s stdout).
 */
import { withMockServer } from '../helpers/with-mock-server.js';
import { useBlockTempHome } from '../helpers/temp-home.js';
import { allRuns, findLeaks, mayPrintKeys, runLk, trackSecret } from '../helpers/run-lk.js';

describe('no key in any output', () => {
  const mock = withMockServer({ bearer: true, now: new Date(Date.now() - 2 * 3600 * 1000) });
  const home = useBlockTempHome();

  it('runs the tour, then finds the keys only where printing them is the point', async () => {
    const debug = { NODE_DEBUG: 'lk,labkey' };
    const issued = mock.server.state.issueApiKey('alice@lk.test', { expirationSeconds: 3600 });
    const key = trackSecret(issued.key, 'login key');
    const run = (args: string[], o: { stdin?: string; env?: Record<string, string> } = {}) => runLk(args, { home, ...o, env: { ...debug, ...o.env } });

    expect((await run(['auth', 'login', '--server', mock.url, '--with-token'], { stdin: `apikey|${key}\n` })).code).toBe(0);
    expect((await run(['auth', 'status'])).code).toBe(0);
    expect((await run(['auth', 'status', '--json'])).code).toBe(0);
    const shown = await run(['auth', 'status', '--show-token']);
    expect(shown.stdout).toContain(key);
    const token = await run(['auth', 'token']);
    expect(token.stdout).toBe(`${key}\n`);
    for (const auth of ['apikey', 'basic', 'bearer']) expect((await run(['query', 'select', 'lists', 'People', '--auth', auth])).code).toBe(0);
    expect((await run(['query', 'sql', 'SELECT * FROM People', '--schema', 'lists', '--format', 'json'])).code).toBe(0);
    expect((await run(['keys', 'list'])).code).toBe(0);
    const created = await run(['keys', 'create', '--description', 'leak test']);
    trackSecret(created.stdout.trim(), 'created key');
    expect((await run(['doctor'])).code).toBe(0);
    expect((await run(['doctor', '--json'])).code).toBe(0);

    // Failures, with stacks on (NODE_DEBUG=lk) and as JSON.
    const wrong = trackSecret('lk_test_0000000000000000000000000000000000000000000000000000000000000003', 'wrong key');
    expect((await run(['query', 'select', 'lists', 'People', '--server', mock.url], { env: { LABKEY_API_KEY: wrong } })).code).toBe(4);
    expect((await run(['keys', 'list', '--json'], { env: { LABKEY_API_KEY: wrong } })).code).toBe(4);
    expect((await run(['auth', 'status', '--json'], { env: { LABKEY_API_KEY: wrong } })).code).toBe(4);
    expect((await run(['auth', 'login', '--with-token'], { stdin: wrong })).code).toBe(4);
    expect((await run(['auth', 'login', '--with-token'], { stdin: key, env: { LABKEY_API_KEY: key } })).code).toBe(1);
    expect((await run(['doctor'], { env: { LABKEY_API_KEY: wrong } })).code).not.toBe(0);

    const netrcWithKey = home.readNetrc();
    home.writeNetrc(netrcWithKey.replace(`password ${key}`, `password "apikey|${key}`)); // unterminated quote
    expect((await run(['query', 'select', 'lists', 'People'])).code).not.toBe(0);
    expect((await run(['doctor'])).code).not.toBe(0);
    home.writeNetrc(netrcWithKey.replace(`password ${key}`, `password apikey|${key}`));
    expect((await run(['query', 'select', 'lists', 'People'])).code).toBe(4);
    expect((await run(['auth', 'status'])).code).toBe(4);
    home.writeNetrc(netrcWithKey);

    mock.server.clock.advance(2 * 3600 * 1000 + 1000);
    expect((await run(['query', 'select', 'lists', 'People'])).code).toBe(4);
    mock.server.state.revokeApiKey(issued.rowId);
    expect((await run(['keys', 'list', '--json'])).code).toBe(4);
    expect((await run(['auth', 'logout'])).code).toBe(0);

    const runs = allRuns();
    expect(runs.length).toBeGreaterThan(25);
    expect(runs.filter((r) => mayPrintKeys(r.args)).map((r) => r.args.slice(0, 2).join(' '))).toEqual(['auth status', 'auth token', 'keys create']);
    expect(findLeaks()).toEqual([]);

    // Positive control: a key echoed back as data (here, a SQL literal) is caught by the check.
    const control = mock.server.state.issueApiKey('bob@lk.test').key;
    const echoed = await run(['query', 'sql', `SELECT '${wrong}' AS k FROM People`, '--schema', 'lists', '--max-rows', '1', '--format', 'csv'], {
      env: { LABKEY_API_KEY: control, LABKEY_SERVER: mock.url },
    });
    expect(echoed.stdout).toBe(`k\n${wrong}\n`);
    expect(findLeaks()).toEqual([expect.stringMatching(/^wrong key [0-9a-f]{8} on stdout of lk query sql /)]);
  }, 180_000);
});
