/**
 * The netrc layouts the interop tier (test/interop) runs lk against, and the file handling its
 * tests share: each reader's test (netrc-readers: Python, curl, lk; r-netrc: R) places a layout
 * in a temporary HOME, runs the real `lk auth login`, `lk doctor --fix` and `lk auth logout`, and
 * reads the result with its real readers.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNetrc, type NetrcReadersFiles } from '@lk/sdk';
import type { TempHome } from '../helpers/temp-home.js';
import { trackSecret } from '../helpers/run-lk.js';

/** The mock server's host. */
export const H = '127.0.0.1';
/** A stale key some layouts hold for the server before login. */
export const OLD = trackSecret('b'.repeat(64), 'stale key');
/** A host no layout names. */
export const UNKNOWN = 'nothere.example';

export interface Case {
  name: string;
  /** ~/.netrc before login (undefined: no such file). `H` stands for the server's host. */
  dot?: string;
  /** ~/_netrc before login. */
  underscore?: string;
  /** A file elsewhere that NETRC names. */
  netrcEnv?: string;
  /** Python rejects the whole file (a `port` token on an entry that is not lk's): before and after. */
  pythonRejects?: boolean;
  /** Python rejects the file before login only (a macdef with no empty line after it, which lk closes). */
  pythonRejectsBefore?: boolean;
  /** `lk doctor --fix` moves other entries above `default`, where curl reads them. */
  fixMovesAboveDefault?: boolean;
}

export const OTHERS = 'machine git.example.org login me password lk_test_git_pw\nmachine files.example.org\n  login u2\n  password "p q"\n';
export const CORPUS: Case[] = [
  { name: 'none' },
  { name: 'empty', dot: '' },
  { name: 'other hosts', dot: OTHERS },
  { name: 'comments', dot: '# my machines\nmachine git.example.org login me password pw1 # the git box\n\n# machine old.example.org login x password gone\n' },
  { name: 'default before', dot: 'default login anonymous password guest\nmachine git.example.org login me password pw1\n', fixMovesAboveDefault: true },
  { name: 'default after', dot: 'machine git.example.org login me password pw1\ndefault login anonymous password guest\n' },
  { name: 'CRLF with final newline', dot: 'machine git.example.org\r\nlogin me\r\npassword pw1\r\n' },
  { name: 'CRLF without final newline', dot: 'machine git.example.org\r\nlogin me\r\npassword pw1' },
  { name: 'quoted values', dot: 'machine git.example.org login "me" password "with space"\n' },
  { name: 'stale key, one line', dot: `machine H login apikey password ${OLD}\nmachine git.example.org login me password pw1\n` },
  { name: 'stale key, several lines', dot: `machine git.example.org login me password pw1\n\nmachine H\n    login apikey\n    password ${OLD}\n` },
  { name: 'email login with account', dot: 'machine H login alice@lk.test password hunter2 account lab1\nmachine git.example.org login me password pw1 account acct\n' },
  { name: 'duplicates', dot: `machine H login apikey password ${OLD}\nmachine git.example.org login me password pw1\nmachine H login apikey password ${'c'.repeat(64)}\n` },
  { name: 'macdef at the end', dot: 'machine git.example.org login me password pw1\nmacdef init\ncd /pub\nbinary\n', pythonRejectsBefore: true },
  { name: 'tabs', dot: 'machine\tgit.example.org\tlogin\tme\tpassword\tpw1\n' },
  { name: 'no final newline', dot: 'machine git.example.org login me password pw1' },
  { name: '# in a password', dot: 'machine git.example.org login me password ab#cd\n' },
  { name: 'port on another entry', dot: 'machine git.example.org login me password pw1 port 22\n', pythonRejects: true },
  { name: 'password before login', dot: `machine H password ${OLD} login apikey\nmachine git.example.org login me password pw1\n` },
  { name: '_netrc only', underscore: 'machine git.example.org login me password pw1\n' },
  { name: 'NETRC elsewhere', netrcEnv: 'machine git.example.org login me password pw1\n', dot: 'machine files.example.org login u2 password pw2\n' },
  { name: 'commented-out entry for the server', dot: `# machine H login apikey password ${OLD}\nmachine git.example.org login me password pw1\n` },
];

/** Layouts where lk's own entry is one some reader misses, for `lk doctor`. */
export interface DoctorCase {
  name: string;
  /** ~/.netrc, ~/_netrc or the NETRC file; KEY is the good key, OLD a stale one. */
  text: string;
  where: 'dot' | 'underscore' | 'env';
  /** What doctor must say: the reader that fails, and why. */
  says: string[];
  /** `--fix` makes every reader send the key. */
  fixes: boolean;
  /** Python rejects the whole file until the fix (then it reads every entry, as lk does). */
  pythonRejectsBefore?: boolean;
}
export const DOCTOR: DoctorCase[] = [
  {
    name: 'duplicates',
    where: 'dot',
    text: `machine H login apikey password KEY\nmachine git.example.org login me password pw1\nmachine H login apikey password ${OLD}\n`,
    says: ['✗ Python (requests, netrc): ', 'it sends another key', 'Python reads the last (line 3)'],
    fixes: true,
  },
  {
    name: 'port on lk\'s entry',
    where: 'dot',
    text: 'machine git.example.org login me password pw1\nmachine H login apikey password KEY port 8080\n',
    says: ['✗ Python (requests, netrc): ', "Python's netrc module rejects", 'runs as guest'],
    fixes: true,
    pythonRejectsBefore: true,
  },
  {
    name: 'password before login',
    where: 'dot',
    text: 'machine H password KEY login apikey\nmachine git.example.org login me password pw1\n',
    says: ['✗ LabKey Java client: ', 'not in the order machine, login, password'],
    fixes: true,
  },
  {
    name: 'NETRC elsewhere',
    where: 'env',
    text: 'machine H login apikey password KEY\n',
    says: ['✗ R (Rlabkey, libcurl): ', '✗ curl: ', '✗ LabKey Java client: ', 'NETRC points at', 'read ~/.netrc'],
    fixes: false,
  },
  {
    name: '_netrc only',
    where: 'underscore',
    text: 'machine H login apikey password KEY\n',
    says: ['✗ R (Rlabkey, libcurl): ', '✗ curl: ', '✓ LabKey Java client', 'there is only', 'read only ~/.netrc here'],
    fixes: false,
  },
];

// ── files and processes ──

export function place(home: TempHome, text: string | undefined, where: 'dot' | 'underscore' | 'env'): void {
  if (text === undefined) return;
  const t = text.replace(/\bH\b/g, H);
  const path = where === 'dot' ? home.netrcPath : where === 'underscore' ? join(home.dir, '_netrc') : envFile(home);
  if (where === 'env') mkdirSync(join(home.dir, 'elsewhere'), { recursive: true });
  writeFileSync(path, t, { mode: 0o600 });
}
export const envFile = (home: TempHome) => join(home.dir, 'elsewhere', 'netrc');
export const envOf = (c: Case, home: TempHome): Record<string, string> => ({
  HOME: home.dir,
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  LANG: 'C.UTF-8',
  ...(c.netrcEnv !== undefined ? { NETRC: envFile(home) } : {}),
});
/** The file lk reads and writes: NETRC, else ~/.netrc, else ~/_netrc (else ~/.netrc, created). */
export const lkFile = (c: Case, home: TempHome): string =>
  c.netrcEnv !== undefined ? envFile(home) : existsSync(home.netrcPath) ? home.netrcPath : existsSync(join(home.dir, '_netrc')) ? join(home.dir, '_netrc') : home.netrcPath;

/** The files lk's reader models (netrcReadersView) look at, as they are now. */
export function readersFiles(c: Case, home: TempHome): NetrcReadersFiles {
  const f = (path: string) => ({ path, text: existsSync(path) ? readFileSync(path, 'utf8') : undefined });
  const files: NetrcReadersFiles = { platform: 'linux', dotNetrc: f(home.netrcPath), underscoreNetrc: f(join(home.dir, '_netrc')) };
  if (c.netrcEnv !== undefined) files.netrcEnv = f(envFile(home));
  files.lkFile = f(lkFile(c, home));
  return files;
}

// Asynchronous: the mock server answers from this very process.
export function run(cmd: string, args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, encoding: 'utf8', timeout: 60_000, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** The email a whoAmI answer names (undefined: not a JSON answer). */
export const emailOf = (body: string): string | undefined => {
  try {
    return (JSON.parse(body) as { email?: string }).email;
  } catch {
    return undefined;
  }
};

/**
 * Writes a corpus case's files into `home`; returns the environment lk and the readers run with
 * (NETRC when the case has a file elsewhere), the other machines the file names before login, and
 * the hosts to ask every reader about (the server's, those others, and one the file does not name).
 */
export function setUpCase(c: Case, home: TempHome): { env: Record<string, string>; others: string[]; hosts: string[] } {
  place(home, c.dot, 'dot');
  place(home, c.underscore, 'underscore');
  place(home, c.netrcEnv, 'env');
  const env: Record<string, string> = c.netrcEnv !== undefined ? { NETRC: envFile(home) } : {};
  const startText = existsSync(lkFile(c, home)) ? readFileSync(lkFile(c, home), 'utf8') : '';
  const others = parseNetrc(startText)
    .entries.filter((e) => e.kind === 'machine' && e.machine !== H)
    .map((e) => e.machine!);
  return { env, others, hosts: [H, ...new Set(others), UNKNOWN] };
}
