/**
 * The columns of a typed export (`--format parquet|arrow`): one per field of the server's
 * metadata, typed from its LabKey JSON type, and each cell turned into that type's value. Shared
 * by the parquet and Arrow writers, which take rows in batches of {@link BATCH_ROWS} (a row group
 * or a record batch each), so memory holds one batch whatever the result's size. A batch keeps
 * its cells in typed arrays ({@link ColumnCells}: int64 and timestamps in a BigInt64Array, floats
 * in a Float64Array, strings as UTF-8 bytes and offsets, a validity byte per cell), not as a JS
 * value per cell: 16,384 rows of values kept alive until written were promoted out of V8's young
 * generation and collected again, most of a 1,000,000-row export's time.
 */
import type { FieldInfo, RawRowsPage } from '@lk/sdk';
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
/**
 * Text bytes a batch holds at most (past them it is written before BATCH_ROWS): 16,384 cells of
 * 1 MB each would be 16 GB in memory, and a string column's offsets are 32-bit (Arrow's Utf8),
 * so a batch's text past 2 GB would wrap them into a file that reads back other values.
 */
export const BATCH_BYTES = 64 * 1024 * 1024;

export interface TypedFileWriter {
  /** Takes one row (converted at once; a value of the wrong type throws LK_EXPORT_TYPE). Returns a promise when it wrote a batch. */
  row(r: Record<string, unknown>): Promise<void> | undefined;
  /**
   * Takes a page's rows from its bytes (typed-raw.ts), as `row` would take each of `page.rows()`;
   * undefined when the page must go through `row` instead.
   */
  rawPage(page: RawRowsPage<Record<string, unknown>>): TypedPageWrite | undefined;
  /** Writes what is buffered and the file's footer. */
  end(): Promise<void>;
  /** The export failed before end(): let go of the format's writer (the file is discarded). */
  abandon(): void;
  readonly count: number;
}

/** A raw page being taken: `step()` reads rows until a batch is full (returning its write, if it waits) or the page ends. */
export interface TypedPageWrite {
  readonly done: boolean;
  step(): Promise<void> | undefined;
}

const KINDS: Record<string, ColumnKind> = { int: 'int', float: 'float', boolean: 'boolean', date: 'timestamp', string: 'string' };

/**
 * The file's columns, one per field. Two fields of one name are an error (a row holds one value
 * per key, and the second column read none: it came out null), as is a field with no name (an
 * Arrow reader reads an empty name as none).
 */
export function typedColumns(fields: readonly FieldInfo[]): TypedColumn[] {
  const columns = fields.map((f) => ({
    name: f.fieldKey || f.name,
    keys: f.fieldKey && f.fieldKey !== f.name ? [f.fieldKey, f.name] : [f.name],
    kind: KINDS[f.type ?? ''] ?? 'string',
  }));
  const seen = new Set<string>();
  columns.forEach((c, i) => {
    const why = c.name === '' ? `column ${i + 1} has no name` : seen.has(c.name) ? `names the column ${JSON.stringify(c.name.length > 60 ? `${c.name.slice(0, 57)}...` : c.name)} twice` : undefined;
    if (why) {
      throw new CliError('LK_EXPORT_COLUMNS', `The server's metadata ${why.startsWith('column') ? `says ${why}` : why}, so lk cannot lay out a typed file by it.`, {
        hint: 'Pick the columns with --columns, or export with --format csv or ndjson.',
      });
    }
    seen.add(c.name);
  });
  return columns;
}

/** LabKey dates: `yyyy-MM-dd HH:mm:ss.SSS` (`yyyy/MM/dd HH:mm:ss` before 2019), server time, no zone. */
const LABKEY_DATE = /^(\d{4})[-/](\d{2})[-/](\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?$/;
/** An ISO 8601 time with a zone: LabKey's layout with `T`, then `Z` or an offset. */
const ISO_ZONED = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?(?:([zZ])|([+-])(\d{2}):?(\d{2}))$/;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** 400 Gregorian years, in ms: 146,097 days exactly. */
const FOUR_CENTURIES_MS = 146_097 * 86_400_000;

/**
 * The wall-clock time `y-mo-d h:mi:s.ms` as ms since the epoch (read as UTC), or NaN when it is no
 * such time: a month, day, hour, minute or second out of range is not rolled into the next (as
 * Date.UTC does: 2020-13-01 would be 2021-01-01, 2021-02-30 March 2), and a year below 100 is
 * that year (Date.UTC reads 0-99 as 1900-1999).
 */
export function wallClockMs(y: number, mo: number, d: number, h: number, mi: number, sec: number, ms: number): number {
  if (!(mo >= 1 && mo <= 12 && d >= 1 && h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && sec >= 0 && sec <= 59 && y >= 0 && y <= 9999)) return Number.NaN;
  const leap = mo === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > (MONTH_DAYS[mo - 1] as number) + (leap ? 1 : 0)) return Number.NaN;
  // Years 0-99 as 400-499, four Gregorian centuries (the same calendar) later, then back.
  return y < 100 ? Date.UTC(y + 400, mo - 1, d, h, mi, sec, ms) - FOUR_CENTURIES_MS : Date.UTC(y, mo - 1, d, h, mi, sec, ms);
}

function timestamp(v: string): number | undefined {
  const m = LABKEY_DATE.exec(v) ?? ISO_ZONED.exec(v);
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', ms = '0', , sign, oh, om] = m;
  let t = wallClockMs(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), Number(ms.padEnd(3, '0')));
  // An ISO time with a zone (not LabKey's own format, but unambiguous): its instant, in UTC.
  if (sign !== undefined) {
    if (Number(oh) > 23 || Number(om) > 59) return undefined;
    t -= (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000;
  }
  return Number.isNaN(t) ? undefined : t;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A decimal number as text, perhaps with spaces around it. */
const DECIMAL = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;
/** The texts a float column may hold for the doubles JSON has no number for. */
const NON_FINITE = new Map([
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['-Infinity', Number.NEGATIVE_INFINITY],
]);

function convert(kind: ColumnKind, v: unknown): TypedValue | undefined {
  switch (kind) {
    case 'int':
      if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : undefined;
      if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
      return typeof v === 'bigint' ? v : undefined;
    case 'float': {
      // A number beyond a double's range (1e400) parses as ±Infinity: not the value sent.
      if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
      if (typeof v !== 'string') return undefined;
      const named = NON_FINITE.get(v);
      if (named !== undefined) return named;
      // A decimal as text; not what else Number() reads ("0x10" is 16, "" is 0).
      if (!DECIMAL.test(v)) return undefined;
      const x = Number(v);
      return Number.isFinite(x) ? x : undefined;
    }
    case 'boolean':
      if (typeof v === 'boolean') return v;
      return v === 'true' ? true : v === 'false' ? false : undefined;
    case 'timestamp':
      if (typeof v === 'string') return timestamp(v);
      if (v instanceof Date) return v.getTime();
      return undefined;
    case 'string':
      // A lone surrogate (JSON's "\ud800") is no UTF-8 text: it would be written as U+FFFD.
      if (typeof v === 'string') return LONE_SURROGATE.test(v) ? undefined : v;
      if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
      return JSON.stringify(v);
  }
}

/** The value of `c` in row `r` (the `rowNumber`th, from 1) as the column's type; throws a CliError when it is not one. */
export function cellValue(c: TypedColumn, r: Record<string, unknown>, rowNumber: number): TypedValue {
  let v: unknown = r[c.keys[0]!];
  if (v === undefined && c.keys.length > 1) v = r[c.keys[1]!];
  return typedValue(c, v, rowNumber);
}

/** A cell's value (a 9.1/13.2-style cell object unwrapped) as the column's type; throws a CliError when it is not one. */
export function typedValue(c: TypedColumn, v: unknown, rowNumber: number): TypedValue {
  if (v !== null && typeof v === 'object' && !(v instanceof Date) && 'value' in v) v = (v as { value: unknown }).value; // a 9.1/13.2-style cell
  if (v === null || v === undefined) return null;
  const out = convert(c.kind, v);
  if (out === undefined || (typeof out === 'bigint' && (out < INT64_MIN || out > INT64_MAX))) throw typeError(c, v, rowNumber);
  return out;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function typeError(c: TypedColumn, v: unknown, rowNumber: number): CliError {
  // A JSON number beyond a double's range is ±Infinity here (JSON.stringify would show null).
  const text = typeof v === 'bigint' ? String(v) : JSON.stringify(v);
  const shown =
    typeof v === 'number' && !Number.isFinite(v)
      ? `a number beyond a double's range (${v})`
      : c.kind === 'int' && Number.isInteger(v) && !Number.isSafeInteger(v)
        ? `a whole number beyond 2^53 (read as ${v}, not exactly)`
        : text.length > 60 ? `${text.slice(0, 57)}...` : text;
  const what = c.kind === 'int' ? ((typeof v === 'string' && /^-?\d+$/.test(v)) || typeof v === 'bigint' ? 'a 64-bit int' : 'an int') : c.kind === 'string' ? 'Unicode text (it holds a lone surrogate)' : `a ${c.kind}`;
  return new CliError('LK_EXPORT_TYPE', `Row ${rowNumber}, column ${c.name}: ${shown} is not ${what}${c.kind === 'string' ? '' : ", which the server's metadata gives as the column's type"}.`, {
    hint: 'Export this query with --format csv or ndjson (untyped), or pick the columns with --columns.',
  });
}

/** The platform stores a BigInt64Array's words low half first (every platform Node runs on but a few). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const TWO_32 = 4294967296;

/**
 * One column's cells in a batch, as the writers take them. Cell `i` is null where `valid[i]` is
 * 0; otherwise its value is `i64[i]` (int; timestamp in ms), `f64[i]` (float), `bool[i]` (0 or 1)
 * or, for a string, the UTF-8 bytes `bytes[offsets[i]..offsets[i + 1]]`. Cells are set in order.
 */
export class ColumnCells {
  readonly valid: Uint8Array;
  nulls = 0;
  readonly i64: BigInt64Array | undefined;
  private readonly i32: Int32Array | undefined;
  readonly f64: Float64Array | undefined;
  readonly bool: Uint8Array | undefined;
  readonly offsets: Int32Array | undefined;
  bytes: Buffer;
  /** string: bytes in use. */
  used = 0;

  constructor(readonly kind: ColumnKind, capacity: number) {
    this.valid = new Uint8Array(capacity);
    if (kind === 'int' || kind === 'timestamp') {
      this.i64 = new BigInt64Array(capacity);
      this.i32 = new Int32Array(this.i64.buffer);
    }
    if (kind === 'float') this.f64 = new Float64Array(capacity);
    if (kind === 'boolean') this.bool = new Uint8Array(capacity);
    if (kind === 'string') this.offsets = new Int32Array(capacity + 1);
    this.bytes = Buffer.allocUnsafe(kind === 'string' ? capacity * 16 : 0);
  }

  setNull(i: number): void {
    this.valid[i] = 0;
    this.nulls++;
    if (this.offsets) this.offsets[i + 1] = this.used;
  }

  /** int or timestamp: a safe integer, written into the int64 word without a BigInt. */
  setInteger(i: number, n: number): void {
    this.valid[i] = 1;
    if (!LITTLE_ENDIAN) {
      this.i64![i] = BigInt(n);
      return;
    }
    const hi = Math.floor(n / TWO_32);
    this.i32![2 * i] = (n - hi * TWO_32) | 0;
    this.i32![2 * i + 1] = hi;
  }

  setBigInt(i: number, n: bigint): void {
    this.valid[i] = 1;
    this.i64![i] = n;
  }

  setFloat(i: number, x: number): void {
    this.valid[i] = 1;
    this.f64![i] = x;
  }

  setBool(i: number, x: boolean): void {
    this.valid[i] = 1;
    this.bool![i] = x ? 1 : 0;
  }

  setString(i: number, s: string): void {
    this.room(s.length * 3);
    this.used += this.bytes.write(s, this.used, 'utf8');
    this.valid[i] = 1;
    this.offsets![i + 1] = this.used;
  }

  /** string: the UTF-8 bytes `src[s..e]`, copied (a short run byte by byte: no view made per cell). */
  setBytes(i: number, src: Buffer, s: number, e: number): void {
    this.room(e - s);
    const out = this.bytes;
    let p = this.used;
    if (e - s > 32) p += src.copy(out, p, s, e);
    else for (let k = s; k < e; k++) out[p++] = src[k] as number;
    this.used = p;
    this.valid[i] = 1;
    this.offsets![i + 1] = this.used;
  }

  /** Any converted value (a {@link typedValue} result) of this column's kind. */
  set(i: number, v: TypedValue): void {
    if (v === null) this.setNull(i);
    else if (typeof v === 'bigint') this.setBigInt(i, v);
    else if (typeof v === 'string') this.setString(i, v);
    else if (typeof v === 'boolean') this.setBool(i, v);
    else if (this.kind === 'float') this.setFloat(i, v);
    else this.setInteger(i, v);
  }

  /** Cell `i`'s value as the object path gave it ({@link TypedValue}: an int as a bigint, a timestamp as ms). */
  value(i: number): TypedValue {
    if (this.valid[i] === 0) return null;
    switch (this.kind) {
      case 'int':
        return this.i64![i]!;
      case 'timestamp':
        return Number(this.i64![i]!);
      case 'float':
        return this.f64![i]!;
      case 'boolean':
        return this.bool![i] === 1;
      case 'string':
        return this.bytes.toString('utf8', this.offsets![i], this.offsets![i + 1]);
    }
  }

  /** Empties the column for the next batch, keeping its arrays. */
  reset(): void {
    this.nulls = 0;
    this.used = 0;
  }

  private room(n: number): void {
    if (this.used + n <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.used + n));
    this.bytes.copy(grown, 0, 0, this.used);
    this.bytes = grown;
  }
}

/**
 * Collects rows as typed column cells, up to BATCH_ROWS (or BATCH_BYTES of text), for the writers. The same arrays hold
 * every batch: a writer is done with a batch's cells when its write call returns (parquet copies
 * them into its own values first; Arrow's record batch is written to the file in that call).
 */
export class ColumnBatch {
  readonly cells: ColumnCells[];
  length = 0;
  private readonly strings: ColumnCells[];
  constructor(readonly columns: readonly TypedColumn[]) {
    this.cells = columns.map((c) => new ColumnCells(c.kind, BATCH_ROWS));
    this.strings = this.cells.filter((c) => c.kind === 'string');
  }
  /** Adds a row object; true when the batch is full. */
  add(r: Record<string, unknown>, rowNumber: number): boolean {
    const i = this.length;
    for (let k = 0; k < this.columns.length; k++) this.cells[k]!.set(i, cellValue(this.columns[k]!, r, rowNumber));
    this.length++;
    return this.full();
  }
  /** BATCH_ROWS rows, or BATCH_BYTES of text. */
  full(): boolean {
    if (this.length >= BATCH_ROWS) return true;
    let bytes = 0;
    for (const c of this.strings) bytes += c.used;
    return bytes >= BATCH_BYTES;
  }
  /** Starts a new batch in the same arrays (after the last one's cells were written). */
  clear(): void {
    for (const c of this.cells) c.reset();
    this.length = 0;
  }
}
