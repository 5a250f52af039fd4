// Real concurrency: separate node processes writing the same netrc file.
//
// Jest runs TypeScript through swc in-process, but child processes cannot. Instead of building the
// whole workspace (`tsc -b` is slow and fails on anyone's half-written file), beforeAll compiles
// just the writer and the modules it imports, with @swc/core, to ESM in a temp folder; the child
// script imports that.
import { transformFileSync } from '@swc/core';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, existsSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { parseNetrc } from './parse-netrc.js';
import { setNetrcEntryText, updateNetrcFile } from './write-netrc.js';

const SRC_ROOT = resolve(__dirname, '../..'); // packages/sdk/src
let build: string;
let work: string;

function compileTree(entry: string, outRoot: string, seen = new Set<string>()): void {
  if (seen.has(entry)) return;
  seen.add(entry);
  const { code } = transformFileSync(entry, {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'es6' },
  });
  const out = join(outRoot, relative(SRC_ROOT, entry)).replace(/\.ts$/, '.js');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, code);
  for (const m of code.matchAll(/from\s+['"](\.{1,2}\/[^'"]+)\.js['"]/g)) {
    compileTree(resolve(dirname(entry), `${m[1]}.ts`), outRoot, seen);
  }
}

const CHILD = `
import { setNetrcEntry } from './credentials/netrc/write-netrc.js';
const [file, host, mode] = process.argv.slice(2);
const password = process.env.LK_TEST_PASSWORD;
if (mode === 'once') {
  await setNetrcEntry(file, host, { login: 'apikey', password }, { lockTimeoutMs: 240000 });
} else {
  process.stdout.write('ready\\n');
  for (let i = 0; ; i++) await setNetrcEntry(file, host, { login: 'apikey', password: password + '_' + i });
}
`;

beforeAll(() => {
  build = mkdtempSync(join(tmpdir(), 'lk-netrc-build-'));
  writeFileSync(join(build, 'package.json'), '{"type":"module"}');
  compileTree(join(SRC_ROOT, 'credentials/netrc/write-netrc.ts'), build);
  writeFileSync(join(build, 'child.js'), CHILD);
});
afterAll(() => rmSync(build, { recursive: true, force: true }));
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'lk-netrc-proc-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

function child(file: string, host: string, mode: 'once' | 'loop', password: string): ChildProcess {
  // The (fake) key goes in the environment, never in argv.
  return spawn(process.execPath, [join(build, 'child.js'), file, host, mode], {
    env: { ...process.env, LK_TEST_PASSWORD: password },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function exited(p: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  let stderr = '';
  p.stderr!.on('data', (d) => (stderr += d));
  return new Promise((res) => p.on('exit', (code, signal) => res({ code, signal, stderr })));
}

test('50 writer processes at once, each adding a different host: all 50 entries are there', async () => {
  const file = join(work, '.netrc');
  const base = '# shared file\nmachine keep.example login apikey password lk_test_keep\n\ndefault login anonymous password guest\n';
  writeFileSync(file, base, { mode: 0o644 });
  const procs = Array.from({ length: 50 }, (_, i) => child(file, `host${i}.example`, 'once', `lk_test_${String(i).padStart(4, '0')}`));
  const results = await Promise.all(procs.map(exited));
  for (const r of results) expect(r).toEqual({ code: 0, signal: null, stderr: '' });

  const text = readFileSync(file, 'utf8');
  const n = parseNetrc(text);
  expect(n.warnings).toEqual([]);
  expect(n.entries).toHaveLength(52);
  for (let i = 0; i < 50; i++) {
    expect(n.lookup(`host${i}.example`)!.password.reveal()).toBe(`lk_test_${String(i).padStart(4, '0')}`);
  }
  // what was there is kept, byte for byte, and default stays last
  expect(text.startsWith('# shared file\nmachine keep.example login apikey password lk_test_keep\n\n')).toBe(true);
  expect(text.endsWith('default login anonymous password guest\n')).toBe(true);
  expect(n.entries.at(-1)!.kind).toBe('default');
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(readdirSync(work)).toEqual(['.netrc']); // no lock or temp file left behind
}, 300_000);

test('SIGKILL at random moments, 50 times: the file is always the old or the new content, and the stale lock never blocks', async () => {
  const file = join(work, '.netrc');
  const host = 'kill.example';
  const base = '# before\r\nmachine other.example\r\n  login apikey\r\n  password "lk_test other"\r\n\r\nmacdef init\r\ncd /pub\r\n\r\ndefault login anonymous password guest\r\n';
  writeFileSync(file, base, { mode: 0o600 });
  const contentFor = (pw: string | undefined): string => (pw === undefined ? base : setNetrcEntryText(base, host, { login: 'apikey', password: pw }));

  let old = base;
  let staleLocks = 0;
  let writesSeen = 0;
  for (let round = 0; round < 50; round++) {
    const prefix = `lk_test_r${round}`;
    const p = child(file, host, 'loop', prefix);
    const done = exited(p);
    const ready = await Promise.race([
      new Promise<boolean>((res) => p.stdout!.once('data', () => res(true))),
      done.then(() => false),
    ]);
    expect(ready).toBe(true); // the child started its write loop (did not crash)
    await new Promise((res) => setTimeout(res, Math.random() * 60));
    p.kill('SIGKILL');
    const r = await done;
    expect(r.signal).toBe('SIGKILL');

    const text = readFileSync(file, 'utf8');
    const n = parseNetrc(text); // always parses
    const pw = n.lookup(host)?.entry.kind === 'machine' ? n.lookup(host)!.password.reveal() : undefined;
    if (text !== old) {
      // new content: exactly the base file with this round's key
      expect(pw).toMatch(new RegExp(`^${prefix}_\\d+$`));
      writesSeen++;
    }
    expect(text).toBe(contentFor(pw));
    old = text;

    // The next writer gets through a lock the killed one left behind.
    const hadLock = existsSync(`${file}.lock`);
    const after = await updateNetrcFile(file, (t) => t, { lockTimeoutMs: 30_000 });
    expect(after.recoveredStaleLock).toBe(hadLock);
    if (hadLock) staleLocks++;
    expect(existsSync(`${file}.lock`)).toBe(false);
    // and temp files of the dead writer are cleaned up
    expect(readdirSync(work).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }
  expect(writesSeen).toBeGreaterThan(0);
  // Writers hold the lock for most of their loop, so some kills land while it is held.
  expect(staleLocks).toBeGreaterThan(0);
}, 300_000);
