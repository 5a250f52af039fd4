/**
 * createProgram(deps, args): the `lk` command tree. Each group registers its verbs; each verb lives
 * in its own file with a plain `run…(opts, deps)` function. Commander never exits the process and
 * never prints errors itself: both go through `handleError` in main.ts.
 *
 * A run whose first word names a group (`lk auth token …`) gets a tree of that group alone, and
 * when the second word names one of its commands, of that command alone (registerGroup): the
 * other modules are not even loaded and their commands not defined (~4 ms of `lk auth token`).
 * What commander does with the words after them (dispatch, help, errors and their suggestions)
 * depends only on that command and its parents, so it answers the same. Any other first word (an
 * option, `help`, a typo, `completion` and `__complete`, which walk the whole tree) gets every
 * group, and any other second word (`--help`, a typo) every command of the group. program.test.ts
 * checks the trees agree.
 */
import { Command, type OutputConfiguration } from 'commander';
import type { Deps } from './deps.js';
import { VERSION } from './version.js';
import { usageError } from './cli-error.js';

/** Adds a group (or a command) to the program; a group given `args` may add only the command they name. */
type Register = (program: Command, deps: Deps, args?: readonly string[]) => unknown;

/** The groups in the order `lk --help` lists them, each module imported only when it is registered. */
const GROUPS: ReadonlyArray<readonly [name: string, load: () => Promise<Register>]> = [
  ['auth', async () => (await import('./commands/auth/index.js')).registerAuth],
  ['query', async () => (await import('./commands/query/index.js')).registerQuery],
  ['keys', async () => (await import('./commands/keys/index.js')).registerKeys],
  ['doctor', async () => (await import('./commands/doctor/index.js')).registerDoctor],
  ['api', async () => (await import('./commands/api/index.js')).registerApi],
  ['completion', async () => (await import('./commands/completion/index.js')).registerCompletion],
];

/** The groups a run of `args` (the words after `lk`) needs: the one its first word names, else all. */
function groupsFor(args: readonly string[] | undefined): ReadonlyArray<(typeof GROUPS)[number]> {
  const named = args === undefined ? undefined : GROUPS.find(([name]) => name === args[0] && name !== 'completion');
  return named ? [named] : GROUPS;
}

/** The program for `args` (the words after `lk`); without them, every command. */
export async function createProgram(deps: Deps, args?: readonly string[]): Promise<Command> {
  const registers = await Promise.all(groupsFor(args).map(([, load]) => load()));
  const program = new Command('lk');
  program
    .description('LabKey Server from the command line: API keys that just work (auth, doctor, query, keys, api)')
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('--timeout <seconds>', 'longest a request may take, and its longest wait for the server (default: $LK_TIMEOUT, else 300 s in all, 30 s for an answer, 60 s of silence)')
    .hook('preAction', () => {
      deps.timeoutMs = requestTimeoutMs(program.opts<{ timeout?: string }>().timeout, deps.env.LK_TIMEOUT);
    })
    .exitOverride()
    .configureOutput({
      writeOut: (s) => void deps.io.out(s),
      writeErr: (s) => deps.io.err(s),
      outputError: () => {}, // handleError prints it, once, with a hint
      // Commander asks process.stdout / process.stderr for the help's width and colors, which
      // creates those streams (see createProcessIO); only a terminal has either.
      ...terminalOnly(program.configureOutput(), deps),
    })
    .addHelpText(
      'after',
      `
Environment:
  LABKEY_SERVER    server to use when --server is not given
  LABKEY_API_KEY   API key (wins over the keychain and the netrc file)
  NETRC            netrc file to read instead of ~/.netrc
  LK_CONFIG_DIR    where lk keeps its list of servers (default ~/.config/lk)
  LK_KEYCHAIN=off  never ask the OS keychain
  LK_TIMEOUT       seconds a request may take (as --timeout)
  NO_COLOR         no colors
  NODE_DEBUG=lk    print stack traces on errors

Exit codes: 0 ok, 1 error, 2 usage, 4 authentication, 130 interrupted (Ctrl-C).`,
    );

  for (const register of registers) await register(program, deps, args);
  return program;
}

/**
 * Commander's own width and color answers, asked only of a terminal. Off one, its defaults answer
 * no width (its help then wraps at 80) and no colors without creating a stream, and so does this.
 */
function terminalOnly(commander: OutputConfiguration, deps: Deps): OutputConfiguration {
  const width = (tty: boolean, get: (() => number) | undefined) => (tty ? get?.() : undefined) as number;
  return {
    getOutHelpWidth: () => width(deps.io.stdoutIsTTY, commander.getOutHelpWidth),
    getErrHelpWidth: () => width(deps.io.stderrIsTTY, commander.getErrHelpWidth),
    getOutHasColors: () => deps.io.stdoutIsTTY && commander.getOutHasColors?.() === true,
    getErrHasColors: () => deps.io.stderrIsTTY && commander.getErrHasColors?.() === true,
  };
}

/** `--timeout` (else `LK_TIMEOUT`) in ms: a positive number of seconds; undefined when neither is set. */
export function requestTimeoutMs(flag: string | undefined, env: string | undefined): number | undefined {
  const raw = flag ?? (env === '' ? undefined : env);
  if (raw === undefined) return undefined;
  const seconds = /^\s*\d+(\.\d+)?\s*$/.test(raw) ? Number(raw) : NaN;
  if (!(seconds > 0) || seconds > 86_400) {
    throw usageError(`${flag !== undefined ? '--timeout' : 'LK_TIMEOUT'} must be a number of seconds between 0 and 86400, not ${JSON.stringify(raw)}`, 'e.g. --timeout 120');
  }
  return Math.round(seconds * 1000);
}
