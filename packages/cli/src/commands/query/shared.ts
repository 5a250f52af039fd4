import { isUtf8 } from 'node:buffer';
import { extname } from 'node:path';
import { Option, type Command } from 'commander';
import type { FieldInfo, RawRowsPage } from '@lk/sdk';
import { CliError, usageError } from '../../cli-error.js';
import type { Deps } from '../../deps.js';
import type { IO } from '../../io.js';
import { openAtomicFile, type AtomicFile } from '../../output/atomic-file.js';
import { createProgress } from '../../output/progress.js';
import { createRowWriter, FORMATS, type Format } from '../../output/row-writer.js';
import { typedColumns, type TypedFileWriter } from '../../output/typed-columns.js';
import { VERSION } from '../../version.js';
import { addServerOption, AUTH_SCHEMES } from '../shared/server.js';
import { addFormatOptions, formatAsked } from '../shared/format.js';

/** Typed, binary formats: written to a file (--output) with column types from the server's metadata. */
export const TYPED_FORMATS = ['parquet', 'arrow'] as const;
export type QueryFormat = Format | (typeof TYPED_FORMATS)[number];
const QUERY_FORMATS: readonly QueryFormat[] = [...FORMATS, ...TYPED_FORMATS];

export interface OutputOptions {
  format?: QueryFormat;
  /** `--json`: the same as `--format json`. */
  json?: boolean;
  output?: string;
  maxRows?: number;
  pageSize?: number;
}

/** What the first page said about the result, filled by the iterator's `onMetadata`. */
export interface QueryMetadata {
  fields?: FieldInfo[];
  rowCount?: number | undefined;
}

/** A {@link QueryMetadata} and the `onMetadata` callback that fills it, for `selectRowsIter`/`executeSqlIter`. */
export function collectMetadata(): { metadata: QueryMetadata; onMetadata: (m: { fields: FieldInfo[]; rowCount: number | undefined }) => void } {
  const metadata: QueryMetadata = {};
  return { metadata, onMetadata: (m) => Object.assign(metadata, m) };
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
  cmd
    .option('--container <path>', 'container (folder) path, e.g. /home (default: the server\'s default container)')
    .addOption(new Option('--auth <scheme>', 'how to send the key').choices([...AUTH_SCHEMES]))
    .option('--max-rows <n>', 'stop after n rows', intArg('--max-rows', 0))
    .option(
      '--page-size <n>',
      'fetch n rows per request, in paged requests (e.g. for a proxy that cuts long responses); by default csv, tsv, ndjson, parquet and arrow exports read the whole result in one streamed request',
      intArg('--page-size', 1),
    );
  // parquet and arrow are typed files for --output.
  return addFormatOptions(cmd, QUERY_FORMATS, "from --output's extension, else table on a terminal, else tsv; parquet and arrow need --output")
    .option('--output <file>', 'write to FILE (atomically: it appears only when complete) instead of stdout, with a progress bar on a terminal');
}

const BY_EXTENSION: Record<string, QueryFormat> = { '.parquet': 'parquet', '.arrow': 'arrow', '.feather': 'arrow', '.csv': 'csv', '.tsv': 'tsv', '.json': 'json', '.ndjson': 'ndjson', '.jsonl': 'ndjson' };

/** The format asked for, else the one --output's extension names, else table on a terminal, else tsv. */
function formatFor(o: OutputOptions, io: IO): QueryFormat {
  const asked = formatAsked(o);
  if (asked) return asked;
  if (o.output !== undefined) return BY_EXTENSION[extname(o.output).toLowerCase()] ?? 'tsv';
  return io.stdoutIsTTY ? 'table' : 'tsv';
}

/** stdout for the row writers, going to the --output file instead. */
function fileIO(io: IO, file: AtomicFile): IO {
  return Object.create(io, {
    out: {
      value: async (s: string | Uint8Array, released?: () => void) => {
        try {
          file.write(s);
        } finally {
          released?.();
        }
      },
    },
    stdoutIsTTY: { value: false },
    stdoutClosed: { value: false },
  }) as IO;
}

/** Rows expected, for the progress bar: the server's count, or --max-rows when fewer. */
function expectedRows(o: OutputOptions & { metadata?: QueryMetadata | undefined }): number | undefined {
  const total = o.metadata?.rowCount;
  if (total === undefined) return undefined;
  return o.maxRows !== undefined ? Math.min(total, o.maxRows) : total;
}

/** A field as the export reads it: its key, its name and its LabKey type. */
const fieldText = (f: FieldInfo): string => `${f.fieldKey || f.name}${f.fieldKey && f.fieldKey !== f.name ? ` (${f.name})` : ''} ${f.type ?? 'untyped'}`;

/** What changed from `was` to `now`, for an error: the first few fields gone, new or retyped. */
function fieldsChange(was: readonly FieldInfo[], now: readonly FieldInfo[]): string {
  const key = (f: FieldInfo) => f.fieldKey || f.name;
  const before = new Map(was.map((f) => [key(f), f]));
  const after = new Map(now.map((f) => [key(f), f]));
  const parts: string[] = [];
  for (const k of before.keys()) if (!after.has(k)) parts.push(`${JSON.stringify(k)} is gone`);
  for (const [k, f] of after) {
    const b = before.get(k);
    if (!b) parts.push(`${JSON.stringify(k)} is new`);
    else if (fieldText(b) !== fieldText(f)) parts.push(`${JSON.stringify(k)} was ${fieldText(b)}, is ${fieldText(f)}`);
  }
  if (parts.length === 0) parts.push('the columns are in another order');
  return parts.length > 3 ? `${parts.slice(0, 3).join('; ')}; and ${parts.length - 3} more` : parts.join('; ');
}

/**
 * A later page's metadata against the first page's, whose fields the output was laid out by (its
 * header, its typed columns): a page that names other fields (added, removed, renamed, retyped,
 * reordered) is an error, not rows read by the old columns (a renamed column's cells would come
 * out null from there on). A page without metadata is read by the first page's.
 */
function checkPageFields(page: RawRowsPage<Row>, o: { metadata?: QueryMetadata | undefined; output?: string | undefined }, rowsBefore: number): void {
  const first = o.metadata?.fields;
  if (!first || page.fields.length === 0 || page.fields.map(fieldText).join('\n') === first.map(fieldText).join('\n')) return;
  throw new CliError('LK_QUERY_CHANGED', `The server's columns changed during the export (at row ${rowsBefore + 1}): ${fieldsChange(first, page.fields)}. ${o.output !== undefined ? `Nothing was written to ${o.output}.` : 'The output stops before that row.'}`, {
    hint: 'The query or its data changed while lk read it, or the server answers pages inconsistently; run the export again.',
  });
}

/**
 * The rows read against the first page's row count (and --max-rows): pages that stop short of it
 * (an empty or short page in the middle) or that hold more rows than asked for end the pager
 * early or late, so the output would silently have other rows than the result. Without a row
 * count from the server there is nothing to check.
 */
function checkRowCount(count: number, o: OutputOptions & { metadata?: QueryMetadata | undefined }): void {
  const expected = expectedRows(o);
  if (expected === undefined || count === expected) return;
  const total = o.metadata!.rowCount!;
  const what =
    o.maxRows !== undefined && count > o.maxRows
      ? `The server sent ${count} rows where --max-rows asked for ${o.maxRows}`
      : `The server said the result has ${total} rows but sent ${count}${o.maxRows !== undefined && o.maxRows < total ? ` (of the ${o.maxRows} --max-rows asked for)` : ''}`;
  throw new CliError('LK_QUERY_ROW_COUNT', `${what}, so the output would not be the result. ${o.output !== undefined ? `Nothing was written to ${o.output}.` : 'The output above is not the whole result.'}`, {
    hint: 'The data changed while lk read it, or the server pages inconsistently (a page shorter or longer than asked for); run the export again.',
  });
}

/**
 * A page as bytes must be UTF-8 (JSON is): bytes that are not (a server writing Latin-1, say)
 * would be read as U+FFFD, so "café" came out "caf\uFFFD" with nothing said.
 */
function checkPageText(page: RawRowsPage<Row>, o: { output?: string | undefined }, rowsBefore: number): void {
  if (!page.bytes || isUtf8(page.bytes)) return;
  throw new CliError('LK_BAD_TEXT', `The server's answer for rows ${rowsBefore + 1} to ${rowsBefore + page.count} is not UTF-8 text (as JSON must be), so its text cannot be read as sent. ${o.output !== undefined ? `Nothing was written to ${o.output}.` : 'The output stops before those rows.'}`, {
    hint: 'The server or a proxy in front of it sends another encoding; ask its administrator.',
  });
}

type Row = Record<string, unknown>;

/**
 * A query's pages, asked for one way: as arrays of rows, or with each page's rows left as the
 * server's bytes (csv, tsv and ndjson transcode them; see output/transcode.ts).
 */
export interface PageSource {
  rows(): AsyncIterable<Row[]>;
  raw(): AsyncIterable<RawRowsPage<Row>>;
}

/**
 * Writes the rows of each page as it arrives (one await per page and per chunk written, not per
 * row), with a progress line on a terminal (a bar with
 * --output, once the server's row count is known), to stdout or, with --output, to a file that
 * appears only when complete. Returns the row count.
 */
export async function streamRows(
  deps: Deps,
  pages: PageSource,
  o: OutputOptions & { columns?: string[] | undefined; metadata?: QueryMetadata | undefined },
): Promise<number> {
  const format = formatFor(o, deps.io);
  if (format === 'parquet' || format === 'arrow') {
    if (o.output === undefined) throw usageError(`--format ${format} writes a binary file: give it --output FILE.`, `e.g. --format ${format} --output result.${format}`);
    return exportTyped(deps, pages.raw(), format, o.output, o);
  }
  if (o.output === undefined) return writeRows(deps, deps.io, pages, format, o);
  const file = openAtomicFile(o.output);
  try {
    const n = await writeRows(deps, fileIO(deps.io, file), pages, format, o);
    file.commit();
    deps.io.err(`${deps.io.style.ok('✓')} Wrote ${n} row${n === 1 ? '' : 's'} to ${o.output}\n`);
    return n;
  } catch (e) {
    file.discard();
    throw e;
  }
}

async function writeRows(
  deps: Deps,
  io: IO,
  source: PageSource,
  format: Format,
  o: OutputOptions & { columns?: string[] | undefined; metadata?: QueryMetadata | undefined },
): Promise<number> {
  // On a terminal each row shows as it comes; elsewhere rows are written in chunks.
  const tty = io.stdoutIsTTY;
  const emptyColumns = () => o.metadata?.fields?.map((f) => f.fieldKey || f.name);
  const writer = createRowWriter(io, { format, columns: o.columns, firstPage: o.pageSize ?? 1000, emptyColumns, ...(tty ? { chunkChars: 0 } : {}) });
  const progress = createProgress(io, () => deps.now().getTime());
  // With --output, the bar's total: the first page's metadata is in before its first row.
  let total = o.output !== undefined;
  // Pages as bytes where a writer transcodes them (not on a terminal, where rows show one by one).
  const raw = !tty && (format === 'csv' || format === 'tsv' || format === 'ndjson');
  const pages: AsyncIterable<Row[] | RawRowsPage<Row>> = raw ? source.raw() : source.rows();
  try {
    reading: for await (const page of pages) {
      if (total) {
        total = false;
        const expected = expectedRows(o);
        if (expected !== undefined) progress.total(expected);
      }
      const bytes = Array.isArray(page) ? undefined : page;
      if (bytes) {
        checkPageFields(bytes, o, writer.count);
        checkPageText(bytes, o, writer.count);
      }
      const fast = bytes && writer.rawPage(bytes);
      if (bytes && fast) {
        while (!fast.done) {
          const wrote = fast.step();
          if (wrote) await wrote;
          progress.tick(writer.count);
          if (io.stdoutClosed) break reading;
        }
        // Written: its table's memory goes to a later page.
        bytes.release();
        continue;
      }
      for (const row of Array.isArray(page) ? page : page.rows()) {
        // Rows on the same terminal would land after the progress text: erase it first.
        if (tty) progress.hide();
        const wrote = writer.row(row);
        if (wrote) await wrote;
        progress.tick(writer.count);
        if (io.stdoutClosed) break reading;
      }
    }
  } finally {
    progress.done();
  }
  if (!io.stdoutClosed) checkRowCount(writer.count, o);
  await writer.end();
  if (writer.count === 0 && format === 'table') io.err('(no rows)\n');
  return writer.count;
}

/** `--format parquet|arrow --output FILE`: typed columns from the first page's metadata, one batch in memory at a time. */
async function exportTyped(
  deps: Deps,
  pages: AsyncIterable<RawRowsPage<Row>>,
  format: 'parquet' | 'arrow',
  output: string,
  o: OutputOptions & { metadata?: QueryMetadata | undefined },
): Promise<number> {
  const { io } = deps;
  const file = openAtomicFile(output);
  const progress = createProgress(io, () => deps.now().getTime());
  let writer: TypedFileWriter | undefined;
  // The iterator has called onMetadata before its first row (or before ending, with no rows).
  const open = async (): Promise<TypedFileWriter> => {
    const columns = typedColumns(o.metadata?.fields ?? []);
    if (columns.length === 0) {
      throw new CliError('LK_EXPORT_NO_COLUMNS', `The server sent no column metadata, so lk cannot type ${format === 'arrow' ? 'an' : 'a'} ${format} file; nothing was written to ${output}.`, {
        hint: 'Export with --format csv or ndjson instead.',
      });
    }
    const expected = expectedRows(o);
    if (expected !== undefined) progress.total(expected);
    return format === 'parquet'
      ? (await import('../../output/parquet-writer.js')).createParquetWriter(file, columns, `lk ${VERSION}`)
      : (await import('../../output/arrow-writer.js')).createArrowWriter(file, columns);
  };
  try {
    for await (const page of pages) {
      writer ??= await open();
      checkPageFields(page, { ...o, output }, writer.count);
      checkPageText(page, { output }, writer.count);
      // Cells read from the page's bytes where they can be (typed-raw.ts), else its row objects.
      const fast = writer.rawPage(page);
      if (fast) {
        while (!fast.done) {
          const wrote = fast.step();
          if (wrote) await wrote;
          progress.tick(writer.count);
        }
        page.release();
        continue;
      }
      for (const row of page.rows()) {
        const wrote = writer.row(row);
        if (wrote) await wrote;
        progress.tick(writer.count);
      }
    }
    writer ??= await open();
    checkRowCount(writer.count, { ...o, output });
    await writer.end();
    progress.done();
    file.commit();
  } catch (e) {
    progress.done();
    writer?.abandon();
    file.discard();
    throw e;
  }
  const n = writer.count;
  io.err(`${io.style.ok('✓')} Wrote ${n} row${n === 1 ? '' : 's'} to ${output} (${format})\n`);
  return n;
}

export function splitList(v: string | undefined): string[] | undefined {
  if (v === undefined) return undefined;
  const parts = v.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return parts.length ? parts : undefined;
}
