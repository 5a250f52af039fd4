/**
 * LabKey's selectRows/executeSql answers read as bytes: where the top-level `rows` array is, how
 * many rows it holds, and each 8.3 flat row's keys and values as byte ranges, so a caller can turn
 * a page into csv/tsv/ndjson without building a row object or a string per cell. The object path
 * ({@link normalizeQueryResponse}) stays the definition of what a page holds; `RawRowsPage.rows()`
 * gives exactly it.
 */

/** Kinds of a value in {@link FlatRow}. */
export const CellKind = {
  /**
   * A string with no backslash (its bytes between the quotes are its UTF-8 text, unless invalid
   * UTF-8); in a {@link RowsTable}, one with a byte of 0x80 or more.
   */
  PLAIN: 1,
  /** A string with escapes. */
  ESCAPED: 2,
  NUMBER: 3,
  TRUE: 4,
  FALSE: 5,
  NULL: 6,
  /** An object or an array. */
  NESTED: 7,
  /** In a {@link RowsTable}: a string of ASCII bytes with no backslash (its bytes are its text). */
  ASCII: 8,
  /** In a {@link RowsTable}: a number whose text is what JavaScript prints for its value (`String(Number(text))`). */
  SHORT_NUMBER: 9,
} as const;

/**
 * The span of the top-level `rows` array: `start` at its `[`, `end` after its `]`, `count`
 * elements, and (from {@link findRowsSpan}) each row's place and cells.
 */
export interface RowsSpan {
  start: number;
  end: number;
  count: number;
  table?: RowsTable;
}

const SP = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

const isWs = (c: number): boolean => c === SP || c === LF || c === CR || c === TAB;

function skipWs(b: Uint8Array, i: number): number {
  while (i < b.length && isWs(b[i] as number)) i++;
  return i;
}

/** After the opening quote at `i - 1`: the index of the closing quote, or -1 (raw control byte, bad escape, end of input). */
function stringEnd(b: Uint8Array, i: number): number {
  const n = b.length;
  while (i < n) {
    const c = b[i] as number;
    if (c === QUOTE) return i;
    if (c < 0x20) return -1;
    if (c === BACKSLASH) {
      const e = b[i + 1];
      if (e === 0x75) {
        for (let k = i + 2; k < i + 6; k++) if (!isHex(b[k])) return -1;
        i += 6;
        continue;
      }
      if (e !== QUOTE && e !== BACKSLASH && e !== 0x2f && e !== 0x62 && e !== 0x66 && e !== 0x6e && e !== 0x72 && e !== 0x74) return -1;
      i += 2;
      continue;
    }
    i++;
  }
  return -1;
}

function isHex(c: number | undefined): boolean {
  return c !== undefined && ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66));
}

const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;

/** A JSON number starting at `i`: the index after it, or -1. */
function numberEnd(b: Uint8Array, i: number): number {
  if (b[i] === 0x2d) i++;
  if (b[i] === 0x30) i++;
  else if (isDigit(b[i]) ) while (isDigit(b[i])) i++;
  else return -1;
  if (b[i] === 0x2e) {
    i++;
    if (!isDigit(b[i])) return -1;
    while (isDigit(b[i])) i++;
  }
  if (b[i] === 0x65 || b[i] === 0x45) {
    i++;
    if (b[i] === 0x2b || b[i] === 0x2d) i++;
    if (!isDigit(b[i])) return -1;
    while (isDigit(b[i])) i++;
  }
  return i;
}

function literalEnd(b: Uint8Array, i: number, word: string): number {
  for (let k = 0; k < word.length; k++) if (b[i + k] !== word.charCodeAt(k)) return -1;
  return i + word.length;
}

/** The index after the JSON value at `i` (checked as JSON.parse would check it), or -1. */
export function valueEnd(b: Uint8Array, i: number): number {
  const c = b[i];
  if (c === QUOTE) {
    const e = stringEnd(b, i + 1);
    return e < 0 ? -1 : e + 1;
  }
  if (c === LBRACE || c === LBRACKET) {
    const obj = c === LBRACE;
    const close = obj ? RBRACE : RBRACKET;
    i = skipWs(b, i + 1);
    if (b[i] === close) return i + 1;
    for (;;) {
      if (obj) {
        if (b[i] !== QUOTE) return -1;
        const k = stringEnd(b, i + 1);
        if (k < 0) return -1;
        i = skipWs(b, k + 1);
        if (b[i] !== COLON) return -1;
        i = skipWs(b, i + 1);
      }
      i = valueEnd(b, i);
      if (i < 0) return -1;
      i = skipWs(b, i);
      if (b[i] === close) return i + 1;
      if (b[i] !== COMMA) return -1;
      i = skipWs(b, i + 1);
    }
  }
  if (c === 0x74) return literalEnd(b, i, 'true');
  if (c === 0x66) return literalEnd(b, i, 'false');
  if (c === 0x6e) return literalEnd(b, i, 'null');
  return numberEnd(b, i);
}

/**
 * The top-level `rows` array of a JSON object body, its element count and its {@link RowsTable},
 * the whole body checked as JSON on the way; undefined when the body is not a JSON object, has no
 * array `rows`, or has `rows` twice (the object path then decides what it holds).
 */
export function findRowsSpan(b: Uint8Array): RowsSpan | undefined {
  let i = skipWs(b, 0);
  if (b[i] !== LBRACE) return undefined;
  i = skipWs(b, i + 1);
  let span: RowsSpan | undefined;
  let seen = false;
  if (b[i] !== RBRACE) {
    for (;;) {
      if (b[i] !== QUOTE) return undefined;
      const k = stringEnd(b, i + 1);
      if (k < 0) return undefined;
      const isRows = k - i === 5 && b[i + 1] === 0x72 && b[i + 2] === 0x6f && b[i + 3] === 0x77 && b[i + 4] === 0x73;
      i = skipWs(b, k + 1);
      if (b[i] !== COLON) return undefined;
      i = skipWs(b, i + 1);
      if (isRows) {
        if (seen) return undefined;
        seen = true;
        if (b[i] === LBRACKET) {
          const start = i;
          const w = new RowsWalk(b);
          i = w.array(i);
          if (i < 0) return undefined;
          span = { start, end: i, count: w.rows, table: w.table() };
        } else {
          i = valueEnd(b, i);
        }
      } else i = valueEnd(b, i);
      if (i < 0) return undefined;
      i = skipWs(b, i);
      if (b[i] === RBRACE) break;
      if (b[i] !== COMMA) return undefined;
      i = skipWs(b, i + 1);
    }
  }
  if (skipWs(b, i + 1) !== b.length) return undefined;
  return span;
}

/** Flags of a row in a {@link RowsTable} (bits). */
export const RowFlag = {
  /** Not an object: the row has no cells. */
  NOT_OBJECT: 1,
  /** Whitespace between the row's tokens. */
  SPACED: 2,
  /** Some key has a backslash. */
  ESCAPED_KEY: 4,
  /**
   * The row's text around its values is the page's first row's, byte for byte: the same keys in
   * the same order, spaced alike (the first row has it too when it is an object).
   */
  SAME_KEYS: 8,
  /** Every value is {@link CellKind.ASCII}, {@link CellKind.SHORT_NUMBER}, true, false or null. */
  SIMPLE: 16,
} as const;

/**
 * A page's rows and their cells, recorded by {@link findRowsSpan} in the walk that checks them:
 * row `r` starts at `rowStart[r]` (its `{`) and ends before `rowEnd[r]`, has the {@link RowFlag}
 * bits `rowFlags[r]` and the cells `firstCell[r]` to `firstCell[r + 1] - 1`. For cell `c`, its
 * key's bytes are `keyStart[c]..keyEnd[c]` (between the quotes), its value's
 * `valStart[c]..valEnd[c]` (a string's between the quotes) and `kind[c]` a {@link CellKind}
 * (strings ASCII, PLAIN or ESCAPED; numbers SHORT_NUMBER or NUMBER). A SAME_KEYS row's keys are
 * the first row's: they are not recorded (read the first row's), and the key arrays end after
 * the last cell of the last row that is not SAME_KEYS.
 */
export interface RowsTable {
  rowStart: Int32Array;
  rowEnd: Int32Array;
  rowFlags: Uint8Array;
  firstCell: Int32Array;
  keyStart: Int32Array;
  keyEnd: Int32Array;
  valStart: Int32Array;
  valEnd: Int32Array;
  kind: Uint8Array;
}

const ALL = 0xff;
/** A string's bytes by class: 0 ASCII text, 1 the closing quote, 2 a backslash or a control byte, 3 a byte of 0x80 or more. */
const STRING_BYTE = new Uint8Array(256).map((_, x) => (x === QUOTE ? 1 : x === BACKSLASH || x < 0x20 ? 2 : x >= 0x80 ? 3 : 0));
const NOT_SIMPLE = ALL & ~RowFlag.SIMPLE;
/** The low 1, 2 or 3 bytes of a little-endian word. */
const TAIL_MASK = [0, 0xff, 0xffff, 0xffffff];

const grown32 = (a: Int32Array, n: number): Int32Array<ArrayBuffer> => {
  const x = new Int32Array(n);
  x.set(a);
  return x;
};
const grown8 = (a: Uint8Array, n: number): Uint8Array<ArrayBuffer> => {
  const x = new Uint8Array(n);
  x.set(a);
  return x;
};

/**
 * Tables whose pages are done ({@link releaseTable}): the next walks fill their arrays instead of
 * new ones. A 5,000-row page's table is ~335 kB of typed arrays, memory outside V8's heap that a
 * 1,000,000-row export otherwise allocated 200 times over, so its garbage piled up between
 * collections (lk's peak RSS went 88-91 MB -> 94-98 MB with the table).
 */
const released: RowsTable[] = [];

/** Gives a page's table back once nothing reads it any more (RawRowsPage.release); at most two are kept. */
export function releaseTable(t: RowsTable): void {
  if (released.length < 2 && !released.includes(t)) released.push(t);
}

/**
 * The walk over a `rows` array: each element checked as JSON.parse would check it, each object
 * row's keys and values recorded. A row's text around its values (`{"Key":`, `,"Name":`, …, `}`)
 * is compared with the first row's first: when it is the same, it is known valid and the keys'
 * places follow from the first row's, so only the values are read.
 */
class RowsWalk {
  rows = 0;
  private cells = 0;
  private rowStart: Int32Array;
  private rowEnd: Int32Array;
  private rowFlags: Uint8Array;
  private firstCell: Int32Array;
  private keyStart: Int32Array;
  private keyEnd: Int32Array;
  private valStart: Int32Array;
  private valEnd: Int32Array;
  private kind: Uint8Array;
  /** The first row's gaps: gap `k` (before value `k`, or the row's end at `k` = its cell count) is `gapStart[k]..gapEnd[k]`. */
  private gaps = -1;
  private gapStart = new Int32Array(16);
  private gapEnd = new Int32Array(16);
  /** Per gap: its key's offset from the gap's start, the key's length, and the flags (SPACED, ESCAPED_KEY) it brings. */
  private gapKey = new Int32Array(16);
  private gapKeyLen = new Int32Array(16);
  private gapFlags = new Uint8Array(16);

  constructor(private readonly b: Uint8Array) {
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    const old = released.pop();
    if (old) {
      // A released page's arrays, whole (every entry this walk's table holds is written before it is read).
      this.rowStart = new Int32Array(old.rowStart.buffer);
      this.rowEnd = new Int32Array(old.rowEnd.buffer);
      this.rowFlags = new Uint8Array(old.rowFlags.buffer);
      this.firstCell = new Int32Array(old.firstCell.buffer);
      this.keyStart = new Int32Array(old.keyStart.buffer);
      this.keyEnd = new Int32Array(old.keyEnd.buffer);
      this.valStart = new Int32Array(old.valStart.buffer);
      this.valEnd = new Int32Array(old.valEnd.buffer);
      this.kind = new Uint8Array(old.kind.buffer);
      return;
    }
    // Small at first: sized from the first row once it is read (see row()).
    this.rowStart = new Int32Array(16);
    this.rowEnd = new Int32Array(16);
    this.rowFlags = new Uint8Array(16);
    this.firstCell = new Int32Array(17);
    this.keyStart = new Int32Array(64);
    this.keyEnd = new Int32Array(64);
    this.valStart = new Int32Array(64);
    this.valEnd = new Int32Array(64);
    this.kind = new Uint8Array(64);
  }

  table(): RowsTable {
    const rows = this.rows;
    const cells = this.cells;
    this.firstCell[rows] = cells;
    const keys = Math.min(cells, this.keyStart.length);
    return {
      rowStart: this.rowStart.subarray(0, rows),
      rowEnd: this.rowEnd.subarray(0, rows),
      rowFlags: this.rowFlags.subarray(0, rows),
      firstCell: this.firstCell.subarray(0, rows + 1),
      keyStart: this.keyStart.subarray(0, keys),
      keyEnd: this.keyEnd.subarray(0, keys),
      valStart: this.valStart.subarray(0, cells),
      valEnd: this.valEnd.subarray(0, cells),
      kind: this.kind.subarray(0, cells),
    };
  }

  /** The array at `i` (its `[`): the index after its `]`, or -1. */
  array(i: number): number {
    const b = this.b;
    i = skipWs(b, i + 1);
    if (b[i] === RBRACKET) return i + 1;
    for (;;) {
      if (this.rows + 1 >= this.rowStart.length) this.growRows(this.rows + 2);
      i = this.row(i);
      if (i < 0) return -1;
      this.rows++;
      let c = b[i];
      if (c !== COMMA && c !== RBRACKET) {
        i = skipWs(b, i);
        c = b[i];
      }
      if (c === RBRACKET) return i + 1;
      if (c !== COMMA) return -1;
      i++;
      if (b[i] !== LBRACE) i = skipWs(b, i);
    }
  }

  /** The row at `i`: the index after it, or -1. */
  private row(i: number): number {
    const b = this.b;
    const r = this.rows;
    this.rowStart[r] = i;
    this.firstCell[r] = this.cells;
    if (b[i] !== LBRACE) {
      i = valueEnd(b, i);
      this.rowFlags[r] = RowFlag.NOT_OBJECT;
      this.rowEnd[r] = i;
      return i;
    }
    if (r > 0 && this.gaps >= 0) {
      const e = this.sameRow(i, r);
      if (e >= 0) return e;
      // Not the first row's text around its values (or not valid): read as any row.
      this.cells = this.firstCell[r] as number;
    }
    const first = r === 0;
    let flags: number = RowFlag.SIMPLE;
    let k = 0;
    for (;;) {
      // The gap before value k, or the row's end.
      const gs = i;
      let gf = 0;
      if (k === 0) i++;
      if (isWs(b[i] as number)) {
        gf = RowFlag.SPACED;
        i = skipWs(b, i);
      }
      if (b[i] === RBRACE) {
        i++;
        if (first) this.gap(k, gs, i, 0, 0, gf);
        flags |= gf;
        break;
      }
      if (k > 0) {
        if (b[i] !== COMMA) return -1;
        i++;
        if (isWs(b[i] as number)) {
          gf = RowFlag.SPACED;
          i = skipWs(b, i);
        }
      }
      if (b[i] !== QUOTE) return -1;
      const ks = i + 1;
      const ke = stringEnd(b, ks);
      if (ke < 0) return -1;
      for (let j = ks; j < ke; j++) {
        if (b[j] === BACKSLASH) {
          gf |= RowFlag.ESCAPED_KEY;
          break;
        }
      }
      i = ke + 1;
      if (b[i] !== COLON) {
        gf |= RowFlag.SPACED;
        i = skipWs(b, i);
        if (b[i] !== COLON) return -1;
      }
      i++;
      if (isWs(b[i] as number)) {
        gf |= RowFlag.SPACED;
        i = skipWs(b, i);
      }
      if (first) this.gap(k, gs, i, ks - gs, ke - ks, gf);
      flags |= gf;
      const c = this.cells;
      if (c === this.kind.length) this.growCells(c + 1);
      if (c >= this.keyStart.length) this.growKeys();
      this.keyStart[c] = ks;
      this.keyEnd[c] = ke;
      i = this.value(i, c);
      if (i < 0) return -1;
      flags &= this.keep;
      k++;
    }
    if (first) {
      this.gaps = k;
      this.sameFlags = RowFlag.SAME_KEYS | (flags & (RowFlag.SPACED | RowFlag.ESCAPED_KEY));
      flags |= RowFlag.SAME_KEYS;
      this.wordsOfGaps();
      // Room for as many rows as the body holds rows like this one.
      const rows = Math.ceil((b.length - this.rowStart[0]!) / (i - this.rowStart[0]! + 1)) + 16;
      if (rows > this.rowStart.length) this.growRows(rows);
      if (rows * k > this.kind.length) this.growCells(rows * k);
    }
    this.rowFlags[r] = flags;
    this.rowEnd[r] = i;
    return i;
  }

  /** The body as a DataView, and the first row's gaps as little-endian 32-bit words (gap `k`'s from `gapWord[k]`). */
  private readonly dv: DataView;
  private gapWords = new Int32Array(0);
  private gapWord = new Int32Array(0);
  /** The bytes of gap `k`'s last word that are the gap's. */
  private gapMask = new Int32Array(0);

  private wordsOfGaps(): void {
    const n = this.gaps;
    this.gapWord = new Int32Array(n + 1);
    this.gapMask = new Int32Array(n + 1);
    let total = 0;
    for (let k = 0; k <= n; k++) {
      this.gapWord[k] = total;
      const len = (this.gapEnd[k] as number) - (this.gapStart[k] as number);
      total += (len + 3) >> 2;
      this.gapMask[k] = (len & 3) === 0 ? -1 : (TAIL_MASK[len & 3] as number);
    }
    this.gapWords = new Int32Array(total);
    const b = this.b;
    for (let k = 0; k <= n; k++) {
      const gs = this.gapStart[k] as number;
      const len = (this.gapEnd[k] as number) - gs;
      // Little-endian words of the gap's bytes, the last one's missing bytes 0.
      for (let j = 0; j < len; j++) this.gapWords[(this.gapWord[k] as number) + (j >> 2)] |= (b[gs + j] as number) << (8 * (j & 3));
    }
  }

  /** The flags of a row read by {@link sameRow}: SAME_KEYS and the first row's SPACED and ESCAPED_KEY. */
  private sameFlags = 0;

  /**
   * Row `r` at `i` when its text around its values is the first row's (then valid, its keys where
   * the first row's are): the index after it; -2 when it is not (or not valid JSON: {@link row} decides).
   */
  private sameRow(i: number, r: number): number {
    const b = this.b;
    const n = this.gaps;
    let c = this.cells;
    if (c + n > this.kind.length) this.growCells(c + n);
    const gapStart = this.gapStart;
    const gapEnd = this.gapEnd;
    const kind = this.kind;
    const valStart = this.valStart;
    const valEnd = this.valEnd;
    const dv = this.dv;
    const words = this.gapWords;
    const gapWord = this.gapWord;
    const gapMask = this.gapMask;
    const end = b.length;
    let simple = true;
    for (let k = 0; ; k++) {
      const gs = gapStart[k] as number;
      const len = (gapEnd[k] as number) - gs;
      // Four bytes at a time (the first row's gap as words, the last one masked), or byte by
      // byte near the body's end.
      if (i + len + 3 < end) {
        const w = gapWord[k] as number;
        const last = (len + 3) >> 2;
        for (let m = 0; m < last - 1; m++) if (dv.getInt32(i + 4 * m, true) !== words[w + m]) return -2;
        if ((dv.getInt32(i + 4 * (last - 1), true) & (gapMask[k] as number)) !== words[w + last - 1]) return -2;
      } else {
        if (i + len > end) return -2;
        for (let j = 0; j < len; j++) if (b[i + j] !== b[gs + j]) return -2;
      }
      if (k === n) {
        i += len;
        break;
      }
      i += len;
      const x = b[i] as number;
      if (x === QUOTE) {
        let j = i + 1;
        let kd: number = CellKind.ASCII;
        for (;;) {
          // Four bytes at a time while none is a quote, a backslash, a control byte or 0x80 or
          // more (SWAR: a byte's high bit set in w, in w - 0x20 where w's is clear, or in x - 1
          // where x's is clear for x = w ^ '""""' or w ^ '\\\\'); the byte that is, by its class.
          if (j + 4 <= end) {
            const w = dv.getInt32(j, true);
            const xq = w ^ 0x22222222;
            const xb = w ^ 0x5c5c5c5c;
            if (((w | ((w - 0x20202020) & ~w) | ((xq - 0x01010101) & ~xq) | ((xb - 0x01010101) & ~xb)) & 0x80808080) === 0) {
              j += 4;
              continue;
            }
          }
          const y = STRING_BYTE[b[j] as number];
          if (y === 0) {
            j++;
            continue;
          }
          if (y === 1) break;
          if (y === 3) {
            kd = CellKind.PLAIN;
            j++;
            continue;
          }
          // A backslash, a control byte, or the end of the input: the strict scan decides.
          const e = stringEnd(b, j);
          if (e < 0) return -2;
          kd = CellKind.ESCAPED;
          j = e;
          break;
        }
        kind[c] = kd;
        valStart[c] = i + 1;
        valEnd[c] = j;
        if (kd !== CellKind.ASCII) simple = false;
        i = j + 1;
      } else if (x >= 0x31 && x <= 0x39) {
        // A number from 1 to 9: digits, perhaps a fraction (the rest, and anything odd, by number()).
        let j = i + 1;
        let y = b[j] as number;
        while (y >= 0x30 && y <= 0x39) y = b[++j] as number;
        if (y === 0x2e || y === 0x65 || y === 0x45 || j - i > 15) {
          j = this.number(i, c);
          if (j < 0) return -2;
          if (this.keep !== ALL) simple = false;
        } else kind[c] = CellKind.SHORT_NUMBER;
        valStart[c] = i;
        valEnd[c] = j;
        i = j;
      } else {
        // Not whitespace (this row's gap would be longer): a value or not JSON.
        if (isWs(x)) return -2;
        const e = this.value(i, c);
        if (e < 0) return -2;
        if (this.keep !== ALL) simple = false;
        i = e;
      }
      c++;
    }
    this.cells = c;
    this.rowFlags[r] = this.sameFlags | (simple ? RowFlag.SIMPLE : 0);
    this.rowEnd[r] = i;
    return i;
  }

  /** The row flags a value keeps: all, or all but SIMPLE after a value that is not simple (set by {@link value}). */
  private keep = ALL;

  /** The value at `i` recorded as cell `c`: the index after it, or -1. */
  private value(i: number, c: number): number {
    const b = this.b;
    const d = b[i] as number;
    this.cells = c + 1;
    if (d === QUOTE) {
      const s = i + 1;
      let j = s;
      let kind: number = CellKind.ASCII;
      for (;;) {
        const x = b[j] as number;
        if (x === QUOTE) break;
        if (x >= 0x20 && x < 0x80 && x !== BACKSLASH) {
          j++;
          continue;
        }
        if (x >= 0x80) {
          if (kind === CellKind.ASCII) kind = CellKind.PLAIN;
          j++;
          continue;
        }
        // A control byte, a backslash, or the end of the input: the strict scan decides.
        const e = stringEnd(b, j);
        if (e < 0) return -1;
        kind = CellKind.ESCAPED;
        j = e;
        break;
      }
      this.kind[c] = kind;
      this.valStart[c] = s;
      this.valEnd[c] = j;
      this.keep = kind === CellKind.ASCII ? ALL : NOT_SIMPLE;
      return j + 1;
    }
    this.valStart[c] = i;
    let e: number;
    if (d === 0x74) {
      e = b[i + 1] === 0x72 && b[i + 2] === 0x75 && b[i + 3] === 0x65 ? i + 4 : -1;
      this.kind[c] = CellKind.TRUE;
      this.keep = ALL;
    } else if (d === 0x66) {
      e = b[i + 1] === 0x61 && b[i + 2] === 0x6c && b[i + 3] === 0x73 && b[i + 4] === 0x65 ? i + 5 : -1;
      this.kind[c] = CellKind.FALSE;
      this.keep = ALL;
    } else if (d === 0x6e) {
      e = b[i + 1] === 0x75 && b[i + 2] === 0x6c && b[i + 3] === 0x6c ? i + 4 : -1;
      this.kind[c] = CellKind.NULL;
      this.keep = ALL;
    } else if (d === LBRACE || d === LBRACKET) {
      e = valueEnd(b, i);
      this.kind[c] = CellKind.NESTED;
      this.keep = NOT_SIMPLE;
    } else {
      e = this.number(i, c);
    }
    this.valEnd[c] = e;
    return e;
  }

  /**
   * The number at `i` as cell `c`: the index after it, or -1. SHORT_NUMBER when JavaScript prints
   * its value as written: no exponent, not `-0`, no trailing fraction zero, at most 15 digits
   * (every such decimal is its double's shortest form), and not below 1e-6 in magnitude.
   */
  private number(i: number, c: number): number {
    const b = this.b;
    const neg = b[i] === 0x2d;
    if (neg) i++;
    const intStart = i;
    let x = b[i] as number;
    if (x === 0x30) x = b[++i] as number;
    else if (x >= 0x31 && x <= 0x39) {
      do x = b[++i] as number;
      while (x >= 0x30 && x <= 0x39);
    } else return -1;
    const intZero = i - intStart === 1 && b[intStart] === 0x30;
    let digits = i - intStart;
    let short = true;
    if (x === 0x2e) {
      const fs = ++i;
      x = b[i] as number;
      if (!(x >= 0x30 && x <= 0x39)) return -1;
      do x = b[++i] as number;
      while (x >= 0x30 && x <= 0x39);
      digits += i - fs;
      if (b[i - 1] === 0x30) short = false;
      else if (intZero) {
        let j = fs;
        while (b[j] === 0x30) j++;
        if (j - fs >= 6) short = false;
      }
    } else if (intZero && neg) short = false;
    if (x === 0x65 || x === 0x45) {
      short = false;
      i++;
      if (b[i] === 0x2b || b[i] === 0x2d) i++;
      if (!isDigit(b[i])) return -1;
      while (isDigit(b[i])) i++;
    }
    if (digits > 15) short = false;
    this.kind[c] = short ? CellKind.SHORT_NUMBER : CellKind.NUMBER;
    this.keep = short ? ALL : NOT_SIMPLE;
    return i;
  }

  private gap(k: number, s: number, e: number, keyAt: number, keyLen: number, flags: number): void {
    if (k === this.gapStart.length) {
      const n = k * 2;
      this.gapStart = grown32(this.gapStart, n);
      this.gapEnd = grown32(this.gapEnd, n);
      this.gapKey = grown32(this.gapKey, n);
      this.gapKeyLen = grown32(this.gapKeyLen, n);
      this.gapFlags = grown8(this.gapFlags, n);
    }
    this.gapStart[k] = s;
    this.gapEnd[k] = e;
    this.gapKey[k] = keyAt;
    this.gapKeyLen[k] = keyLen;
    this.gapFlags[k] = flags;
  }

  private growRows(min = 0): void {
    const n = Math.max(this.rowStart.length * 2, min);
    this.rowStart = grown32(this.rowStart, n);
    this.rowEnd = grown32(this.rowEnd, n);
    this.rowFlags = grown8(this.rowFlags, n);
    this.firstCell = grown32(this.firstCell, n + 1);
  }

  /** Keys are recorded for the rows {@link sameRow} does not read only: their arrays grow when one comes. */
  private growKeys(): void {
    const n = Math.max(this.keyStart.length * 2, this.kind.length);
    this.keyStart = grown32(this.keyStart, n);
    this.keyEnd = grown32(this.keyEnd, n);
  }

  private growCells(min: number): void {
    const n = Math.max(this.kind.length * 2, min);
    this.valStart = grown32(this.valStart, n);
    this.valEnd = grown32(this.valEnd, n);
    this.kind = grown8(this.kind, n);
  }
}

/**
 * One flat row's cells, filled by {@link FlatRow.scan}: for cell `k`, its key's bytes are
 * `keyStart[k]..keyEnd[k]` (between the quotes), its value's `valStart[k]..valEnd[k]` (a string's
 * between the quotes) and `kind[k]` a {@link CellKind}. Reused from row to row.
 */
export class FlatRow {
  count = 0;
  /** The row had whitespace between its tokens. */
  spaced = false;
  /** Some key has a backslash. */
  escapedKey = false;
  keyStart = new Int32Array(64);
  keyEnd = new Int32Array(64);
  valStart = new Int32Array(64);
  valEnd = new Int32Array(64);
  kind = new Uint8Array(64);

  /**
   * Reads the row object at `i` (a `{`, as {@link findRowsSpan} checked it): returns the index
   * after its `}`, or -1 when it is not an object.
   */
  scan(b: Uint8Array, i: number): number {
    this.count = 0;
    this.spaced = false;
    this.escapedKey = false;
    if (b[i] !== LBRACE) return -1;
    i++;
    if (isWs(b[i] as number)) {
      this.spaced = true;
      i = skipWs(b, i);
    }
    if (b[i] === RBRACE) return i + 1;
    for (;;) {
      let k = this.count;
      if (k === this.kind.length) this.grow();
      // b[i] is the key's quote (the span scan checked the object).
      let j = i + 1;
      for (;;) {
        const c = b[j] as number;
        if (c === QUOTE) break;
        if (c === BACKSLASH) {
          this.escapedKey = true;
          j += 2;
        } else j++;
      }
      this.keyStart[k] = i + 1;
      this.keyEnd[k] = j;
      i = j + 1;
      if (b[i] !== COLON) {
        this.spaced = true;
        i = skipWs(b, i);
      }
      i++;
      if (isWs(b[i] as number)) {
        this.spaced = true;
        i = skipWs(b, i);
      }
      const c = b[i] as number;
      if (c === QUOTE) {
        const s = i + 1;
        j = s;
        let kind: number = CellKind.PLAIN;
        for (;;) {
          const d = b[j] as number;
          if (d === QUOTE) break;
          if (d === BACKSLASH) {
            kind = CellKind.ESCAPED;
            j += 2;
          } else j++;
        }
        this.kind[k] = kind;
        this.valStart[k] = s;
        this.valEnd[k] = j;
        i = j + 1;
      } else {
        const s = i;
        if (c === 0x74) {
          this.kind[k] = CellKind.TRUE;
          i += 4;
        } else if (c === 0x66) {
          this.kind[k] = CellKind.FALSE;
          i += 5;
        } else if (c === 0x6e) {
          this.kind[k] = CellKind.NULL;
          i += 4;
        } else if (c === LBRACE || c === LBRACKET) {
          this.kind[k] = CellKind.NESTED;
          i = valueEnd(b, i);
        } else {
          this.kind[k] = CellKind.NUMBER;
          i++;
          for (;;) {
            const d = b[i] as number;
            if ((d >= 0x30 && d <= 0x39) || d === 0x2e || d === 0x65 || d === 0x45 || d === 0x2b || d === 0x2d) i++;
            else break;
          }
        }
        this.valStart[k] = s;
        this.valEnd[k] = i;
      }
      this.count = ++k;
      let d = b[i] as number;
      if (isWs(d)) {
        this.spaced = true;
        i = skipWs(b, i);
        d = b[i] as number;
      }
      if (d === RBRACE) return i + 1;
      i++; // the comma
      if (isWs(b[i] as number)) {
        this.spaced = true;
        i = skipWs(b, i);
      }
    }
  }

  private grow(): void {
    const n = this.kind.length * 2;
    const g = (a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
      const x = new Int32Array(n);
      x.set(a);
      return x;
    };
    this.keyStart = g(this.keyStart);
    this.keyEnd = g(this.keyEnd);
    this.valStart = g(this.valStart);
    this.valEnd = g(this.valEnd);
    const k = new Uint8Array(n);
    k.set(this.kind);
    this.kind = k;
  }
}

/** The index of the next row's `{` after a row ending at `i` (past `,` and whitespace), or -1 at the array's end. */
export function nextRow(b: Uint8Array, i: number): number {
  i = skipWs(b, i);
  if (b[i] !== COMMA) return -1;
  return skipWs(b, i + 1);
}

/** The index of the first row's `{` in a span, or -1 when it is empty. */
export function firstRow(b: Uint8Array, span: RowsSpan): number {
  return span.count === 0 ? -1 : skipWs(b, span.start + 1);
}
