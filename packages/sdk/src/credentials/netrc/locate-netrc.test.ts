import { mkdtempSync, writeFileSync, chmodSync, mkdirSync, rmSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { locateNetrc, netrcWritePath, readNetrc, readNetrcFile } from './locate-netrc.js';
import type { CredentialFs, ResolveContext } from '../types.js';

const realFs: CredentialFs = {
  readFile: (p) => readFile(p, 'utf8'),
  stat: async (p) => {
    const s = await stat(p);
    return { mode: s.mode & 0o777, isFile: s.isFile() };
  },
};

function ctx(env: Record<string, string | undefined>, over: Partial<ResolveContext> = {}): ResolveContext {
  return { env, homedir: undefined, fs: realFs, keychain: undefined, now: () => new Date(0), platform: 'linux', server: undefined, ...over };
}

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'lk-netrc-home-'));
});
afterEach(() => {
  chmodSync(home, 0o700);
  rmSync(home, { recursive: true, force: true });
});

function put(name: string, text: string, mode = 0o600): string {
  const p = join(home, name);
  writeFileSync(p, text, { mode });
  chmodSync(p, mode);
  return p;
}

describe('locateNetrc', () => {
  test('NETRC wins, even over an existing ~/.netrc', async () => {
    put('.netrc', 'machine a login x password y');
    const other = put('other-netrc', '');
    const loc = await locateNetrc(ctx({ HOME: home, NETRC: other }));
    expect(loc).toEqual({ path: other, exists: true, reason: 'NETRC is set', candidates: [{ path: other, why: 'NETRC is set', exists: true }] });
  });

  test('NETRC naming a missing file is that file only: ~/.netrc is not read', async () => {
    put('.netrc', 'machine a login x password y');
    const missing = join(home, 'nope');
    const loc = await locateNetrc(ctx({ HOME: home, NETRC: missing }));
    expect(loc).toMatchObject({ path: missing, exists: false, reason: 'NETRC is set but the file does not exist' });
    const r = await readNetrc(ctx({ HOME: home, NETRC: missing }));
    expect(r.netrc).toBeUndefined();
  });

  test('an empty NETRC counts as unset', async () => {
    const p = put('.netrc', '');
    expect((await locateNetrc(ctx({ HOME: home, NETRC: '' }))).path).toBe(p);
  });

  test('~/.netrc, then ~/_netrc', async () => {
    const under = put('_netrc', '');
    let loc = await locateNetrc(ctx({ HOME: home }));
    expect(loc.path).toBe(under);
    expect(loc.reason).toBe('~/_netrc exists');
    expect(loc.candidates.map((c) => [c.why, c.exists])).toEqual([
      ['~/.netrc', false],
      ['~/_netrc', true],
    ]);
    const dot = put('.netrc', '');
    loc = await locateNetrc(ctx({ HOME: home }));
    expect(loc).toMatchObject({ path: dot, reason: '~/.netrc exists' });
    expect(loc.candidates).toHaveLength(1);
  });

  test('home is HOME, then USERPROFILE, then ctx.homedir', async () => {
    const p = put('.netrc', '');
    expect((await locateNetrc(ctx({ USERPROFILE: home }))).path).toBe(p);
    expect((await locateNetrc(ctx({ HOME: home, USERPROFILE: '/nonexistent' }))).path).toBe(p);
    expect((await locateNetrc(ctx({}, { homedir: home }))).path).toBe(p);
  });

  test('no file anywhere: no path, and the reason says what was checked', async () => {
    const loc = await locateNetrc(ctx({ HOME: home }));
    expect(loc.path).toBeUndefined();
    expect(loc.reason).toBe('NETRC is not set and there is no ~/.netrc or ~/_netrc');
    expect(loc.candidates).toHaveLength(2);
    expect((await locateNetrc(ctx({}))).reason).toContain('no home folder');
  });

  test('win32 joins with backslashes and checks .netrc then _netrc', async () => {
    const seen: string[] = [];
    const fakeFs: CredentialFs = {
      readFile: async () => '',
      stat: async (p) => {
        seen.push(p);
        if (p === 'C:\\Users\\me\\_netrc') return { mode: 0o666, isFile: true };
        throw Object.assign(new Error('nope'), { code: 'ENOENT' });
      },
    };
    const loc = await locateNetrc(ctx({ USERPROFILE: 'C:\\Users\\me' }, { platform: 'win32', fs: fakeFs }));
    expect(seen).toEqual(['C:\\Users\\me\\.netrc', 'C:\\Users\\me\\_netrc']);
    expect(loc.path).toBe('C:\\Users\\me\\_netrc');
  });
});

describe('readNetrc', () => {
  test('parses the file and returns its entries and path', async () => {
    const p = put('.netrc', 'machine lk.example login apikey password lk_test_000001\n');
    const r = await readNetrc(ctx({ HOME: home }));
    expect(r.path).toBe(p);
    expect(r.netrc!.file).toBe(p);
    expect(r.netrc!.lookup('https://lk.example/labkey')!.password.reveal()).toBe('lk_test_000001');
    expect(r.warnings).toEqual([]);
    expect(inspect(r, { depth: 10 })).not.toContain('lk_test_000001');
  });

  test('a file group or others can read is a warning, listed first', async () => {
    const p = put('.netrc', 'machine a login x password y\njunk\n', 0o644);
    const r = await readNetrc(ctx({ HOME: home }));
    expect(r.warnings.map((w) => w.code)).toEqual(['file-permissions', 'unknown-token']);
    expect(r.warnings[0]).toMatchObject({ file: p, mode: 0o644 });
    expect(r.warnings[0]!.message).toContain('chmod 600');
    const r2 = await readNetrc(ctx({ NETRC: p }, { platform: 'win32' })); // no mode bits to check there
    expect(r2.warnings.map((w) => w.code)).toEqual(['unknown-token']);
  });

  test('0600 and 0400 are fine', async () => {
    put('.netrc', 'machine a login x password y', 0o400);
    expect((await readNetrc(ctx({ HOME: home }))).warnings).toEqual([]);
  });

  test('an unreadable file is a CredentialStoreError', async () => {
    if (process.getuid?.() === 0) {
      // root reads anything; use a folder in the file's place instead
      mkdirSync(join(home, '.netrc'));
    } else {
      put('.netrc', 'machine a login x password y', 0o000);
    }
    await expect(readNetrc(ctx({ HOME: home }))).rejects.toMatchObject({ code: 'LK_CREDENTIAL_STORE', store: 'netrc' });
  });

  test('a folder where the file should be is a CredentialStoreError', async () => {
    mkdirSync(join(home, '.netrc'));
    await expect(readNetrc(ctx({ HOME: home }))).rejects.toMatchObject({ code: 'LK_CREDENTIAL_STORE' });
  });

  test('a file that cannot be parsed is a NetrcSyntaxError naming the file', async () => {
    const p = put('.netrc', 'machine a login x\npassword "lk_test_open\n');
    const err = await readNetrc(ctx({ HOME: home })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'LK_NETRC_SYNTAX', file: p, line: 2, column: 10 });
    expect(String(err)).not.toContain('lk_test_open');
  });
});

describe('readNetrcFile (the file as found, not parsed, never throwing for a bad file)', () => {
  it('gives the text and permission bits of the file every reader uses, even one that does not parse', async () => {
    const path = put('.netrc', 'machine "unterminated\n', 0o644);
    const r = await readNetrcFile(ctx({ HOME: home }));
    expect(r).toMatchObject({ path, exists: true, text: 'machine "unterminated\n', mode: 0o644 });
    expect(r.problem).toBeUndefined();
    await expect(readNetrc(ctx({ HOME: home }))).rejects.toMatchObject({ code: 'LK_NETRC_SYNTAX' });
    expect((await readNetrcFile(ctx({ HOME: home }, { platform: 'win32' }))).mode).toBeUndefined();
  });

  it('says why a file that exists cannot be read, where readNetrc throws', async () => {
    mkdirSync(join(home, '.netrc'));
    expect(await readNetrcFile(ctx({ HOME: home }))).toMatchObject({ exists: true, problem: { kind: 'not-a-file' } });
    await expect(readNetrc(ctx({ HOME: home }))).rejects.toMatchObject({ code: 'LK_CREDENTIAL_STORE' });
    const nofile = await readNetrcFile(ctx({ NETRC: join(home, 'missing') }));
    expect(nofile).toMatchObject({ exists: false });
    expect(nofile.text).toBeUndefined();
  });
});

describe('netrcWritePath (the file a writer uses)', () => {
  it('the file readers find, else a new ~/.netrc, else undefined', async () => {
    expect(await netrcWritePath(ctx({ HOME: home }))).toBe(join(home, '.netrc'));
    const underscore = put('_netrc', 'machine a.org login apikey password x\n');
    expect(await netrcWritePath(ctx({ HOME: home }))).toBe(underscore);
    expect(await netrcWritePath(ctx({ NETRC: join(home, 'elsewhere') }))).toBe(join(home, 'elsewhere'));
    expect(await netrcWritePath(ctx({}))).toBeUndefined();
  });
});
