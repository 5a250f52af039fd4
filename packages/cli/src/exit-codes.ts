/**
 * The process exit codes of `lk`. Only `exitCodeFor` in `handle-error.ts` chooses one; commands
 * never exit. 4 follows the GitHub CLI ("authentication required / rejected") and means exactly
 * an error whose code is in the SDK's `AUTH_ERROR_CODES`. 130 is Ctrl-C, wherever it comes.
 */
export const ExitCode = {
  OK: 0,
  ERROR: 1,
  USAGE: 2,
  AUTH: 4,
  /** Interrupted: Ctrl-C (SIGINT), at a prompt as during a request; 128 + SIGINT's number, as shells report it. */
  INTERRUPTED: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
