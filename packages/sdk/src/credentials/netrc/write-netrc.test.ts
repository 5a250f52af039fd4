import { mkdtempSync, writeFileSync, readFileSync, chmodSync, statSync, symlinkSync, lstatSync, rmSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseNetrc } from './parse-netrc.js';
import {
  setNetrcEntryText,
  removeNetrcEntryText,
  renameNetrcMachineText,
  moveNetrcEntryBeforeDefaultText,
  setNetrcEntry,
  removeNetrcEntry,
  updateNetrcFile,
  tidyNetrcEntryText,
} from './write-netrc.js';
import { NetrcValueError } from '../../errors/netrc-value-error.js';
import { Secret } from '../../redact/secret.js';

const K = 'lk_test_0000000000000001';

describe('setNetrcEntryText', () => {
  test('replaces the password in place, keeping layout, quotes of others, comments and other entries', () => {
    const before = '# my hosts\nmachine a   login  apikey\tpassword old # rotated monthly\n\nmachine b login u password "p q"\n';
    const after = setNetrcEntryText(before, 'a', { login: 'apikey', password: K });
    expect(after).toBe(`# my hosts\nmachine a   login  apikey\tpassword ${K} # rotated monthly\n\nmachine b login u password "p q"\n`);
  });

  test('an omitted login keeps the current one', () => {
    const after = setNetrcEntryText('machine a login someone password old\n', 'a', { password: new Secret(K) });
    expect(after).toBe(`machine a login someone password ${K}\n`);
  });

  test('a Secret or a string password are the same', () => {
    const t = 'machine a login x password y\n';
    expect(setNetrcEntryText(t, 'a', { password: new Secret(K) })).toBe(setNetrcEntryText(t, 'a', { password: K }));
  });

  test('no change returns the same text', () => {
    const t = 'machine a login x password y\n';
    expect(setNetrcEntryText(t, 'a', { login: 'x', password: 'y' })).toBe(t);
  });

  test('a new entry goes before default (on its own lines), never after it', () => {
    const before = 'machine a\nlogin x\npassword y\n\ndefault\nlogin anonymous\npassword me@example\n';
    const after = setNetrcEntryText(before, 'new.example', { login: 'apikey', password: K });
    expect(after).toBe(`machine a\nlogin x\npassword y\n\nmachine new.example\nlogin apikey\npassword ${K}\ndefault\nlogin anonymous\npassword me@example\n`);
    const n = parseNetrc(after);
    expect(n.entries.map((e) => e.kind)).toEqual(['machine', 'machine', 'default']);
    expect(n.warnings).toEqual([]);
    expect(n.lookup('new.example')!.password.reveal()).toBe(K);
  });

  test('a new entry follows the style of the file: one line, or indented lines', () => {
    expect(setNetrcEntryText('machine a login x password y\n', 'b', { login: 'apikey', password: K })).toBe(
      `machine a login x password y\nmachine b login apikey password ${K}\n`,
    );
    expect(setNetrcEntryText('machine a\n    login x\n    password y\n', 'b', { login: 'apikey', password: K })).toBe(
      `machine a\n    login x\n    password y\nmachine b\n    login apikey\n    password ${K}\n`,
    );
  });

  test('a new entry in an empty file, and after a last line without a newline', () => {
    expect(setNetrcEntryText('', 'h', { login: 'apikey', password: K })).toBe(`machine h\nlogin apikey\npassword ${K}\n`);
    expect(setNetrcEntryText('# c', 'h', { login: 'apikey', password: K })).toBe(`# c\nmachine h\nlogin apikey\npassword ${K}\n`);
  });

  test('CRLF files get CRLF in new text', () => {
    const before = 'machine a\r\nlogin x\r\npassword y\r\n';
    const after = setNetrcEntryText(before, 'b', { login: 'apikey', password: K });
    expect(after).toBe(`machine a\r\nlogin x\r\npassword y\r\nmachine b\r\nlogin apikey\r\npassword ${K}\r\n`);
    const inserted = setNetrcEntryText('machine a\r\nlogin x\r\n', 'a', { password: K });
    expect(inserted).toBe(`machine a\r\nlogin x\r\npassword ${K}\r\n`);
  });

  test('a missing password or login is inserted inside the entry, after the token it follows', () => {
    expect(setNetrcEntryText('machine a login x\nmachine b login z\n', 'a', { password: K })).toBe(`machine a login x password ${K}\nmachine b login z\n`);
    expect(setNetrcEntryText('machine a password old\n', 'a', { login: 'apikey', password: 'old' })).toBe('machine a login apikey password old\n');
    expect(setNetrcEntryText('machine a\n  account acc\n', 'a', { login: 'l', password: 'p' })).toBe('machine a\n  login l\n  password p\n  account acc\n');
  });

  test('account: set, replaced, kept when omitted, removed with null', () => {
    const t = 'machine a\n  login x\n  password y\n  account one\nmachine b login q password r\n';
    expect(setNetrcEntryText(t, 'a', { password: 'y', account: 'two' })).toBe(t.replace('one', 'two'));
    expect(setNetrcEntryText(t, 'a', { password: 'z' })).toBe(t.replace('password y', 'password z'));
    expect(setNetrcEntryText(t, 'a', { password: 'y', account: null })).toBe('machine a\n  login x\n  password y\nmachine b login q password r\n');
    expect(setNetrcEntryText('machine a login x password y\n', 'a', { password: 'y', account: 'acc' })).toBe('machine a login x password y account acc\n');
  });

  test('a value some reader would split or misread is refused with a NetrcValueError, and nothing is written', () => {
    const cases: Array<[string, string]> = [
      ['', 'empty'],
      ['lk_test_with space', 'whitespace'],
      ['lk_test_tab\there', 'whitespace'],
      ['lk_test_\u00a0nbsp', 'non-ascii-space'],
      ['lk_test_\u2003em', 'non-ascii-space'],
      ['lk_test_\u200bzw', 'non-ascii-space'],
      ['lk_test_\u0000nul', 'control'],
      ['lk_test_quote"d', 'quote'],
      ['lk_test_back\\slash', 'backslash'],
      ['#lk_test_hash', 'comment-start'],
      ['default', 'keyword'],
      ['machine', 'keyword'],
      ['lk_test_line\nbreak', 'line-break'],
    ];
    const before = 'machine h login apikey password old\n';
    for (const [v, problem] of cases) {
      for (const field of ['password', 'login', 'account'] as const) {
        const creds = field === 'password' ? { password: v } : { password: K, [field]: v };
        let err: unknown;
        try {
          setNetrcEntryText(before, 'h', creds);
        } catch (e) {
          err = e;
        }
        expect(err).toBeInstanceOf(NetrcValueError);
        expect(err).toMatchObject({ code: 'LK_INVALID_ARGUMENT', field, problem });
        expect(JSON.stringify(err) + String(err)).not.toContain('lk_test_');
      }
    }
    // '#' inside a value, commas, '|' and e-mail logins are read the same by every reader
    for (const v of ['a#b', 'comma,ok', 'apikey|0123abcd', 'user@example.org']) {
      const t = setNetrcEntryText('', 'h', { login: v, password: v, account: v });
      expect(t).toBe(`machine h\nlogin ${v}\npassword ${v}\naccount ${v}\n`);
      expect(parseNetrc(t).lookup('h')).toMatchObject({ login: v, account: v });
    }
  });

  test('a quoted value glued to the next token is never merged with it on edit (issue 12)', () => {
    expect(setNetrcEntryText('machine a login apikey password "old"# work key\n', 'a', { password: K })).toBe(
      `machine a login apikey password ${K} # work key\n`,
    );
    const glued = 'machine a login apikey password "old"machine other login x password y\n';
    const after = setNetrcEntryText(glued, 'a', { password: K });
    expect(after).toBe(`machine a login apikey password ${K} machine other login x password y\n`);
    const n = parseNetrc(after);
    expect(n.lookup('a')!.password.reveal()).toBe(K);
    expect(n.lookup('other')!.password.reveal()).toBe('y');
    // removing a field glued to what follows keeps the tokens apart
    expect(setNetrcEntryText('machine a login apikey password p port "1"machine b login q password r\n', 'a', { password: 'p' })).toBe(
      'machine a login apikey password p machine b login q password r\n',
    );
  });

  test('the entry is left in the order machine, login, password, account (LabKey Java matches nothing else)', () => {
    expect(setNetrcEntryText('machine a password old login apikey\n', 'a', { password: K })).toBe(`machine a login apikey password ${K}\n`);
    expect(setNetrcEntryText('machine a\n  account acc\n  password old\n  login apikey\n', 'a', { login: 'apikey', password: K })).toBe(
      `machine a\n  login apikey\n  password ${K}\n  account acc\n`,
    );
    // a moved value keeps the token as written
    expect(setNetrcEntryText('machine a account "my acc" password old login apikey\n', 'a', { password: K })).toBe(
      `machine a login apikey password ${K} account "my acc"\n`,
    );
  });

  test('port and repeated keywords are taken out of the entry lk writes; other entries keep theirs', () => {
    const t = 'machine a login apikey port 8443 password old login apikey\nmachine b login u password v port 22\n';
    const after = setNetrcEntryText(t, 'a', { password: K });
    expect(after).toBe(`machine a login apikey password ${K}\nmachine b login u password v port 22\n`);
    expect(parseNetrc(after).entries[1]!.port).toBe('22');
    expect(parseNetrc(after).warnings).toEqual([]);
  });

  test('later duplicates of the host are removed; comments and other entries stay', () => {
    const t = 'machine a login x password one # first\n# keep me\nmachine b login u password v\nmachine A\n  login x\n  password two\n# tail\n';
    expect(setNetrcEntryText(t, 'a', { password: K })).toBe(`machine a login x password ${K} # first\n# keep me\nmachine b login u password v\n# tail\n`);
    // duplicates sharing a line
    expect(setNetrcEntryText('machine b login u password v\nmachine a login x password one machine a login y password two\n', 'a', { password: K })).toBe(
      `machine b login u password v\nmachine a login x password ${K}\n`,
    );
  });

  test('4,000 duplicates: one entry left, every other byte kept (the edit is linear, issue 12)', () => {
    const parts = ['# head\nmachine other login u password v\n'];
    for (let i = 0; i < 4000; i++) parts.push(`machine dup.example login apikey password old${i}\n# note ${i}\n`);
    parts.push('default login anonymous password guest\n');
    const before = parts.join('');
    const after = setNetrcEntryText(before, 'dup.example', { login: 'apikey', password: K });
    const n = parseNetrc(after);
    expect(n.entriesFor('dup.example')).toHaveLength(1);
    expect(n.lookup('dup.example')!.password.reveal()).toBe(K);
    let expected = `# head\nmachine other login u password v\nmachine dup.example login apikey password ${K}\n`;
    for (let i = 0; i < 4000; i++) expected += `# note ${i}\n`;
    expect(after).toBe(expected + 'default login anonymous password guest\n');
    const removed = removeNetrcEntryText(before, 'dup.example');
    expect(parseNetrc(removed).entriesFor('dup.example')).toEqual([]);
    expect(removed).toBe(expected.replace(`machine dup.example login apikey password ${K}\n`, '') + 'default login anonymous password guest\n');
  }, 20000);

  test('tidyNetrcEntryText: one entry, in order, no port, values unchanged', () => {
    const t = 'machine a password "p 1" port 80 login apikey\nmachine b login u password v\nmachine a login apikey password two\n';
    expect(tidyNetrcEntryText(t, 'a')).toBe('machine a login apikey password "p 1"\nmachine b login u password v\n');
    expect(tidyNetrcEntryText('machine a login x password y\n', 'a')).toBe('machine a login x password y\n');
    expect(tidyNetrcEntryText('machine b login x password y\n', 'a')).toBe('machine b login x password y\n');
  });

  test('the host may be a URL: its hostname is written', () => {
    const t = setNetrcEntryText('', 'https://user:pw@LK.Example:8443/labkey', { login: 'apikey', password: K });
    expect(t.startsWith('machine lk.example\n')).toBe(true);
    expect(setNetrcEntryText('machine LK.example login apikey password old\n', 'https://lk.example', { password: K })).toBe(
      `machine LK.example login apikey password ${K}\n`,
    );
  });

  test('an existing entry after default is updated and moved above default (curl would never read it there)', () => {
    const t = 'machine a login x password y\ndefault login d password d\n# late\nmachine b\n  login apikey\n  password old\n';
    expect(setNetrcEntryText(t, 'b', { password: K })).toBe(
      `machine a login x password y\nmachine b\n  login apikey\n  password ${K}\ndefault login d password d\n# late\n`,
    );
  });

  test('bad input: a host that is not a hostname, a value with a line break, a file that cannot be parsed', () => {
    expect(() => setNetrcEntryText('', 'a b', { password: 'x' })).toThrow(expect.objectContaining({ code: 'LK_INVALID_ARGUMENT' }));
    expect(() => setNetrcEntryText('', '', { password: 'x' })).toThrow(expect.objectContaining({ code: 'LK_INVALID_ARGUMENT' }));
    let err: unknown;
    try {
      setNetrcEntryText('', 'h', { password: 'lk_test_line\nbreak' });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'LK_INVALID_ARGUMENT' });
    expect(String(err)).not.toContain('lk_test_line');
    expect(() => setNetrcEntryText('machine a password "open', 'h', { password: 'x' })).toThrow(expect.objectContaining({ code: 'LK_NETRC_SYNTAX' }));
  });

  test('a file ending inside a macdef body: the new entry is not swallowed by the macro', () => {
    for (const before of ['macdef init\ncd /pub\n', 'macdef init\ncd /pub']) {
      const after = setNetrcEntryText(before, 'h', { login: 'apikey', password: K });
      expect(after.startsWith(before)).toBe(true);
      expect(parseNetrc(after).lookup('h')!.password.reveal()).toBe(K);
    }
  });
});

describe('removeNetrcEntryText', () => {
  test('an entry alone on its lines takes its lines; comments and blank lines around stay', () => {
    const t = '# a is work\nmachine a\n  login x\n  password y\n\n# b\nmachine b login u password v\n';
    expect(removeNetrcEntryText(t, 'a')).toBe('# a is work\n\n# b\nmachine b login u password v\n');
    expect(removeNetrcEntryText(t, 'b')).toBe('# a is work\nmachine a\n  login x\n  password y\n\n# b\n');
  });

  test('entries sharing a line: only the entry and its spaces go', () => {
    expect(removeNetrcEntryText('machine a login x machine b login y machine c login z\n', 'b')).toBe('machine a login x machine c login z\n');
    expect(removeNetrcEntryText('machine a login x machine b login y\n', 'a')).toBe('machine b login y\n');
    expect(removeNetrcEntryText('machine a login x # note\n', 'a')).toBe('# note\n');
  });

  test('every duplicate goes, so a dead entry never comes back; default stays', () => {
    const t = 'machine a login x password 1\nmachine b login b password b\nmachine A login x password 2\ndefault login d password d\n';
    const after = removeNetrcEntryText(t, 'a');
    expect(after).toBe('machine b login b password b\ndefault login d password d\n');
    expect(parseNetrc(after).lookup('a')!.entry.kind).toBe('default');
  });

  test('CRLF and no trailing newline', () => {
    expect(removeNetrcEntryText('machine a login x\r\nmachine b login y\r\n', 'a')).toBe('machine b login y\r\n');
    expect(removeNetrcEntryText('machine a login x\r\nmachine b login y', 'b')).toBe('machine a login x\r\n');
  });

  test('no entry: same text', () => {
    const t = 'machine a login x\n';
    expect(removeNetrcEntryText(t, 'zz')).toBe(t);
  });
});

describe('doctor helpers', () => {
  test('renameNetrcMachineText changes only the machine token', () => {
    const t = 'machine https://lk.example:8443/labkey # work\n  login apikey\n  password p\n';
    const n = parseNetrc(t);
    const out = renameNetrcMachineText(t, n.entries[0]!, 'https://lk.example:8443/labkey');
    expect(out).toBe('machine lk.example # work\n  login apikey\n  password p\n');
    expect(renameNetrcMachineText(t, 0, 'other.example')).toBe(t.replace('https://lk.example:8443/labkey', 'other.example'));
    expect(() => renameNetrcMachineText(t, 5, 'x')).toThrow(expect.objectContaining({ code: 'LK_INVALID_ARGUMENT' }));
  });

  test('moveNetrcEntryBeforeDefaultText moves the entry bytes above default', () => {
    const t = 'machine a login x\ndefault login d\nmachine late login l password "p q"\n# end\n';
    const n = parseNetrc(t);
    const out = moveNetrcEntryBeforeDefaultText(t, n.entries[2]!);
    expect(out).toBe('machine a login x\nmachine late login l password "p q"\ndefault login d\n# end\n');
    expect(parseNetrc(out).warnings).toEqual([]);
    expect(moveNetrcEntryBeforeDefaultText(out, 0)).toBe(out);
  });
});

describe('file writes', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lk-netrc-write-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const mode = (p: string): number => statSync(p).mode & 0o777;

  test('creates a missing file with mode 0600', async () => {
    const p = join(dir, '.netrc');
    const r = await setNetrcEntry(p, 'lk.example', { login: 'apikey', password: new Secret(K) });
    expect(r).toMatchObject({ path: p, changed: true, created: true, modeTightened: false, previousMode: undefined });
    expect(readFileSync(p, 'utf8')).toBe(`machine lk.example\nlogin apikey\npassword ${K}\n`);
    expect(mode(p)).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['.netrc']); // no temp or lock file left
    expect(JSON.stringify(r)).not.toContain(K);
  });

  test('a 0644 file becomes 0600, and the result says so', async () => {
    const p = join(dir, '.netrc');
    writeFileSync(p, 'machine a login x password y\n');
    chmodSync(p, 0o644);
    const r = await setNetrcEntry(p, 'b', { login: 'apikey', password: K });
    expect(r).toMatchObject({ changed: true, created: false, modeTightened: true, previousMode: 0o644 });
    expect(mode(p)).toBe(0o600);
  });

  test('an unchanged 0644 file is still tightened, without rewriting it', async () => {
    const p = join(dir, '.netrc');
    writeFileSync(p, 'machine a login x password y\n');
    chmodSync(p, 0o644);
    const ino = statSync(p).ino;
    const r = await setNetrcEntry(p, 'a', { password: 'y' });
    expect(r).toMatchObject({ changed: false, modeTightened: true, previousMode: 0o644 });
    expect(mode(p)).toBe(0o600);
    expect(statSync(p).ino).toBe(ino);
  });

  test('a symlinked netrc is written through to its target; the link stays a link', async () => {
    const target = join(dir, 'dotfiles-netrc');
    writeFileSync(target, 'machine a login x password y\n', { mode: 0o600 });
    const link = join(dir, '.netrc');
    symlinkSync('dotfiles-netrc', link);
    const r = await setNetrcEntry(link, 'b', { login: 'apikey', password: K });
    expect(r.path).toBe(target);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe(`machine a login x password y\nmachine b login apikey password ${K}\n`);
  });

  test('a dangling symlink: the target file is created', async () => {
    const link = join(dir, '.netrc');
    symlinkSync(join(dir, 'real'), link);
    await setNetrcEntry(link, 'b', { login: 'apikey', password: K });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'real'), 'utf8')).toContain(K);
  });

  test('CRLF is preserved on disk and the new entry lands before default', async () => {
    const p = join(dir, '.netrc');
    writeFileSync(p, 'machine a\r\nlogin x\r\npassword y\r\n\r\ndefault login anonymous password guest\r\n', { mode: 0o600 });
    await setNetrcEntry(p, 'b.example', { login: 'apikey', password: K });
    expect(readFileSync(p, 'utf8')).toBe(
      `machine a\r\nlogin x\r\npassword y\r\n\r\nmachine b.example\r\nlogin apikey\r\npassword ${K}\r\ndefault login anonymous password guest\r\n`,
    );
  });

  test('remove: a missing file stays missing; an entry goes', async () => {
    const p = join(dir, '.netrc');
    expect(await removeNetrcEntry(p, 'a')).toMatchObject({ changed: false, created: false });
    expect(existsSync(p)).toBe(false);
    writeFileSync(p, 'machine a login x password y\nmachine b login u password v\n', { mode: 0o600 });
    expect(await removeNetrcEntry(p, 'a')).toMatchObject({ changed: true });
    expect(readFileSync(p, 'utf8')).toBe('machine b login u password v\n');
  });

  test('a file that cannot be parsed is left untouched', async () => {
    const p = join(dir, '.netrc');
    const bad = 'machine a password "open\nmachine b\n';
    writeFileSync(p, bad, { mode: 0o600 });
    await expect(setNetrcEntry(p, 'c', { password: K })).rejects.toMatchObject({ code: 'LK_NETRC_SYNTAX' });
    expect(readFileSync(p, 'utf8')).toBe(bad);
    expect(readdirSync(dir)).toEqual(['.netrc']);
  });

  test('a missing folder is a CredentialStoreError', async () => {
    await expect(setNetrcEntry(join(dir, 'nope', '.netrc'), 'a', { password: K })).rejects.toMatchObject({ code: 'LK_CREDENTIAL_STORE' });
  });

  test('bad input is rejected before touching the file system', async () => {
    const p = join(dir, '.netrc');
    await expect(setNetrcEntry(p, 'bad host', { password: K })).rejects.toMatchObject({ code: 'LK_INVALID_ARGUMENT' });
    expect(existsSync(p)).toBe(false);
  });

  test('a held lock makes a writer wait, then fail with NetrcLockError', async () => {
    const p = join(dir, '.netrc');
    writeFileSync(`${p}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), time: Date.now(), nonce: 'x' }));
    const t0 = Date.now();
    await expect(setNetrcEntry(p, 'a', { password: K }, { lockTimeoutMs: 200 })).rejects.toMatchObject({ code: 'LK_NETRC_LOCK' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(200);
    expect(existsSync(p)).toBe(false);
  });

  test('a lock left by a dead process is recovered', async () => {
    const p = join(dir, '.netrc');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const deadPid = Number(dead.stdout.toString());
    writeFileSync(`${p}.lock`, JSON.stringify({ pid: deadPid, host: hostname(), time: Date.now(), nonce: 'x' }));
    const r = await setNetrcEntry(p, 'a', { password: K }, { lockTimeoutMs: 2000 });
    expect(r).toMatchObject({ changed: true, recoveredStaleLock: true });
    expect(existsSync(`${p}.lock`)).toBe(false);
  });

  test('a lock older than staleLockMs is recovered even if its pid is alive', async () => {
    const p = join(dir, '.netrc');
    writeFileSync(`${p}.lock`, JSON.stringify({ pid: process.pid, host: 'elsewhere', time: Date.now() - 60_000, nonce: 'x' }));
    const r = await setNetrcEntry(p, 'a', { password: K }, { staleLockMs: 30_000 });
    expect(r.recoveredStaleLock).toBe(true);
  });

  test('updateNetrcFile runs a doctor fix atomically', async () => {
    const p = join(dir, '.netrc');
    writeFileSync(p, 'machine https://lk.example login apikey password p\n', { mode: 0o600 });
    const r = await updateNetrcFile(p, (text) => renameNetrcMachineText(text, 0, 'https://lk.example'));
    expect(r.changed).toBe(true);
    expect(readFileSync(p, 'utf8')).toBe('machine lk.example login apikey password p\n');
  });

  test('concurrent writers in one process do not lose entries', async () => {
    const p = join(dir, '.netrc');
    await Promise.all(Array.from({ length: 20 }, (_, i) => setNetrcEntry(p, `h${i}.example`, { login: 'apikey', password: `lk_test_${i}` })));
    const n = parseNetrc(readFileSync(p, 'utf8'));
    expect(n.entries).toHaveLength(20);
    for (let i = 0; i < 20; i++) expect(n.lookup(`h${i}.example`)!.password.reveal()).toBe(`lk_test_${i}`);
  });
});
