/**
 * Streams query rows to stdout in one of lk's output formats, page by page. csv and tsv buffer the
 * first page only: it decides the columns; later rows are written as they arrive. A table is for
 * people, so it is sized from all its rows up to `tableRows` (10,000) before a line is printed,
 * in terminal cells (CJK and emoji count 2); in a longer result, a later value wider than its
 * column is printed whole and pushes the rest of its line right, never cut (only values over
 * `maxColumnWidth` end in `…`). Memory stays bounded for any result size.
 *
 * Output is batched: rows are formatted into one buffer of UTF-8 bytes (byte-chunk.ts; csv and tsv
 * cell by cell) that goes to stdout once it holds `chunkChars` bytes (a write per row cost lk more
 * than formatting the rows did: 200,000 synchronous writes to a file took 0.77 s of a 2 s export).
 * On a terminal, rows are written as they come (chunkChars 0).
 *
 * csv, tsv and ndjson also take a page as the server's bytes (`rawPage`): past the first page,
 * its rows are transcoded from the JSON bytes into the chunk (transcode.ts) with the same output,
 * without a row object or a string per cell.
 */
import type { RawRowsPage } from '@lk/sdk';
import type { IO } from '../io.js';
import { ByteChunk } from './byte-chunk.js';
import { Transcoder } from './transcode.js';
import { cellText, csvCell, csvField, tableField, truncate, tsvCell, tsvField, width } from './cells.js';

const NL = 0x0a;

export const FORMATS = ['table', 'csv', 'tsv', 'json', 'ndjson'] as const;
export type Format = (typeof FORMATS)[number];

export interface RowWriterOptions {
  format: Format;
  /** The columns asked for (`--columns`); otherwise taken from the first page's rows. */
  columns?: string[] | undefined;
  /** csv/tsv: rows buffered before the columns are fixed. */
  firstPage?: number;
  /** table: rows buffered before the columns and widths are fixed (default 10,000). */
  tableRows?: number;
  /** Widest a table column may get (longer values end in `…`). */
  maxColumnWidth?: number;
  /** Bytes collected before a write to stdout (default 65,536; 0 writes every row). */
  chunkChars?: number;
  /** The result's column names from the server's field metadata: the header of an empty result. */
  emptyColumns?: () => string[] | undefined;
}

export interface RowWriter {
  /** Takes one row; returns a promise only when it wrote to stdout (await it: back-pressure). */
  row(r: Record<string, unknown>): Promise<void> | undefined;
  /**
   * Starts writing a page from its bytes, or undefined when its rows must go through `row` (table
   * and json, the first page, a terminal, a page not of flat rows).
   */
  rawPage(page: RawRowsPage<Record<string, unknown>>): RawPageWrite | undefined;
  /** Flushes what is buffered and closes the output (e.g. the JSON array). */
  end(): Promise<void>;
  readonly count: number;
}

/** A page being written from its bytes. */
export interface RawPageWrite {
  /** Writes rows until a chunk is full (and returns its write: await it) or the page ends. */
  step(): Promise<void> | undefined;
  readonly done: boolean;
}

export function createRowWriter(io: IO, o: RowWriterOptions): RowWriter {
  const firstPage = o.format === 'table' ? (o.tableRows ?? 10_000) : (o.firstPage ?? 1000);
  const maxWidth = o.maxColumnWidth ?? 60;
  const chunkChars = o.chunkChars ?? 65_536;
  let count = 0;
  const pending = new ByteChunk(chunkChars);
  const rawWrite = (tc: Transcoder, page: RawRowsPage<Record<string, unknown>>): RawPageWrite | undefined => {
    const cur = tc.open(page);
    if (!cur) return undefined;
    return {
      step() {
        count += tc.step(cur, chunkChars);
        return rowDone();
      },
      get done() {
        return cur.r >= cur.n;
      },
    };
  };
  /** After a row: the chunk goes to stdout once it holds `chunkChars` bytes. */
  const rowDone = (): Promise<void> | undefined => (pending.length < chunkChars || pending.length === 0 ? undefined : send());
  const drain = async (): Promise<void> => {
    if (pending.length > 0) await send();
  };
  // The chunk's buffer comes back once the IO has written it.
  const send = (): Promise<void> => {
    const b = pending.take();
    return io.out(b, () => pending.recycle(b));
  };

  // `--columns` as the server answered them: LabKey matches names case-insensitively and drops
  // unknown ones silently, so the names come from the result (never a made-up empty column). The
  // SDK warns about the names it dropped (onWarning), so nothing is said here.
  const resolveColumns = (known: string[]): string[] | undefined => {
    if (!o.columns || known.length === 0) return o.columns;
    const found: string[] = [];
    for (const c of o.columns) {
      const k = known.find((x) => x === c) ?? known.find((x) => x.toLowerCase() === c.toLowerCase());
      if (k !== undefined && !found.includes(k)) found.push(k);
    }
    return found;
  };

  if (o.format === 'json' || o.format === 'ndjson') {
    const nd = o.format === 'ndjson';
    let picked: string[] | undefined;
    const put = (r: Record<string, unknown>): void => {
      if (!nd) pending.text(count === 0 ? '[\n  ' : ',\n  ');
      pending.text(JSON.stringify(picked ? pick(r, picked) : r));
      if (nd) pending.byte(NL);
    };
    let tc: Transcoder | undefined;
    return {
      row(r) {
        if (count === 0) picked = resolveColumns(unionOfKeys([r]));
        put(r);
        count++;
        return rowDone();
      },
      rawPage(page) {
        if (!nd || count === 0 || picked || chunkChars === 0) return undefined;
        tc ??= new Transcoder({ format: 'ndjson', columns: [], chunk: pending, fallback: put });
        return rawWrite(tc, page);
      },
      async end() {
        if (!nd) pending.text(count === 0 ? '[]\n' : '\n]\n');
        await drain();
      },
      get count() {
        return count;
      },
    };
  }

  let buffer: Record<string, unknown>[] | undefined = [];
  let columns: string[] = [];
  let widths: number[] = [];

  const line = (cells: string[]): string => {
    if (o.format === 'csv') return `${cells.map(csvField).join(',')}\n`;
    if (o.format === 'tsv') return `${cells.map(tsvField).join('\t')}\n`;
    // The last column is never cut: nothing after it needs aligning.
    const padded = cells.map((c, i) => {
      if (i === cells.length - 1) return tableField(c);
      const t = truncate(tableField(c), maxWidth);
      return t + ' '.repeat(Math.max(0, (widths[i] ?? 0) - width(t)));
    });
    return `${padded.join('  ').trimEnd()}\n`;
  };
  const cellsOf = (r: Record<string, unknown>) => columns.map((c) => cellText(r[c]));
  // csv and tsv rows: one string built cell by cell (no arrays per row), encoded into the chunk at once.
  const cell = o.format === 'csv' ? csvCell : tsvCell;
  const sep = o.format === 'csv' ? ',' : '\t';
  const addRow = (r: Record<string, unknown>): void => {
    if (o.format === 'table') return pending.text(line(cellsOf(r)));
    let text = cell(r[columns[0] as string]);
    for (let i = 1; i < columns.length; i++) text += sep + cell(r[columns[i] as string]);
    pending.text(text);
    pending.byte(NL);
  };

  const flush = async () => {
    if (!buffer) return;
    const rows = buffer;
    buffer = undefined;
    // No rows: the header still comes, from the field metadata (a reader such as pandas needs it).
    const known = rows.length === 0 ? (o.emptyColumns?.() ?? []).filter((c) => !c.startsWith('_labkeyurl_')) : unionOfKeys(rows);
    columns = resolveColumns(known) ?? known;
    if (o.format === 'table') {
      widths = columns.map((c) => Math.min(maxWidth, Math.max(width(c), ...rows.map((r) => width(tableField(cellText(r[c])))))));
    }
    if (columns.length === 0) return;
    pending.text(line(columns));
    for (const r of rows) addRow(r);
    await rowDone();
  };

  let tc: Transcoder | undefined;
  return {
    rawPage(page) {
      if (buffer || columns.length === 0 || chunkChars === 0 || o.format === 'table') return undefined;
      tc ??= new Transcoder({ format: o.format as 'csv' | 'tsv', columns, chunk: pending, fallback: addRow });
      return rawWrite(tc, page);
    },
    row(r) {
      count++;
      if (buffer) {
        buffer.push(r);
        return buffer.length >= firstPage ? flush() : undefined;
      }
      if (columns.length === 0) return undefined;
      addRow(r);
      return rowDone();
    },
    async end() {
      await flush();
      await drain();
    },
    get count() {
      return count;
    },
  };
}

function unionOfKeys(rows: Record<string, unknown>[]): string[] {
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) if (!k.startsWith('_labkeyurl_')) seen.add(k);
  return [...seen];
}

function pick(r: Record<string, unknown>, columns: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of columns) out[c] = r[c] ?? null;
  return out;
}
