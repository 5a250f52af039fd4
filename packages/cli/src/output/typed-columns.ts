/**
 * The columns of a typed export (`--format parquet|arrow`): one per field of the server's
 * metadata, typed from its LabKey JSON type, and each cell turned into that type's value. Shared
 * by the parquet and Arrow writers, which take rows in batches of {@link BATCH_ROWS} (a row group
 * or a record batch each), so memory holds one batch whatever the result's size.
 */
import type { FieldInfo } from '@lk/sdk';
import { CliError } from '../cli-error.js';

/** LabKey `int` (Integer or Long) is 64-bit, `date` a timestamp in server time without a zone; `time` and anything unknown stay text. */
export type ColumnKind = 'int' | 'float' | 'boolean' | 'timestamp' | 'string';

export interface TypedColumn {
  /** The column's name in the file: the field key (`CreatedBy/DisplayName` for a lookup). */
  name: string;
  /** Keys to read the value from a row, the field key first. */
  keys: string[];
  kind: ColumnKind;
}

/** A cell as the writers take it: int as bigint, timestamp as ms since the epoch (of a wall-clock time), or null. */
export type TypedValue = bigint | number | boolean | string | null;

/** Rows per row group (parquet) or record batch (Arrow). */
export const BATCH_ROWS = 16_384;

export interface TypedFileWriter {
  /** Takes one row (converted at once; a value of the wrong type throws LK_EXPORT_TYPE). Returns a promise when it wrote a batch. */
  row(r: Record<string, unknown>): Promise<void> | undefined;
  /** Writes what is buffered and the file's footer. */
  end(): Promise<void>;
  readonly count: number;
}

const KINDS: Record<string, ColumnKind> = { int: 'int', float: 'float', boolean: 'boolean', date: 'timestamp', string: 'string' };

export function typedColumns(fields: readonly FieldInfo[]): TypedColumn[] {
  return fields.map((f) => ({
    name: f.fieldKey || f.name,
    keys: f.fieldKey && f.fieldKey !== f.name ? [f.fieldKey, f.name] : [f.name],
    kind: KINDS[f.type ?? ''] ?? 'string',
  }));
}

/** LabKey dates: `yyyy-MM-dd HH:mm:ss.SSS` (`yyyy/MM/dd HH:mm:ss` before 2019), server time, no zone. */
const LABKEY_DATE = /^(\d{4})[-/](\d{2})[-/](\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?$/;

function timestamp(v: string): number | undefined {
  const m = LABKEY_DATE.exec(v);
  if (m) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', ms = '0'] = m;
    return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(ms.padEnd(3, '0')));
  }
  // An ISO time with a zone (not LabKey's own format, but unambiguous).
  const t = /[zZ]|[+-]\d{2}:?\d{2}$/.test(v) ? Date.parse(v) : Number.NaN;
  return Number.isNaN(t) ? undefined : t;
}

function convert(kind: ColumnKind, v: unknown): TypedValue | undefined {
  switch (kind) {
    case 'int':
      if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : undefined;
      if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
      return typeof v === 'bigint' ? v : undefined;
    case 'float':
      if (typeof v === 'number') return v;
      if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
      return v === 'NaN' ? Number.NaN : undefined;
    case 'boolean':
      if (typeof v === 'boolean') return v;
      return v === 'true' ? true : v === 'false' ? false : undefined;
    case 'timestamp':
      if (typeof v === 'string') return timestamp(v);
      if (v instanceof Date) return v.getTime();
      return undefined;
    case 'string':
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
      return JSON.stringify(v);
  }
}

/** The value of `c` in row `r` (the `rowNumber`th, from 1) as the column's type; throws a CliError when it is not one. */
export function cellValue(c: TypedColumn, r: Record<string, unknown>, rowNumber: number): TypedValue {
  let v: unknown = r[c.keys[0]!];
  if (v === undefined && c.keys.length > 1) v = r[c.keys[1]!];
  if (v !== null && typeof v === 'object' && !(v instanceof Date) && 'value' in v) v = (v as { value: unknown }).value; // a 9.1/13.2-style cell
  if (v === null || v === undefined) return null;
  const out = convert(c.kind, v);
  if (out === undefined) {
    const shown = JSON.stringify(v);
    throw new CliError('LK_EXPORT_TYPE', `Row ${rowNumber}, column ${c.name}: ${shown.length > 60 ? `${shown.slice(0, 57)}...` : shown} is not ${c.kind === 'int' ? 'an int' : `a ${c.kind}`}, which the server's metadata gives as the column's type.`, {
      hint: 'Export this query with --format csv or ndjson (untyped), or pick the columns with --columns.',
    });
  }
  return out;
}

/** Collects rows as column arrays, up to BATCH_ROWS, for the writers. */
export class ColumnBatch {
  readonly values: TypedValue[][];
  length = 0;
  constructor(readonly columns: readonly TypedColumn[]) {
    this.values = columns.map(() => []);
  }
  /** Adds a row; true when the batch is full. */
  add(r: Record<string, unknown>, rowNumber: number): boolean {
    for (let i = 0; i < this.columns.length; i++) this.values[i]!.push(cellValue(this.columns[i]!, r, rowNumber));
    return ++this.length >= BATCH_ROWS;
  }
  /** Hands out the column arrays and starts a new batch. */
  take(): TypedValue[][] {
    const out = this.values.splice(0, this.values.length, ...this.columns.map(() => []));
    this.length = 0;
    return out;
  }
}

/**
 * A {@link TypedFileWriter} over a format's two steps: `writeBatch` gets each full batch's column
 * arrays (and the last, partial one), and `finish` writes the footer once the last batch is out.
 */
export function batchedWriter(
  columns: readonly TypedColumn[],
  writeBatch: (values: TypedValue[][], rows: number) => Promise<void> | undefined,
  finish: (rowCount: number) => void,
): TypedFileWriter {
  const batch = new ColumnBatch(columns);
  let count = 0;
  const flush = () => {
    const n = batch.length;
    return n === 0 ? undefined : writeBatch(batch.take(), n);
  };
  return {
    get count() {
      return count;
    },
    row(r) {
      count++;
      return batch.add(r, count) ? flush() : undefined;
    },
    async end() {
      await flush();
      finish(count);
    },
  };
}
