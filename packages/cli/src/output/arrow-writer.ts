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
import { type ColumnCells, type ColumnKind, type TypedColumn, type TypedFileWriter } from './typed-columns.js';

export async function createArrowWriter(file: AtomicFile, columns: readonly TypedColumn[]): Promise<TypedFileWriter> {
  const arrow = await import('apache-arrow');
  const typeOf: Record<ColumnKind, () => InstanceType<typeof arrow.DataType>> = {
    int: () => new arrow.Int64(),
    float: () => new arrow.Float64(),
    boolean: () => new arrow.Bool(),
    timestamp: () => new arrow.TimestampMillisecond(),
    string: () => new arrow.Utf8(),
  };
  const fields = columns.map((c) => new arrow.Field(c.name, typeOf[c.kind](), true));
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
    () => writer.finish(),
  );
}

/** Bytes of 0/1 as a bitmap, least significant bit first (Arrow's validity and boolean layout). */
function bits(bytes: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) if (bytes[i]) out[i >> 3]! |= 1 << (i & 7);
  return out;
}

type Arrow = typeof import('apache-arrow');

/** One column of a record batch, over the batch's own arrays. */
function columnData(arrow: Arrow, type: InstanceType<Arrow['DataType']>, c: ColumnCells, n: number) {
  const common = { type: type as never, length: n, nullCount: c.nulls, ...(c.nulls > 0 ? { nullBitmap: bits(c.valid, n) } : {}) };
  switch (c.kind) {
    case 'int':
    case 'timestamp':
      return arrow.makeData({ ...common, data: c.i64!.subarray(0, n) } as never);
    case 'float':
      return arrow.makeData({ ...common, data: c.f64!.subarray(0, n) } as never);
    case 'boolean':
      return arrow.makeData({ ...common, data: bits(c.bool!, n) } as never);
    case 'string':
      return arrow.makeData({ ...common, valueOffsets: c.offsets!.subarray(0, n + 1), data: c.bytes.subarray(0, c.used) } as never);
  }
}
