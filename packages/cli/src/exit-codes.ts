/**
 * The process exit codes of `lk`. Only `exitCodeFor` in `handle-error.ts` chooses one; commands
 * never exit. 4 follows the GitHub CLI ("authentication required / rejected") and means exactly
 * an error whose code is in the SDK's `AUTH_ERROR_CODES`.
 */
export const ExitCode = {
  OK: 0,
  ERROR: 1,
  USAGE: 2,
  AUTH: 4,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
