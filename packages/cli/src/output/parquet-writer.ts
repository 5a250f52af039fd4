/**
 * `--format parquet`: rows to a Parquet file with parquet-wasm (arrow-rs's parquet writer compiled
 * to WebAssembly), fed one Arrow record batch per BATCH_ROWS rows (arrow-batch.ts, through Arrow
 * IPC) by its streaming writer, which makes each batch a row group and hands back its bytes, written
 * to the file before the next batch is read. Column types come from the server's field metadata
 * (see typed-columns.ts): int as INT64, float as DOUBLE, boolean as BOOLEAN, date as INT64
 * TIMESTAMP(MILLIS) not adjusted to UTC (LabKey sends server time without a zone), everything
 * else as UTF8 strings; every column nullable. Snappy; dictionary pages for string columns only.
 * Loaded only when this format is used (`lk --help` never parses it).
 *
 * parquet-wasm's stream does not report every failure (a batch it cannot take is dropped, an
 * input that fails still gets a footer), so the file's footer is read back and its row count must
 * be the rows lk read; and should the writer stop asking for batches (the event loop would run
 * dry and Node exit 0 with nothing written), the export fails instead.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { CliError } from '../cli-error.js';
import type { AtomicFile } from './atomic-file.js';
import { arrowTypes, columnData } from './arrow-batch.js';
import { BATCH_ROWS, ColumnCells, type TypedColumn, type TypedFileWriter } from './typed-columns.js';
import { batchedWriter } from './typed-writer.js';

/** Dictionary pages up to this size: at arrow-rs's 1 MB a 16,384-row group never falls back, so every column was dictionary-encoded (files 36% larger). */
const DICTIONARY_PAGE_BYTES = 8192;

export async function createParquetWriter(file: AtomicFile, columns: readonly TypedColumn[], createdBy: string): Promise<TypedFileWriter> {
  const arrow = await import('apache-arrow');
  const pw = await import('parquet-wasm');
  const fields = arrowTypes(arrow, columns);
  const schema = new arrow.Schema(fields);
  // Properties for this file only: the writer takes them over (a second use writes with defaults).
  let b = new pw.WriterPropertiesBuilder()
    .setCompression(pw.Compression.SNAPPY)
    .setMaxRowGroupSize(BATCH_ROWS)
    .setCreatedBy(createdBy)
    .setDictionaryEnabled(false)
    .setDictionaryPageSizeLimit(DICTIONARY_PAGE_BYTES);
  for (const c of columns) if (c.kind === 'string') b = b.setColumnDictionaryEnabled(c.name, true);
  const props = b.build();

  let failure: unknown;
  /** Resolved when the writer asks for its next batch (or has failed). */
  let asked: () => void = () => {};
  let nextAsk = new Promise<void>((r) => (asked = r));
  /** Set by the writer's pull: takes the next batch, or undefined to end the file. */
  let take: ((batch: unknown) => void) | undefined;
  const input = new ReadableStream(
    {
      pull: (controller) =>
        new Promise<void>((done) => {
          take = (batch) => {
            take = undefined;
            if (batch === undefined) controller.close();
            else controller.enqueue(batch);
            done();
          };
          asked();
        }),
    },
    { highWaterMark: 0 },
  );
  // Not awaited here: the writer asks for its first batch before it gives its output stream.
  const pump = (async () => {
    const output = await pw.transformParquetStream(input, props);
    for await (const chunk of output as AsyncIterable<Uint8Array>) {
      if (failure !== undefined) return;
      file.write(chunk);
    }
  })().catch((e: unknown) => fail(e));
  const fail = (e: unknown) => {
    failure ??= e;
    asked();
    stalled();
  };
  // Nothing else keeps the process alive while lk waits on the writer: should it stop, Node would
  // reach 'beforeExit' with the export unfinished (and exit 0). Each wait fails the export there instead.
  let stalled: () => void = () => {};
  const stall = new Promise<void>((r) => (stalled = r));
  const onBeforeExit = () =>
    fail(new CliError('LK_EXPORT_WRITE', 'The parquet writer stopped before the file was complete, so the export was not saved.', { hint: 'Export with --format arrow or csv instead, and tell lk\'s maintainers.' }));
  const wait = async (p: Promise<unknown>) => {
    process.on('beforeExit', onBeforeExit);
    try {
      await Promise.race([p, stall]);
    } finally {
      process.off('beforeExit', onBeforeExit);
    }
    if (failure !== undefined) throw failure;
  };

  /** Hands the writer `batch` (a parquet-wasm RecordBatch, or undefined to end the file) once it asks for one. */
  const give = async (batch: unknown) => {
    await wait(nextAsk);
    nextAsk = new Promise<void>((r) => (asked = r));
    take!(batch);
  };
  const recordBatch = (cells: ColumnCells[], n: number) => {
    const children = fields.map((f, i) => columnData(arrow, f.type, cells[i]!, n));
    const data = arrow.makeData({ type: new arrow.Struct(fields), length: n, nullCount: 0, children });
    const table = pw.Table.fromIPCStream(arrow.tableToIPC(new arrow.Table([new arrow.RecordBatch(schema, data)]), 'stream'));
    const rb = table.recordBatch(0);
    table.free();
    return rb;
  };
  return batchedWriter(
    columns,
    (cells, n) => give(recordBatch(cells, n)),
    async (count) => {
      // No rows: one empty batch, for the schema (a stream with no batch at all fails there).
      if (count === 0) await give(recordBatch(columns.map((c) => new ColumnCells(c.kind, 0)), 0));
      await give(undefined);
      await wait(pump);
      const rows = await footerRows(file.tmp);
      if (rows !== BigInt(count)) {
        throw new CliError('LK_EXPORT_WRITE', `The parquet file came out with ${rows ?? 'no'} rows, not the ${count} lk read, so the export was not saved.`, {
          hint: 'Export with --format arrow or csv instead, and tell lk\'s maintainers.',
        });
      }
    },
    () => {
      // Its input is left unanswered and nothing more it makes is written: the file is discarded
      // (and its descriptor may soon be another file's).
      fail(new CliError('LK_EXPORT_WRITE', 'The export was abandoned.'));
    },
  );
}

/** The row count in the footer of the parquet file at `path` (read with hyparquet, not the writer); undefined when there is no footer. */
export async function footerRows(path: string): Promise<bigint | undefined> {
  const fd = openSync(path, 'r');
  let footer: Buffer;
  try {
    const size = fstatSync(fd).size;
    if (size < 12) return undefined;
    const tail = Buffer.alloc(8);
    readSync(fd, tail, 0, 8, size - 8);
    const len = tail.readUInt32LE(0);
    if (tail.toString('latin1', 4) !== 'PAR1' || len + 12 > size) return undefined;
    footer = Buffer.alloc(len + 8);
    readSync(fd, footer, 0, len + 8, size - 8 - len);
  } finally {
    closeSync(fd);
  }
  const { parquetMetadata } = await import('hyparquet');
  return parquetMetadata(footer).num_rows;
}
