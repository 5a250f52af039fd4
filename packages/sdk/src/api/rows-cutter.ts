/**
 * Cuts one selectRows/executeSql answer, read as it arrives, into pages at row boundaries: each
 * page a body of its own, `<the answer's bytes before its rows array>` + that page's rows + `]}`
 * (the last page: + `]` and the answer's real tail, e.g. `,"rowCount":1000000}`), so every page
 * goes through the same whole-JSON check ({@link rawSuccess}) as a page that came in a request of
 * its own. Only the page being cut is held: memory is flat whatever the row count.
 *
 * The cutter is a byte state machine resumable at any byte (a chunk may end inside a string, an
 * escape or a multi-byte UTF-8 character): it only tracks strings, nesting and the separators of
 * the `rows` array. What the rows hold is checked by the page check, not here.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const ROWS = [0x72, 0x6f, 0x77, 0x73];

const isWs = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** The end of a page that is not the answer's last: the rows array and the object closed. */
const CLOSE = Buffer.from(']}');

/** One page cut from the answer: a complete JSON body of `count` rows. */
export interface CutPage {
  body: Buffer;
  count: number;
  /** The answer's last page (its body ends with the answer's own tail). */
  last: boolean;
}

/**
 * Why the answer could not be cut: `not-rows` (no top-level `rows` array before the object
 * ended: read it whole, as any answer), `too-large` (a single row, or the answer's bytes before or
 * after its rows, beyond the page cap), `cut` (the body ended inside the rows array or its tail),
 * `broken` (something other than `,` or `]` after a row). `rows`: complete rows before it; `rest`:
 * the answer's bytes from the unfinished row or the unexpected byte on (at most the page cap), to
 * be read for a server's error object.
 */
export type CutProblem =
  | { kind: 'not-rows' }
  | { kind: 'too-large'; where: 'start' | 'row' | 'end'; rows: number }
  | { kind: 'cut'; rows: number; rest: Buffer }
  | { kind: 'broken'; rows: number; rest: Buffer };

export class CutError extends Error {
  constructor(readonly problem: CutProblem) {
    super(`rows cutter: ${problem.kind}`);
  }
}

const enum Mode {
  /** Before the rows array: looking for the top-level key `rows` and its `[`. */
  PRE,
  ROWS,
  /** After the rows array's `]`. */
  TAIL,
  /** Something other than `,` or `]` after a row: the rest is kept for the error. */
  BROKEN,
  DONE,
}

export interface CutterOptions {
  /** Most rows per page. */
  pageSize: number;
  /** Most bytes one page's body may hold (preamble, rows and close). */
  maxPageBytes: number;
}

export class RowsCutter {
  /** Complete rows seen so far (in pages handed out or in the page being cut). */
  rows = 0;
  private mode = Mode.PRE;
  /** Absolute offset of `held[0]`'s first byte. */
  private heldFrom = 0;
  private held: Buffer[] = [];
  private heldBytes = 0;
  /** Absolute offset of the next byte to read. */
  private pos = 0;
  // PRE state.
  private depth = 0;
  private inStr = false;
  private esc = false;
  private expectKey = false;
  /** In a depth-1 key string: how many bytes, and whether they are `rows` so far. */
  private keyLen = -1;
  private keyIsRows = false;
  /** The value after the key `rows` is next. */
  private rowsValueNext = false;
  private preamble: Buffer | undefined;
  // ROWS state.
  private d = 0;
  private inElem = false;
  private afterValue = false;
  /** A `,` was the last separator (an element must follow). */
  private afterComma = false;
  private elemStart = -1;
  private pageStart = -1;
  private pageEnd = -1;
  private pageRows = 0;
  private tailStart = -1;
  private restFrom = -1;
  private brokenRow = 0;

  constructor(private readonly o: CutterOptions) {}

  /** The answer's bytes so far, while no rows array was found (for reading a `not-rows` answer whole). */
  heldBody(): Buffer {
    return Buffer.concat(this.held, this.heldBytes);
  }

  /** Whether the rows array has begun (the answer is being cut into pages). */
  get started(): boolean {
    return this.mode !== Mode.PRE;
  }

  /** Reads `chunk`; returns the pages it completed. Throws {@link CutError}. */
  push(chunk: Buffer): CutPage[] {
    const out: CutPage[] = [];
    if (this.mode === Mode.DONE || chunk.length === 0) return out;
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    const base = this.pos;
    const n = chunk.length;
    let i = 0;
    if (this.mode === Mode.PRE) {
      i = this.pre(chunk, 0);
      if (this.mode === Mode.PRE && this.heldBytes > this.o.maxPageBytes) throw new CutError({ kind: 'too-large', where: 'start', rows: 0 });
    }
    if (this.mode === Mode.ROWS) i = this.rowsScan(chunk, i, base, out);
    this.pos = base + n;
    if (this.mode === Mode.ROWS) {
      // A page as long as the cap: hand out its complete rows now; one row alone beyond it is an error.
      if (this.pageBytes(this.pos) > this.o.maxPageBytes) {
        if (this.pageRows > 0) out.push(this.cut(false));
        if (this.pageBytes(this.pos) > this.o.maxPageBytes) throw new CutError({ kind: 'too-large', where: 'row', rows: this.rows });
      }
      this.drop();
    } else if (this.mode === Mode.TAIL) {
      if (this.pos - this.tailStart > this.o.maxPageBytes) throw new CutError({ kind: 'too-large', where: 'end', rows: this.rows });
    } else if (this.mode === Mode.BROKEN) {
      if (this.pos - this.restFrom > this.o.maxPageBytes) throw this.brokenError();
    }
    return out;
  }

  /** The body ended: the last page (whose body ends with the answer's tail). Throws {@link CutError}. */
  end(): CutPage[] {
    const mode = this.mode;
    this.mode = Mode.DONE;
    if (mode === Mode.PRE) throw new CutError({ kind: 'not-rows' });
    if (mode === Mode.BROKEN) throw this.brokenError();
    if (mode === Mode.ROWS) {
      const from = this.inElem ? this.elemStart : this.pos;
      throw new CutError({ kind: 'cut', rows: this.rows, rest: this.slice(from, this.pos) });
    }
    if (mode !== Mode.TAIL) return [];
    const end = Buffer.concat([Buffer.from(']'), this.slice(this.tailStart, this.pos)]);
    const body = this.pageRows > 0 ? this.joined(this.pageStart, this.pageEnd, end) : Buffer.concat([this.preamble as Buffer, end]);
    const count = this.pageRows;
    this.pageRows = 0;
    this.held = [];
    this.heldBytes = 0;
    return [{ body, count, last: true }];
  }

  private brokenError(): CutError {
    return new CutError({ kind: 'broken', rows: this.rows + this.brokenRow, rest: this.slice(this.restFrom, Math.min(this.pos, this.restFrom + this.o.maxPageBytes)) });
  }

  private pageBytes(at: number): number {
    const from = this.pageStart >= 0 ? this.pageStart : this.inElem ? this.elemStart : at;
    return (this.preamble?.length ?? 0) + (at - from) + CLOSE.length;
  }

  /** Scans the preamble from `i`: returns where the rows array's content starts (mode ROWS), or `n`. */
  private pre(b: Buffer, i: number): number {
    const n = b.length;
    for (; i < n; i++) {
      const c = b[i] as number;
      if (this.inStr) {
        if (this.esc) {
          this.esc = false;
          this.keyIsRows = false;
          if (this.keyLen >= 0) this.keyLen++;
        } else if (c === BACKSLASH) {
          this.esc = true;
          this.keyIsRows = false;
        } else if (c === QUOTE) {
          this.inStr = false;
          if (this.keyLen >= 0) {
            this.rowsValueNext = this.keyIsRows && this.keyLen === 4;
            this.keyLen = -1;
          }
        } else if (this.keyLen >= 0) {
          if (this.keyLen >= 4 || c !== ROWS[this.keyLen]) this.keyIsRows = false;
          this.keyLen++;
        }
        continue;
      }
      if (isWs(c)) continue;
      if (this.depth === 0) {
        if (c !== LBRACE) throw new CutError({ kind: 'not-rows' });
        this.depth = 1;
        this.expectKey = true;
        continue;
      }
      if (this.depth === 1) {
        if (this.expectKey) {
          if (c === QUOTE) {
            this.inStr = true;
            this.expectKey = false;
            this.keyLen = 0;
            this.keyIsRows = true;
            continue;
          }
          // `}` (no rows) or not JSON: the whole-answer path decides.
          throw new CutError({ kind: 'not-rows' });
        }
        if (c === COLON) continue;
        if (this.rowsValueNext) {
          this.rowsValueNext = false;
          if (c !== LBRACKET) throw new CutError({ kind: 'not-rows' });
          const at = this.pos + i;
          this.preamble = Buffer.from(this.slice(0, at + 1));
          this.mode = Mode.ROWS;
          this.afterComma = false;
          return i + 1;
        }
        if (c === COMMA) {
          this.expectKey = true;
          continue;
        }
      }
      if (c === QUOTE) this.inStr = true;
      else if (c === LBRACE || c === LBRACKET) this.depth++;
      else if (c === RBRACE || c === RBRACKET) {
        this.depth--;
        if (this.depth === 0) throw new CutError({ kind: 'not-rows' });
      }
    }
    return n;
  }

  /** Scans rows from `i` of chunk `b` (at absolute offset `base`), cutting full pages into `out`. */
  private rowsScan(b: Buffer, i: number, base: number, out: CutPage[]): number {
    const n = b.length;
    let d = this.d;
    let inStr = this.inStr;
    let esc = this.esc;
    for (; i < n; i++) {
      let c = b[i] as number;
      if (inStr) {
        if (esc) {
          esc = false;
          continue;
        }
        // To the closing quote by memchr: a quote after an odd run of backslashes is escaped.
        let q = b.indexOf(QUOTE, i);
        for (;;) {
          const at = q < 0 ? n : q;
          let k = at - 1;
          while (k >= i && b[k] === BACKSLASH) k--;
          if (((at - 1 - k) & 1) === 0) break;
          if (q < 0) break;
          q = b.indexOf(QUOTE, q + 1);
        }
        if (q < 0) {
          // The chunk ends in the string: escaped when it ends in an odd run of backslashes.
          let k = n - 1;
          while (k >= i && b[k] === BACKSLASH) k--;
          esc = ((n - 1 - k) & 1) === 1;
          i = n;
          break;
        }
        i = q;
        inStr = false;
        if (d === 0) this.afterValue = true;
        continue;
      }
      if (d > 0) {
        if (c === QUOTE) inStr = true;
        else if (c === LBRACE || c === LBRACKET) d++;
        else if (c === RBRACE || c === RBRACKET) {
          d--;
          if (d === 0) this.afterValue = true;
        }
        continue;
      }
      if (isWs(c)) continue;
      if (c === COMMA) {
        if (!this.inElem) return this.broken(base + i, d, inStr, esc);
        this.fit(base + i, out);
        this.rowDone(base + i);
        this.afterComma = true;
        if (this.pageRows === this.o.pageSize) out.push(this.cut(false));
        continue;
      }
      if (c === RBRACKET) {
        if (this.inElem) {
          this.fit(base + i, out);
          this.rowDone(base + i);
        } else if (this.afterComma) return this.broken(base + i, d, inStr, esc);
        this.mode = Mode.TAIL;
        this.tailStart = base + i + 1;
        this.d = d;
        this.inStr = inStr;
        this.esc = esc;
        return n;
      }
      if (this.afterValue) return this.broken(base + i, d, inStr, esc);
      if (!this.inElem) {
        this.inElem = true;
        this.afterComma = false;
        this.elemStart = base + i;
        if (this.pageStart < 0) this.pageStart = base + i;
      }
      if (c === QUOTE) inStr = true;
      else if (c === LBRACE || c === LBRACKET) d = 1;
      else if (c === RBRACE) return this.broken(base + i, d, inStr, esc);
    }
    this.d = d;
    this.inStr = inStr;
    this.esc = esc;
    return n;
  }

  private broken(at: number, d: number, inStr: boolean, esc: boolean): number {
    this.d = d;
    this.inStr = inStr;
    this.esc = esc;
    this.mode = Mode.BROKEN;
    this.restFrom = at;
    // A row that was complete (closed) before the unexpected byte counts among the rows that came.
    if (this.inElem && this.afterValue) this.brokenRow = 1;
    return 0;
  }

  /**
   * Before the row ending at `at` joins the page: when the page would then be over the cap, the
   * page so far is cut first; a row over the cap on its own is an error.
   */
  private fit(at: number, out: CutPage[]): void {
    const cap = this.o.maxPageBytes;
    const pre = (this.preamble as Buffer).length + CLOSE.length;
    if (pre + (at - this.pageStart) <= cap) return;
    if (this.pageRows > 0) out.push(this.cut(false));
    if (pre + (at - this.elemStart) > cap) throw new CutError({ kind: 'too-large', where: 'row', rows: this.rows });
  }

  /** The row begun at `elemStart` ended before the separator at `at`. */
  private rowDone(at: number): void {
    this.inElem = false;
    this.afterValue = false;
    this.pageRows++;
    this.rows++;
    this.pageEnd = at;
  }

  /** The page of complete rows so far, closed with `]}`. */
  private cut(last: boolean): CutPage {
    const body = this.joined(this.pageStart, this.pageEnd, CLOSE);
    const count = this.pageRows;
    this.pageRows = 0;
    this.pageStart = this.inElem ? this.elemStart : -1;
    return { body, count, last };
  }

  /** Drops the held chunks no later page needs. */
  private drop(): void {
    const keep = this.pageStart >= 0 ? this.pageStart : this.inElem ? this.elemStart : this.pos;
    while (this.held.length > 1 && this.heldFrom + (this.held[0] as Buffer).length <= keep) {
      const c = this.held.shift() as Buffer;
      this.heldFrom += c.length;
      this.heldBytes -= c.length;
    }
  }

  /** The preamble, bytes `from..to` (absolute) of the held chunks and `end`, copied once into one buffer. */
  private joined(from: number, to: number, end: Buffer): Buffer {
    const pre = this.preamble as Buffer;
    const out = Buffer.allocUnsafeSlow(pre.length + (to - from) + end.length);
    pre.copy(out, 0);
    let o = pre.length;
    let at = this.heldFrom;
    for (const c of this.held) {
      const s = Math.max(from, at);
      const e = Math.min(to, at + c.length);
      if (e > s) o += c.copy(out, o, s - at, e - at);
      at += c.length;
      if (at >= to) break;
    }
    end.copy(out, o);
    return out;
  }

  /** Bytes `from..to` (absolute) of the held chunks. */
  private slice(from: number, to: number): Buffer {
    const parts: Buffer[] = [];
    let at = this.heldFrom;
    for (const c of this.held) {
      const s = Math.max(from, at);
      const e = Math.min(to, at + c.length);
      if (e > s) parts.push(c.subarray(s - at, e - at));
      at += c.length;
      if (at >= to) break;
    }
    return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
  }
}
