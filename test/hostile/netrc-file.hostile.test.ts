/**
 * The netrc writer and reader against paths that are not the user's regular file: a link to a private character device made with mknod, a FIFO, a socket, a folder,
 * another user's file, a link loop, a file past the size cap. Each is an UnsafeNetrcFileError
 * naming the path, nothing is read (no hang on the FIFO) and nothing is replaced.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_NETRC_BYTES, UnsafeNetrcFileError, readNetrc, removeNetrcEntry, setNetrcEntry, defaultResolveContext } from '@lk/sdk';

const KEY = 'lk_test_0000000000000000000000000000000000000000000000000000000000000042';
const isRoot = process.getuid?.() === 0;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lk-hostile-netrc-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function refused(path: string): Promise<UnsafeNetrcFileError> {
  const e = await setNetrcEntry(path, 'lk.test', { login: 'apikey', password: KEY }).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(UnsafeNetrcFileError);
  const err = e as UnsafeNetrcFileError;
  expect(err.code).toBe('LK_CREDENTIAL_STORE');
  expect(err.store).toBe('netrc');
  expect(err.message).toContain(err.file);
  expect(err.hint).toBeTruthy();
  expect(err.message + (err.hint ?? '')).not.toContain(KEY);
  return err;
}

/** A character device of our own in the temp folder (root, as CI runs), else /dev/null. */
function charDevice(): string {
  if (!isRoot) return '/dev/null';
  const dev = join(dir, 'null-device');
  execFileSync('mknod', ['-m', '666', dev, 'c', '1', '3']); // the same device as /dev/null
  return dev;
}

describe('the netrc writer checks what it is about to replace', () => {
  it('refuses a symlink to a character device and leaves both as they were', async () => {
    const dev = charDevice();
    const netrc = join(dir, '.netrc');
    symlinkSync(dev, netrc);
    const err = await refused(netrc);
    expect(err.problem).toBe('character-device');
    expect(err.file).toBe(dev);
    expect(lstatSync(netrc).isSymbolicLink()).toBe(true);
    expect(statSync(dev).isCharacterDevice()).toBe(true);
    expect(lstatSync(dev).isCharacterDevice()).toBe(true);
  });

  it('refuses a FIFO without opening it for a blocking read (no hang)', async () => {
    const fifo = join(dir, '.netrc');
    execFileSync('mkfifo', [fifo]);
    const err = await refused(fifo);
    expect(err.problem).toBe('fifo');
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    // The reader refuses it too, before reading.
    await expect(readNetrc({ ...defaultResolveContext(undefined, { keychain: undefined }), env: { NETRC: fifo } })).rejects.toMatchObject({ code: 'LK_CREDENTIAL_STORE' });
  });

  it('refuses a socket and a folder', async () => {
    const sock = join(dir, 'sock');
    const server = createServer();
    await new Promise<void>((r) => server.listen(sock, r));
    try {
      expect((await refused(sock)).problem).toBe('socket');
    } finally {
      await new Promise((r) => server.close(r));
    }
    const folder = join(dir, 'folder');
    mkdirSync(folder);
    expect((await refused(folder)).problem).toBe('directory');
  });

  it("refuses another user's file, reached through a symlink, and leaves it alone", async () => {
    let theirs: string;
    if (isRoot) {
      theirs = join(dir, 'theirs');
      writeFileSync(theirs, 'machine other.test login bob password theirs\n', { mode: 0o600 });
      chownSync(theirs, 12345, 12345);
    } else {
      theirs = '/etc/passwd';
    }
    const before = readFileSync(theirs, 'utf8');
    const netrc = join(dir, '.netrc');
    symlinkSync(theirs, netrc);
    const err = await refused(netrc);
    expect(err.problem).toBe('other-owner');
    expect(readFileSync(theirs, 'utf8')).toBe(before);
    expect(statSync(theirs).uid).not.toBe(process.getuid?.());
    await expect(removeNetrcEntry(netrc, 'other.test')).rejects.toMatchObject({ problem: 'other-owner' });
    expect(readFileSync(theirs, 'utf8')).toBe(before);
  });

  it('refuses a symlink loop and a chain longer than 8 links with a typed error, not ELOOP', async () => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    symlinkSync(b, a);
    symlinkSync(a, b);
    expect((await refused(a)).problem).toBe('symlink-loop');
    let prev = join(dir, 'real');
    writeFileSync(prev, '', { mode: 0o600 });
    for (let i = 0; i < 9; i++) {
      const link = join(dir, `l${i}`);
      symlinkSync(prev, link);
      prev = link;
    }
    expect((await refused(prev)).problem).toBe('symlink-loop');
    expect(readFileSync(join(dir, 'real'), 'utf8')).toBe('');
  });

  it('writes through a short chain of links to the final file, keeping the links', async () => {
    const real = join(dir, 'real');
    writeFileSync(real, 'machine other.test login bob password theirs\n', { mode: 0o600 });
    symlinkSync(real, join(dir, 'l1'));
    symlinkSync(join(dir, 'l1'), join(dir, '.netrc'));
    const r = await setNetrcEntry(join(dir, '.netrc'), 'lk.test', { login: 'apikey', password: KEY });
    expect(r.path).toBe(real);
    expect(lstatSync(join(dir, '.netrc')).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toContain('machine other.test login bob password theirs');
    expect(readFileSync(real, 'utf8')).toContain(KEY);
  });

  it('refuses a file past the size cap without reading it, in the writer and the reader', async () => {
    const big = join(dir, '.netrc');
    writeFileSync(big, '', { mode: 0o600 });
    truncateSync(big, MAX_NETRC_BYTES + 1);
    const err = await refused(big);
    expect(err.problem).toBe('too-large');
    expect(statSync(big).size).toBe(MAX_NETRC_BYTES + 1);
    await expect(readNetrc({ ...defaultResolveContext(undefined, { keychain: undefined }), env: { NETRC: big } })).rejects.toMatchObject({
      name: 'UnsafeNetrcFileError',
      problem: 'too-large',
    });
  });
});
