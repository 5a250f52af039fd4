import { useDoctorHarness } from '../testing.js';
import { duplicates } from './duplicates.js';

describe('check: duplicate machines (Python reads the last, the others the first)', () => {
  const h = useDoctorHarness();

  it('no duplicates: pass', async () => {
    h.write(`machine a.org login apikey password lk_test_0001\nmachine 127.0.0.1 login apikey password ${h.key()}\n`);
    expect((await h.check(duplicates)).status).toBe('pass');
  });

  it('a host listed twice (case differs): the later entry is named, by line, with who reads it', async () => {
    h.write(`machine 127.0.0.1 login apikey password ${h.key()}\nmachine A.org login apikey password lk_test_0001\n\nmachine a.ORG\n  login apikey\n  password lk_test_0002\n`);
    expect(await h.check(duplicates)).toMatchObject({
      status: 'warn',
      detail: 'machine a.ORG at lines 4-6 is read by Python only (the last entry wins there); lk, curl, R and the Java client read the entry at line 2.',
      fix: `Edit ${h.netrc}: delete lines 4-6.`,
    });
  });

  it("for the server's host: when the first key is rejected and a later one accepted, says which to keep", async () => {
    const good = h.key();
    const bad = h.secret('c'.repeat(64));
    const before = `machine 127.0.0.1 login apikey password ${bad}\nmachine 127.0.0.1 login apikey password ${good}\n`;
    h.write(before);
    const r = await h.check(duplicates);
    expect(r.detail.split('\n')).toEqual([
      'machine 127.0.0.1 at line 2 is read by Python only (the last entry wins there); lk, curl, R and the Java client read the entry at line 1.',
      'The server rejects the key at line 1 but accepts the one at line 2 (it belongs to alice@lk.test).',
    ]);
    expect(r.fix).toBe(`Edit ${h.netrc}: delete line 1 so that the entry at line 2 is used.`);
    // The server rejects the key lk keeps: removing the duplicate would drop the working key, so --fix leaves the file to the user.
    await h.diagnose({ fix: true });
    expect(h.read()).toBe(before);
  });
});
