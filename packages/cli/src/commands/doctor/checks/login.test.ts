import { outcomeOf } from '../doctor.js';
import { useDoctorHarness } from '../testing.js';
import { login } from './login.js';

describe('check: netrc login must be apikey', () => {
  const h = useDoctorHarness();

  it('login apikey passes', async () => {
    h.write(`machine 127.0.0.1 login apikey password ${h.key()}\n`);
    expect(await h.check(login)).toMatchObject({ status: 'pass', detail: 'login apikey (line 1).' });
  });

  it('an e-mail login with an accepted key as password: fails; --fix sets login apikey and nothing else', async () => {
    const key = h.key();
    const before = `machine 127.0.0.1 login alice@lk.test password ${key}\nmachine b.org login bob password pw # other\n`;
    h.write(before);
    const r = await h.check(login);
    expect(r.status).toBe('fail');
    expect(r.detail).toBe(
      'The entry at line 1 has login `alice@lk.test`, not `apikey`: LabKey reads the password as an API key only when the login is `apikey` (otherwise as an account password), so lk skips this entry.',
    );
    expect(r.fix).toBe('Change line 1 to `login apikey` (its password is an API key the server accepts for alice@lk.test; `lk doctor --fix` does this).');
    const f = await h.diagnose({ fix: true });
    expect(f.fixed.map((x) => x.id)).toEqual(['login-apikey']);
    expect(h.read()).toBe(before.replace('login alice@lk.test', 'login apikey'));
    expect(outcomeOf(f.checks)).toBe('ok');
  });

  it('no login at all, with an accepted key: --fix adds login apikey', async () => {
    const key = h.key();
    h.write(`machine 127.0.0.1 password ${key}\n`);
    expect((await h.check(login)).detail).toContain('has no login');
    await h.diagnose({ fix: true });
    expect(h.read()).toBe(`machine 127.0.0.1 login apikey password ${key}\n`);
  });

  it('an account password is never relabelled', async () => {
    h.write('machine 127.0.0.1 login alice@lk.test password alice-password\n');
    const r = await h.check(login);
    expect(r.status).toBe('fail');
    expect(r.repairs).toBeUndefined();
    expect(r.fix).toContain('if its password is an API key');
    const f = await h.diagnose({ fix: true });
    expect(f.fixed).toEqual([]);
    expect(h.read()).toBe('machine 127.0.0.1 login alice@lk.test password alice-password\n');
    expect(h.leaks(f)).toEqual([]);
    expect(JSON.stringify(f)).not.toContain('alice-password');
  });

  it('a login that looks like a key is not printed', async () => {
    const key = h.key();
    h.write(`machine 127.0.0.1 login ${key} password x\n`);
    expect((await h.check(login)).detail).toContain('has login (a value that looks like a key), not `apikey`');
  });
});
