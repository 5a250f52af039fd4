/**
 * A server URL that ends in a folder (`…/labkey/home`): `lk auth login` and `lk doctor` give the
 * same answer (the base URL, and `--container /home`), with the built `lk` binary against the mock.
 * Login stores nothing; with the URL split as told, both succeed.
 */
import { existsSync } from 'node:fs';
import { expectNoLeaks, runLk, trackSecret } from '../helpers/run-lk.js';
import { createTempHome, type TempHome } from '../helpers/temp-home.js';
import { withMockServer } from '../helpers/with-mock-server.js';

expectNoLeaks();
jest.setTimeout(120_000);

describe('a server URL that ends in a folder (e2e)', () => {
  const mock = withMockServer();
  let home: TempHome;
  beforeEach(() => {
    home = createTempHome();
  });
  afterEach(() => home.cleanup());

  it('lk auth login refuses it with the words lk doctor uses; the split URL works for both', async () => {
    const key = trackSecret(mock.server.state.issueApiKey('alice@lk.test').key);
    const folderUrl = `${mock.url}/home`;
    const problem = `${folderUrl} (from --server) ends in a folder path: ${mock.url} is the server's base URL, and "/home" is a folder (container) in it.`;

    const login = await runLk(['auth', 'login', '--server', folderUrl, '--with-token'], { home, stdin: `${key}\n` });
    expect(login.code).toBe(2);
    expect(login.stdout).toBe('');
    expect(login.stderr).toContain(`lk: ${problem}`);
    expect(login.stderr).toContain('lk did not log in and stored nothing.');
    expect(login.stderr).toContain(`hint: Run \`lk auth login --server ${mock.url} --container /home\`.`);
    expect(existsSync(home.netrcPath)).toBe(false);

    home.writeNetrc(`machine 127.0.0.1 login apikey password ${key}\n`);
    const doctor = await runLk(['doctor', '--server', folderUrl], { home, timeoutMs: 60_000 });
    expect(doctor.code).not.toBe(0);
    expect(doctor.stdout + doctor.stderr).toContain(problem);
    expect(doctor.stdout + doctor.stderr).toContain(`Use --server ${mock.url} --container /home.`);

    const split = await runLk(['auth', 'login', '--server', mock.url, '--container', '/home', '--with-token'], { home, stdin: `${key}\n` });
    expect(split.code).toBe(0);
    expect(split.stderr).toContain(`Logged in to ${mock.url} as alice@lk.test`);
    const again = await runLk(['doctor'], { home, timeoutMs: 60_000 });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('All checks passed.');
  });
});
