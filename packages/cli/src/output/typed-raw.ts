/**
 * A typed export's rows straight from the server's JSON bytes (a {@link RawRowsPage} of 8.3 flat
 * rows): each cell read from the place and kind the SDK's check of the page recorded, into the
 * batch's typed arrays (typed-columns.ts), with no row object and no JS value per cell on the
 * common path:
 * - int: a number of at most 15 digits and no fraction or exponent, read digit by digit; a longer
 *   one as a BigInt of its text (exact where JSON.parse, and so the object path, rounds past 2^53);
 * - float: a number as JavaScript prints it with at most 15 digits (the table's SHORT_NUMBER) is
 *   its digits over a power of ten, which is exact (both are exact doubles, and the division is
 *   correctly rounded); any other number is `Number(text)`, what JSON.parse gives, when finite;
 * - boolean: true and false;
 * - timestamp: an ASCII string laid out as LabKey writes dates, read digit by digit into the same
 *   `Date.UTC` call the object path makes;
 * - string: ASCII, well-formed UTF-8 without escapes, and numbers JavaScript prints as written,
 *   copied as bytes.
 * Every other cell is decoded as JSON.parse would and converted by {@link typedValue}, the object
 * path's rule, so the values and the errors are the object path's. Rows the table cannot answer
 * for (row-cells.ts) go through the object path whole, as do pages whose first row is not flat
 * and columns that a row object reads by two keys (a lookup's field key, then its name).
 */
import { CellKind, type RawRowsPage } from '@lk/sdk';
import { RowCells, type PageCursor } from './row-cells.js';
import { validUtf8 } from './transcode.js';
import { cellValue, typedValue, wallClockMs, type ColumnCells, type TypedColumn } from './typed-columns.js';

type Row = Record<string, unknown>;

/** A whole number as JSON writes it (no fraction, no exponent). */
const WHOLE = /^-?\d+$/;

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

export class TypedPageReader {
  private readonly rc: RowCells;
  private readonly usable: boolean;

  constructor(private readonly columns: readonly TypedColumn[]) {
    this.rc = new RowCells(columns.map((c) => c.keys[0]!));
    this.usable = columns.every((c) => c.keys.length === 1);
  }

  /** A cursor over `page`'s rows, or undefined when the page goes through the object path (`page.rows()`). */
  open(page: RawRowsPage<Row>): PageCursor | undefined {
    if (!this.usable) return undefined;
    const cur = this.rc.open(page, true);
    // A column the object path drops (a first row's `_labkeyurl_*` key) is read there.
    if (cur && cur.dropped.length > 0 && this.rc.colBytes.some((k) => cur.dropped.some((d) => d.equals(k)))) return undefined;
    return cur;
  }

  /** Reads row `cur.r` (then moves on) into cell `i` of each column; `rowNumber` (from 1) names it in errors. */
  read(cur: PageCursor, out: ColumnCells[], i: number, rowNumber: number): void {
    const r = cur.r++;
    const cells = this.rc.cells(cur, r);
    const columns = this.columns;
    if (!cells) {
      const row = this.rc.rowObject(cur, r);
      for (let k = 0; k < columns.length; k++) out[k]!.set(i, cellValue(columns[k]!, row, rowNumber));
      return;
    }
    const { b, t } = cur;
    const base = t.firstCell[r] as number;
    for (let k = 0; k < columns.length; k++) {
      const o = out[k]!;
      const ck = cells[k] as number;
      if (ck < 0) {
        o.setNull(i);
        continue;
      }
      const c = base + ck;
      const kind = t.kind[c];
      if (kind === CellKind.NULL) {
        o.setNull(i);
        continue;
      }
      const s = t.valStart[c] as number;
      const e = t.valEnd[c] as number;
      switch (o.kind) {
        case 'int':
          if (kind === CellKind.SHORT_NUMBER || kind === CellKind.NUMBER) {
            const n = integer(b, s, e);
            if (n === n) {
              o.setInteger(i, n);
              continue;
            }
            // 16 digits or more: exact from the text (a double is not, past 2^53), or its range error.
            if (kind === CellKind.NUMBER && WHOLE.test(b.toString('latin1', s, e))) {
              o.set(i, typedValue(columns[k]!, BigInt(b.toString('latin1', s, e)), rowNumber));
              continue;
            }
          }
          break;
        case 'float':
          if (kind === CellKind.SHORT_NUMBER) {
            o.setFloat(i, shortDecimal(b, s, e));
            continue;
          }
          if (kind === CellKind.NUMBER) {
            // Beyond a double's range (1e400): Infinity, not the value sent (typedValue says so).
            const x = Number(b.toString('latin1', s, e));
            if (Number.isFinite(x)) {
              o.setFloat(i, x);
              continue;
            }
          }
          break;
        case 'boolean':
          if (kind === CellKind.TRUE || kind === CellKind.FALSE) {
            o.setBool(i, kind === CellKind.TRUE);
            continue;
          }
          break;
        case 'timestamp':
          if (kind === CellKind.ASCII) {
            const ms = labkeyDate(b, s, e);
            if (ms === ms) {
              o.setInteger(i, ms);
              continue;
            }
          }
          break;
        case 'string':
          if (kind === CellKind.ASCII || kind === CellKind.SHORT_NUMBER || (kind === CellKind.PLAIN && validUtf8(b, s, e))) {
            o.setBytes(i, b, s, e);
            continue;
          }
          break;
      }
      o.set(i, typedValue(columns[k]!, jsonValue(b, kind as number, s, e), rowNumber));
    }
  }
}

/** Cell `s..e` of kind `kind` as JSON.parse gives it (a string's span is between its quotes). */
function jsonValue(b: Buffer, kind: number, s: number, e: number): unknown {
  switch (kind) {
    case CellKind.ASCII:
    case CellKind.PLAIN:
      return b.toString('utf8', s, e);
    case CellKind.ESCAPED:
      return JSON.parse(b.toString('utf8', s - 1, e + 1));
    case CellKind.SHORT_NUMBER:
    case CellKind.NUMBER:
      return Number(b.toString("latin1", s, e));
    case CellKind.TRUE:
      return true;
    case CellKind.FALSE:
      return false;
    case CellKind.NULL:
      return null;
    default:
      return JSON.parse(b.toString('utf8', s, e));
  }
}

/** An integer of 1 to 15 digits, with a minus or not, and nothing else; NaN otherwise. */
export function integer(b: Uint8Array, s: number, e: number): number {
  const neg = b[s] === 0x2d;
  let i = neg ? s + 1 : s;
  if (e - i < 1 || e - i > 15) return Number.NaN;
  let n = 0;
  for (; i < e; i++) {
    const d = (b[i] as number) - 0x30;
    if (d < 0 || d > 9) return Number.NaN;
    n = n * 10 + d;
  }
  return neg ? -n : n;
}

/** A SHORT_NUMBER's value: its (at most 15) digits as an integer over 10^(fraction digits). */
export function shortDecimal(b: Uint8Array, s: number, e: number): number {
  const neg = b[s] === 0x2d;
  let m = 0;
  let frac = -1;
  for (let i = neg ? s + 1 : s; i < e; i++) {
    const x = b[i] as number;
    if (x === 0x2e) frac = 0;
    else {
      m = m * 10 + (x - 0x30);
      if (frac >= 0) frac++;
    }
  }
  const v = frac > 0 ? m / (POW10[frac] as number) : m;
  return neg ? -v : v;
}

const digit = (b: Uint8Array, i: number): number => {
  const d = (b[i] as number) - 0x30;
  return d >= 0 && d <= 9 ? d : Number.NaN;
};
const two = (b: Uint8Array, i: number): number => digit(b, i) * 10 + digit(b, i + 1);

/**
 * What typed-columns' LABKEY_DATE pattern and `wallClockMs` make of `b[s..e]`:
 * `yyyy-MM-dd[ HH:mm[:ss[.SSS…]]]` (`/` for `-`, `T` for the space); NaN when it is not so laid out.
 */
export function labkeyDate(b: Uint8Array, s: number, e: number): number {
  const len = e - s;
  if (len < 10) return Number.NaN;
  const sep = (i: number) => b[s + i] === 0x2d || b[s + i] === 0x2f;
  if (!sep(4) || !sep(7)) return Number.NaN;
  const y = two(b, s) * 100 + two(b, s + 2);
  const mo = two(b, s + 5);
  const d = two(b, s + 8);
  let h = 0;
  let mi = 0;
  let sec = 0;
  let ms = 0;
  if (len > 10) {
    if ((b[s + 10] !== 0x20 && b[s + 10] !== 0x54) || len < 16 || b[s + 13] !== 0x3a) return Number.NaN;
    h = two(b, s + 11);
    mi = two(b, s + 14);
    if (len > 16) {
      if (len < 19 || b[s + 16] !== 0x3a) return Number.NaN;
      sec = two(b, s + 17);
      if (len > 19) {
        if (len < 21 || b[s + 19] !== 0x2e) return Number.NaN;
        for (let i = s + 20; i < e; i++) if (digit(b, i) !== digit(b, i)) return Number.NaN;
        // The first three digits are the milliseconds (".1" is 100 ms); the rest are dropped.
        ms = digit(b, s + 20) * 100 + (len > 21 ? digit(b, s + 21) * 10 : 0) + (len > 22 ? digit(b, s + 22) : 0);
      }
    }
  }
  return wallClockMs(y, mo, d, h, mi, sec, ms);
}
