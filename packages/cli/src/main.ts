/**
 * Runs lk: builds the program from deps, parses argv, and turns any error into a message and an
 * exit code through `handleError`. Returns the exit code; never calls `process.exit`.
 *
 * Deps, the program and the error handler are imported when needed, so a test importing this
 * module loads nothing else up front.
 */
import type { Deps } from './deps.js';

export type { Deps } from './deps.js';
export { VERSION } from './version.js';

export async function main(argv: readonly string[], deps?: Deps): Promise<number> {
  const args = argv.slice(2);
  let d = deps;
  if (!d) {
    const { createDefaultDeps } = await import('./deps.js');
    d = createDefaultDeps();
  }
  const sep = args.indexOf('--');
  // --json and --format json mean the same everywhere: errors too are JSON on stdout.
  const opts = sep === -1 ? args : args.slice(0, sep);
  const json = opts.includes('--json') || opts.includes('--format=json') || opts.some((a, i) => a === '--format' && opts[i + 1] === 'json');
  let program: import('commander').Command | undefined;
  try {
    const { createProgram } = await import('./program.js');
    program = await createProgram(d, args);
    await program.parseAsync([...argv]);
    return 0;
  } catch (e) {
    const { handleError, debugEnabled } = await import('./handle-error.js');
    return handleError(e, { io: d.io, json, debug: debugEnabled(d.env), command: program && commandPath(program, args), args });
  }
}

/**
 * Ctrl-C (SIGINT) outside a prompt: exit 130, as a shell reports a process ended by it, with a
 * newline so the shell prompt starts on its own line. process.exit runs the 'exit' listeners
 * (--output removes its temp file there). Installed by the bin only (tests call main).
 */
export function exitOnInterrupt(): void {
  process.once('SIGINT', () => {
    process.stderr.write('\n');
    process.exit(130);
  });
}

/** `lk query sql` for `query sql "SELECT 1" --format x`: the commands the leading words name. */
function commandPath(program: import('commander').Command, args: readonly string[]): string {
  const names = ['lk'];
  let cur = program;
  for (const a of args) {
    if (a.startsWith('-')) break;
    const sub = cur.commands.find((c) => c.name() === a || c.aliases().includes(a));
    if (!sub) break;
    names.push(sub.name());
    cur = sub;
  }
  return names.join(' ');
}
