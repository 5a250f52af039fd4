/**
 * `--format parquet`: rows to a Parquet file with hyparquet-writer (pure JavaScript, no native
 * build or WebAssembly, one dependency; it writes a file incrementally, one row group at a time).
 * Column types come from the server's field metadata (see typed-columns.ts): int as INT64, float
 * as DOUBLE, boolean as BOOLEAN, date as INT64 TIMESTAMP(MILLIS) not adjusted to UTC (LabKey sends
 * server time without a zone), everything else as UTF8 strings; every column nullable. Each batch
 * of BATCH_ROWS rows becomes a row group, written out to the file before the next batch is read.
 * Loaded only when this format is used (`lk --help` never parses it).
 */
import type { AtomicFile } from './atomic-file.js';
import { batchedWriter } from './typed-writer.js';
import { type ColumnCells, type ColumnKind, type TypedColumn, type TypedFileWriter, type TypedValue } from './typed-columns.js';

type SchemaElement = { name: string; type?: string; repetition_type?: string; num_children?: number; converted_type?: string; logical_type?: Record<string, unknown> };

const ELEMENTS: Record<ColumnKind, Omit<SchemaElement, 'name'>> = {
  int: { type: 'INT64' },
  float: { type: 'DOUBLE' },
  boolean: { type: 'BOOLEAN' },
  timestamp: { type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'MILLIS' } },
  string: { type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } },
};

/** Bytes the writer collects before they go to the file. */
const FLUSH_BYTES = 1 << 20;

export async function createParquetWriter(file: AtomicFile, columns: readonly TypedColumn[], createdBy: string): Promise<TypedFileWriter> {
  const { ByteWriter, ParquetWriter } = await import('hyparquet-writer');
  const bytes = new ByteWriter();
  const flush = (patch?: (b: Uint8Array) => void) => {
    const chunk = new Uint8Array(bytes.buffer, 0, bytes.index);
    patch?.(chunk);
    if (bytes.index > 0) file.write(chunk);
    bytes.index = 0;
  };
  const grow = bytes.ensure.bind(bytes);
  bytes.ensure = (size: number) => {
    if (bytes.index > FLUSH_BYTES) flush();
    grow(size);
  };
  Object.assign(bytes, { flush: () => flush(), finish: () => flush() });
  const schema: SchemaElement[] = [
    { name: 'root', num_children: columns.length },
    ...columns.map((c) => ({ name: c.name, repetition_type: 'OPTIONAL', ...ELEMENTS[c.kind] })),
  ];
  const writer = new ParquetWriter({ writer: bytes, schema: schema as never, createdBy });
  return batchedWriter(
    columns,
    (cells, n) => {
      const done = writer.write({ columnData: columns.map((c, i) => ({ name: c.name, data: valuesOf(cells[i]!, n) as never })), rowGroupSize: n });
      return done instanceof Promise ? done : undefined;
    },
    (count) => {
      if (count === 0) bytes.finish = () => flush(emptyRowGroupsFix());
      writer.finish();
    },
  );
}

/**
 * A result with no rows is a file with no row groups. hyparquet-writer writes that empty
 * `row_groups` list with element type 0 (no Thrift type), which strict readers refuse (arrow-rs:
 * "Expected list element type of Struct but got Byte"). The list's header is one byte (size 0 in
 * the high nibble, element type in the low), right after `num_rows = 0` (field 3, i64, value 0)
 * and field 4's header: it is set to "size 0, struct", which changes no length. Only a file with
 * no rows is ever held whole in memory, so the footer is all in `b`.
 */
function emptyRowGroupsFix(): (b: Uint8Array) => void {
  return (b) => {
    // Compact protocol: 0x16 0x00 = field 3 (delta 1), i64, zigzag 0; 0x19 = field 4 (delta 1), list.
    let at = -1;
    for (let i = 0; i + 3 < b.length; i++) {
      if (b[i] === 0x16 && b[i + 1] === 0x00 && b[i + 2] === 0x19 && (b[i + 3]! & 0xf0) === 0) {
        if (at !== -1) return; // not the one place expected: leave the file as written
        at = i + 3;
      }
    }
    if (at !== -1) b[at] = 0x0c;
  };
}

/** A column's cells as the JS values hyparquet-writer takes (an int as a bigint, a timestamp as ms, null). */
function valuesOf(c: ColumnCells, n: number): TypedValue[] {
  const out = new Array<TypedValue>(n);
  for (let i = 0; i < n; i++) out[i] = c.value(i);
  return out;
}
