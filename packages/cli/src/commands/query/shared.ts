import { Option, type Command } from 'commander';
import { usageError } from '../../cli-error.js';
import type { Deps } from '../../deps.js';
import { createProgress } from '../../output/progress.js';
import { createRowWriter, FORMATS, type Format } from '../../output/row-writer.js';
import { addServerOption, AUTH_SCHEMES } from '../shared/server.js';

export interface OutputOptions {
  format?: Format;
  maxRows?: number;
  pageSize?: number;
}

export function intArg(name: string, min: number): (v: string) => number {
  return (v) => {
    const hint = `Give a whole number of at least ${min}, e.g. ${name} 100.`;
    if (!/^-?\d+$/.test(v.trim())) throw usageError(`${name} must be a whole number, got "${v}".`, hint);
    const n = Number(v);
    if (n < min) throw usageError(`${name} must be at least ${min}, got ${n}.`, hint);
    return n;
  };
}

/** Options every query verb shares. */
export function addQueryOptions(cmd: Command): Command {
  addServerOption(cmd);
  return cmd
    .option('--container <path>', 'container (folder) path, e.g. /home (default: the server\'s default container)')
    .addOption(new Option('--auth <scheme>', 'how to send the key').choices([...AUTH_SCHEMES]))
    .option('--max-rows <n>', 'stop after n rows', intArg('--max-rows', 0))
    .option('--page-size <n>', 'rows fetched per request', intArg('--page-size', 1))
    .addOption(new Option('--format <format>', 'output format (default: table on a terminal, else tsv)').choices([...FORMATS]));
}

/** Writes rows from an async iterator page by page, with a progress line on a terminal. Returns the row count. */
export async function streamRows(deps: Deps, rows: AsyncIterable<Record<string, unknown>>, o: OutputOptions & { columns?: string[] | undefined }): Promise<number> {
  const { io } = deps;
  const format: Format = o.format ?? (io.stdoutIsTTY ? 'table' : 'tsv');
  // On a terminal each row shows as it comes; elsewhere rows are written in chunks.
  const tty = io.stdoutIsTTY;
  const writer = createRowWriter(io, { format, columns: o.columns, firstPage: o.pageSize ?? 1000, ...(tty ? { chunkChars: 0 } : {}) });
  const progress = createProgress(io, () => deps.now().getTime());
  try {
    for await (const row of rows) {
      // Rows on the same terminal would land after the progress text: erase it first.
      if (tty) progress.hide();
      const wrote = writer.row(row);
      if (wrote) await wrote;
      progress.tick(writer.count);
      if (io.stdoutClosed) break;
    }
  } finally {
    progress.done();
  }
  await writer.end();
  if (writer.count === 0 && format === 'table') io.err('(no rows)\n');
  return writer.count;
}

export function splitList(v: string | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  const parts = v.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return parts.length ? parts : undefined;
}
