/**
 * Checks of the netrc file skip, with one wording, when there is nothing for them to look at:
 * no file (for the checks of its text and mode), or no parsed file (for the checks of its entries).
 */
import type { Netrc } from '@lk/sdk';
import { result, type Check, type CheckResult } from '../check.js';
import type { DoctorFacts } from '../facts.js';

export interface NetrcCheckSpec<T> {
  id: string;
  title: string;
  run(this: Check, what: T, facts: DoctorFacts): CheckResult | Promise<CheckResult>;
}

/** A check of the netrc file itself (`run` gets its path): skipped when there is no file. */
export function netrcFileCheck(spec: NetrcCheckSpec<string>): Check {
  return {
    id: spec.id,
    title: spec.title,
    run(facts) {
      const file = facts.netrc.location.path;
      if (!file || facts.netrc.text === undefined) return result(this, 'skip', 'No netrc file to check.');
      return spec.run.call(this, file, facts);
    },
  };
}

/** A check of the netrc file's entries (`run` gets the parsed file): skipped when there is none. */
export function parsedNetrcCheck(spec: NetrcCheckSpec<Netrc>): Check {
  return {
    id: spec.id,
    title: spec.title,
    run(facts) {
      const netrc = facts.netrc.parsed;
      if (!netrc) return result(this, 'skip', 'No parsed netrc file.');
      return spec.run.call(this, netrc, facts);
    },
  };
}
