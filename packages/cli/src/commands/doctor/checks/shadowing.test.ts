import { KEYCHAIN_SERVICE, keychainAccountFor } from '@lk/sdk';
import { useDoctorHarness } from '../testing.js';
import { shadowing } from './shadowing.js';

describe('check: key sources (shadowing)', () => {
  const h = useDoctorHarness();

  it('one source: says which key is used, from where', async () => {
    h.write(`machine 127.0.0.1 login apikey password ${h.key()}\n`);
    expect((await h.check(shadowing)).detail).toMatch(new RegExp(`^lk uses key [0-9a-f]{8} from ${h.netrc} line 1\\.$`));
  });

  it('LABKEY_API_KEY with a different key: a warning by fingerprints, never values', async () => {
    h.write(`machine 127.0.0.1 login apikey password ${h.key()}\n`);
    h.setEnv({ LABKEY_API_KEY: h.key('bob@lk.test') });
    const r = await h.check(shadowing);
    expect(r.status).toBe('warn');
    expect(r.detail).toMatch(new RegExp(`^lk uses key ([0-9a-f]{8}) from the environment variable LABKEY_API_KEY; ${h.netrc} line 1 holds a different key \\(([0-9a-f]{8})\\), which is ignored\\.$`));
    // Never "run lk auth login" alone: it refuses while LABKEY_API_KEY is set.
    expect(r.fix).toBe(`Unset LABKEY_API_KEY to use the stored key; to store the variable's key instead, unset it, then run \`lk auth login --server ${h.server.url}\`.`);
  });

  it('LABKEY_API_KEY with the same key: passes', async () => {
    const key = h.key();
    h.write(`machine 127.0.0.1 login apikey password ${key}\n`);
    h.setEnv({ LABKEY_API_KEY: key });
    const r = await h.check(shadowing);
    expect(r.status).toBe('pass');
    expect(r.detail).toContain(`; ${h.netrc} line 1 holds the same key.`);
  });

  it('a keychain item with a different key shadows the netrc file', async () => {
    h.write(`machine 127.0.0.1 login apikey password ${h.key()}\n`);
    await h.deps.keychain.set(KEYCHAIN_SERVICE, keychainAccountFor(h.server.url), h.key('bob@lk.test'));
    const r = await h.check(shadowing);
    expect(r.status).toBe('warn');
    expect(r.detail).toContain(`from the keychain entry lk/${h.server.url}; ${h.netrc} line 1 holds a different key`);
    expect(r.fix).toBe(`Run \`lk auth logout --server ${h.server.url}\` to remove the keychain item, or \`lk auth login\` to store the right key there.`);
  });

  it('a source that fails (a broken netrc) is a warning with its reason', async () => {
    h.write('machine 127.0.0.1 login apikey password "open\n');
    h.setEnv({ LABKEY_API_KEY: h.key() });
    const r = await h.check(shadowing);
    expect(r.status).toBe('warn');
    expect(r.detail).toContain('netrc failed: LK_NETRC_SYNTAX: ');
  });
});
