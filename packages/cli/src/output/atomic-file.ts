/**
 * `--output FILE`, written atomically: a temp file in the same folder (so the rename cannot cross
 * file systems), fsynced and renamed over FILE only once the export is complete. Until then FILE
 * is as it was; a failed export leaves no partial FILE and removes its temp file, and so does one
 * stopped by Ctrl-C or `kill` (SIGINT, SIGTERM, SIGHUP: the temp file goes, then lk ends as it
 * would have: exit 130 for Ctrl-C, the signal for the others).
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { CliError } from '../cli-error.js';

export interface AtomicFile {
  /** The file being written (the temp file). */
  readonly tmp: string;
  readonly fd: number;
  /** Appends bytes or text at the end. */
  write(chunk: Uint8Array | string): void;
  /** fsync, close, rename over the target. */
  commit(): void;
  /** Close and remove the temp file (after a failure). Never throws. */
  discard(): void;
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export function openAtomicFile(target: string): AtomicFile {
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd = -1;
  let open = false;
  const close = () => {
    if (open) closeSync(fd);
    open = false;
  };
  const removeTmp = () => {
    unwatch();
    try {
      close();
    } catch {
      // already closed
    }
    rmSync(tmp, { force: true });
  };
  // Stopped before commit or discard (a signal, or an exit on the way): the temp file goes, and
  // stderr says that FILE was not written (a progress bar would otherwise be the last word).
  const stopped = () => {
    removeTmp();
    try {
      writeSync(2, `lk: stopped before the export was complete: ${target} was not written.\n`);
    } catch {
      // stderr is gone too
    }
  };
  // A signal lk has no handler for ends it once the temp file is gone; one it handles (the bin
  // exits 130 on SIGINT) ends it through process.exit, which runs the 'exit' listener.
  const onSignal = (signal: NodeJS.Signals) => {
    stopped();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const unwatch = () => {
    for (const sig of SIGNALS) process.off(sig, onSignal);
    process.off('exit', stopped);
  };
  // Watched before the temp file exists: a signal between its creation and the watch would end lk
  // with the temp file left behind (seen under load, where kill came right after the file appeared).
  for (const sig of SIGNALS) process.on(sig, onSignal);
  process.on('exit', stopped);
  try {
    fd = openSync(tmp, 'wx', 0o644);
    open = true;
  } catch (e) {
    unwatch();
    throw new CliError('LK_OUTPUT', `Cannot write ${target}: ${(e as Error).message}.`, {
      hint: 'Give --output a file in a folder that exists and that you may write to.',
      cause: e,
    });
  }
  return {
    tmp,
    fd,
    write(chunk) {
      if (typeof chunk === 'string') writeSync(fd, chunk);
      else for (let off = 0; off < chunk.byteLength; ) off += writeSync(fd, chunk, off);
    },
    commit() {
      fsyncSync(fd);
      close();
      renameSync(tmp, target);
      unwatch();
      try {
        const dir = openSync(dirname(target), 'r');
        try {
          fsyncSync(dir);
        } finally {
          closeSync(dir);
        }
      } catch {
        // Not every platform can fsync a folder; the rename is atomic all the same.
      }
    },
    discard() {
      unwatch();
      try {
        close();
      } catch {
        // already closed
      }
      rmSync(tmp, { force: true });
    },
  };
}
