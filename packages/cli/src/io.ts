/**
 * Terminal I/O for lk. Data goes to stdout, human messages to stderr. Commands receive an {@link IO}
 * through their deps and never touch `process.stdout`/`process.stdin` themselves, so tests can use
 * {@link createTestIO} and read what was written.
 */
import { CliError } from './cli-error.js';

export interface Style {
  ok(s: string): string;
  fail(s: string): string;
  warn(s: string): string;
  bold(s: string): string;
  dim(s: string): string;
}

export interface IO {
  /** Writes data to stdout. Resolves once the stream accepts more (back-pressure for long outputs). */
  out(s: string): Promise<void>;
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

/** The real process streams. */
export function createProcessIO(env: Readonly<Record<string, string | undefined>>): IO {
  // process.stdin is created on first access (a stream over fd 0, a few ms): only reading
  // commands touch it, so `lk auth token` in a loop does not pay for it.
  const { stdout, stderr } = process;
  let closed = false;
  stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') closed = true;
    else throw e;
  });
  return {
    out(s) {
      if (closed) return Promise.resolve();
      if (stdout.write(s)) return Promise.resolve();
      return new Promise((resolve) => {
        const done = () => {
          stdout.off('drain', done);
          stdout.off('error', done);
          resolve();
        };
        stdout.once('drain', done);
        stdout.once('error', done);
      });
    },
    err(s) {
      stderr.write(s);
    },
    get stdinIsTTY() {
      return process.stdin.isTTY === true;
    },
    stdoutIsTTY: stdout.isTTY === true,
    stderrIsTTY: stderr.isTTY === true,
    style: styleFor(useColor(stderr.isTTY === true, env)),
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
      return readHidden(stdin, stderr, question, false);
    },
    prompt(question) {
      const { stdin } = process;
      if (!stdin.isTTY) return Promise.reject(new CliError('LK_NOT_A_TERMINAL', 'Cannot prompt: stdin is not a terminal.', { kind: 'usage' }));
      return readHidden(stdin, stderr, question, true);
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
    out(s) {
      out += s;
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
