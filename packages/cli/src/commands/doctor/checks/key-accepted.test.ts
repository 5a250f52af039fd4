import { createServer as createHttpServer } from 'node:http';
import { startMockServer } from '@lk/mock-server';
import { outcomeOf } from '../doctor.js';
import { useDoctorHarness } from '../testing.js';
import { keyAccepted } from './key-accepted.js';

const HEX32 = '0123456789abcdef0123456789abcdef';

describe('check: key accepted', () => {
  const h = useDoctorHarness();

  it('an accepted key passes and names its owner', async () => {
    h.write(`machine 127.0.0.1 login apikey password ${h.key()}\n`);
    const detail = (await h.check(keyAccepted)).detail;
    expect(detail).toMatch(new RegExp(`^key [0-9a-f]{8} from ${h.netrc} line 1 is accepted: it belongs to alice@lk.test\\. `));
    // The newest generation (the mock's default) reads Bearer too: doctor recommends it.
    expect(detail).toContain(`This server also reads keys sent as \`Authorization: Bearer\` (LabKey 26.3 and later)`);
    expect(detail).toContain(`\`lk auth login --server ${h.server.url} --auth bearer\``);
  });

  it('a key that cannot be sent (an invisible character, whitespace inside) is not sent: the check names why, not "run lk doctor again"', async () => {
    // Before: "Could not check key … : LK_INVALID_ARGUMENT: The API key from option contains a
    // non-ASCII character …" with "fix: Run `lk doctor` again; if it persists, check the server."
    for (const [key, problem] of [
      [`\u200b${h.key()}`, 'it holds a character that is not plain ASCII (often an invisible one picked up by copy and paste, such as a zero-width space)'],
      [`${h.key().slice(0, 30)} ${h.key().slice(30)}`, 'it has whitespace inside it'],
    ] as const) {
      h.setEnv({ LABKEY_API_KEY: h.secret(key) });
      const keyed = () => h.server.requests.filter((q) => q.authForm !== 'none').length;
      const asked = keyed();
      const r = await h.check(keyAccepted);
      expect(r.status).toBe('fail');
      expect(r.detail).toMatch(/^key [0-9a-f]{8} from the environment variable LABKEY_API_KEY cannot be sent, so it was not tried: /);
      expect(r.detail).toContain(`: ${problem}`);
      expect(r.fix).toBe('Fix the key as the key format check says, then run `lk doctor` again.');
      expect(keyed()).toBe(asked); // only the guest probe of the server URL went out
    }
  });

  it('no Bearer recommendation from a server before 26.3', async () => {
    const old = await startMockServer({ labkeyVersion: '25.7' });
    try {
      const key = h.secret(old.state.issueApiKey('alice@lk.test').key);
      h.write(`machine 127.0.0.1 login apikey password ${key}\n`);
      const r = await h.check(keyAccepted, { server: old.url });
      expect(r.detail).toMatch(/is accepted: it belongs to alice@lk\.test\.$/);
    } finally {
      await old.close();
    }
  });

  it('a NEW key with a stray apikey| prefix: rejected, accepted without it; --fix strips it, other entries untouched', async () => {
    const key = h.key();
    const before = `machine a.org login apikey password lk_test_0001 # other\nmachine 127.0.0.1\n\tlogin apikey\n\tpassword apikey|${key}\n`;
    h.write(before);
    const r = await h.check(keyAccepted);
    expect(r.status).toBe('fail');
    expect(r.authError).toBe('LK_API_KEY_REJECTED');
    expect(r.detail).toMatch(/ is rejected \(the server answered 401 \(no account matches this key\)\), but the same key without the `apikey\|` prefix is accepted \(it belongs to alice@lk\.test\)/);
    expect(r.fix).toBe(`Remove \`apikey|\` from the password in ${h.netrc} line 2 (\`lk doctor --fix\` does this).`);
    const f = await h.diagnose({ fix: true });
    expect(f.fixed).toEqual([{ id: 'strip-prefix', description: `removed the stale \`apikey|\` prefix from the key in ${h.netrc} lines 2-4` }]);
    expect(h.read()).toBe(before.replace(`apikey|${key}`, key));
    expect(outcomeOf(f.checks)).toBe('ok');
  });

  it('a LEGACY key seeded as apikey|…: accepted as issued, and --fix never strips it', async () => {
    const legacy = h.secret(`apikey|${HEX32}`);
    h.server.state.seedApiKey('bob@lk.test', legacy);
    h.write(`machine 127.0.0.1 login apikey password ${legacy}\n`);
    expect((await h.check(keyAccepted)).status).toBe('pass');
    const f = await h.diagnose({ fix: true });
    expect(f.fixed).toEqual([]);
    expect(h.read()).toBe(`machine 127.0.0.1 login apikey password ${legacy}\n`);
  });

  it('a prefixed key in LABKEY_API_KEY: says to set it without the prefix (env is never edited)', async () => {
    h.setEnv({ LABKEY_API_KEY: `apikey|${h.key()}` });
    const r = await h.check(keyAccepted);
    expect(r.fix).toBe('Set LABKEY_API_KEY to the key without the `apikey|` prefix.');
    expect(r.repairs).toBeUndefined();
  });

  it('a revoked key: rejected (exit 4), with how to get a new one', async () => {
    const { key, rowId } = h.server.state.issueApiKey('alice@lk.test');
    h.secret(key);
    h.server.state.revokeApiKey(rowId);
    h.write(`machine 127.0.0.1 login apikey password ${key}\n`);
    const r = await h.check(keyAccepted);
    expect(r).toMatchObject({ status: 'fail', authError: 'LK_API_KEY_REJECTED' });
    // The SDK's diagnosis, in the words lk query prints for the same key.
    expect(r.detail).toContain('is rejected: it is not known to the server: it has expired or been revoked, or was never valid there.');
    // The page where a key is made, as lk auth login names it (before: "on <server> (your user menu → API Keys / External Tool Access)").
    expect(r.fix).toBe(`Create a new key on ${h.server.url}/home/security-externalToolsView.view, then run \`lk auth login --server ${h.server.url}\`.`);
  });

  it('an expired key is rejected too (the clock moves, no sleeping)', async () => {
    const { key } = h.server.state.issueApiKey('alice@lk.test', { expirationSeconds: 60 });
    h.secret(key);
    h.write(`machine 127.0.0.1 login apikey password ${key}\n`);
    expect((await h.check(keyAccepted)).status).toBe('pass');
    h.server.clock.advance(120_000);
    expect((await h.check(keyAccepted)).status).toBe('fail');
  });

  it('a rejected LABKEY_API_KEY while the netrc key works: says to unset it', async () => {
    h.write(`machine 127.0.0.1 login apikey password ${h.key()}\n`);
    h.setEnv({ LABKEY_API_KEY: h.secret('b'.repeat(64)) });
    const r = await h.check(keyAccepted);
    expect(r.fix).toBe(`Unset LABKEY_API_KEY: the key in ${h.netrc} line 1 is accepted.`);
  });

  it('a pre-2024 server that answers an unknown key as guest: rejected', async () => {
    const legacyServer = await startMockServer({ legacyAuth: true });
    try {
      h.write(`machine 127.0.0.1 login apikey password ${h.secret('e'.repeat(64))}\n`);
      const r = await h.check(keyAccepted, { server: legacyServer.url });
      expect(r.detail).toContain('the server answered as guest (it ignores keys it does not know)');
      expect(r.authError).toBe('LK_API_KEY_REJECTED');
    } finally {
      await legacyServer.close();
    }
  });

  it('no key anywhere: fails with lk auth login (exit 4)', async () => {
    const r = await h.check(keyAccepted);
    expect(r).toMatchObject({ status: 'fail', authError: 'LK_NO_CREDENTIALS', fix: `Run \`lk auth login --server ${h.server.url}\`.` });
    expect(r.detail).toMatch(/^No key for 127\.0\.0\.1\. Tried env: skipped \(LABKEY_API_KEY not set\); keychain: .*; netrc: skipped \(.*\)\.$/);
  });

  it('no key because the entry is misnamed: points at the repair instead (exit 1)', async () => {
    h.write(`machine 127.0.0.1:${h.server.port} login apikey password ${h.key()}\n`);
    const r = await h.check(keyAccepted);
    expect(r.status).toBe('fail');
    expect(r.authError).toBeUndefined();
    expect(r.fix).toContain('`lk doctor --fix` can');
  });

  it('a wrong context path: the key is still asked, where the server answers', async () => {
    h.write(`machine 127.0.0.1 login apikey password ${h.key()}\n`);
    const r = await h.check(keyAccepted, { server: h.server.origin });
    expect(r.status).toBe('pass');
    expect(r.detail).toMatch(new RegExp(`is accepted \\(asked at ${h.server.url.replace(/\./g, '\\.')}, where the server answers\\): it belongs to alice@lk\\.test\\.`));
  });

  it('no server answers at all: the key is not asked', async () => {
    h.write(`machine 127.0.0.1 login apikey password ${h.key()}\n`);
    // A web server with no LabKey behind it: an HTML 404 for every path, so no usual base answers either.
    const web = createHttpServer((_q, res) => res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>'));
    await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
    try {
      const origin = `http://127.0.0.1:${(web.address() as { port: number }).port}`;
      expect((await h.check(keyAccepted, { server: `${origin}/nothing/here` })).status).toBe('skip');
    } finally {
      await new Promise<void>((r) => web.close(() => r()));
    }
  });
});
