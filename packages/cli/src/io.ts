/**
 * Terminal I/O for lk. Data goes to stdout, human messages to stderr. Commands receive an {@link IO}
 * through their deps and never touch `process.stdout`/`process.stdin` themselves, so tests can use
 * {@link createTestIO} and read what was written.
 */
import { fstatSync, statSync, writeSync, type Stats } from 'node:fs';
import { CliError } from './cli-error.js';

export interface Style {
  ok(s: string): string;
  fail(s: string): string;
  warn(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

export interface IO {
  /**
   * Writes data (text, or UTF-8 bytes) to stdout. Resolves once the stream accepts more
   * (back-pressure for long outputs). `released`, when given, is called once the IO holds `s` no
   * longer (written, or dropped): the caller may then reuse its memory.
   */
  out(s: string | Uint8Array, released?: () => void): Promise<void>;
  /** Writes a human message to stderr. */
  err(s: string): void;
  readonly stdinIsTTY: boolean;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  /** Colors on stderr: only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
  readonly style: Style;
  /** True once stdout is gone (EPIPE, e.g. `lk query … | head`): long outputs stop early. */
  readonly stdoutClosed: boolean;
  /** All of stdin as text (for `--with-token`). */
  readStdin(): Promise<string>;
  /** Asks on stderr and reads one line from the terminal without echoing it. */
  promptSecret(question: string): Promise<string>;
  /** Asks on stderr and reads one visible line from the terminal. */
  prompt(question: string): Promise<string>;
}

const plain: Style = { ok: (s) => s, fail: (s) => s, warn: (s) => s, bold: (s) => s, dim: (s) => s };
const sgr = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;
const colored: Style = { ok: sgr(32, 39), fail: sgr(31, 39), warn: sgr(33, 39), bold: sgr(1, 22), dim: sgr(2, 22) };

/** Whether to color a stream, following https://no-color.org and TERM=dumb. */
export function useColor(isTTY: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  if (!isTTY) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return env.TERM !== 'dumb';
}

export function styleFor(color: boolean): Style {
  return color ? colored : plain;
}

function cancelled(): CliError {
  return new CliError('LK_CANCELLED', 'Cancelled.', { kind: 'error' });
}

/** Reads a line from a raw-mode TTY without echo. Handles paste (many characters per chunk), backspace, Ctrl-C, Ctrl-D. */
function readHidden(stdin: NodeJS.ReadStream, stderr: NodeJS.WriteStream, question: string, echo: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    stderr.write(question);
    let value = '';
    const wasRaw = stdin.isRaw;
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    const finish = (err?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(wasRaw);
      stdin.pause();
      stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish();
        if (ch === '\u0003') return finish(cancelled());
        if (ch === '\u007f' || ch === '\b') {
          if (value.length > 0) {
            value = value.slice(0, -1);
            if (echo) stderr.write('\b \b');
          }
          continue;
        }
        value += ch;
        if (echo) stderr.write(ch);
      }
    };
    stdin.on('data', onData);
    stdin.resume();
  });
}

/**
 * What fd 1 or 2 is, asked of the file (fstat) rather than of node:tty: creating `process.stdout`
 * or `process.stderr` (or loading node:tty) loads node:stream and node:net, ~4 ms of lk's start-up
 * and ~10 ms under the bin's heap flags (which make V8 reject Node's code cache for its own
 * modules), so lk creates them only when it must. undefined: not a file lk can stat.
 */
function statFd(fd: number): Stats | undefined {
  try {
    return fstatSync(fd);
  } catch {
    return undefined;
  }
}

/** The device number of /dev/null (null: none here, e.g. on Windows), asked once. */
let nullDevice: number | null | undefined;

/**
 * Whether `fd` may be a terminal: a terminal is a character device, a pipe or a file never is, and
 * neither is /dev/null (`lk auth token >/dev/null`, `2>/dev/null` in scripts), told apart by its
 * device number, which a character device's stat carries (its rdev; any name for it has the same).
 */
function mayBeTerminal(st: Stats | undefined): boolean {
  if (st === undefined) return true; // not statable: let Node's stream decide what it is
  if (!st.isCharacterDevice()) return false;
  if (nullDevice === undefined) {
    try {
      const n = statSync('/dev/null');
      nullDevice = n.isCharacterDevice() ? n.rdev : null;
    } catch {
      nullDevice = null;
    }
  }
  return st.rdev !== nullDevice;
}

/**
 * Whether fd 1 and fd 2 are the same pipe or socket (`2>&1 | reader`). Only there can a message
 * overtake data: Node writes a pipe asynchronously, so stdout's bytes may wait in process.stdout's
 * queue while a message written after them goes out at once. Files and terminals are written
 * synchronously (no queue), and a message to another place than the data keeps no order with it
 * (nor should it wait behind a slow reader of the data, e.g. `lk query … | less` with warnings on
 * the terminal).
 */
function samePipe(a: Stats | undefined, b: Stats | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  return (a.isFIFO() || a.isSocket()) && a.dev === b.dev && a.ino === b.ino;
}

/** What lk writes to a pipe or a file with write(2) itself before it hands the fd to Node's stream. */
const DIRECT_BYTES = 65_536;

/**
 * Output to fd 1 or 2. To a pipe or a file, the first {@link DIRECT_BYTES} go out by write(2)
 * directly (as Node's stream would write them at once, without creating it); after that, or when
 * a write would block (a full non-blocking pipe), or on a terminal, everything goes through
 * `process.stdout` / `process.stderr`, so a long output never blocks lk while the reader catches
 * up. Returns false when the stream did not take all (wait for 'drain').
 */
function createSink(fd: 1 | 2, st: Stats | undefined, getStream: () => NodeJS.WriteStream): (s: string | Uint8Array, released?: () => void) => boolean {
  let direct = !mayBeTerminal(st);
  let written = 0;
  return (s, released) => {
    if (direct) {
      const buf = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
      let off = 0;
      try {
        while (off < buf.length) off += writeSync(fd, buf, off);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      }
      written += off;
      if (written >= DIRECT_BYTES || off < buf.length) direct = false;
      if (off === buf.length) {
        released?.();
        return true;
      }
      // The stream holds the rest until its write is done (its callback, called on an error too).
      return released ? getStream().write(buf.subarray(off), () => released()) : getStream().write(buf.subarray(off));
    }
    return released ? getStream().write(s, () => released()) : getStream().write(s);
  };
}

/** Why stdout took no more (errno codes a write can end with), for {@link outputError}. */
const WRITE_FAILURES: Record<string, string> = {
  ENOSPC: 'no space is left on the device it goes to',
  EDQUOT: 'the disk quota is used up',
  EFBIG: 'the file it goes to is as large as it may be',
  EIO: 'an I/O error',
  EBADF: 'it is closed',
};

/** A failed write to stdout as lk's error, not Node's (whose uncaught 'error' printed a stack and minified source). */
function outputError(e: NodeJS.ErrnoException): CliError {
  const why = (e.code && WRITE_FAILURES[e.code]) ?? e.message;
  return new CliError('LK_OUTPUT', `Cannot write to stdout: ${why}${e.code ? ` (${e.code})` : ''}; the output is incomplete.`, {
    hint: 'Send the output somewhere with room (another disk, or --output FILE there).',
    cause: e,
  });
}

/**
 * A promise rejected with `e` and already marked handled: a writer may hold an out() promise a
 * while before it awaits it (row-writer.ts), and Node ends the process on a rejection that has no
 * handler by then. Awaiting it still throws `e`.
 */
function rejected(e: unknown): Promise<void> {
  const p = Promise.reject(e);
  p.catch(() => {});
  return p;
}

/** The real process streams (created only when needed, see {@link createSink}). */
export function createProcessIO(env: Readonly<Record<string, string | undefined>>): IO {
  // process.stdin is created on first access (a stream over fd 0, a few ms): only reading
  // commands touch it, so `lk auth token` in a loop does not pay for it; stdout and stderr too.
  let closed = false;
  /** A write to stdout failed otherwise than EPIPE (a full disk, an I/O error): every later out() fails with it. */
  let failed: CliError | undefined;
  let stdoutStream: NodeJS.WriteStream | undefined;
  const stdout = (): NodeJS.WriteStream => {
    if (stdoutStream === undefined) {
      stdoutStream = process.stdout;
      stdoutStream.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'EPIPE') closed = true;
        else failed ??= outputError(e);
      });
    }
    return stdoutStream;
  };
  const outStat = statFd(1);
  const errStat = statFd(2);
  const writeOut = createSink(1, outStat, stdout);
  // Into the pipe stdout shares with stderr, a message goes the way the data goes (fd 1, then
  // process.stdout's queue), so it comes out after every byte written before it, and data after it.
  const shared = samePipe(outStat, errStat);
  const writeErr = shared ? writeOut : createSink(2, errStat, () => process.stderr);
  let stdoutIsTTY: boolean | undefined;
  let stderrIsTTY: boolean | undefined;
  const isStderrTTY = () => (stderrIsTTY ??= mayBeTerminal(errStat) && process.stderr.isTTY === true);
  let style: Style | undefined;
  return {
    out(s, released) {
      if (failed) {
        released?.();
        return rejected(failed);
      }
      if (closed) {
        released?.();
        return Promise.resolve();
      }
      try {
        if (writeOut(s, released)) return failed ? rejected(failed) : Promise.resolve();
      } catch (e) {
        // write(2) failed (nothing of `s` is held): as the stream's 'error' event would be
        released?.();
        if ((e as NodeJS.ErrnoException).code !== 'EPIPE') return rejected((failed ??= outputError(e as NodeJS.ErrnoException)));
        closed = true;
        return Promise.resolve();
      }
      const out = stdout();
      return new Promise((resolve, reject) => {
        const done = () => {
          out.off('drain', done);
          out.off('error', done);
          // The stream's 'error' handler above has run first (it was added first).
          if (failed) reject(failed);
          else resolve();
        };
        out.once('drain', done);
        out.once('error', done);
      });
    },
    err(s) {
      if (shared && closed) return; // the pipe's reader is gone (EPIPE): nobody can read it
      try {
        writeErr(s);
      } catch {
        // stderr is gone (EPIPE): a message nobody can read is not an error
      }
    },
    get stdinIsTTY() {
      return process.stdin.isTTY === true;
    },
    get stdoutIsTTY() {
      return (stdoutIsTTY ??= mayBeTerminal(outStat) && stdout().isTTY === true);
    },
    get stderrIsTTY() {
      return isStderrTTY();
    },
    get style() {
      return (style ??= styleFor(useColor(isStderrTTY(), env)));
    },
    get stdoutClosed() {
      return closed;
    },
    async readStdin() {
      const { stdin } = process;
      stdin.setEncoding('utf8');
      let text = '';
      for await (const chunk of stdin) text += chunk as string;
      return text;
    },
    promptSecret(question) {
      const { stdin } = process;
      if (!stdin.isTTY) return Promise.reject(new CliError('LK_NOT_A_TERMINAL', 'Cannot prompt: stdin is not a terminal.', { kind: 'usage' }));
      return readHidden(stdin, process.stderr, question, false);
    },
    prompt(question) {
      const { stdin } = process;
      if (!stdin.isTTY) return Promise.reject(new CliError('LK_NOT_A_TERMINAL', 'Cannot prompt: stdin is not a terminal.', { kind: 'usage' }));
      return readHidden(stdin, process.stderr, question, true);
    },
  };
}

export interface TestIO extends IO {
  stdout(): string;
  stderr(): string;
  /** Prompts asked so far (their question text). */
  readonly asked: string[];
}

export interface TestIOOptions {
  stdin?: string;
  stdinIsTTY?: boolean;
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
  color?: boolean;
  /** Answers to prompts, in order. A prompt with no answer left rejects as a cancelled prompt. */
  answers?: string[];
}

/** An IO whose streams are in-memory buffers, for unit tests. */
export function createTestIO(o: TestIOOptions = {}): TestIO {
  let out = '';
  let err = '';
  const answers = [...(o.answers ?? [])];
  const asked: string[] = [];
  const answer = (question: string) => {
    asked.push(question);
    err += `${question}\n`;
    const a = answers.shift();
    return a === undefined ? Promise.reject(cancelled()) : Promise.resolve(a);
  };
  return {
    out(s, released) {
      // Bytes come in whole characters (the row writers never split one).
      out += typeof s === 'string' ? s : Buffer.from(s.buffer, s.byteOffset, s.byteLength).toString('utf8');
      released?.();
      return Promise.resolve();
    },
    err(s) {
      err += s;
    },
    stdinIsTTY: o.stdinIsTTY ?? false,
    stdoutIsTTY: o.stdoutIsTTY ?? false,
    stderrIsTTY: o.stderrIsTTY ?? false,
    style: styleFor(o.color ?? false),
    stdoutClosed: false,
    readStdin: () => Promise.resolve(o.stdin ?? ''),
    promptSecret: answer,
    prompt: answer,
    stdout: () => out,
    stderr: () => err,
    asked,
  };
}
