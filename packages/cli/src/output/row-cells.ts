/**
 * Where a page's columns are in each row, read from the SDK's {@link RowsTable} of a raw page:
 * shared by the csv/tsv transcoder (transcode.ts) and the typed export (typed-raw.ts), which both
 * take a page as the server's bytes and must read exactly the cells the object path would
 * (`normalizeRows(JSON.parse(page)).rows[r][column]`). A row the table cannot answer for the
 * object path's way (a column's key twice, a key with escapes, not an object) is parsed and
 * handed to the object path instead ({@link RowCells.rowObject}).
 */
import { CellKind, RowFlag, type RawRowsPage, type RowsTable } from '@lk/sdk';

type Row = Record<string, unknown>;

const LINK_PREFIX = Buffer.from('_labkeyurl_');

/** A page being read: `r` is the next row, `n` the page's rows. */
export interface PageCursor {
  b: Buffer;
  dv: DataView;
  t: RowsTable;
  r: number;
  n: number;
  /** Keys the object path drops from this page's rows (the first row's `_labkeyurl_*`). */
  dropped: Buffer[];
  /** For each column, the cell (from the row's first) of a SAME_KEYS row, or -1; empty when such rows have a column twice. */
  sameCells: Int32Array;
  /** ndjson: a SAME_KEYS row's keys are verbatim (unique, none dropped, none an array index). */
  sameVerbatim: boolean;
}

/** The cells of a fixed list of columns in the rows of raw pages. */
export class RowCells {
  readonly colBytes: Buffer[];
  private readonly colIndex = new Map<string, number>();
  private readonly stamp: Int32Array;
  /** The cell (from the row's first) of each column in the row last mapped. */
  private readonly cellOf: Int32Array;
  private rowStamp = 0;
  /**
   * A column named like a property every object inherits (`__proto__`, `constructor`, …): the
   * object path reads what a row without that key inherits, so such pages go through it whole.
   */
  readonly inherited: boolean;

  constructor(columns: readonly string[]) {
    this.inherited = columns.some((c) => c in Object.prototype);
    this.colBytes = columns.map((c) => Buffer.from(c));
    columns.forEach((c, i) => {
      if (!this.colIndex.has(c)) this.colIndex.set(c, i);
    });
    this.stamp = new Int32Array(columns.length);
    this.cellOf = new Int32Array(columns.length);
  }

  /**
   * A cursor over `page`'s rows, or undefined when the page must go through the object path whole:
   * no table, an inherited column name, or a first row that is not a flat object (the object path
   * reads a page's shape from its first row: 9.1/13.2 cell objects, nested values). `sameCells`
   * is filled when `mapSame` (csv/tsv and typed; ndjson reads keys its own way).
   */
  open(page: RawRowsPage<Row>, mapSame: boolean): PageCursor | undefined {
    const { bytes, span } = page;
    const t = span?.table;
    if (!bytes || !span || !t || this.inherited) return undefined;
    const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const cur: PageCursor = { b, dv, t, r: 0, n: span.count, dropped: [], sameCells: new Int32Array(0), sameVerbatim: false };
    if (span.count === 0) return cur;
    if ((t.rowFlags[0] as number) & (RowFlag.NOT_OBJECT | RowFlag.ESCAPED_KEY)) return undefined;
    const c0 = t.firstCell[0] as number;
    const c1 = t.firstCell[1] as number;
    for (let c = c0; c < c1; c++) {
      if (t.kind[c] === CellKind.NESTED) return undefined;
      const ks = t.keyStart[c] as number;
      const ke = t.keyEnd[c] as number;
      if (startsWith(b, ks, ke, LINK_PREFIX)) cur.dropped.push(Buffer.from(b.subarray(ks, ke)));
    }
    // Rows with the first row's keys (SAME_KEYS) share its columns' cells.
    if (mapSame && this.mapKeys(b, t, 0)) {
      const stamp = this.rowStamp;
      cur.sameCells = Int32Array.from(this.cellOf, (k, col) => (this.stamp[col] === stamp ? k : -1));
    }
    return cur;
  }

  /**
   * For each column, the cell of row `r` (from the row's first cell) or -1 where the row lacks it;
   * undefined when the row must go through the object path ({@link rowObject}). The array is
   * reused: read it before the next call.
   */
  cells(cur: PageCursor, r: number): Int32Array | undefined {
    const flags = cur.t.rowFlags[r] as number;
    if (flags & (RowFlag.NOT_OBJECT | RowFlag.ESCAPED_KEY)) return undefined;
    if (flags & RowFlag.SAME_KEYS && cur.sameCells.length === this.colBytes.length) return cur.sameCells;
    if ((flags & RowFlag.SAME_KEYS) !== 0 || !this.mapKeys(cur.b, cur.t, r)) return undefined;
    const stamp = this.rowStamp;
    for (let col = 0; col < this.colBytes.length; col++) if (this.stamp[col] !== stamp) this.cellOf[col] = -1;
    return this.cellOf;
  }

  /** Row `r` parsed as the object path has it (the page's link keys dropped). */
  rowObject(cur: PageCursor, r: number): Row {
    const row = JSON.parse(cur.b.toString('utf8', cur.t.rowStart[r], cur.t.rowEnd[r])) as Row;
    if (row !== null && typeof row === 'object' && !Array.isArray(row)) {
      for (const d of cur.dropped) delete row[d.toString('utf8')];
    }
    return row;
  }

  /**
   * Fills `cellOf` and `stamp` (for a new `rowStamp`) with the cells of row `r`'s keys that are
   * columns; false when a column's key is there twice.
   */
  private mapKeys(b: Buffer, t: RowsTable, r: number): boolean {
    const ncol = this.colBytes.length;
    const stamp = ++this.rowStamp;
    const c0 = t.firstCell[r] as number;
    const c1 = t.firstCell[r + 1] as number;
    let guess = 0;
    for (let c = c0; c < c1; c++) {
      const ks = t.keyStart[c] as number;
      const ke = t.keyEnd[c] as number;
      let col = -1;
      if (guess < ncol && same(b, ks, ke, this.colBytes[guess] as Buffer)) col = guess;
      else col = this.colIndex.get(b.toString('utf8', ks, ke)) ?? -1;
      if (col < 0) continue;
      if (this.stamp[col] === stamp) return false;
      this.stamp[col] = stamp;
      this.cellOf[col] = c - c0;
      guess = col + 1;
    }
    return true;
  }
}

export function same(b: Buffer, s: number, e: number, x: Buffer): boolean {
  if (e - s !== x.length) return false;
  for (let i = 0; i < x.length; i++) if (b[s + i] !== x[i]) return false;
  return true;
}

function startsWith(b: Buffer, s: number, e: number, x: Buffer): boolean {
  if (e - s < x.length) return false;
  for (let i = 0; i < x.length; i++) if (b[s + i] !== x[i]) return false;
  return true;
}
