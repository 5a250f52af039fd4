/**
 * A large selectRows answer in key order (maxRows=-1, as LabKey's Python client asks), read from
 * SQLite a chunk at a time as it is written instead of all at once: 1,000,000 rows held as row
 * arrays until the last was written cost the mock more in garbage collection than reading them.
 *
 * The answer must still be the rows as they were when the request came: the read is registered
 * with its connection, and {@link beforeWrite} (store.ts), called before any row of that
 * connection changes, makes it read all its remaining rows first. It is unregistered once its
 * last row is read or its answer is released (written, or abandoned by a client that went away),
 * so a write after an abandoned answer does not read its rows for nobody.
 * @module
 */
import type Database from 'better-sqlite3';
import type { ContainerConn, PendingRead } from './store.js';

let rowsRead = 0;

/** Rows every {@link KeyOrderRead} of this process has read from SQLite so far (for tests). */
export function keyOrderRowsRead(): number {
  return rowsRead;
}

export class KeyOrderRead implements PendingRead {
  /** Rows handed out so far. */
  private pos = 0;
  /** The key of the last row read. */
  private last: unknown;
  /** Rows read ahead by {@link finish}, from row `aheadAt` on. */
  private ahead: unknown[][] | null = null;
  private aheadAt = 0;
  private readonly ref = new WeakRef<PendingRead>(this);
  private released = false;

  /**
   * @param first the rows from an offset: the filter's parameters, then `LIMIT ? OFFSET ?`
   * @param next the rows after a key: the filter's parameters, then the key, then `LIMIT ?`
   * @param length how many rows there are from `offset` on (counted in the same synchronous step)
   * @param keyAt where the key is in a row
   */
  constructor(
    private readonly conn: ContainerConn,
    private readonly first: Database.Statement,
    private readonly next: Database.Statement,
    private readonly params: unknown[],
    private readonly offset: number,
    readonly length: number,
    private readonly keyAt: number,
  ) {
    if (length > 0) conn.reads.add(this.ref);
  }

  /** Rows `from` to `to` (exclusive); ranges come once each, in order. */
  read(from: number, to: number): unknown[][] {
    if (this.released || from !== this.pos || to > this.length || to <= from) throw new Error(`KeyOrderRead: rows ${from}-${to} asked after ${this.pos} of ${this.length}`);
    const rows = this.ahead ? this.ahead.slice(from - this.aheadAt, to - this.aheadAt) : this.fetch(to - from);
    this.pos = to;
    if (to === this.length) {
      this.conn.reads.delete(this.ref);
      this.ahead = null;
    }
    return rows;
  }

  /** No more rows will be asked for: forget the read (and any rows read ahead). */
  release(): void {
    this.released = true;
    this.conn.reads.delete(this.ref);
    this.ahead = null;
  }

  finish(): void {
    if (this.released || this.ahead || this.pos === this.length) return;
    this.aheadAt = this.pos;
    this.ahead = this.fetch(this.length - this.pos);
  }

  private fetch(n: number): unknown[][] {
    const rows = (this.pos === 0 ? this.first.all(...this.params, n, this.offset) : this.next.all(...this.params, this.last, n)) as unknown[][];
    rowsRead += rows.length;
    // Nothing changed the rows since the count (any change finishes the read first).
    if (rows.length !== n) throw new Error(`KeyOrderRead: ${rows.length} rows where ${n} were counted`);
    this.last = rows[n - 1]![this.keyAt];
    return rows;
  }
}
