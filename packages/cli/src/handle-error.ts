/**
 * The one place where an error becomes a message and an exit code (style.md practice 5).
 * Commands throw; `main` catches and calls {@link handleError}. Errors are matched on `code`
 * (never `instanceof`: the SDK may be loaded twice).
 */
import { ExitCode, type ExitCodeValue } from './exit-codes.js';
import type { IO } from './io.js';

export interface HandleErrorContext {
  io: IO;
  /** `--json` was given: the error is printed as data on stdout. */
  json: boolean;
  /** `NODE_DEBUG=lk`: print the stack and causes too. */
  debug: boolean;
  /** The command the arguments name, e.g. `lk query sql`: a usage error points at its --help. */
  command?: string;
}

interface Coded {
  code: string;
  message: string;
  hint?: string;
  kind?: string;
  exitCode?: number;
  toJSON?: () => Record<string, unknown>;
}

function coded(e: unknown): e is Coded {
  return typeof e === 'object' && e !== null && typeof (e as Coded).code === 'string' && typeof (e as Coded).message === 'string';
}

/** SDK error codes that mean "you are not (properly) authenticated". */
const AUTH_CODES = new Set(['LK_NO_CREDENTIALS', 'LK_API_KEY_REJECTED', 'LK_CSRF']);
const USAGE_CODES = new Set(['LK_INVALID_ARGUMENT', 'LK_USAGE']);

/** Commander's codes for "help or version was shown as asked": not an error. */
const COMMANDER_OK = new Set(['commander.helpDisplayed', 'commander.version']);

/** The SDK prefixes its messages with its name; people reading `lk` output don't need it. */
function humanMessage(message: string): string {
  return message.replace(/^\[lk-sdk\]\s*/, '').replace(/^error:\s*/, '');
}

export function exitCodeFor(e: unknown): ExitCodeValue {
  if (!coded(e)) return ExitCode.ERROR;
  if (e.code.startsWith('commander.')) return COMMANDER_OK.has(e.code) ? ExitCode.OK : ExitCode.USAGE;
  if (e.kind === 'usage') return ExitCode.USAGE;
  if (e.kind === 'auth') return ExitCode.AUTH;
  if (e.kind === 'error') return ExitCode.ERROR;
  if (AUTH_CODES.has(e.code)) return ExitCode.AUTH;
  if (USAGE_CODES.has(e.code)) return ExitCode.USAGE;
  return ExitCode.ERROR;
}

function hintFor(e: Coded, command?: string): string | undefined {
  if (e.code.startsWith('commander.')) {
    if (e.code === 'commander.help') return undefined;
    return command && command !== 'lk' ? `Run \`${command} --help\` for usage.` : 'Run `lk --help` (or `lk <command> --help`) for usage.';
  }
  return e.hint;
}

function debugDump(e: unknown, io: IO): void {
  let cur: unknown = e;
  let depth = 0;
  while (cur !== undefined && cur !== null && depth < 5) {
    const stack = cur instanceof Error ? cur.stack : String(cur);
    io.err(`${depth === 0 ? '' : 'caused by: '}${stack}\n`);
    cur = cur instanceof Error ? cur.cause : undefined;
    depth++;
  }
}

/**
 * Prints `err` for people (stderr: message, then hint) or as data (`--json`: one JSON object on
 * stdout), and returns the exit code: 1 error, 2 usage, 4 authentication. Help and version
 * "errors" from commander return 0 and print nothing more.
 */
export async function handleError(err: unknown, ctx: HandleErrorContext): Promise<ExitCodeValue> {
  const code = exitCodeFor(err);
  if (code === ExitCode.OK) return code;
  const { io } = ctx;
  // commander already printed its own help screen for `commander.help` (e.g. `lk auth` alone).
  if (coded(err) && err.code === 'commander.help') return code;
  // The command already printed this failure (as text or as its --json data).
  if (coded(err) && (err as { reported?: unknown }).reported === true) return code;

  if (ctx.json) {
    let data: Record<string, unknown>;
    if (coded(err)) {
      data = typeof err.toJSON === 'function' ? { ...err.toJSON() } : { code: err.code, message: err.message };
      data.code = err.code;
      data.message = humanMessage(err.message);
      const hint = hintFor(err, ctx.command);
      if (hint !== undefined) data.hint = hint;
    } else {
      data = { code: 'LK_UNEXPECTED', message: err instanceof Error ? err.message : String(err) };
    }
    data.exitCode = code;
    await io.out(`${JSON.stringify({ error: data }, null, 2)}\n`);
  } else if (coded(err)) {
    io.err(`${io.style.fail('lk:')} ${humanMessage(err.message)}\n`);
    const hint = hintFor(err, ctx.command);
    if (hint) io.err(`${io.style.bold('hint:')} ${hint}\n`);
  } else {
    io.err(`${io.style.fail('lk:')} unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
    io.err(`${io.style.bold('hint:')} Run again with NODE_DEBUG=lk to see the stack trace, and report it.\n`);
  }
  if (ctx.debug) debugDump(err, io);
  return code;
}

/** True when NODE_DEBUG names `lk` (comma- or space-separated, as Node's debuglog reads it). */
export function debugEnabled(env: Readonly<Record<string, string | undefined>>): boolean {
  return (env.NODE_DEBUG ?? '').split(/[\s,]+/).some((s) => s.toLowerCase() === 'lk');
}
