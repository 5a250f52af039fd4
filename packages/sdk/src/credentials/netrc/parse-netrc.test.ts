import { inspect } from 'node:util';
import { parseNetrc, netrcHostname, type Netrc } from './parse-netrc.js';
import { NetrcSyntaxError } from '../../errors/credential-errors.js';

const pw = (n: Netrc, host: string): string | undefined => n.lookup(host)?.password.reveal();

function syntaxError(text: string, file?: string): NetrcSyntaxError {
  try {
    parseNetrc(text, file === undefined ? {} : { file });
  } catch (e) {
    expect(e).toBeInstanceOf(NetrcSyntaxError);
    return e as NetrcSyntaxError;
  }
  throw new Error('expected a NetrcSyntaxError');
}

describe('tokens', () => {
  test('tokens are separated by spaces, tabs, CR and LF', () => {
    const n = parseNetrc('machine\ta.example\r\nlogin  apikey\n\tpassword\tlk_test_1\r\n');
    expect(n.entries).toHaveLength(1);
    expect(n.entries[0]).toMatchObject({ kind: 'machine', machine: 'a.example', login: 'apikey' });
    expect(pw(n, 'a.example')).toBe('lk_test_1');
  });

  test('everything on one line works', () => {
    const n = parseNetrc('machine a login l1 password p1 machine b login l2 password p2');
    expect(n.entries.map((e) => e.machine)).toEqual(['a', 'b']);
    expect(pw(n, 'b')).toBe('p2');
  });

  test('a double-quoted token keeps spaces', () => {
    expect(pw(parseNetrc('machine a login x password "lk test with spaces"'), 'a')).toBe('lk test with spaces');
  });

  test('backslash escapes inside quotes: \\" \\\\ \\n \\t and \\x for any other x', () => {
    const n = parseNetrc('machine a login x password "q\\"b\\\\s\\nn\\tt\\zz"');
    expect(pw(n, 'a')).toBe('q"b\\s\nn\tt' + 'zz');
  });

  test('a quoted empty token is an empty value', () => {
    const n = parseNetrc('machine a login "" password ""');
    expect(n.entries[0]!.login).toBe('');
    expect(n.lookup('a')).toMatchObject({ login: '' });
    expect(pw(n, 'a')).toBe('');
  });

  test('a backslash in an unquoted token is literal (as in curl)', () => {
    expect(pw(parseNetrc('machine a login x password ab\\cd'), 'a')).toBe('ab\\cd');
  });

  test('a quoted machine name is unquoted, and machineRaw keeps what was written', () => {
    const n = parseNetrc('machine "a.example" login x password y');
    expect(n.entries[0]).toMatchObject({ machine: 'a.example', machineRaw: '"a.example"' });
  });

  test('a keyword in quotes is a value, not a keyword', () => {
    const n = parseNetrc('machine a login x password "default"');
    expect(pw(n, 'a')).toBe('default');
    expect(n.entries).toHaveLength(1);
  });

  test('commas are not separators: they stay inside tokens (curl, Python)', () => {
    const n = parseNetrc('machine a login x password p,q');
    expect(pw(n, 'a')).toBe('p,q');
    const m = parseNetrc('machine a.example, login x password y');
    expect(m.entries[0]!.machine).toBe('a.example,');
    expect(m.warnings.map((w) => w.code)).toContain('machine-not-hostname');
  });

  test('a UTF-8 BOM at the start is ignored', () => {
    expect(parseNetrc('\ufeffmachine a login x password y').entries[0]!.machine).toBe('a');
  });
});

describe('comments', () => {
  test('# inside a token is kept', () => {
    expect(pw(parseNetrc('machine a login x password ab#cd'), 'a')).toBe('ab#cd');
  });

  test('# at the start of a token starts a comment that runs to the end of the line', () => {
    const n = parseNetrc('machine a login x # password is below\npassword real\n');
    expect(pw(n, 'a')).toBe('real');
    expect(n.warnings).toEqual([]);
  });

  test('a commented-out machine is never an entry', () => {
    const n = parseNetrc('# machine evil.example login x password y\nmachine a login l password p\n');
    expect(n.entries.map((e) => e.machine)).toEqual(['a']);
    expect(n.lookup('evil.example')).toBeUndefined();
  });

  test('a commented-out machine after a blank line stays a comment (python/cpython#104306)', () => {
    const n = parseNetrc('machine a login l password p\n\n# machine b login x password y\n');
    expect(n.entries).toHaveLength(1);
    expect(n.lookup('b')).toBeUndefined();
  });

  test('a value may start with #: password #pass (CPython; curl 7.88 reads a comment there)', () => {
    const n = parseNetrc('machine a login x password #pass\nmachine b login y password q\n');
    expect(pw(n, 'a')).toBe('#pass');
    expect(pw(n, 'b')).toBe('q');
    expect(n.warnings).toEqual([]);
    expect(parseNetrc('machine a login #l password p').entries[0]!.login).toBe('#l');
  });

  test('password #pass #comment: the value is #pass and the rest of the line is a comment', () => {
    const n = parseNetrc('machine a login x password #pass #comment login not-read\nmachine b login y password q\n');
    expect(pw(n, 'a')).toBe('#pass');
    expect(n.entries[0]!.login).toBe('x');
    expect(n.entries.map((e) => e.machine)).toEqual(['a', 'b']);
    expect(n.warnings).toEqual([]);
  });

  test('a # inside a quoted token is not a comment', () => {
    expect(pw(parseNetrc('machine a login x password "#hash"'), 'a')).toBe('#hash');
  });
});

describe('macdef', () => {
  test('a macdef body is skipped up to the next empty line', () => {
    const text = 'macdef init\nmachine fake login f password f\ncd /pub\n\nmachine a login x password y\n';
    const n = parseNetrc(text);
    expect(n.entries.map((e) => e.machine)).toEqual(['a']);
    expect(n.entries[0]!.line).toBe(5);
  });

  test('a line of spaces does not end a macdef body (curl, Python)', () => {
    const n = parseNetrc('macdef m\nbody\n  \nmachine hidden login x password y\n\nmachine a login l password p');
    expect(n.entries.map((e) => e.machine)).toEqual(['a']);
  });

  test('a CRLF empty line ends a macdef body', () => {
    const n = parseNetrc('macdef m\r\nbody\r\n\r\nmachine a login l password p\r\n');
    expect(n.entries.map((e) => e.machine)).toEqual(['a']);
    expect(n.entries[0]!.line).toBe(4);
  });

  test('a macdef ends the entry before it', () => {
    const n = parseNetrc('machine a login l password p\nmacdef m\nx\n\nlogin stray\n');
    expect(n.entries[0]!.login).toBe('l');
    expect(n.warnings.map((w) => w.code)).toEqual(['token-outside-entry']);
  });

  test('a macdef that runs to the end of the file is a warning', () => {
    const n = parseNetrc('machine a login l password p\nmacdef m\nx\n');
    expect(n.entries).toHaveLength(1);
    expect(n.warnings.map((w) => w.code)).toEqual(['macdef-unterminated']);
  });
});

describe('lookup', () => {
  test('default applies only when no machine matched', () => {
    const n = parseNetrc('machine a login la password pa\ndefault login anon password pd\n');
    expect(pw(n, 'a')).toBe('pa');
    expect(pw(n, 'other')).toBe('pd');
    expect(n.lookup('other')!.entry.kind).toBe('default');
  });

  test('without default, an unknown host has no credentials', () => {
    expect(parseNetrc('machine a login x password y').lookup('b')).toBeUndefined();
  });

  test('for a machine listed twice the first entry wins, and the second is reported', () => {
    const n = parseNetrc('machine a login first password p1\nmachine a login second password p2\n');
    expect(n.lookup('a')).toMatchObject({ login: 'first' });
    expect(pw(n, 'a')).toBe('p1');
    expect(n.warnings).toEqual([expect.objectContaining({ code: 'duplicate-machine', line: 2, column: 1 })]);
  });

  test('an entry with neither login nor password is passed over: a later full entry for the host wins (curl)', () => {
    const n = parseNetrc('machine a\nmachine a login l password p\ndefault login d password d\n');
    expect(n.lookup('a')).toMatchObject({ login: 'l' });
    expect(pw(n, 'a')).toBe('p');
    expect(n.find('a')!.index).toBe(1);
    expect(n.warnings.map((w) => w.code)).toEqual(['empty-entry', 'duplicate-machine']);
    const m = parseNetrc('machine a account acct\nmachine a login l2 password p2\n');
    expect(pw(m, 'a')).toBe('p2');
  });

  test('an empty entry with no later entry for the host falls through to default (curl)', () => {
    const n = parseNetrc('machine a account acct\ndefault login d password dp\n');
    expect(n.lookup('a')).toMatchObject({ login: 'd' });
    expect(n.lookup('a')!.entry.kind).toBe('default');
    expect(parseNetrc('machine a\n').lookup('a')).toBeUndefined();
  });

  test('missing tokens come back as empty strings', () => {
    const n = parseNetrc('machine a password p');
    const r = n.lookup('a')!;
    expect(r.login).toBe('');
    expect(r.account).toBe('');
    expect(r.password.reveal()).toBe('p');
    const m = parseNetrc('machine a login l');
    expect(m.lookup('a')!.password.reveal()).toBe('');
  });

  test('account and port are read', () => {
    const n = parseNetrc('machine a login l password p account acc port 8443');
    expect(n.entries[0]).toMatchObject({ account: 'acc', port: '8443' });
    expect(n.lookup('a')).toMatchObject({ account: 'acc' });
  });

  test('matching is case-insensitive', () => {
    const n = parseNetrc('machine LabKey.Example.ORG login x password y');
    expect(pw(n, 'labkey.example.org')).toBe('y');
    expect(pw(n, 'HTTPS://LABKEY.EXAMPLE.ORG/labkey')).toBe('y');
  });

  test('a URL matches on its hostname only: the port and path are ignored', () => {
    const n = parseNetrc('machine lk.example login x password y');
    expect(pw(n, 'https://lk.example:8443/labkey/project/begin.view')).toBe('y');
    expect(pw(n, 'lk.example:8443')).toBe('y');
    // the port keyword is informational, never part of the match
    const m = parseNetrc('machine lk.example login x password y port 1');
    expect(pw(m, 'https://lk.example:2/')).toBe('y');
  });

  test('userinfo is never the host (requests CVE-2024-47081)', () => {
    const n = parseNetrc('machine evil.com login x password evilpw\nmachine good.com login g password goodpw\n');
    expect(pw(n, 'http://evil.com:@good.com')).toBe('goodpw');
    expect(pw(n, 'http://evil.com@good.com/')).toBe('goodpw');
    expect(pw(n, 'http://user:evil.com@good.com:8080/x')).toBe('goodpw');
    expect(pw(n, 'evil.com:@good.com')).toBe('goodpw');
  });

  test('IPv6 hosts match with or without brackets', () => {
    const n = parseNetrc('machine ::1 login x password v6\n');
    expect(pw(n, 'http://[::1]:8080/')).toBe('v6');
    expect(pw(n, '::1')).toBe('v6');
    expect(pw(n, '[::1]')).toBe('v6');
    const m = parseNetrc('machine [::1] login x password b6\n');
    expect(pw(m, 'http://[::1]/')).toBe('b6');
  });

  test('a machine holding a scheme or port never matches and is reported', () => {
    const n = parseNetrc('machine https://lk.example login x password y\nmachine lk.example:8443 login x password z\n');
    expect(n.lookup('https://lk.example')).toBeUndefined();
    expect(n.warnings.filter((w) => w.code === 'machine-not-hostname')).toHaveLength(2);
  });

  test('an unparsable URL is an InvalidArgumentError that does not echo the URL', () => {
    const n = parseNetrc('machine a login x password y');
    expect(() => n.lookup('http://user:lk_test_secret@[bad')).toThrow(expect.objectContaining({ code: 'LK_INVALID_ARGUMENT' }));
    try {
      n.lookup('http://user:lk_test_secret@[bad');
    } catch (e) {
      expect(String(e)).not.toContain('lk_test_secret');
    }
  });

  test('netrcHostname', () => {
    expect(netrcHostname('https://A.b:1/x')).toBe('a.b');
    expect(netrcHostname('a.b')).toBe('a.b');
    expect(netrcHostname('fe80::1')).toBe('fe80::1');
  });
});

describe('warnings and errors', () => {
  test('unknown tokens are skipped one by one and reported with line and column, without their text', () => {
    const n = parseNetrc('machine a login x\n  protocol lk_test_hidden password y\n');
    expect(pw(n, 'a')).toBe('y');
    expect(n.warnings).toEqual([
      expect.objectContaining({ code: 'unknown-token', line: 2, column: 3 }),
      expect.objectContaining({ code: 'unknown-token', line: 2, column: 12 }),
    ]);
    expect(JSON.stringify(n.warnings)).not.toContain('lk_test_hidden');
    expect(JSON.stringify(n.warnings)).not.toContain('protocol');
  });

  test('warnings carry the file name', () => {
    const n = parseNetrc('junk', { file: '/x/.netrc' });
    expect(n.file).toBe('/x/.netrc');
    expect(n.warnings[0]).toMatchObject({ file: '/x/.netrc', line: 1, column: 1 });
  });

  test('a machine after default is reported (curl never reads it)', () => {
    const n = parseNetrc('default login d password d\nmachine a login x password y\n');
    expect(pw(n, 'a')).toBe('y');
    expect(n.warnings.map((w) => w.code)).toEqual(['entry-after-default']);
  });

  test('a keyword repeated in one entry: the last one counts, with a warning', () => {
    const n = parseNetrc('machine a login one login two password p');
    expect(n.entries[0]!.login).toBe('two');
    expect(n.warnings.map((w) => w.code)).toEqual(['duplicate-token']);
  });

  test('an unterminated quote is a NetrcSyntaxError at the quote, without the value', () => {
    const e = syntaxError('machine a login x\n  password "lk_test_unterminated value\n', '/h/.netrc');
    expect(e.code).toBe('LK_NETRC_SYNTAX');
    expect(e).toMatchObject({ file: '/h/.netrc', line: 2, column: 12, kind: 'unterminated-quote' });
    expect(e.message).toContain('/h/.netrc:2:12');
    expect(e.message).not.toContain('lk_test_unterminated');
    expect(JSON.stringify(e)).not.toContain('lk_test_unterminated');
    expect(inspect(e)).not.toContain('lk_test_unterminated');
  });

  test('an unterminated quote at the end of the file', () => {
    expect(syntaxError('machine a password "abc')).toMatchObject({ line: 1, column: 20 });
  });

  test('a keyword without a value at the end of the file is a NetrcSyntaxError at the keyword', () => {
    const e = syntaxError('machine a login x\npassword');
    expect(e).toMatchObject({ line: 2, column: 1, code: 'LK_NETRC_SYNTAX', kind: 'missing-value' });
    expect(e.message).toContain("'password'");
    expect(syntaxError('machine')).toMatchObject({ line: 1, column: 1 });
    expect(syntaxError('machine a\nmacdef')).toMatchObject({ line: 2, column: 1 });
  });

  test('a keyword in value position is the value (CPython, curl): login machine password default', () => {
    const n = parseNetrc('machine a login machine password default\nmachine b login x password y\n');
    expect(n.entries.map((e) => e.machine)).toEqual(['a', 'b']);
    expect(n.lookup('a')).toMatchObject({ login: 'machine' });
    expect(pw(n, 'a')).toBe('default');
    expect(pw(n, 'b')).toBe('y');
    expect(n.warnings).toEqual([]);
    // the token after the value is read as a keyword again
    const m = parseNetrc('machine a login password lk_test_value');
    expect(m.entries[0]!.login).toBe('password');
    expect(m.entries[0]!.password).toBeUndefined();
    expect(m.warnings.map((w) => w.code)).toEqual(['unknown-token']);
  });

  test('tokens before any entry are reported', () => {
    const n = parseNetrc('login x password y\nmachine a login l password p');
    expect(n.warnings.map((w) => w.code)).toEqual(['token-outside-entry', 'token-outside-entry']);
    expect(n.entries).toHaveLength(1);
  });
});

describe('files', () => {
  test('empty and whitespace-only files have no entries', () => {
    for (const t of ['', '\n', '  \r\n\t', '# only a comment']) {
      const n = parseNetrc(t);
      expect(n.entries).toEqual([]);
      expect(n.warnings).toEqual([]);
      expect(n.lookup('a')).toBeUndefined();
    }
  });

  test('no trailing newline', () => {
    expect(pw(parseNetrc('machine a login x password last'), 'a')).toBe('last');
  });

  test('CRLF files: CR is never part of a value, and lines count right', () => {
    const n = parseNetrc('# c\r\nmachine a\r\nlogin x\r\npassword y\r\n\r\nmachine b login u password v\r\n');
    expect(pw(n, 'a')).toBe('y');
    expect(n.entries[0]!.login).toBe('x');
    expect(n.entries[1]).toMatchObject({ line: 6, column: 1 });
  });

  test('entry positions: line, column, start, end, endLine and field offsets', () => {
    const text = '# head\n  machine a\n    login x\n    password "p q"\n\ndefault login d\n';
    const n = parseNetrc(text);
    const [a, d] = n.entries;
    expect(a).toMatchObject({ line: 2, column: 3, endLine: 4, index: 0 });
    expect(text.slice(a!.start, a!.end)).toBe('machine a\n    login x\n    password "p q"');
    expect(a!.fields.map((f) => f.key)).toEqual(['machine', 'login', 'password']);
    const p = a!.fields[2]!;
    expect(text.slice(p.valueStart, p.valueEnd)).toBe('"p q"');
    expect(p).toMatchObject({ line: 4, column: 5, quoted: true });
    expect(d).toMatchObject({ kind: 'default', line: 6, column: 1, index: 1 });
    expect(text.slice(d!.start, d!.end)).toBe('default login d');
  });

  test('no printable form of a parse result shows a password', () => {
    const n = parseNetrc('machine a login x password lk_test_000000000001\ndefault password lk_test_000000000002');
    for (const out of [JSON.stringify(n), inspect(n, { depth: 10 }), String(n.lookup('a')!.password), JSON.stringify(n.lookup('zz'))]) {
      expect(out).not.toContain('lk_test_');
    }
  });
});

describe('warnings never show a token that a non-ASCII space glued together', () => {
  it('names the machine by its position, not its text', () => {
    const key = 'lk_test_0000000000000000000000000000000000000000000000000000000000000099';
    for (const sp of ['\u00a0', '\u2003', '\u3000']) {
      const text = `machine lk.test${sp}login${sp}apikey${sp}password${sp}${key}\nmachine lk.test${sp}login${sp}apikey${sp}password${sp}${key}\n`;
      const { warnings } = parseNetrc(text);
      expect(warnings.length).toBeGreaterThan(0);
      for (const w of warnings) expect(w.message).not.toContain(key);
      expect(warnings.map((w) => w.message).join('\n')).toMatch(/the machine name at line 2, column 9/);
    }
  });
});
