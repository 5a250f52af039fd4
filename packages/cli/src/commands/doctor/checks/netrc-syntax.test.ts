import { useDoctorHarness } from '../testing.js';
import { netrcSyntax } from './netrc-syntax.js';

describe('check: netrc syntax', () => {
  const h = useDoctorHarness();

  it('a clean file passes with its entry count', async () => {
    h.write(`machine a.org login apikey password lk_test_0001\nmachine 127.0.0.1 login apikey password ${h.key()}\n`);
    expect(await h.check(netrcSyntax)).toMatchObject({ status: 'pass', detail: `${h.netrc} parses cleanly (2 entries).` });
  });

  it('an unterminated quote fails with line and column, and never shows the token', async () => {
    const key = h.key();
    h.write(`machine a.org login apikey password lk_test_0001\nmachine 127.0.0.1 login apikey password "${key}\n`);
    const r = await h.check(netrcSyntax);
    expect(r.status).toBe('fail');
    expect(r.detail).toBe(`${h.netrc} line 2, column 41: unterminated quoted token (a quoted token must close on its own line). No client can use this file until it is fixed.`);
    expect(r.fix).toBe(`Edit ${h.netrc} at line 2: add the closing " on that line (a quoted value ends on the line it starts on), or remove the opening one.`);
    expect(h.leaks(r)).toEqual([]);
  });

  it('a keyword with no value fails with its line', async () => {
    h.write('machine a.org login apikey password lk_test_0001\n\nmachine 127.0.0.1 login apikey password\n');
    const r = await h.check(netrcSyntax);
    expect(r.status).toBe('fail');
    expect(r.detail).toContain(' line 3, column 32: keyword \'password\' has no value');
    // A value is the next token, whatever it is (a keyword too): quoting is never the fix.
    expect(r.fix).toBe(`Edit ${h.netrc} at line 3: write the keyword's value after it (e.g. \`password KEY\`), or delete the keyword; \`lk auth login\` writes a whole entry.`);
  });

  it('skipped tokens are a warning, one line each', async () => {
    h.write(`login stray\nmachine 127.0.0.1 login apikey password ${h.key()} bogus\n`);
    const r = await h.check(netrcSyntax);
    expect(r.status).toBe('warn');
    expect(r.detail.split('\n')).toEqual([
      `${h.netrc} parses, but some tokens are skipped:`,
      "line 1, column 1: 'login' outside any machine or default entry: skipped",
      expect.stringMatching(/^line 2, column \d+: unknown token skipped$/),
    ]);
  });

  it('a broken file is exit 1, not 4, and --fix leaves it (and makes no backup)', async () => {
    const text = `machine 127.0.0.1 login apikey password "${h.key()}\n`;
    h.write(text);
    const { outcomeOf } = await import('../doctor.js');
    const r = await h.diagnose({ fix: true });
    expect(outcomeOf(r.checks)).toBe('problems');
    expect(r.fixed).toEqual([]);
    expect(h.read()).toBe(text);
    expect(h.backups()).toEqual([]);
  });
});
