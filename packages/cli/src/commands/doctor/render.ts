/**
 * The doctor's report: one line per check with a mark, the detail below it, and the fix. Marks
 * are ✓ ! ✗ - in color on a terminal, and `[ok] [warn] [FAIL] [skip]` otherwise (NO_COLOR, pipes,
 * files, TERM=dumb) so that logs and tests read the same everywhere.
 */
import { styleFor, useColor, type Style } from '../../io.js';
import type { CheckResult, CheckStatus } from './check.js';

export interface FixRecord {
  id: string;
  description: string;
}

/**
 * How a run ended: `ok` when no check failed (warnings allowed), `auth` when a failure is the
 * key's (none found, or not accepted: an SDK auth error), `problems` for any other failure.
 */
export type DoctorOutcome = 'ok' | 'problems' | 'auth';

export interface DoctorReport {
  server: string | undefined;
  checks: CheckResult[];
  fixed: FixRecord[];
  /** The backup written before fixing, when `--fix` changed anything. */
  backup?: string;
  /** Repairs that `--fix` found but could not apply, with why. */
  notFixed?: { id: string; description: string; why: string }[];
  /** `--fix` was asked. */
  fixRequested: boolean;
  /** How the (last) run of the checks ended. */
  outcome: DoctorOutcome;
}

const UNICODE: Record<CheckStatus, string> = { pass: '✓', warn: '!', fail: '✗', skip: '-' };
const ASCII: Record<CheckStatus, string> = { pass: '[ok]  ', warn: '[warn]', fail: '[FAIL]', skip: '[skip]' };

export function marksFor(isTTY: boolean, env: Readonly<Record<string, string | undefined>>): { mark(s: CheckStatus): string; style: Style } {
  const fancy = useColor(isTTY, env);
  const style = styleFor(fancy);
  const paint: Record<CheckStatus, (s: string) => string> = { pass: style.ok, warn: style.warn, fail: style.fail, skip: style.dim };
  return { mark: (s) => paint[s]((fancy ? UNICODE : ASCII)[s]), style };
}

function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((l) => by + l)
    .join('\n');
}

/** The human report. */
export function renderReport(r: DoctorReport, marks: ReturnType<typeof marksFor>): string {
  const { mark, style } = marks;
  const out: string[] = [];
  out.push(style.bold(`lk doctor${r.server ? `: ${r.server}` : ' (no server)'}`));
  if (r.fixRequested) {
    if (r.fixed.length === 0 && (r.notFixed ?? []).length === 0) out.push('Nothing to repair automatically.');
    if (r.fixed.length > 0) {
      out.push(`Fixed${r.backup ? ` (backup: ${r.backup})` : ''}:`);
      for (const f of r.fixed) out.push(`  ${mark('pass')} ${f.description}`);
    }
    for (const f of r.notFixed ?? []) out.push(`  ${mark('fail')} not done (${f.id}): ${f.why}`);
    if (r.fixed.length > 0) out.push('Checks after fixing:');
  }
  for (const c of r.checks) {
    const [first = '', ...more] = c.detail.split('\n');
    out.push(`${mark(c.status)} ${style.bold(c.title)}: ${first}`);
    if (more.length) out.push(indent(more.join('\n'), '    '));
    if (c.fix && (c.status === 'fail' || c.status === 'warn')) out.push(`    fix: ${c.fix}`);
  }
  const fails = r.checks.filter((c) => c.status === 'fail').length;
  const warns = r.checks.filter((c) => c.status === 'warn').length;
  const repairable = r.checks.filter((c) => (c.repairs ?? []).length > 0).length;
  const counts = [fails ? `${fails} failed` : '', warns ? `${warns} warning${warns === 1 ? '' : 's'}` : ''].filter(Boolean).join(', ');
  let summary = counts ? `${counts}.` : 'All checks passed.';
  if (repairable > 0 && !r.fixRequested) summary += ` \`lk doctor --fix\` can repair ${repairable === 1 ? 'one of them' : `${repairable} of them`} (after a backup).`;
  if (fails || warns) summary += ' Run `lk doctor` again after a fix.';
  out.push('', summary);
  return `${out.join('\n')}\n`;
}

/** `--json`: `{ checks: [{ id, status, title, detail, fix }], fixed: [...] }` (plus server and backup). */
export function reportJson(r: DoctorReport, exitCode: number): string {
  const data: Record<string, unknown> = {
    server: r.server ?? null,
    checks: r.checks.map((c) => ({ id: c.id, status: c.status, title: c.title, detail: c.detail, fix: c.fix })),
    fixed: r.fixed,
  };
  if (r.backup) data.backup = r.backup;
  if (r.notFixed?.length) data.notFixed = r.notFixed;
  data.exitCode = exitCode;
  return `${JSON.stringify(data, null, 2)}\n`;
}
