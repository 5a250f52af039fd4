/**
 * Output collected as UTF-8 bytes and handed to stdout a chunk at a time. Text is encoded into one
 * buffer as it is formatted, so no string of the whole chunk is built (a rope of row strings,
 * flattened and then encoded again for write(2)): for a 1,000,000-row export that was about half
 * of what lk's writers allocated.
 */
const SLACK = 16_384;

export class ByteChunk {
  /** The bytes; `buf[0..pos)` are held. A transcoder writes here directly after {@link room}. */
  buf: Buffer;
  /** `buf` as a DataView (a transcoder copies four bytes at a time). */
  dv: DataView;
  pos = 0;

  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size + SLACK);
    this.dv = view(this.buf);
  }

  /** Bytes held. */
  get length(): number {
    return this.pos;
  }

  /** Appends `s` as UTF-8 (never split: a chunk taken is whole characters). */
  text(s: string): void {
    // At most 3 bytes per UTF-16 unit.
    if (this.pos + s.length * 3 > this.buf.length) this.grow(s.length * 3);
    this.pos += this.buf.write(s, this.pos);
  }

  /** Appends one ASCII byte (a separator or a newline). */
  byte(b: number): void {
    if (this.pos === this.buf.length) this.grow(1);
    this.buf[this.pos++] = b;
  }

  /**
   * The bytes held (the caller may keep them while more is written: the chunk goes on in another
   * buffer), and empties the chunk. Give them back with {@link recycle} once nothing holds them.
   */
  take(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.buf = this.spares.pop() ?? Buffer.allocUnsafe(this.buf.length);
    this.dv = view(this.buf);
    this.pos = 0;
    return out;
  }

  /**
   * Bytes from {@link take} that are written (nothing holds them): their buffer serves a later
   * take instead of a new one (two are kept: a stream says a write is done a tick after it). A
   * 1,000,000-row csv export took ~1,000 chunks, each a new buffer outside V8's heap, whose garbage
   * piled up between collections (~6 MB of lk's peak RSS).
   */
  recycle(taken: Buffer): void {
    const whole = taken.buffer;
    if (this.spares.length < 2 && taken.byteOffset === 0 && whole.byteLength === this.buf.length && whole !== this.buf.buffer && !this.spares.some((b) => b.buffer === whole)) {
      this.spares.push(Buffer.from(whole));
    }
  }

  private readonly spares: Buffer[] = [];

  /** Makes room for `n` more bytes (`buf` may be replaced). */
  room(n: number): void {
    if (this.pos + n > this.buf.length) this.grow(n);
  }

  private grow(need: number): void {
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + need + SLACK));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.dv = view(next);
  }
}

const view = (b: Buffer): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);
