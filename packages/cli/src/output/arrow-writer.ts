/**
 * `--format arrow`: rows to an Arrow IPC file (the random-access "file" format, `.arrow`) with
 * apache-arrow, the Apache project's own JavaScript implementation. Column types come from the
 * server's field metadata (see typed-columns.ts): int as Int64, float as Float64, boolean as Bool,
 * date as Timestamp(millisecond) without a time zone (LabKey sends server time without a zone),
 * everything else as Utf8; every column nullable. Each batch of BATCH_ROWS rows becomes a record
 * batch, its columns made from the batch's typed arrays as they are (no builder, no value copied
 * one at a time: validity and booleans packed into bits), written straight to the file (the writer's byte sink is the file, so no bytes queue up in
 * memory). Loaded only when this format is used (`lk --help` never parses it).
 */
import type { AtomicFile } from './atomic-file.js';
import { batchedWriter } from './typed-writer.js';
import { columnData, arrowTypes } from './arrow-batch.js';
import type { TypedColumn, TypedFileWriter } from './typed-columns.js';

export async function createArrowWriter(file: AtomicFile, columns: readonly TypedColumn[]): Promise<TypedFileWriter> {
  const arrow = await import('apache-arrow');
  const fields = arrowTypes(arrow, columns);
  const schema = new arrow.Schema(fields);
  /** The writer's sink: each chunk goes to the file as it is produced. */
  class FileSink extends arrow.AsyncByteQueue<Uint8Array> {
    override write(chunk: Uint8Array): void {
      file.write(chunk);
    }
  }
  const writer = new arrow.RecordBatchFileWriter();
  writer.reset(new FileSink(), schema);
  return batchedWriter(
    columns,
    (cells, n) => {
      const children = fields.map((f, i) => columnData(arrow, f.type, cells[i]!, n));
      const data = arrow.makeData({ type: new arrow.Struct(fields), length: n, nullCount: 0, children });
      writer.write(new arrow.RecordBatch(schema, data));
      return undefined;
    },
    () => {
      writer.finish();
    },
  );
}
