/**
 * `lk auth login --store keychain` end to end against a real Secret Service: gnome-keyring in a
 * throw-away D-Bus session with a temporary HOME, XDG_DATA_HOME and XDG_RUNTIME_DIR (never the
 * user's keyring). Every lk step runs inside that one session.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withMockServer } from '../helpers/with-mock-server.js';
import { useTempHome, type TempHome } from '../helpers/temp-home.js';
import { LK_BIN, expectNoLeaks, recordRun, trackSecret } from '../helpers/run-lk.js';

expectNoLeaks();
// Each test spawns lk several times; on a busy two-core machine that can take a while.
jest.setTimeout(120_000);

interface Step {
  args: string[];
  stdin?: string;
}

/** Runs the steps in one D-Bus session with a fresh unlocked keyring; returns each step's exit code and output. */
function inKeyringSession(home: TempHome, steps: Step[]): Promise<Array<{ code: number; stdout: string; stderr: string }>> {
  const data = join(home.dir, 'xdg-data');
  const runtime = join(home.dir, 'xdg-run');
  mkdirSync(join(data, 'keyrings'), { recursive: true });
  mkdirSync(runtime);
  chmodSync(runtime, 0o700);
  chmodSync(join(data, 'keyrings'), 0o700);
  writeFileSync(join(data, 'keyrings', 'login.keyring'), '[keyring]\ndisplay-name=login\nctime=0\nmtime=0\nlock-on-idle=false\nlock-after=false\n', { mode: 0o600 });
  writeFileSync(join(data, 'keyrings', 'default'), 'login', { mode: 0o600 });
  const out = join(home.dir, 'steps');
  mkdirSync(out);
  steps.forEach((s, i) => writeFileSync(join(out, `${i}.in`), s.stdin ?? ''));
  const q = (a: string) => `'${a.replace(/'/g, "'\\''")}'`;
  const lines = steps.map(
    (s, i) => `"${process.execPath}" ${q(LK_BIN)} ${s.args.map(q).join(' ')} < ${q(join(out, `${i}.in`))} > ${q(join(out, `${i}.out`))} 2> ${q(join(out, `${i}.err`))}; echo $? > ${q(join(out, `${i}.code`))}`,
  );
  const script = `
gnome-keyring-daemon --foreground --components=secrets </dev/null >/dev/null 2>&1 &
daemon=$!
for i in $(seq 100); do
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true' && break
  sleep 0.1
done
${lines.join('\n')}
kill $daemon 2>/dev/null
exit 0
`;
  const env = { HOME: home.dir, PATH: process.env.PATH ?? '/usr/bin:/bin', XDG_DATA_HOME: data, XDG_RUNTIME_DIR: runtime, LANG: 'C.UTF-8' };
  return new Promise((resolve, reject) => {
    const child = spawn('dbus-run-session', ['--', 'bash', '-c', script], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    child.on('error', reject);
    child.on('close', () => {
      const results = steps.map((s, i) => {
        const r = {
          code: Number(readFileSync(join(out, `${i}.code`), 'utf8').trim()),
          stdout: readFileSync(join(out, `${i}.out`), 'utf8'),
          stderr: readFileSync(join(out, `${i}.err`), 'utf8'),
        };
        recordRun({ args: s.args, signal: null, ...r });
        return r;
      });
      resolve(results);
    });
  });
}

describe('lk auth with the OS keychain (real Secret Service), end to end', () => {
  const mock = withMockServer();
  const home = useTempHome();

  it('login --store keychain, then status, token and logout use the keychain item; netrc is never written', async () => {
    const key = trackSecret(mock.server.state.issueApiKey('alice@lk.test').key);
    const [login, status, token, logout, after] = await inKeyringSession(home, [
      { args: ['auth', 'login', '--server', mock.url, '--with-token', '--store', 'keychain'], stdin: key },
      { args: ['auth', 'status'] },
      { args: ['auth', 'token'] },
      { args: ['auth', 'logout'] },
      { args: ['auth', 'token'] },
    ]);
    expect(login).toMatchObject({ code: 0, stdout: '' });
    expect(login?.stderr).toContain(`✓ Key stored in the Secret Service keychain (service lk, account ${mock.url})`);
    expect(home.netrcExists()).toBe(false);
    // After the logout lk has forgotten the server (as gh does); the status above read the keychain item.
    expect(home.readConfig().servers[mock.url]).toBeUndefined();
    expect(status?.code).toBe(0);
    expect(status?.stdout).toContain(`  - Key source: the keychain entry lk/${mock.url}`);
    expect(token).toMatchObject({ code: 0, stdout: `${key}\n` });
    expect(logout?.code).toBe(0);
    expect(logout?.stderr).toContain(`✓ Removed the key for ${mock.url} from the Secret Service keychain (service lk, account ${mock.url})`);
    expect(after?.code).toBe(4);
    expect(home.netrcExists()).toBe(false);
  }, 60_000);

  it('keys rotate replaces the keychain item in place and revokes the old key; netrc is never written', async () => {
    mock.server.state.addUser({ email: 'kim@lk.test', password: 'kim-password' });
    const old = mock.server.state.issueApiKey('kim@lk.test', { description: 'kim laptop' }); // her only key: lk knows its row
    trackSecret(old.key);
    const [login, rotate, token] = await inKeyringSession(home, [
      { args: ['auth', 'login', '--server', mock.url, '--with-token', '--store', 'keychain'], stdin: old.key },
      { args: ['keys', 'rotate'] },
      { args: ['auth', 'token'] },
    ]);
    expect(login?.code).toBe(0);
    expect(rotate).toMatchObject({ code: 0, stdout: '' });
    expect(rotate?.stderr).toContain(`checked and stored in the Secret Service keychain (service lk, account ${mock.url})`);
    expect(rotate?.stderr).toContain(`✓ Revoked the old key (row ${old.rowId})`);
    const fresh = token?.stdout.trim() ?? '';
    trackSecret(fresh, 'rotated key');
    expect(token?.code).toBe(0);
    expect(fresh).toMatch(/^[0-9a-f]{64}$/);
    expect(fresh).not.toBe(old.key);
    expect(mock.server.state.lookupApiKey(fresh)?.user.email).toBe('kim@lk.test');
    expect(mock.server.state.lookupApiKey(old.key)).toBeUndefined();
    expect(mock.server.state.listApiKeys('kim@lk.test').map((r) => r.Description)).toEqual(['kim laptop']); // the new key, with the old one's description
    expect(home.netrcExists()).toBe(false);
  }, 60_000);
});
