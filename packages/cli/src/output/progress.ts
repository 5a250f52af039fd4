/**
 * A one-line progress indicator on stderr, only when stderr is a terminal (never in pipes, logs or
 * tests that capture stderr). Updated at most every `intervalMs`, erased at the end.
 */
import type { IO } from '../io.js';

export interface Progress {
  tick(rows: number): void;
  /** Erases the line if it is shown (before data goes to the same terminal); the next tick shows it again. */
  hide(): void;
  done(): void;
}

export function createProgress(io: IO, now: () => number, intervalMs = 100): Progress {
  if (!io.stderrIsTTY) return { tick() {}, hide() {}, done() {} };
  let last = -Infinity;
  let shown = false;
  return {
    tick(rows) {
      const t = now();
      if (t - last < intervalMs) return;
      last = t;
      shown = true;
      io.err(`\r\u001b[K${io.style.dim(`Fetched ${rows} row${rows === 1 ? '' : 's'}…`)}`);
    },
    hide() {
      if (shown) io.err('\r\u001b[K');
      shown = false;
    },
    done() {
      if (shown) io.err('\r\u001b[K');
    },
  };
}
