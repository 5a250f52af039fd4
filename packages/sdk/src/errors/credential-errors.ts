import { ErrorCodes, LabKeyError, type LabKeyErrorOptions } from './labkey-error.js';
import type { ResolveStep } from '../credentials/types.js';

/** Renders a resolution trail, one source a line, for messages and `lk auth status`. @public */
export function formatTrail(trail: readonly ResolveStep[]): string {
  return trail.map((s) => `  - ${s.source}: ${s.outcome}${s.reason ? ` (${s.reason})` : ''}`).join('\n');
}

/** No source in the chain had a key. Carries the trail of what was tried, never a value. @public */
export class NoCredentialsError extends LabKeyError {
  override readonly name = 'NoCredentialsError';
  readonly trail: readonly ResolveStep[];
  readonly server: string | undefined;

  constructor(trail: readonly ResolveStep[], options: LabKeyErrorOptions & { server?: string } = {}) {
    const where = options.server ? ` for ${options.server}` : '';
    super(
      ErrorCodes.NO_CREDENTIALS,
      `[lk-sdk] No LabKey API key found${where}. Tried:\n${formatTrail(trail)}`,
      { hint: options.hint ?? 'Run `lk auth login` to store a key, or set LABKEY_API_KEY.', cause: options.cause },
    );
    this.trail = trail;
    this.server = options.server;
  }
}

/** A configured credential store (keychain, netrc) could not be used: locked, unreachable, unreadable. @public */
export class CredentialStoreError extends LabKeyError {
  override readonly name = 'CredentialStoreError';
  readonly store: 'keychain' | 'netrc' | 'config';

  constructor(store: 'keychain' | 'netrc' | 'config', message: string, options: LabKeyErrorOptions = {}) {
    super(ErrorCodes.CREDENTIAL_STORE, `[lk-sdk] ${message}`, options);
    this.store = store;
  }
}

/**
 * A netrc file that cannot be tokenized. The message names file, line and column and never
 * contains a token value (the token might be a password).
 * @public
 */
export class NetrcSyntaxError extends LabKeyError {
  override readonly name = 'NetrcSyntaxError';
  readonly file: string | undefined;
  readonly line: number;
  readonly column: number;

  constructor(problem: string, at: { file?: string; line: number; column: number }, options: LabKeyErrorOptions = {}) {
    super(
      ErrorCodes.NETRC_SYNTAX,
      `[lk-sdk] ${at.file ?? 'netrc'}:${at.line}:${at.column}: ${problem}`,
      { hint: options.hint ?? 'Fix the netrc file at that line (run `lk doctor` for details).', cause: options.cause },
    );
    this.file = at.file;
    this.line = at.line;
    this.column = at.column;
  }
}

/** Another writer held the netrc lock for too long. @public */
export class NetrcLockError extends LabKeyError {
  override readonly name = 'NetrcLockError';
  readonly file: string;

  constructor(file: string, options: LabKeyErrorOptions = {}) {
    super(ErrorCodes.NETRC_LOCK, `[lk-sdk] Could not lock ${file} for writing: another process holds ${file}.lock`, {
      hint: options.hint ?? `If no other lk is running, remove ${file}.lock and try again.`,
      cause: options.cause,
    });
    this.file = file;
  }
}

/** A caller passed something unusable (bad URL, bad option). @public */
export class InvalidArgumentError extends LabKeyError {
  override readonly name = 'InvalidArgumentError';
  constructor(message: string, options: LabKeyErrorOptions = {}) {
    super(ErrorCodes.INVALID_ARGUMENT, `[lk-sdk] ${message}`, options);
  }
}
