/**
 * `--format <format>` and `--json` for every command that prints data: one definition, so each
 * command lists both, an unknown format is the same usage error everywhere (commander's choices,
 * which handleError turns into lk's LK_USAGE, exit 2, as JSON when JSON was asked), and `--json`
 * is `--format json` (with another --format it is a usage error).
 */
import { Option, type Command } from 'commander';
import { usageError } from '../../cli-error.js';

export interface FormatFlags<F extends string> {
  format?: F;
  /** `--json`: the same as `--format json`. */
  json?: boolean;
}

/**
 * Adds `--format <format>` (one of `formats`; `defaultHelp` says what is printed without it) and
 * `--json` (printing `what` as JSON).
 */
export function addFormatOptions(cmd: Command, formats: readonly string[], defaultHelp: string, what = 'the rows'): Command {
  return cmd
    .addOption(new Option('--format <format>', `output format (default: ${defaultHelp})`).choices([...formats]))
    .option('--json', `print ${what} as JSON (same as --format json)`);
}

/** The format asked for: `--json` is `--format json`; `undefined` when neither was given (the command's default applies). */
export function formatAsked<F extends string>(o: FormatFlags<F>): F | 'json' | undefined {
  if (o.json) {
    if (o.format && o.format !== 'json') throw usageError(`--json is --format json; it cannot go with --format ${o.format}.`, 'Give one of them.');
    return 'json';
  }
  return o.format;
}
