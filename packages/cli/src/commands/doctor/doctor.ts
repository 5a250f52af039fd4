/**
 * `lk doctor`: runs every check, prints one line per check with a mark and a fix, and with
 * `--fix` applies the safe repairs (after a backup) and runs the checks again to show the result.
 *
 * The run ends in a {@link DoctorOutcome}; a failed run throws an already-reported error, and
 * `exitCodeFor` (in handle-error.ts, the one place) turns it into the exit code: 0 when nothing
 * failed (warnings allowed), 4 when the key is the problem (an SDK auth error's code), else 1.
 * No key value ever reaches the output: checks name keys by fingerprint only.
 */
import { CliError } from '../../cli-error.js';
import type { Deps } from '../../deps.js';
import { ExitCode } from '../../exit-codes.js';
import { errorSummary, exitCodeFor } from '../../handle-error.js';
import type { Check, CheckResult } from './check.js';
import { ALL_CHECKS } from './checks/index.js';
import { gatherFacts, type DoctorFacts, type DoctorOptions } from './facts.js';
import { applyRepairs } from './fix.js';
import { marksFor, renderReport, reportJson, type DoctorOutcome, type DoctorReport } from './render.js';

export type { DoctorOptions } from './facts.js';
export type { DoctorOutcome, DoctorReport } from './render.js';

const MAX_FIX_ROUNDS = 3;

/** Runs the checks in order. A check that crashes is reported as failed, and the others still run. */
export async function runChecks(facts: DoctorFacts, checks: readonly Check[] = ALL_CHECKS): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    try {
      const r = await check.run(facts);
      results.push(r);
      facts.pendingRepairs.push(...(r.repairs ?? []));
    } catch (e) {
      const code = (e as { code?: unknown } | null)?.code;
      results.push({
        id: check.id,
        status: 'fail',
        title: check.title,
        detail: `The check itself failed: ${typeof code === 'string' ? `${code}: ` : ''}${errorSummary(e)}`,
        fix: 'Run `NODE_DEBUG=lk lk doctor` and report the problem.',
      });
    }
  }
  return results;
}

/** The {@link DoctorOutcome} of a run's results. */
export function outcomeOf(results: readonly CheckResult[]): DoctorOutcome {
  if (results.some((r) => r.status === 'fail' && r.authError !== undefined)) return 'auth';
  if (results.some((r) => r.status === 'fail')) return 'problems';
  return 'ok';
}

/**
 * The error a failed run ends with, already reported (the report is the message): with the SDK
 * auth code of the first failure that is the key's, else `LK_DOCTOR_FAILED`. None for `ok`.
 */
export function failureOf(results: readonly CheckResult[]): CliError | undefined {
  const failed = results.filter((c) => c.status === 'fail');
  if (failed.length === 0) return undefined;
  const code = failed.find((c) => c.authError !== undefined)?.authError ?? 'LK_DOCTOR_FAILED';
  return new CliError(code, `lk doctor: ${failed.length} check${failed.length === 1 ? '' : 's'} failed (${failed.map((c) => c.id).join(', ')})`, {
    reported: true,
  });
}

/**
 * Gathers the facts, runs the checks, and with `fix` applies the repairs and checks again.
 * Prints nothing; {@link runDoctor} renders the report.
 */
export async function diagnose(opts: DoctorOptions, deps: Deps): Promise<DoctorReport> {
  const sdk = await deps.sdk();
  let facts = await gatherFacts(opts, deps);
  let checks = await runChecks(facts);
  const report: DoctorReport = { server: facts.server?.url, checks, fixed: [], fixRequested: opts.fix === true, outcome: 'ok' };
  if (opts.fix) {
    // One repair can uncover the next (a renamed machine is found again, and then its stray
    // prefix shows): repeat while repairs change something, a few rounds at most.
    const notFixed: NonNullable<DoctorReport['notFixed']> = [];
    for (let round = 0; round < MAX_FIX_ROUNDS; round++) {
      const outcome = await applyRepairs(checks, facts, deps, sdk, report.backup !== undefined);
      report.fixed.push(...outcome.fixed);
      notFixed.push(...outcome.notFixed);
      if (outcome.backup) report.backup = outcome.backup;
      if (outcome.fixed.length === 0) break;
      facts = await gatherFacts(opts, deps);
      checks = await runChecks(facts);
      report.checks = checks;
    }
    if (notFixed.length) report.notFixed = notFixed;
  }
  report.outcome = outcomeOf(report.checks);
  return report;
}

/**
 * `lk doctor`: the report on stdout, failing or not, so `lk doctor > report.txt` keeps it; `--json`
 * on stdout too, with the exit code. Throws {@link failureOf}'s error for a failed run.
 */
export async function runDoctor(opts: DoctorOptions, deps: Deps): Promise<DoctorReport> {
  const report = await diagnose(opts, deps);
  const failure = failureOf(report.checks);
  const { io } = deps;
  if (opts.json) {
    await io.out(reportJson(report, failure ? await exitCodeFor(failure) : ExitCode.OK));
  } else {
    // The report is the output, failing or not: `lk doctor > report.txt` keeps it (the exit code says how it went).
    await io.out(renderReport(report, marksFor(io.stdoutIsTTY, deps.env)));
  }
  if (failure) throw failure;
  return report;
}
