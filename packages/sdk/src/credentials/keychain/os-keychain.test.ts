/**
 * The OS keychain adapter against real keychains, never the user's own:
 * - a Secret Service (gnome-keyring) in a throw-away D-Bus session with a temporary HOME,
 *   XDG_DATA_HOME and XDG_RUNTIME_DIR, holding a temporary unencrypted `login` keyring;
 * - no D-Bus at all (`DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent`);
 * - a D-Bus socket that accepts connections and never answers (a hung bus).
 * Child processes run the built package (jest's TS transform does not reach them), so
 * beforeAll builds it with `tsc -b packages/sdk`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createOsKeychain, helperEnv } from './os-keychain.js';
import { fromKeychain } from '../from-keychain.js';
import { fromNetrc } from '../from-netrc.js';
import { chain } from '../chain.js';
import { defaultResolveContext } from '../default-chain.js';

const ROOT = resolve(__dirname, '../../../../..');
const DIST = join(ROOT, 'packages/sdk/dist');
const KEY = 'lk_test_0000000000000000000000000000000000000042';
const SERVER = 'https://lk.example.org/labkey';

let tmp: string;

/** The environment of a child: ours without LABKEY_*, NETRC or a D-Bus address, plus `extra`. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(LABKEY_|NETRC$|DBUS_|XDG_|HOME$)/.test(k)) env[k] = v;
  }
  return { ...env, ...extra };
}

/** Runs a command, feeding `input` on stdin; resolves with its output, exit code and signal. */
function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, input: string, killAfterMs = 60_000) {
  return new Promise<{ stdout: string; stderr: string; code: number | null; signal: NodeJS.Signals | null }>((done) => {
    const child = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      done({ stdout, stderr, code, signal });
    });
    child.stdin.end(input);
  });
}

const distUrl = (rel: string) => pathToFileURL(join(DIST, rel)).href;

beforeAll(() => {
  // Other parts of the workspace may have type errors while they are being written; tsc still
  // emits, and what matters here is that our modules are built.
  spawnSync(join(ROOT, 'node_modules/.bin/tsc'), ['-b', 'packages/sdk'], { cwd: ROOT, stdio: 'ignore' });
  for (const f of ['credentials/keychain/os-keychain.js', 'credentials/default-chain.js', 'credentials/from-keychain.js']) {
    expect(existsSync(join(DIST, f))).toBe(true);
  }
}, 180_000);

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'lk-os-keychain-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

describe('createOsKeychain with a real Secret Service (throw-away D-Bus session)', () => {
  it('round-trips a key: set, get, resolve through the default chain, delete', async () => {
    const home = join(tmp, 'home');
    const data = join(tmp, 'data');
    const runtime = join(tmp, 'run');
    mkdirSync(home);
    mkdirSync(join(data, 'keyrings'), { recursive: true });
    mkdirSync(runtime);
    chmodSync(runtime, 0o700);
    chmodSync(join(data, 'keyrings'), 0o700);
    // An unencrypted, unlocked `login` keyring as the default collection, so no unlock prompt
    // (there is no one to answer it). It lives in the temporary XDG_DATA_HOME only.
    const keyringFile = join(data, 'keyrings', 'login.keyring');
    writeFileSync(keyringFile, '[keyring]\ndisplay-name=login\nctime=0\nmtime=0\nlock-on-idle=false\nlock-after=false\n', {
      mode: 0o600,
    });
    writeFileSync(join(data, 'keyrings', 'default'), 'login', { mode: 0o600 });

    const script = join(tmp, 'round-trip.mjs');
    writeFileSync(
      script,
      `
import { readFileSync } from 'node:fs';
import { createOsKeychain } from ${JSON.stringify(distUrl('credentials/keychain/os-keychain.js'))};
import { defaultChain, defaultResolveContext } from ${JSON.stringify(distUrl('credentials/default-chain.js'))};
import { KEYCHAIN_SERVICE, keychainAccountFor } from ${JSON.stringify(distUrl('credentials/from-keychain.js'))};
let text = '';
for await (const chunk of process.stdin) text += chunk;
const input = JSON.parse(text);
const kc = createOsKeychain();
const account = keychainAccountFor(input.server);
const out = { name: kc.name };
out.before = (await kc.get(KEYCHAIN_SERVICE, account)) ?? null;
await kc.set(KEYCHAIN_SERVICE, account, input.key);
out.got = await kc.get(KEYCHAIN_SERVICE, account);
out.inTempKeyring = readFileSync(input.keyringFile, 'utf8').includes(account);
const credential = await defaultChain().resolve(defaultResolveContext(input.server, { env: { HOME: process.env.HOME } }));
out.source = credential.source;
out.trail = credential.trail;
out.chainKeyMatches = credential.apiKey.reveal() === input.key;
out.deleted = await kc.delete(KEYCHAIN_SERVICE, account);
out.after = (await kc.get(KEYCHAIN_SERVICE, account)) ?? null;
out.deletedAgain = await kc.delete(KEYCHAIN_SERVICE, account);
console.log(JSON.stringify(out));
`,
    );
    // Start the daemon in the foreground (so we can stop it), wait until it owns its bus name.
    const session = `
gnome-keyring-daemon --foreground --components=secrets </dev/null >/dev/null 2>&1 &
daemon=$!
for i in $(seq 100); do
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true' && break
  sleep 0.1
done
"${process.execPath}" "${script}"
rc=$?
kill $daemon 2>/dev/null
exit $rc
`;
    const env = childEnv({ HOME: home, XDG_DATA_HOME: data, XDG_RUNTIME_DIR: runtime, XDG_CONFIG_HOME: join(home, '.config') });
    const result = await run('dbus-run-session', ['--', 'bash', '-c', session], env, JSON.stringify({ key: KEY, server: SERVER, keyringFile }));
    expect({ code: result.code, stderr: result.stderr.replace(/.*fd limit.*\n?/g, '') }).toEqual({ code: 0, stderr: '' });
    const out = JSON.parse(result.stdout);
    expect(out).toEqual({
      name: 'Secret Service',
      before: null,
      got: KEY,
      inTempKeyring: true,
      source: `keychain:lk/${SERVER}`,
      trail: [
        { source: 'env', outcome: 'skipped', reason: 'LABKEY_API_KEY not set' },
        { source: 'keychain', outcome: 'found' },
      ],
      chainKeyMatches: true,
      deleted: true,
      after: null,
      deletedAgain: false,
    });
  }, 60_000);
});

describe('createOsKeychain without a reachable Secret Service', () => {
  it('the default chain falls through to netrc, says why in the trail, and the process exits on its own', async () => {
    const home = join(tmp, 'home');
    mkdirSync(home);
    writeFileSync(join(home, '.netrc'), `machine lk.example.org\n  login apikey\n  password ${KEY}\n`, { mode: 0o600 });
    const script = join(tmp, 'fall-through.mjs');
    writeFileSync(
      script,
      `
import { defaultChain, defaultResolveContext } from ${JSON.stringify(distUrl('credentials/default-chain.js'))};
const credential = await defaultChain().resolve(defaultResolveContext(${JSON.stringify(SERVER)}));
console.log(JSON.stringify({ source: credential.source, trail: credential.trail, keyMatches: credential.apiKey.reveal() === ${JSON.stringify(KEY)} }));
`,
    );
    const env = childEnv({ HOME: home, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' });
    const result = await run(process.execPath, [script], env, '', 30_000);
    expect({ code: result.code, signal: result.signal, stderr: result.stderr }).toEqual({ code: 0, signal: null, stderr: '' });
    const out = JSON.parse(result.stdout);
    expect(out.source).toBe(`netrc:${join(home, '.netrc')}:1`);
    expect(out.keyMatches).toBe(true);
    expect(out.trail).toHaveLength(3);
    expect(out.trail[0]).toEqual({ source: 'env', outcome: 'skipped', reason: 'LABKEY_API_KEY not set' });
    // "unavailable", not "did not answer within 3000 ms": it failed fast, it did not time out.
    // In plain words; the D-Bus text only in `detail`.
    expect(out.trail[1]).toEqual({ source: 'keychain', outcome: 'skipped', reason: 'No keychain here: the D-Bus session cannot be reached', unavailable: true, detail: expect.stringMatching(/DBus/) });
    expect(out.trail[2]).toEqual({ source: 'netrc', outcome: 'found' });
  }, 60_000);

  it('in process: get fails with kind `unavailable` and a hint naming netrc', async () => {
    const kc = createOsKeychain({ env: childEnv({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' }), platform: 'linux' });
    await expect(kc.get('lk', SERVER)).rejects.toMatchObject({
      code: 'LK_CREDENTIAL_STORE',
      kind: 'unavailable',
      operation: 'get',
      hint: expect.stringContaining('--store netrc'),
    });
  }, 30_000);
});

describe('createOsKeychain when no keychain can answer: no helper process', () => {
  // Node publishes every child process it creates on the `child_process` diagnostics channel:
  // counting those messages observes the helper being started (or not) without replacing anything.
  let spawned: unknown[];
  const onSpawn = (m: unknown) => void spawned.push((m as { process?: unknown }).process);
  beforeEach(() => {
    spawned = [];
    subscribe('child_process', onSpawn);
  });
  afterEach(() => unsubscribe('child_process', onSpawn));
  // This machine's own session bus socket, if it has one (a desktop): then a helper is expected.
  const uid = process.getuid?.();
  const hostBus = uid !== undefined && existsSync(`/run/user/${uid}/bus`);

  it('no DBUS_SESSION_BUS_ADDRESS and no bus socket: the chain resolves the netrc key without starting the helper', async () => {
    const home = join(tmp, 'home');
    const runtime = join(tmp, 'runtime'); // an XDG_RUNTIME_DIR without a `bus` socket
    mkdirSync(home);
    mkdirSync(runtime);
    writeFileSync(join(home, '.netrc'), `machine lk.example.org login apikey password ${KEY}\n`, { mode: 0o600 });
    const keychain = createOsKeychain({ env: childEnv({ HOME: home, XDG_RUNTIME_DIR: runtime }), platform: 'linux' });
    const ctx = defaultResolveContext(SERVER, { env: { HOME: home }, homedir: home, keychain, platform: 'linux' });
    const credential = await chain(fromKeychain(), fromNetrc()).resolve(ctx);
    expect(credential).toMatchObject({ source: `netrc:${join(home, '.netrc')}:1` });
    expect('apiKey' in credential && credential.apiKey.reveal()).toBe(KEY);
    if (hostBus) {
      expect(spawned).toHaveLength(1); // this machine has a session bus, so the keychain is asked
      return;
    }
    expect(spawned).toEqual([]);
    expect((credential as { trail: unknown }).trail).toEqual([
      {
        source: 'keychain',
        outcome: 'skipped',
        reason: 'No keychain here: no D-Bus session',
        unavailable: true,
        detail: `DBUS_SESSION_BUS_ADDRESS is not set and there is no bus socket at ${runtime}/bus or /run/user/${uid}/bus`,
      },
      { source: 'netrc', outcome: 'found' },
    ]);
  }, 30_000);

  it('a bus socket at $XDG_RUNTIME_DIR/bus: the helper is started (and fails on a bus that hangs up)', async () => {
    const runtime = join(tmp, 'runtime');
    mkdirSync(runtime);
    const bus = createServer((s) => s.destroy());
    await new Promise<void>((r) => bus.listen(join(runtime, 'bus'), r));
    try {
      const keychain = createOsKeychain({ env: childEnv({ XDG_RUNTIME_DIR: runtime }), platform: 'linux' });
      await expect(keychain.get('lk', SERVER)).rejects.toMatchObject({ code: 'LK_CREDENTIAL_STORE' });
      expect(spawned).toHaveLength(1);
    } finally {
      await new Promise<void>((r) => bus.close(() => r()));
    }
  }, 30_000);

  it('LK_KEYCHAIN=off: no helper even with a session bus address; get, set and delete fail as `unavailable`', async () => {
    const keychain = createOsKeychain({ env: childEnv({ DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent', LK_KEYCHAIN: 'off' }), platform: 'linux' });
    const unavailable = { code: 'LK_CREDENTIAL_STORE', kind: 'unavailable', hint: expect.stringContaining('Unset LK_KEYCHAIN') };
    await expect(keychain.get('lk', SERVER)).rejects.toMatchObject({ ...unavailable, message: '[lk-sdk] No keychain here: turned off by LK_KEYCHAIN=off.' });
    await expect(keychain.set('lk', SERVER, KEY)).rejects.toMatchObject(unavailable);
    await expect(keychain.delete('lk', SERVER)).rejects.toMatchObject(unavailable);
    const mac = createOsKeychain({ env: { LK_KEYCHAIN: 'OFF' }, platform: 'darwin' });
    await expect(mac.get('lk', SERVER)).rejects.toMatchObject({ kind: 'unavailable', message: '[lk-sdk] No keychain here: turned off by LK_KEYCHAIN=OFF.' });
    expect(spawned).toEqual([]);
  }, 30_000);
});

describe('createOsKeychain with a hung D-Bus (accepts, never answers)', () => {
  let server: Server;
  let socketPath: string;
  const sockets: Socket[] = [];
  beforeEach(async () => {
    socketPath = join(tmp, 'silent-bus.sock');
    server = createServer((s) => {
      sockets.push(s);
      s.on('error', () => {});
    });
    await new Promise<void>((r) => server.listen(socketPath, r));
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('times out with kind `timeout`, and the chain passes over it with the reason in the trail', async () => {
    const keychain = createOsKeychain({ timeoutMs: 400, env: childEnv({ DBUS_SESSION_BUS_ADDRESS: `unix:path=${socketPath}` }), platform: 'linux' });
    await expect(keychain.get('lk', SERVER)).rejects.toMatchObject({
      code: 'LK_CREDENTIAL_STORE',
      kind: 'timeout',
      message: '[lk-sdk] The Secret Service did not answer within 400 ms.',
    });
    const ctx = defaultResolveContext(SERVER, { env: {}, homedir: undefined, keychain });
    const err = await chain(fromKeychain()).resolve(ctx).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'LK_NO_CREDENTIALS' });
    expect((err as { trail: unknown }).trail).toEqual([
      { source: 'keychain', outcome: 'skipped', reason: 'The Secret Service did not answer within 400 ms' },
    ]);
    // The helper really connected to the hung bus (the accept may be processed just after the
    // timeout fired, so wait for it).
    for (let i = 0; i < 100 && sockets.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(sockets.length).toBeGreaterThan(0);
  }, 30_000);

  it('a process whose keychain call timed out still exits on its own', async () => {
    const script = join(tmp, 'hang.mjs');
    writeFileSync(
      script,
      `
import { createOsKeychain } from ${JSON.stringify(distUrl('credentials/keychain/os-keychain.js'))};
const kc = createOsKeychain({ timeoutMs: 300 });
try { await kc.get('lk', 'x'); console.log('unexpected'); } catch (e) { console.log(e.kind); }
`,
    );
    const env = childEnv({ DBUS_SESSION_BUS_ADDRESS: `unix:path=${socketPath}` });
    const result = await run(process.execPath, [script], env, '', 20_000);
    expect({ stdout: result.stdout.trim(), code: result.code, signal: result.signal }).toEqual({ stdout: 'timeout', code: 0, signal: null });
  }, 30_000);
});

describe('the keychain helper process gets a minimal environment', () => {
  it('keeps what the keychain needs and drops LABKEY_API_KEY and everything else', () => {
    const env = helperEnv({
      PATH: '/usr/bin',
      HOME: '/home/a',
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1/bus',
      XDG_RUNTIME_DIR: '/run/user/1',
      LABKEY_API_KEY: 'lk_test_secret',
      LABKEY_SERVER: 'https://lk.test',
      NETRC: '/tmp/n',
      NODE_OPTIONS: '--require /tmp/evil.js',
      AWS_SECRET_ACCESS_KEY: 'x',
    });
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/home/a', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1/bus', XDG_RUNTIME_DIR: '/run/user/1' });
  });
});
