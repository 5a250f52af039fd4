/**
 * A typed export's batch (typed-columns.ts' ColumnCells) as an apache-arrow record batch, its
 * columns made from the batch's typed arrays as they are (no builder, no value copied one at a
 * time: validity and booleans packed into bits). Shared by the Arrow writer and the parquet writer
 * (which hands each batch to parquet-wasm as Arrow IPC).
 */
import type { ColumnCells, ColumnKind, TypedColumn } from './typed-columns.js';

type Arrow = typeof import('apache-arrow');

/** The columns as nullable Arrow fields: int64, float64, bool, timestamp (ms, no zone), utf8. */
export function arrowTypes(arrow: Arrow, columns: readonly TypedColumn[]) {
  const typeOf: Record<ColumnKind, () => InstanceType<Arrow['DataType']>> = {
    int: () => new arrow.Int64(),
    float: () => new arrow.Float64(),
    boolean: () => new arrow.Bool(),
    timestamp: () => new arrow.TimestampMillisecond(),
    string: () => new arrow.Utf8(),
  };
  return columns.map((c) => new arrow.Field(c.name, typeOf[c.kind](), true));
}

/** Bytes of 0/1 as a bitmap, least significant bit first (Arrow's validity and boolean layout). */
function bits(bytes: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) if (bytes[i]) out[i >> 3]! |= 1 << (i & 7);
  return out;
}

/** One column of a record batch, over the batch's own arrays. */
export function columnData(arrow: Arrow, type: InstanceType<Arrow['DataType']>, c: ColumnCells, n: number) {
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
