import { useDoctorHarness } from '../testing.js';
import { afterDefault } from './after-default.js';

describe('check: entries after default', () => {
  const h = useDoctorHarness();

  it('default last: pass', async () => {
    h.write(`machine 127.0.0.1 login apikey password ${h.key()}\ndefault login anonymous password guest\n`);
    expect(await h.check(afterDefault)).toMatchObject({ status: 'pass', detail: '`default` is the last entry.' });
  });

  it("the server's entry after default: a warning; --fix moves it (and another) above default, comments stay", async () => {
    const key = h.key();
    const before =
      '# top\nmachine a.org login apikey password lk_test_0001\n# the fallback\ndefault login anonymous password guest\n' +
      `# mine\nmachine 127.0.0.1 login apikey password ${key}\nmachine b.org\n  login apikey\n  password lk_test_0002\n# tail\n`;
    h.write(before);
    const r = await h.check(afterDefault);
    expect(r.status).toBe('warn');
    expect(r.detail.split('\n')).toEqual([
      'machine 127.0.0.1 at line 6 comes after `default` (line 4): curl and Rlabkey never read it.',
      'machine b.org at lines 7-9 comes after `default` (line 4): curl and Rlabkey never read it.',
      "lk reads it, but other tools send the `default` entry's login to 127.0.0.1 instead.",
    ]);
    const f = await h.diagnose({ fix: true });
    expect(f.fixed).toEqual([{ id: 'move-before-default', description: 'moved machine 127.0.0.1 (line 6), machine b.org (lines 7-9) before `default`' }]);
    expect(h.read()).toBe(
      '# top\nmachine a.org login apikey password lk_test_0001\n# the fallback\n' +
        `machine 127.0.0.1 login apikey password ${key}\nmachine b.org\n  login apikey\n  password lk_test_0002\n` +
        'default login anonymous password guest\n# mine\n# tail\n',
    );
    expect(f.checks.find((c) => c.id === 'entries-after-default')?.status).toBe('pass');
    expect(h.read(h.backups()[0]!)).toBe(before);
  });

  it('an entry after default for a host that already has one above it is not moved (it would stay dead)', async () => {
    const key = h.key();
    const before = `machine 127.0.0.1 login apikey password ${key}\ndefault login anonymous password guest\nmachine 127.0.0.1 login apikey password lk_test_0002\n`;
    h.write(before);
    const r = await h.check(afterDefault);
    expect(r.repairs).toEqual([]);
    expect(r.fix).toBe('Delete those entries: an entry for the same host comes first.');
    // Python reads that last entry: the readers check removes it (the server accepts the first key).
    const f = await h.diagnose({ fix: true });
    expect(f.fixed.map((x) => x.id)).toEqual(['readers-tidy-entry']);
    expect(h.read()).toBe(`machine 127.0.0.1 login apikey password ${key}\ndefault login anonymous password guest\n`);
  });
});
