/**
 * What the netrc reader and writer accept as the netrc file: a regular file of the user's own (or
 * none yet), reached through at most {@link MAX_NETRC_SYMLINKS} symbolic links, at most
 * {@link MAX_NETRC_BYTES} long. A device (`~/.netrc -> /dev/null`), FIFO, socket, folder, another
 * user's file or a link loop is an UnsafeNetrcFileError before anything is read or written: the
 * file is opened without following links and without blocking, and checked again on the open
 * descriptor, so a FIFO cannot hang lk and `/dev/zero` is never read.
 */
import { constants, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CredentialStoreError, UnsafeNetrcFileError, type NetrcFileProblem } from '../../errors/credential-errors.js';
import { closeFile, fstatFile, lstatPath as lstat, openFile, readFromFile, readLink as readlink, realPath as realpath } from '../fs-async.js';

/** Largest netrc file read (4 MiB: some 40,000 entries). @public */
export const MAX_NETRC_BYTES = 4 * 1024 * 1024;
/** Longest chain of symbolic links followed to the netrc file. */
export const MAX_NETRC_SYMLINKS = 8;

/** What is wrong with `st` as a netrc file lk may replace; undefined for a regular file of the user's. */
export function netrcFileProblem(st: Pick<Stats, 'isFile' | 'isDirectory' | 'isCharacterDevice' | 'isBlockDevice' | 'isFIFO' | 'isSocket' | 'uid'>): NetrcFileProblem | undefined {
  if (st.isCharacterDevice()) return 'character-device';
  if (st.isBlockDevice()) return 'block-device';
  if (st.isFIFO()) return 'fifo';
  if (st.isSocket()) return 'socket';
  if (st.isDirectory()) return 'directory';
  if (!st.isFile()) return 'character-device';
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) return 'other-owner';
  return undefined;
}

/**
 * The file a write to `path` lands in: symbolic links followed (at most {@link MAX_NETRC_SYMLINKS},
 * even to a target that does not exist yet), in its real folder. Throws UnsafeNetrcFileError when
 * the end of the chain is not a regular file of the user's or the chain is too long, and
 * CredentialStoreError when the folder is missing.
 */
export async function netrcWriteTarget(path: string): Promise<string> {
  let p = resolve(path);
  for (let hops = 0; hops <= MAX_NETRC_SYMLINKS; hops++) {
    let st: Stats;
    try {
      st = await lstat(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      return inRealFolder(p, path);
    }
    if (st.isSymbolicLink()) {
      p = resolve(dirname(p), await readlink(p));
      continue;
    }
    const problem = netrcFileProblem(st);
    if (problem) throw new UnsafeNetrcFileError(p, problem);
    return inRealFolder(p, path);
  }
  throw new UnsafeNetrcFileError(resolve(path), 'symlink-loop');
}

async function inRealFolder(p: string, asked: string): Promise<string> {
  try {
    return join(await realpath(dirname(p)), basename(p));
  } catch (e) {
    throw new CredentialStoreError('netrc', `The folder of ${asked} does not exist`, {
      file: asked,
      hint: `Create ${dirname(asked)} first, or set NETRC to a file in an existing folder.`,
      cause: e,
    });
  }
}

/**
 * Reads the netrc file the writer is about to replace (`target` from {@link netrcWriteTarget}),
 * opened without following a link and without blocking, checked on the descriptor; undefined when
 * it does not exist. Throws UnsafeNetrcFileError (not a regular file of the user's, too large).
 */
export async function readNetrcForWrite(target: string): Promise<{ text: string; mode: number } | undefined> {
  let fd;
  try {
    fd = await openFile(target, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw new UnsafeNetrcFileError(target, 'symlink-loop', { cause: e });
    throw e;
  }
  try {
    const st = await fstatFile(fd);
    const problem = netrcFileProblem(st);
    if (problem) throw new UnsafeNetrcFileError(target, problem);
    return { text: await readCapped(fd, target, st.size), mode: st.mode & 0o777 };
  } finally {
    await closeFile(fd).catch(() => undefined);
  }
}

/**
 * The text of the netrc file at `path` for the reader (links followed as every reader follows
 * them), at most {@link MAX_NETRC_BYTES}; a path that is not a regular file is refused before it
 * is read. Throws UnsafeNetrcFileError, or the file system's error (ENOENT, EACCES…).
 */
export async function readNetrcText(path: string): Promise<string> {
  const fd = await openFile(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const st = await fstatFile(fd);
    if (!st.isFile()) throw new UnsafeNetrcFileError(path, netrcFileProblem(st) ?? 'character-device');
    return await readCapped(fd, path, st.size);
  } finally {
    await closeFile(fd).catch(() => undefined);
  }
}

async function readCapped(fd: number, file: string, size: number): Promise<string> {
  if (size > MAX_NETRC_BYTES) throw new UnsafeNetrcFileError(file, 'too-large', { limit: MAX_NETRC_BYTES });
  // The size can change between fstat and the reads: stop one chunk past the cap.
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const buf = Buffer.allocUnsafe(64 * 1024);
    const { bytesRead } = await readFromFile(fd, buf, 0, buf.length, total);
    if (bytesRead === 0) break;
    chunks.push(buf.subarray(0, bytesRead));
    total += bytesRead;
    if (total > MAX_NETRC_BYTES) throw new UnsafeNetrcFileError(file, 'too-large', { limit: MAX_NETRC_BYTES });
  }
  return Buffer.concat(chunks, total).toString('utf8');
}
