/**
 * What a doctor check is and what it returns. A check is a small object (`{ id, title, run }`)
 * that reads the facts gathered once per run ({@link DoctorFacts}) and returns one result line.
 * A check never writes anything: when a problem has a safe, automatic repair the result carries
 * it, and `lk doctor --fix` applies the repairs after a backup (see `fix.ts`).
 */
import type { DoctorFacts } from './facts.js';
import type { SdkModule } from '../../deps.js';

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

/** A safe edit `--fix` may apply to the netrc file. Its description never holds a key. */
export interface Repair {
  /** Stable id, e.g. `strip-prefix`, `chmod-600`. */
  id: string;
  /** What it does, for the "Fixed:" lines, e.g. `moved machine a.org (line 9) before default`. */
  description: string;
  /**
   * `text`: a pure edit of the netrc text (the caller writes the result atomically, after a backup).
   * `mode`: tighten the file's permission bits.
   */
  kind: 'text' | 'mode';
  /**
   * For `text` repairs: the new text, from the current text (earlier repairs may have changed it,
   * so the edit parses it again and finds its entry). It uses the SDK's format-preserving text
   * edits, which leave every byte outside the edited entry unchanged. Returns the text unchanged
   * when its target is gone.
   */
  edit?: (text: string, sdk: SdkModule) => string;
  /** Text repairs run in ascending order: value edits first, then moves (which reorder entries). */
  order?: number;
}

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
  /** Set by the key check when the server rejected the key: the run exits 4 rather than 1. */
  authFailure?: boolean;
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
  extra: Pick<CheckResult, 'repairs' | 'authFailure'> = {},
): CheckResult {
  return { id: check.id, status, title: check.title, detail, fix, ...extra };
}
