import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { PersistedState } from './state.js';

/** Read a data file; undefined when it does not exist. A malformed file is an error, never ignored. */
export function readDataFile(file: string): PersistedState | undefined {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  try {
    return JSON.parse(text) as PersistedState;
  } catch (e) {
    throw new Error(`lk-mock-server: data file ${file} is not valid JSON (${(e as Error).message}); fix or remove it`);
  }
}

/** Write to a temporary file in the same directory, fsync, then rename over the target. */
export function writeDataFileAtomic(file: string, data: PersistedState): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(data));
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      /* ignore */
    }
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, file);
}
