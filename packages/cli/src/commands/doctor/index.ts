/**
 * Registers `lk doctor [--server URL] [--fix] [--format text|json] [--json]`. Flags become options here; the work is
 * in `doctor.ts` (`runDoctor(opts, deps)`), imported only when the command runs, so `lk --help`
 * loads none of it.
 */
import type { Command } from 'commander';
import type { Deps } from '../../deps.js';
import type { DoctorOptions } from './facts.js';
import { serverCommand } from '../shared/command.js';
import { addFormatOptions, formatAsked } from '../shared/format.js';

/** What lk doctor prints: the report for people (text), or the checks as JSON. */
export const DOCTOR_FORMATS = ['text', 'json'] as const;

/** What commander hands the action. */
export interface DoctorFlags {
  server?: string;
  fix?: boolean;
  format?: (typeof DOCTOR_FORMATS)[number];
  json?: boolean;
}

/** What commander hands the action, as doctor options (`--json` is `--format json`). */
export function doctorOptions(flags: DoctorFlags): DoctorOptions {
  const o: DoctorOptions = { fix: flags.fix === true, json: formatAsked(flags) === 'json' };
  if (flags.server !== undefined) o.server = flags.server;
  return o;
}

export const doctorCommand = serverCommand(
  (parent) =>
    addFormatOptions(
      parent
        .command('doctor')
        .description('check the netrc file, the key sources, the server URL and the key, and say how to fix each problem')
        .option('--fix', 'apply the safe repairs (after a backup of the netrc file), then check again'),
      DOCTOR_FORMATS,
      'text, one line per check',
      'the checks',
    ).addHelpText(
        'after',
        `
Repairs done by --fix (after copying the file to <netrc>.lk-backup-<time>, mode 0600):
  strip a stale apikey| prefix the server rejects (only when the key without it is accepted),
  chmod 600, move entries from after \`default\` to before it, rewrite \`machine https://host:port\`
  to \`machine host\`, set \`login apikey\` when the entry's password is an accepted key.

Exit codes: 0 all checks pass (warnings allowed), 1 a check failed, 4 the key is rejected or missing.`,
      ),
  async (flags: DoctorFlags, deps: Deps) => {
    const { runDoctor } = await import('./doctor.js');
    await runDoctor(doctorOptions(flags), deps);
  },
);

export function registerDoctor(program: Command, deps: Deps): Command {
  return doctorCommand(deps)(program);
}
