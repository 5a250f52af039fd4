/**
 * The node:fs calls the credential code awaits: promises over node:fs's synchronous calls. The
 * files are the user's own small ones (a netrc file is refused past 4 MiB before it is read), and
 * a synchronous call spares the process libuv's thread pool: its first use starts the pool's
 * threads and every call after it is a round trip through them, which together cost ~3 ms of
 * `lk auth token` (a stat, a realpath and a netrc read; ~10% of a whole run). Not
 * node:fs/promises either: loading it brings ten more of Node's own modules (its FileHandle's
 * readLines needs node:readline), ~1.3 ms, ~3.5 ms under non-default V8 flags such as lk's heap
 * flags. The same calls with the same errors (code, syscall, path), as rejected promises;
 * `realpath` is the native one, as fs/promises' is.
 */
import { closeSync, fstatSync, lstatSync, openSync, readlinkSync, readSync, realpathSync, statSync } from 'node:fs';

export const openFile = async (path: string, flags: number): Promise<number> => openSync(path, flags);
export const closeFile = async (fd: number): Promise<void> => closeSync(fd);
export const fstatFile = async (fd: number) => fstatSync(fd);
export const readFromFile = async (fd: number, buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number; buffer: Buffer }> => ({
  bytesRead: readSync(fd, buffer, offset, length, position),
  buffer,
});
export const statPath = async (path: string) => statSync(path);
export const lstatPath = async (path: string) => lstatSync(path);
export const readLink = async (path: string): Promise<string> => readlinkSync(path);
export const realPath = async (path: string): Promise<string> => realpathSync.native(path);
