/**
 * Errors raised by the CLI itself (as opposed to the SDK). Like the SDK's errors they carry a
 * stable `code` and a `hint`; `kind: 'usage'` makes `handleError` exit 2. A CliError that stands
 * for an SDK auth error (a rejected key at login) uses the SDK's code, and so exits 4 as that
 * error does. Commands throw these and never exit.
 */
export type CliErrorKind = 'usage' | 'error';

export interface CliErrorOptions {
  kind?: CliErrorKind;
  hint?: string;
  cause?: unknown;
  /** The command already told the user (e.g. `lk auth status` printed each failure): only the exit code is left to set. */
  reported?: boolean;
}

export class CliError extends Error {
  override readonly name = 'CliError';
  readonly code: string;
  readonly kind: CliErrorKind;
  readonly hint: string | undefined;
  readonly reported: boolean;

  constructor(code: string, message: string, o: CliErrorOptions = {}) {
    super(message, o.cause === undefined ? undefined : { cause: o.cause });
    this.code = code;
    this.kind = o.kind ?? 'error';
    this.hint = o.hint;
    this.reported = o.reported ?? false;
  }

  toJSON(): Record<string, unknown> {
    const j: Record<string, unknown> = { name: this.name, code: this.code, message: this.message };
    if (this.hint !== undefined) j.hint = this.hint;
    return j;
  }
}

/** A usage problem (bad flag value, missing argument): exit code 2. */
export function usageError(message: string, hint?: string): CliError {
  return new CliError('LK_USAGE', message, { kind: 'usage', hint });
}
