/** How the discovery commands (`lk query schemas|queries|columns`) print: rows, or JSON. */
import { Option, type Command } from 'commander';
import { addFormatOptions, formatAsked } from '../shared/format.js';
import type { Deps } from '../../deps.js';
import { createRowWriter, FORMATS, type Format } from '../../output/row-writer.js';
import { addServerOption, AUTH_SCHEMES } from '../shared/server.js';
import type { AuthScheme } from '../../config.js';

export interface DiscoveryOptions {
  server?: string;
  container?: string;
  auth?: AuthScheme;
  format?: Format;
  json?: boolean;
}

/** --container, --auth, --format, --json, --server. */
export function addDiscoveryOptions(cmd: Command): Command {
  addServerOption(cmd);
  cmd
    .option('--container <path>', "container (folder) path, e.g. /home (default: the server's default container)")
    .addOption(new Option('--auth <scheme>', 'how to send the key').choices([...AUTH_SCHEMES]));
  return addFormatOptions(cmd, FORMATS, 'table on a terminal, else tsv');
}

/** Writes `rows` in the chosen format (`--json` is `--format json`). */
export async function writeDiscoveryRows(deps: Deps, rows: Record<string, unknown>[], o: DiscoveryOptions, empty: string): Promise<void> {
  const format: Format = formatAsked(o) ?? (deps.io.stdoutIsTTY ? 'table' : 'tsv');
  const w = createRowWriter(deps.io, { format });
  for (const r of rows) {
    const wrote = w.row(r);
    if (wrote) await wrote;
  }
  await w.end();
  if (rows.length === 0 && format === 'table') deps.io.err(`${empty}\n`);
}
