import { useDoctorHarness } from '../testing.js';
import { hostEntry } from './host-entry.js';

describe('check: netrc entry for the server', () => {
  const h = useDoctorHarness();

  it('a machine entry for the hostname passes, with its lines', async () => {
    h.write(`machine a.org login apikey password lk_test_0001\nmachine 127.0.0.1\n  login apikey\n  password ${h.key()}\n`);
    expect(await h.check(hostEntry)).toMatchObject({ status: 'pass', detail: `machine 127.0.0.1 at ${h.netrc} lines 2-4.` });
  });

  it('matches the hostname case-insensitively, never the port', async () => {
    h.write(`machine LOCALHOST login apikey password ${h.key()}\n`);
    const r = await h.check(hostEntry, { server: `http://localhost:${h.server.port}/labkey` });
    expect(r.status).toBe('pass');
  });

  it('only `default` applies: a warning', async () => {
    h.write(`machine a.org login apikey password lk_test_0001\ndefault login apikey password ${h.key()}\n`);
    expect(await h.check(hostEntry)).toMatchObject({
      status: 'warn',
      detail: `No machine 127.0.0.1 in ${h.netrc}; the \`default\` entry at line 2 applies to it (and to every other host).`,
      fix: `Run \`lk auth login --server ${h.server.url}\` to add an entry for 127.0.0.1.`,
    });
  });

  it('no entry: fails with lk auth login as the fix', async () => {
    h.write('machine a.org login apikey password lk_test_0001\n');
    expect(await h.check(hostEntry)).toMatchObject({ status: 'fail', detail: `No machine 127.0.0.1 in ${h.netrc}.`, fix: `Run \`lk auth login --server ${h.server.url}\`.` });
  });

  it('only a misnamed entry (scheme, port): fails and points at the rewrite', async () => {
    h.write(`machine https://127.0.0.1:8443 login apikey password ${h.key()}\n`);
    expect(await h.check(hostEntry)).toMatchObject({
      status: 'fail',
      detail: 'No entry matches 127.0.0.1: the entry at line 1 names `https://127.0.0.1:8443`, which holds a scheme (https://) and a port (:8443), and netrc readers compare the hostname only.',
      fix: 'Change it to `machine 127.0.0.1` (`lk doctor --fix` does this).',
    });
  });

  it('no entry, but the key comes from LABKEY_API_KEY: passes', async () => {
    h.write('machine a.org login apikey password lk_test_0001\n');
    h.setEnv({ LABKEY_API_KEY: h.key() });
    expect((await h.check(hostEntry)).status).toBe('pass');
  });

  it('no server known: skipped, saying how to name one', async () => {
    h.write('machine a.org login apikey password lk_test_0001\n');
    const { gatherFacts } = await import('../facts.js');
    const r = await hostEntry.run(await gatherFacts({}, h.deps));
    expect(r).toMatchObject({ status: 'skip', fix: 'Pass --server URL, or run `lk auth login --server URL` once.' });
  });
});
