/**
 * The process exit codes of `lk`. Only `handle-error.ts` chooses one; commands never exit.
 * 4 follows the GitHub CLI: "authentication required / rejected".
 */
export const ExitCode = {
  OK: 0,
  ERROR: 1,
  USAGE: 2,
  AUTH: 4,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
