/**
 * A one-line progress indicator on stderr, only when stderr is a terminal (never in pipes, logs or
 * tests that capture stderr). Updated at most every `intervalMs`, erased at the end. Once the total
 * is known (the server's row count), it is a bar: `[#######-------------] 35% 350,000/1,000,000 rows`.
 */
import type { IO } from '../io.js';

export interface Progress {
  tick(rows: number): void;
  /** The number of rows expected, when the server said: the line becomes a bar. */
  total(rows: number): void;
  /** Erases the line if it is shown (before data goes to the same terminal); the next tick shows it again. */
  hide(): void;
  done(): void;
}

export function createProgress(io: IO, now: () => number, intervalMs = 100): Progress {
  if (!io.stderrIsTTY) return { tick() {}, total() {}, hide() {}, done() {} };
  let last = -Infinity;
  let shown = false;
  let expected: number | undefined;
  return {
    tick(rows) {
      const t = now();
      if (t - last < intervalMs) return;
      last = t;
      shown = true;
      io.err(`\r\u001b[K${io.style.dim(expected ? bar(rows, expected) : `Fetched ${rows} row${rows === 1 ? '' : 's'}…`)}`);
    },
    total(rows) {
      expected = rows > 0 ? rows : undefined;
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

const BAR_WIDTH = 20;

/** `[#######-------------] 35% 350,000/1,000,000 rows` */
export function bar(rows: number, total: number): string {
  const f = Math.min(1, rows / total);
  const full = Math.round(f * BAR_WIDTH);
  return `[${'#'.repeat(full)}${'-'.repeat(BAR_WIDTH - full)}] ${Math.floor(f * 100)}% ${rows.toLocaleString('en-US')}/${total.toLocaleString('en-US')} rows`;
}
