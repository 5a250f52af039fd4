/**
 * The one place where an error becomes a message and an exit code. Commands throw; `main`
 * catches and calls {@link handleError}. Errors are matched on `code` (never `instanceof`: the SDK
 * may be loaded twice), and an SDK error's text is its `detail` field: no SDK message is parsed.
 *
 * Exit codes: 0 ok (and help or version shown as asked), 1 error, 2 usage, 4 an SDK auth error
 * (a code in the SDK's `AUTH_ERROR_CODES`: no key, or the key was not accepted, whatever its shape),
 * 130 interrupted (Ctrl-C at a prompt here; a SIGINT elsewhere is the bin's exitOnInterrupt), and nothing else.
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
  /** The arguments lk was run with: a key typed among them is masked in everything printed here. */
  args?: readonly string[];
}

interface Coded {
  code: string;
  message: string;
  /** An SDK error's text without its prefix. */
  detail?: string;
  /** An SDK error's first line of `detail`, without a closing period. */
  summary?: string;
  hint?: string;
  kind?: string;
  toJSON?: () => Record<string, unknown>;
}

function coded(e: unknown): e is Coded {
  return typeof e === 'object' && e !== null && typeof (e as Coded).code === 'string' && typeof (e as Coded).message === 'string';
}

/** Ctrl-C at one of lk's own prompts (the terminal is in raw mode there, so no SIGINT is sent). */
const CANCELLED = 'LK_CANCELLED';

const USAGE_CODES = new Set(['LK_INVALID_ARGUMENT', 'LK_USAGE']);

/** Commander's codes for "help or version was shown as asked": not an error. */
const COMMANDER_OK = new Set(['commander.helpDisplayed', 'commander.version']);

function isCommander(e: Coded): boolean {
  return e.code.startsWith('commander.');
}

/**
 * What an error says, for people: an SDK error's `detail` (its message without the SDK's
 * prefix), commander's message without its `error: ` lead-in, else the message.
 */
export function errorText(e: unknown): string {
  if (!coded(e)) return e instanceof Error ? e.message : String(e);
  if (typeof e.detail === 'string') return e.detail;
  if (isCommander(e)) return stripCommanderLead(e.message);
  return e.message;
}

/** One line of {@link errorText}: an SDK error's `summary`; for doctor lines and notes. */
export function errorSummary(e: unknown): string {
  if (coded(e) && typeof e.summary === 'string') return e.summary;
  return firstLine(errorText(e));
}

/** `error: unknown option '--x'` (commander's own text, never the SDK's) → `unknown option '--x'`. */
function stripCommanderLead(text: string): string {
  return text.startsWith('error: ') ? text.slice('error: '.length) : text;
}

function firstLine(text: string): string {
  const end = text.indexOf('\n');
  return end === -1 ? text : text.slice(0, end);
}

/**
 * The exit code for `e`: 0 for help or version, 2 for usage errors (commander's, a CliError of
 * kind `usage`, the SDK's InvalidArgumentError), 4 for an SDK auth error (`isAuthError`, i.e. a
 * code in the SDK's `AUTH_ERROR_CODES`, whichever side raised it), else 1. Help, version and
 * usage errors never load the SDK (`lk --help` stays light); an SDK error means it is loaded already.
 */
export async function exitCodeFor(e: unknown): Promise<ExitCodeValue> {
  if (!coded(e)) return ExitCode.ERROR;
  if (isCommander(e)) return COMMANDER_OK.has(e.code) ? ExitCode.OK : ExitCode.USAGE;
  if (e.code === CANCELLED) return ExitCode.INTERRUPTED;
  if (e.kind === 'usage') return ExitCode.USAGE;
  const { sdk } = await import('./sdk.js');
  if (sdk.isAuthError(e)) return ExitCode.AUTH;
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

function debugDump(e: unknown, io: Pick<IO, 'err'>): void {
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
 * stdout), and returns the exit code from {@link exitCodeFor}. Help and version "errors" from
 * commander return 0 and print nothing more.
 */
export async function handleError(err: unknown, ctx: HandleErrorContext): Promise<ExitCodeValue> {
  const code = await exitCodeFor(err);
  if (code === ExitCode.OK) return code;
  const io = await masking(ctx.io, ctx.args ?? []);
  // commander already printed its own help screen for `commander.help` (e.g. `lk auth` alone).
  if (coded(err) && err.code === 'commander.help') return code;
  // The command already printed this failure (as text or as its --json data).
  if (coded(err) && (err as { reported?: unknown }).reported === true) return code;

  if (ctx.json) {
    let data: Record<string, unknown>;
    if (coded(err)) {
      data = typeof err.toJSON === 'function' ? { ...err.toJSON() } : { code: err.code, message: err.message };
      // A usage error is lk's LK_USAGE whoever found it; commander's own name stays as the reason.
      data.code = isCommander(err) ? 'LK_USAGE' : err.code;
      if (isCommander(err)) data.reason = err.code.slice('commander.'.length);
      data.message = errorText(err);
      const hint = hintFor(err, ctx.command);
      if (hint !== undefined) data.hint = hint;
    } else {
      data = { code: 'LK_UNEXPECTED', message: err instanceof Error ? err.message : String(err) };
    }
    data.exitCode = code;
    // stdout may be what failed (a full disk): then the error goes to stderr as text.
    await io.out(`${JSON.stringify({ error: data }, null, 2)}\n`).catch(() => asText(err, io, ctx.command));
  } else asText(err, io, ctx.command);
  if (ctx.debug) debugDump(err, io);
  return code;
}

/** The error for people, on stderr: message, then hint. */
function asText(err: unknown, io: { style: HandleErrorContext['io']['style']; err: (s: string) => void }, command: string | undefined): void {
  if (coded(err)) {
    io.err(`${io.style.fail('lk:')} ${errorText(err)}\n`);
    const hint = hintFor(err, command);
    if (hint) io.err(`${io.style.bold('hint:')} ${hint}\n`);
  } else {
    io.err(`${io.style.fail('lk:')} unexpected error: ${err instanceof Error ? err.message : String(err)}\n`);
    io.err(`${io.style.bold('hint:')} Run again with NODE_DEBUG=lk to see the stack trace, and report it.\n`);
  }
}

/**
 * `io` with every key found among `args` (the SDK's keysInArgs: `lk auth KEY`, `?apikey=` in
 * --server) replaced by its mask in what it prints. The SDK is loaded only when an argument is
 * long enough to be a key.
 */
async function masking(io: IO, args: readonly string[]): Promise<Pick<IO, 'out' | 'err' | 'style'>> {
  if (!args.some((a) => a.length >= 24)) return io;
  const { sdk } = await import('./sdk.js');
  const keys = sdk.keysInArgs(args);
  if (keys.length === 0) return io;
  const clean = (s: string): string => keys.reduce((t, k) => t.split(k).join(sdk.maskKey(k)), s);
  return { style: io.style, out: (s: string) => io.out(clean(s)), err: (s: string) => io.err(clean(s)) };
}

/** True when NODE_DEBUG names `lk` (comma- or space-separated, as Node's debuglog reads it). */
export function debugEnabled(env: Readonly<Record<string, string | undefined>>): boolean {
  return (env.NODE_DEBUG ?? '').split(/[\s,]+/).some((s) => s.toLowerCase() === 'lk');
}
