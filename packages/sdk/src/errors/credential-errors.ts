import { ErrorCodes, LabKeyError, type LabKeyErrorOptions } from './labkey-error.js';
import type { ResolveStep } from '../credentials/types.js';

/** Renders a resolution trail, one source a line, for messages and `lk auth status`. @public */
export function formatTrail(trail: readonly ResolveStep[]): string {
  return trail.map((s) => `  - ${s.source}: ${s.outcome}${s.reason ? ` (${s.reason})` : ''}`).join('\n');
}

/** When a source holds a key in an entry a safe edit makes readable: `lk doctor --fix` (which backs the file up first), not a new login. */
function repairHint(trail: readonly ResolveStep[]): string | undefined {
  const step = trail.find((s) => s.repairable);
  if (!step) return undefined;
  return `The ${step.source} entry above holds a key lk cannot read as written: run \`lk doctor --fix\` to repair it (after a backup), then try again.`;
}

/** No source in the chain had a key. Carries the trail of what was tried, never a value. @public */
export class NoCredentialsError extends LabKeyError {
  override readonly name = 'NoCredentialsError';
  /** Every source tried, and why each had no key. */
  override readonly trail: readonly ResolveStep[];
  readonly server: string | undefined;

  constructor(trail: readonly ResolveStep[], options: LabKeyErrorOptions & { server?: string } = {}) {
    const where = options.server ? ` for ${options.server}` : '';
    super(ErrorCodes.NO_CREDENTIALS, `No LabKey API key found${where}. Tried:\n${formatTrail(trail)}`, {
      hint: repairHint(trail) ?? options.hint ?? 'Run `lk auth login` to store a key, or set LABKEY_API_KEY.',
      cause: options.cause,
    });
    this.trail = trail;
    this.server = options.server;
  }
}

/** What a {@link CredentialStoreError} may say besides its text. @public */
export interface CredentialStoreErrorOptions extends LabKeyErrorOptions {
  /** The file that could not be used (netrc, its lock, the config), when the problem is a file's. */
  file?: string;
}

/** A configured credential store (keychain, netrc) could not be used: locked, unreachable, unreadable. @public */
export class CredentialStoreError extends LabKeyError {
  override readonly name: string = 'CredentialStoreError';
  readonly store: 'keychain' | 'netrc' | 'config';
  /** The file concerned, when the problem is a file's (always set by the netrc reader and writer). */
  readonly file: string | undefined;

  constructor(store: 'keychain' | 'netrc' | 'config', detail: string, options: CredentialStoreErrorOptions = {}) {
    super(ErrorCodes.CREDENTIAL_STORE, detail, options);
    this.store = store;
    this.file = options.file;
  }
}

/**
 * A netrc file that cannot be tokenized. The text names file, line and column and never
 * contains a token value (the token might be a password); `problem` is what is wrong there.
 * @public
 */
export class NetrcSyntaxError extends LabKeyError {
  override readonly name = 'NetrcSyntaxError';
  /** The file, when the parser was told it (text parsed on its own has none). */
  readonly file: string | undefined;
  readonly line: number;
  readonly column: number;
  /** What is wrong at that line and column, e.g. `unterminated quoted token (…)`. */
  readonly problem: string;
  /** Which problem: a quoted token not closed on its line, or a keyword with no value before the end of the file. */
  readonly kind: 'unterminated-quote' | 'missing-value';

  constructor(problem: string, at: { file?: string; line: number; column: number; kind: NetrcSyntaxError['kind'] }, options: LabKeyErrorOptions = {}) {
    super(ErrorCodes.NETRC_SYNTAX, `${at.file ?? 'netrc'}:${at.line}:${at.column}: ${problem}`, {
      hint: options.hint ?? 'Fix the netrc file at that line (run `lk doctor` for details).',
      cause: options.cause,
    });
    this.file = at.file;
    this.line = at.line;
    this.column = at.column;
    this.kind = at.kind;
    this.problem = problem;
  }
}

/** Another writer held the netrc lock for too long. @public */
export class NetrcLockError extends LabKeyError {
  override readonly name = 'NetrcLockError';
  /** The netrc file that could not be locked (the lock is `<file>.lock`). */
  readonly file: string;

  constructor(file: string, options: LabKeyErrorOptions = {}) {
    super(ErrorCodes.NETRC_LOCK, `Could not lock ${file} for writing: another process holds ${file}.lock`, {
      hint: options.hint ?? `If no other lk is running, remove ${file}.lock and try again.`,
      cause: options.cause,
    });
    this.file = file;
  }
}

/** A caller passed something unusable (bad URL, bad option). @public */
export class InvalidArgumentError extends LabKeyError {
  override readonly name: string = 'InvalidArgumentError';
  constructor(detail: string, options: LabKeyErrorOptions = {}) {
    super(ErrorCodes.INVALID_ARGUMENT, detail, options);
  }
}

/**
 * A filter value the server could not convert to its column's type (`Age~gte=abc` on an integer
 * column): the caller's argument, so an InvalidArgumentError, with the filter's parts and the
 * column's type (undefined when the server would not say). The server's error is the `cause`.
 * @public
 */
export class BadFilterValueError extends InvalidArgumentError {
  override readonly name = 'BadFilterValueError';
  readonly column: string;
  readonly op: string;
  readonly value: string;
  /** LabKey's JSON type of the column (`int`, `float`, `date`, `boolean`, …). */
  readonly type: string | undefined;
  constructor(detail: string, f: { column: string; op: string; value: string; type: string | undefined }, options: LabKeyErrorOptions = {}) {
    super(detail, options);
    this.column = f.column;
    this.op = f.op;
    this.value = f.value;
    this.type = f.type;
  }
}

/**
 * A credential source failed with an error that is not one of this SDK's (a source written
 * elsewhere threw it). It is the `cause`; the chain stopped there, as it does for any error.
 * @public
 */
export class CredentialSourceError extends LabKeyError {
  override readonly name = 'CredentialSourceError';
  /** The name of the source that threw. */
  readonly source: string;
  override readonly trail: readonly ResolveStep[];

  constructor(source: string, cause: unknown, trail: readonly ResolveStep[]) {
    const what = cause instanceof Error ? cause.message : String(cause);
    super(ErrorCodes.CREDENTIAL_SOURCE, `The credential source "${source}" failed: ${what}`, {
      hint: 'The error comes from that source, not from the SDK: see its cause (NODE_DEBUG=lk shows it).',
      cause,
    });
    this.source = source;
    this.trail = trail;
  }
}

/** Why a netrc path is not a file lk may read or replace. @public */
export type NetrcFileProblem =
  | 'character-device'
  | 'block-device'
  | 'fifo'
  | 'socket'
  | 'directory'
  | 'other-owner'
  | 'symlink-loop'
  | 'too-large';

const NETRC_FILE_WHY: Record<NetrcFileProblem, string> = {
  'character-device': 'is a character device (such as /dev/null), not a file',
  'block-device': 'is a block device, not a file',
  fifo: 'is a named pipe (FIFO), not a file',
  socket: 'is a socket, not a file',
  directory: 'is a folder, not a file',
  'other-owner': 'belongs to another user',
  'symlink-loop': 'is a chain of symbolic links that is too long or loops',
  'too-large': 'is too large for a netrc file',
};

/**
 * A netrc path the writer (or reader) will not use: it is not a regular file owned by the user, or
 * reaching it takes too many symbolic links, or it is too large. Nothing was read from it or
 * written to it. Code `LK_CREDENTIAL_STORE` (store `netrc`); `problem` says what the path is,
 * `file` the path that was checked (the end of the symlink chain).
 * @public
 */
export class UnsafeNetrcFileError extends CredentialStoreError {
  override readonly name: string = 'UnsafeNetrcFileError';
  readonly problem: NetrcFileProblem;

  constructor(file: string, problem: NetrcFileProblem, options: LabKeyErrorOptions & { limit?: number } = {}) {
    const what = problem === 'too-large' && options.limit !== undefined ? `${NETRC_FILE_WHY[problem]} (over ${options.limit} bytes)` : NETRC_FILE_WHY[problem];
    super('netrc', `${file} ${what}; lk neither reads nor replaces it`, {
      file,
      hint: options.hint ?? netrcFileHint(file, problem),
      cause: options.cause,
    });
    this.problem = problem;
  }
}

function netrcFileHint(file: string, problem: NetrcFileProblem): string {
  switch (problem) {
    case 'other-owner':
      return `Store the key in a netrc file of your own: set NETRC to one, or check who owns ${file} (ls -l ${file}).`;
    case 'symlink-loop':
      return `Point the link at a file (ls -l ${file}), or set NETRC to a regular file.`;
    case 'too-large':
      return `Check that ${file} really is your netrc file, or set NETRC to another file.`;
    default:
      return `Remove ${file} or the link to it, or set NETRC to a regular file (e.g. NETRC=~/.netrc-lk), then try again.`;
  }
}

/**
 * The server is too old for what was asked: `feature` names it (`key-roles`: role-restricted keys
 * came with LabKey 26.7; `bearer`: `Authorization: Bearer` with 26.3). @public
 */
export class UnsupportedError extends LabKeyError {
  override readonly name = 'UnsupportedError';
  readonly feature: 'key-roles' | 'bearer';
  constructor(detail: string, options: LabKeyErrorOptions & { feature: 'key-roles' | 'bearer' }) {
    super(ErrorCodes.UNSUPPORTED, detail, options);
    this.feature = options.feature;
  }
}
