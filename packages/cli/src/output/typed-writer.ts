/**
 * The typed writers' common part: rows (objects, or a raw page's cells read by typed-raw.ts) into
 * batches of BATCH_ROWS (fewer when their text reaches BATCH_BYTES), each handed to the format's
 * writer when full.
 */
import { ColumnBatch, type ColumnCells, type TypedColumn, type TypedFileWriter } from './typed-columns.js';
import { TypedPageReader } from './typed-raw.js';

/**
 * A {@link TypedFileWriter} over a format's two steps: `writeBatch` gets each full batch's
 * column cells (and the last, partial one), and `finish` writes the footer once the last batch is out.
 */
export function batchedWriter(
  columns: readonly TypedColumn[],
  writeBatch: (cells: ColumnCells[], rows: number) => Promise<void> | undefined,
  finish: (rowCount: number) => void | Promise<void>,
  abandon: () => void = () => {},
): TypedFileWriter {
  const batch = new ColumnBatch(columns);
  const reader = new TypedPageReader(columns);
  let count = 0;
  const flush = () => {
    const n = batch.length;
    if (n === 0) return undefined;
    const wrote = writeBatch(batch.cells, n);
    batch.clear();
    return wrote;
  };
  return {
    get count() {
      return count;
    },
    row(r) {
      count++;
      return batch.add(r, count) ? flush() : undefined;
    },
    rawPage(page) {
      const cur = reader.open(page);
      if (!cur) return undefined;
      const w = {
        done: cur.n === 0,
        step: () => {
          while (cur.r < cur.n) {
            reader.read(cur, batch.cells, batch.length, ++count);
            batch.length++;
            if (batch.full()) {
              w.done = cur.r >= cur.n;
              return flush();
            }
          }
          w.done = true;
          return undefined;
        },
      };
      return w;
    },
    async end() {
      await flush();
      await finish(count);
    },
    abandon,
  };
}
