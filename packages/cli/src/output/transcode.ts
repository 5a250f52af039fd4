/**
 * csv, tsv and ndjson rows straight from the server's JSON bytes (a {@link RawRowsPage} of 8.3
 * flat rows), with no row object and no string per cell on the common path: plain strings,
 * integers, canonical decimals, true/false are copied byte for byte into the output chunk, from
 * the places and kinds the SDK's check of the page recorded (its RowsTable), four bytes at a
 * time; ndjson rows that are what JSON.stringify would print in native runs. The output is exactly what the object path (row-writer.ts, cells.ts) writes for the same rows; every
 * case that path would print differently goes through it, a cell or a row at a time:
 * - a string with escapes, or one starting or ending with a non-ASCII character (which may be
 *   whitespace to csvField's `\s`), or with invalid UTF-8: decoded and written by cells.ts;
 * - a number whose text is not what `String(Number(text))` prints (`1.0`, `-0`, `1e5`, more than
 *   15 significant digits, a magnitude JS prints with an exponent): that string;
 * - an object or array value, in csv/tsv: `csvCell(JSON.parse(value))` as the object path would;
 * - a row with a key twice, a key with escapes, or not an object: the row parsed and written by
 *   the object path; in ndjson also any row whose bytes are not what `JSON.stringify` of its
 *   object gives (whitespace, escapes, non-canonical numbers, nested values, dropped link keys,
 *   integer-like keys, which V8 puts first).
 * A page whose first row is not flat (9.1/13.2 cell objects, nested values) is left to the object
 * path whole (`rows()`), as are the first page (it decides the columns) and --columns in ndjson.
 */
import { CellKind, RowFlag, type RawRowsPage, type RowsTable } from '@lk/sdk';
import type { ByteChunk } from './byte-chunk.js';
import { csvCell, csvField, tsvCell, tsvField } from './cells.js';
import { RowCells, same, type PageCursor } from './row-cells.js';

export type { PageCursor } from './row-cells.js';

type Row = Record<string, unknown>;

export interface TranscodeTarget {
  format: 'csv' | 'tsv' | 'ndjson';
  /** csv/tsv: the columns, fixed by the first page. */
  columns: readonly string[];
  chunk: ByteChunk;
  /** Writes one row as the object path does. */
  fallback(r: Row): void;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const TAB = 0x09;
const NL = 0x0a;
const SP = 0x20;
const COMMAS = 0x2c2c2c2c;
/** The low 1, 2 or 3 bytes of a little-endian word. */
const TAIL = [0, 0xff, 0xffff, 0xffffff];
/** Keys V8 orders before the others in an object (array indices): JSON.stringify prints them first. */
const INDEX_KEY = /^(?:0|[1-9]\d*)$/;
const VERBATIM_FLAGS = RowFlag.NOT_OBJECT | RowFlag.SPACED | RowFlag.ESCAPED_KEY | RowFlag.SIMPLE;

/**
 * Per-writer state kept across pages: the columns' cells (row-cells.ts). The page's rows and
 * cells are the SDK's {@link RowsTable} (found in the walk that checked the page), so a row's
 * bytes are read again only to be copied.
 */
export class Transcoder {
  private readonly rc: RowCells;
  /** ndjson: the key sequence of the last row copied verbatim (checked unique and orderable). */
  private layout: Buffer[] = [];
  /** ndjson: where the commas between the rows of a run are, from the run's start. */
  private readonly seps = new Int32Array(4096);

  constructor(private readonly t: TranscodeTarget) {
    this.rc = new RowCells(t.columns);
  }

  /** A cursor over `page`'s rows, or undefined when the page must go through the object path. */
  open(page: RawRowsPage<Row>): PageCursor | undefined {
    const ndjson = this.t.format === 'ndjson';
    const cur = this.rc.open(page, !ndjson);
    // ndjson: rows with the first row's keys (SAME_KEYS) share its verbatim keys.
    if (cur && ndjson && cur.n > 0) cur.sameVerbatim = this.verbatimKeys(cur.b, cur, 0);
    return cur;
  }

  /** Writes rows of `cur` until the chunk holds `limit` bytes or the page ends; returns the rows written. */
  step(cur: PageCursor, limit: number): number {
    if (this.t.format === 'ndjson') return this.ndjsonStep(cur, limit);
    const chunk = this.t.chunk;
    const r0 = cur.r;
    while (cur.r < cur.n && chunk.pos < limit) this.delimitedRow(cur, cur.r++);
    return cur.r - r0;
  }

  /**
   * ndjson: consecutive verbatim rows separated by a bare comma are copied as one run (a native
   * copy, then each separating comma made a newline); other rows through the object path.
   */
  private ndjsonStep(cur: PageCursor, limit: number): number {
    const chunk = this.t.chunk;
    const { b, t } = cur;
    const seps = this.seps;
    const r0 = cur.r;
    let runStart = -1;
    let runEnd = -1;
    let inner = 0;
    while (cur.r < cur.n && chunk.pos + (runEnd - runStart) < limit) {
      const r = cur.r++;
      const start = t.rowStart[r] as number;
      const end = t.rowEnd[r] as number;
      if (this.verbatim(cur, r)) {
        if (runStart >= 0 && start === runEnd + 1 && inner < seps.length) {
          seps[inner++] = runEnd - runStart;
          runEnd = end;
          continue;
        }
        this.copyRun(b, runStart, runEnd, inner);
        inner = 0;
        runStart = start;
        runEnd = end;
        continue;
      }
      this.copyRun(b, runStart, runEnd, inner);
      inner = 0;
      runStart = runEnd = -1;
      this.slowRow(cur, r);
    }
    this.copyRun(b, runStart, runEnd, inner);
    return cur.r - r0;
  }

  private copyRun(b: Buffer, s: number, e: number, inner: number): void {
    if (s < 0) return;
    const chunk = this.t.chunk;
    chunk.room(e - s + 1);
    const out = chunk.buf;
    const p = chunk.pos;
    out.set(b.subarray(s, e), p);
    for (let k = 0; k < inner; k++) out[p + (this.seps[k] as number)] = NL;
    out[p + e - s] = NL;
    chunk.pos = p + e - s + 1;
  }

  /** Row `r` through the object path. */
  private slowRow(cur: PageCursor, r: number): void {
    this.t.fallback(this.rc.rowObject(cur, r));
  }

  private delimitedRow(cur: PageCursor, r: number): void {
    const { b, t } = cur;
    const cells = this.rc.cells(cur, r);
    if (!cells) return this.slowRow(cur, r);
    const ncol = cells.length;
    const base = t.firstCell[r] as number;
    const rowEnd = t.rowEnd[r] as number;
    const csv = this.t.format === 'csv';
    const sep = csv ? COMMA : TAB;
    const chunk = this.t.chunk;
    // Room for the row's bytes, quotes, separators and re-printed numbers; slow cells make their own.
    chunk.room(rowEnd - (t.rowStart[r] as number) + 28 * ncol + 2);
    let out = chunk.buf;
    let dst = chunk.dv;
    const src = cur.dv;
    let p = chunk.pos;
    const kinds = t.kind;
    const vs = t.valStart;
    const ve = t.valEnd;
    for (let col = 0; col < ncol; col++) {
      if (col > 0) out[p++] = sep;
      const k = cells[col] as number;
      if (k < 0) continue;
      const c = base + k;
      const s = vs[c] as number;
      const e = ve[c] as number;
      const kind = kinds[c];
      if (kind === CellKind.ASCII) {
        if (s === e) continue;
        // Four bytes at a time (a value is followed by at least `}]}`, and the chunk has room past
        // the row), checked for a comma as they go in csv (SWAR: a zero byte in w ^ ",,,,").
        let hit = 0;
        let i = s;
        for (; i + 4 <= e; i += 4, p += 4) {
          const w = src.getInt32(i, true);
          dst.setInt32(p, w, true);
          const x = w ^ COMMAS;
          hit |= (x - 0x01010101) & ~x;
        }
        if (i < e) {
          const w = src.getInt32(i, true);
          dst.setInt32(p, w, true);
          const x = w ^ COMMAS;
          hit |= (x - 0x01010101) & ~x & (TAIL[e - i] as number);
          p += e - i;
        }
        if (csv && ((hit & 0x80808080) !== 0 || b[s] === SP || b[e - 1] === SP)) {
          // Quoted in place.
          const q = p - (e - s);
          out.copyWithin(q + 1, q, p);
          out[q] = QUOTE;
          out[p + 1] = QUOTE;
          p += 2;
        }
        continue;
      } else if (kind === CellKind.SHORT_NUMBER) {
        let i = s;
        for (; i < e; i += 4, p += 4) dst.setInt32(p, src.getInt32(i, true), true);
        p -= i - e;
        continue;
      } else if (kind === CellKind.PLAIN) {
        let quote = false;
        for (let i = s; i < e; i++) if (b[i] === COMMA) quote = true;
        if (validUtf8(b, s, e) && !(csv && ((b[s] as number) >= 0x80 || (b[e - 1] as number) >= 0x80))) {
          quote = csv && (quote || b[s] === SP || b[e - 1] === SP);
          if (quote) out[p++] = QUOTE;
          for (let i = s; i < e; i++) out[p++] = b[i] as number;
          if (quote) out[p++] = QUOTE;
          continue;
        }
        const v = b.toString('utf8', s, e);
        chunk.pos = p;
        this.text(csv ? csvField(v) : tsvField(v), rowEnd - e);
      } else if (kind === CellKind.NUMBER) {
        if (canonicalNumber(b, s, e)) {
          for (let i = s; i < e; i++) out[p++] = b[i] as number;
          continue;
        }
        p += out.write(String(Number(b.toString('latin1', s, e))), p, 'latin1');
        continue;
      } else if (kind === CellKind.TRUE) {
        out[p++] = 0x74;
        out[p++] = 0x72;
        out[p++] = 0x75;
        out[p++] = 0x65;
        continue;
      } else if (kind === CellKind.FALSE) {
        out[p++] = 0x66;
        out[p++] = 0x61;
        out[p++] = 0x6c;
        out[p++] = 0x73;
        out[p++] = 0x65;
        continue;
      } else if (kind === CellKind.NULL) {
        continue;
      } else if (kind === CellKind.ESCAPED) {
        const v = JSON.parse(b.toString('utf8', s - 1, e + 1)) as string;
        chunk.pos = p;
        this.text(csv ? csvField(v) : tsvField(v), rowEnd - e);
      } else {
        const v: unknown = JSON.parse(b.toString('utf8', s, e));
        chunk.pos = p;
        this.text(csv ? csvCell(v) : tsvCell(v), rowEnd - e);
      }
      // After a slow cell: the chunk may have a new buffer.
      out = chunk.buf;
      dst = chunk.dv;
      p = chunk.pos;
    }
    out[p++] = NL;
    chunk.pos = p;
  }

  /** Text from the slow path, keeping room for the `rest` bytes of the row after it. */
  private text(v: string, rest: number): void {
    const chunk = this.t.chunk;
    chunk.text(v);
    chunk.room(rest + 28 * this.rc.colBytes.length + 2);
  }

  /** ndjson: whether row `r`'s bytes are what JSON.stringify of its object prints. */
  private verbatim(cur: PageCursor, r: number): boolean {
    const { b, t } = cur;
    const flags = (t.rowFlags[r] as number) & (VERBATIM_FLAGS | RowFlag.SAME_KEYS);
    // The common row: the first row's (verbatim) keys, unspaced, every value simple.
    if (flags === (RowFlag.SIMPLE | RowFlag.SAME_KEYS) && cur.sameVerbatim) return true;
    if (flags & (RowFlag.NOT_OBJECT | RowFlag.SPACED | RowFlag.ESCAPED_KEY)) return false;
    if (flags & RowFlag.SAME_KEYS ? !cur.sameVerbatim : !this.verbatimKeys(b, cur, r)) return false;
    if (flags & RowFlag.SIMPLE) return true;
    const c1 = t.firstCell[r + 1] as number;
    for (let c = t.firstCell[r] as number; c < c1; c++) {
      const kind = t.kind[c];
      const s = t.valStart[c] as number;
      const e = t.valEnd[c] as number;
      if (kind === CellKind.PLAIN) {
        if (!validUtf8(b, s, e)) return false;
      } else if (kind === CellKind.NUMBER) {
        if (!canonicalNumber(b, s, e)) return false;
      } else if (kind === CellKind.ESCAPED || kind === CellKind.NESTED) return false;
    }
    return true;
  }

  /** ndjson: row `r`'s keys are those of the last verbatim row, or else unique, none dropped, none an array index. */
  private verbatimKeys(b: Buffer, cur: PageCursor, r: number): boolean {
    const t = cur.t;
    const c0 = t.firstCell[r] as number;
    const n = (t.firstCell[r + 1] as number) - c0;
    if (n === this.layout.length) {
      let k = 0;
      while (k < n && same(b, t.keyStart[c0 + k] as number, t.keyEnd[c0 + k] as number, this.layout[k] as Buffer)) k++;
      if (k === n) return cur.dropped.length === 0 || !this.layout.some((x) => cur.dropped.some((d) => d.equals(x)));
    }
    const keys = new Set<string>();
    const layout: Buffer[] = [];
    for (let k = 0; k < n; k++) {
      const key = b.subarray(t.keyStart[c0 + k], t.keyEnd[c0 + k]);
      const text = key.toString('utf8');
      if (keys.has(text) || !validUtf8(key, 0, key.length) || INDEX_KEY.test(text) || cur.dropped.some((d) => d.equals(key))) return false;
      keys.add(text);
      layout.push(Buffer.from(key));
    }
    this.layout = layout;
    return true;
  }
}

/**
 * Whether a JSON number's text is what `String(Number(text))` prints: no exponent, no `-0`, no
 * trailing fraction zero, at most 15 significant digits (every such decimal is its double's
 * shortest form), and a magnitude JS prints without an exponent (below 1e21, at least 1e-6).
 */
export function canonicalNumber(b: Uint8Array, s: number, e: number): boolean {
  let i = s;
  if (b[i] === 0x2d) i++;
  const intStart = i;
  while (i < e && (b[i] as number) >= 0x30 && (b[i] as number) <= 0x39) i++;
  const intEnd = i;
  let fracStart = i;
  let fracEnd = i;
  if (i < e && b[i] === 0x2e) {
    fracStart = ++i;
    while (i < e && (b[i] as number) >= 0x30 && (b[i] as number) <= 0x39) i++;
    fracEnd = i;
    if (fracEnd === fracStart || b[fracEnd - 1] === 0x30) return false;
  }
  if (i !== e || intEnd === intStart) return false;
  // Significant digits over int + fraction: first and last non-zero.
  let first = -1;
  let last = -1;
  let pos = 0;
  for (let j = intStart; j < intEnd; j++, pos++) {
    if (b[j] !== 0x30) {
      if (first < 0) first = pos;
      last = pos;
    }
  }
  for (let j = fracStart; j < fracEnd; j++, pos++) {
    if (b[j] !== 0x30) {
      if (first < 0) first = pos;
      last = pos;
    }
  }
  if (first < 0) return e - s === 1; // zero: only "0" (not "-0")
  const intLen = intEnd - intStart;
  const n = intLen - first; // the decimal exponent: 10^(n-1) <= |x| < 10^n
  return last - first + 1 <= 15 && n <= 21 && n > -6;
}

/** Well-formed UTF-8 (Unicode Table 3-7): what Buffer#toString decodes without a replacement character. */
export function validUtf8(b: Uint8Array, s: number, e: number): boolean {
  let i = s;
  while (i < e) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      else if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    } else return false;
    if (i + need >= e) return false;
    const d = b[i + 1] as number;
    if (d < lo || d > hi) return false;
    for (let k = 2; k <= need; k++) {
      const x = b[i + k] as number;
      if (x < 0x80 || x > 0xbf) return false;
    }
    i += need + 1;
  }
  return true;
}
