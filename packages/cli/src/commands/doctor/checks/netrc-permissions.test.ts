import { statSync } from 'node:fs';
import { join } from 'node:path';
import { useDoctorHarness } from '../testing.js';
import { netrcPermissions } from './netrc-permissions.js';

describe('check: netrc permissions', () => {
  const h = useDoctorHarness();

  it('0600 passes', async () => {
    h.write(`machine 127.0.0.1 login apikey password ${h.key()}\n`);
    expect(await h.check(netrcPermissions)).toMatchObject({ status: 'pass', detail: `${h.netrc} is mode 0600 (only you can read it).` });
  });

  it('0644 fails, with chmod as the fix and a repair', async () => {
    h.write(`machine 127.0.0.1 login apikey password ${h.key()}\n`, 0o644);
    const r = await h.check(netrcPermissions);
    expect(r).toMatchObject({
      status: 'fail',
      detail: `${h.netrc} is mode 0644: group and others can read it, and it holds API keys.`,
      fix: `chmod 600 ${h.netrc}  (or \`lk doctor --fix\`)`,
    });
    expect(r.repairs?.map((x) => x.id)).toEqual(['chmod-600']);
  });

  it('0660 names group read and write', async () => {
    h.write('machine a.org login apikey password lk_test_0001\n', 0o660);
    expect((await h.check(netrcPermissions)).detail).toBe(`${h.netrc} is mode 0660: group can read and write it, and it holds API keys.`);
  });

  it('--fix: 0600, content unchanged, a 0600 backup of the old file', async () => {
    const text = `# keep\nmachine 127.0.0.1 login apikey password ${h.key()}\n`;
    h.write(text, 0o604);
    const r = await h.diagnose({ fix: true });
    expect(r.fixed).toEqual([{ id: 'chmod-600', description: `set the mode of ${h.netrc} to 0600 (was 0604)` }]);
    expect(statSync(h.netrc).mode & 0o777).toBe(0o600);
    expect(h.read()).toBe(text);
    expect(h.backups()).toHaveLength(1);
    expect(statSync(join(h.home, h.backups()[0]!)).mode & 0o777).toBe(0o600);
    expect(h.read(h.backups()[0]!)).toBe(text);
    expect(r.checks.find((c) => c.id === 'netrc-permissions')?.status).toBe('pass');
  });

  it('skips when there is no file', async () => {
    expect((await h.check(netrcPermissions)).status).toBe('skip');
  });
});
