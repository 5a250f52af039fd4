/**
 * `lk doctor`: runs every check, prints one line per check with a mark and a fix, and with
 * `--fix` applies the safe repairs (after a backup) and runs the checks again to show the result.
 *
 * Exit code (through handleError, never process.exit): 0 when nothing failed (warnings allowed),
 * 4 when the server rejected the key (or there is none), 1 for any other failure.
 * No key value ever reaches the output: checks name keys by fingerprint only.
 */
import { CliError } from '../../cli-error.js';
import type { Deps } from '../../deps.js';
import { ExitCode } from '../../exit-codes.js';
import type { Check, CheckResult } from './check.js';
import { ALL_CHECKS } from './checks/index.js';
import { gatherFacts, type DoctorFacts, type DoctorOptions } from './facts.js';
import { applyRepairs } from './fix.js';
import { marksFor, renderReport, reportJson, type DoctorReport } from './render.js';

export type { DoctorOptions } from './facts.js';
export type { DoctorReport } from './render.js';

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
      const err = e as { code?: string; message?: string };
      results.push({
        id: check.id,
        status: 'fail',
        title: check.title,
        detail: `The check itself failed: ${err.code ? `${err.code}: ` : ''}${(err.message ?? String(e)).replace(/^\[lk-sdk\]\s*/, '').split('\n')[0]}`,
        fix: 'Run `NODE_DEBUG=lk lk doctor` and report the problem.',
      });
    }
  }
  return results;
}

export function exitCodeOf(results: readonly CheckResult[]): number {
  if (results.some((r) => r.status === 'fail' && r.authFailure)) return ExitCode.AUTH;
  if (results.some((r) => r.status === 'fail')) return ExitCode.ERROR;
  return ExitCode.OK;
}

/**
 * Gathers the facts, runs the checks, and with `fix` applies the repairs and checks again.
 * Prints nothing; {@link runDoctor} renders the report.
 */
export async function diagnose(opts: DoctorOptions, deps: Deps): Promise<DoctorReport> {
  const sdk = await deps.sdk();
  let facts = await gatherFacts(opts, deps);
  let checks = await runChecks(facts);
  const report: DoctorReport = { server: facts.server?.url, checks, fixed: [], fixRequested: opts.fix === true };
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
  return report;
}

/**
 * `lk doctor`: the report on stdout when nothing failed, on stderr otherwise (as `lk auth status`);
 * `--json` always on stdout. Throws an already-reported CliError for a non-zero exit.
 */
export async function runDoctor(opts: DoctorOptions, deps: Deps): Promise<DoctorReport> {
  const report = await diagnose(opts, deps);
  const code = exitCodeOf(report.checks);
  const { io } = deps;
  if (opts.json) {
    await io.out(reportJson(report, code));
  } else if (code === ExitCode.OK) {
    await io.out(renderReport(report, marksFor(io.stdoutIsTTY, deps.env)));
  } else {
    // As `lk auth status` (and gh): a failing report goes to stderr.
    io.err(renderReport(report, marksFor(io.stderrIsTTY, deps.env)));
  }
  if (code !== ExitCode.OK) {
    const failed = report.checks.filter((c) => c.status === 'fail').map((c) => c.id);
    throw new CliError(code === ExitCode.AUTH ? 'LK_DOCTOR_AUTH' : 'LK_DOCTOR_FAILED', `lk doctor: ${failed.length} check${failed.length === 1 ? '' : 's'} failed (${failed.join(', ')})`, {
      kind: code === ExitCode.AUTH ? 'auth' : 'error',
      reported: true,
    });
  }
  return report;
}
