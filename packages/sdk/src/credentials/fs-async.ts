/**
 * The node:fs calls the credential code awaits, as promises over Node's callback API. Not
 * node:fs/promises: loading it brings ten more of Node's own modules (its FileHandle's readLines
 * needs node:readline), ~1.3 ms of a process's start and ~3.5 ms under non-default V8 flags such
 * as lk's heap flags, which `lk auth token` would pay to read one small file. The same calls with
 * the same errors (code, syscall, path); `realpath` is the native one, as fs/promises' is.
 */
import { close, fstat, lstat, open, read, readFile, readlink, realpath, stat } from 'node:fs';
import { promisify } from 'node:util';

export const openFile = promisify(open);
export const closeFile = promisify(close);
export const fstatFile = promisify(fstat);
export const readFromFile = promisify(read);
export const statPath = promisify(stat);
export const lstatPath = promisify(lstat);
export const readLink = promisify(readlink);
export const realPath = promisify(realpath.native);
export const readWholeFile = promisify(readFile);
