/**
 * LabKey's selectRows/executeSql answers read as bytes: where the top-level `rows` array is, how
 * many rows it holds, and each 8.3 flat row's keys and values as byte ranges, so a caller can turn
 * a page into csv/tsv/ndjson without building a row object or a string per cell. The object path
 * ({@link normalizeQueryResponse}) stays the definition of what a page holds; `RawRowsPage.rows()`
 * gives exactly it.
 */

/** Kinds of a value in {@link FlatRow}. */
export const CellKind = {
  /** A string with no backslash (its bytes between the quotes are its UTF-8 text, unless invalid UTF-8). */
  PLAIN: 1,
  /** A string with escapes. */
  ESCAPED: 2,
  NUMBER: 3,
  TRUE: 4,
  FALSE: 5,
  NULL: 6,
  /** An object or an array. */
  NESTED: 7,
} as const;

/** The span of the top-level `rows` array: `start` at its `[`, `end` after its `]`, `count` elements. */
export interface RowsSpan {
  start: number;
  end: number;
  count: number;
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
 * The top-level `rows` array of a JSON object body and its element count, the whole body checked
 * as JSON on the way; undefined when the body is not a JSON object, has no array `rows`, or has
 * `rows` twice (the object path then decides what it holds).
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
          let count = 0;
          i = skipWs(b, i + 1);
          if (b[i] === RBRACKET) i++;
          else {
            for (;;) {
              i = valueEnd(b, i);
              if (i < 0) return undefined;
              count++;
              i = skipWs(b, i);
              if (b[i] === RBRACKET) {
                i++;
                break;
              }
              if (b[i] !== COMMA) return undefined;
              i = skipWs(b, i + 1);
            }
          }
          span = { start, end: i, count };
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
