/**
 * What a doctor check is and what it returns. A check is a small object (`{ id, title, run }`)
 * that reads the facts gathered once per run ({@link DoctorFacts}) and returns one result line.
 * A check never writes anything: when a problem has a safe, automatic repair the result carries
 * it, and `lk doctor --fix` applies the repairs after a backup (see `fix.ts`).
 */
import type { AuthErrorCode } from '@lk/sdk';
import type { DoctorFacts } from './facts.js';
import type { Repair } from './repair.js';

export type { Repair } from './repair.js';

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  id: string;
  status: CheckStatus;
  title: string;
  /** One or more lines; never a key value (fingerprints and masked forms only). */
  detail: string;
  /** The command to run or the edit to make; empty when nothing needs doing. */
  fix: string;
  /** Automatic repairs `--fix` may apply for this problem. */
  repairs?: Repair[];
  /**
   * Set by the key check when the failure is the key's: the SDK auth error it amounts to (no key
   * found, or not accepted). The run then fails with that error's code, and so its exit code.
   */
  authError?: AuthErrorCode;
}

export interface Check {
  id: string;
  title: string;
  run(facts: DoctorFacts): CheckResult | Promise<CheckResult>;
}

/** Small constructors so checks read as a table of outcomes. */
export function result(
  check: Pick<Check, 'id' | 'title'>,
  status: CheckStatus,
  detail: string,
  fix = '',
  extra: Pick<CheckResult, 'repairs' | 'authError'> = {},
): CheckResult {
  return { id: check.id, status, title: check.title, detail, fix, ...extra };
}
