/**
 * The lists as plain JSON for the mock's data file: definitions, next keys and rows, or for a
 * list still holding only its generated rows, the recipe instead of the rows.
 * @module
 */
import type { ListStore } from './store.js';
import type { ColumnDef, ColumnType } from './types.js';
import { isRecord, q } from './values.js';

const FORMAT = 'lk-mock-lists';
const COLUMN_TYPES: ReadonlySet<string> = new Set<ColumnType>(['int', 'string', 'date', 'float', 'boolean']);

type Cell = string | number | null;

/** One list in the file. */
interface StoredList {
  container: string;
  name: string;
  columns: ColumnDef[];
  nextKey: number;
  content: { generated: { rows: number; base: string } } | { rows: (Cell | undefined)[][] };
}

/** All lists of `store` in the file's form (rows in key order). */
export function serializeLists(store: ListStore): unknown {
  return {
    format: FORMAT,
    version: 1,
    lists: store.allLists().map((l) => {
      const base = { container: l.container, name: l.name, columns: l.columns, nextKey: l.nextKey };
      if (l.generated) return { ...base, generated: l.generated };
      const rows = l.conn.db
        .prepare(`SELECT ${l.columns.map((c) => q(c.name)).join(', ')} FROM lists.${q(l.name)} ORDER BY ${q(l.pk.name)}`)
        .raw(true)
        .all();
      return { ...base, rows };
    }),
  };
}

/** Replace every list in `store` with those of a {@link serializeLists} value; nothing changes when it is malformed. */
export function loadLists(store: ListStore, data: unknown): void {
  if (!isRecord(data) || data.format !== FORMAT || data.version !== 1 || !Array.isArray(data.lists)) {
    throw new Error('query engine data: not an lk-mock-lists version 1 object');
  }
  const lists = data.lists.map((l: unknown, i: number) => {
    const list = storedList(l);
    if (!list) throw new Error(`query engine data: list #${i} is malformed`);
    return list;
  });
  store.dropAll();
  for (const l of lists) {
    const list = store.createList(l.container, l.name, l.columns);
    if ('generated' in l.content) store.fillGenerated(list, l.content.generated.rows, l.content.generated.base);
    else {
      const names = list.columns.map((c) => c.name);
      store.insertStored(
        list,
        l.content.rows.map((r) => Object.fromEntries(names.map((n, j) => [n, r[j] ?? null]))),
      );
    }
    list.nextKey = l.nextKey;
  }
}

function isColumn(c: unknown): c is ColumnDef {
  return isRecord(c) && typeof c.name === 'string' && typeof c.type === 'string' && COLUMN_TYPES.has(c.type);
}

function isRow(r: unknown): r is (Cell | undefined)[] {
  return Array.isArray(r) && r.every((v: unknown) => v === undefined || v === null || typeof v === 'string' || typeof v === 'number');
}

/** A well-formed list entry: one key column, an integer next key, and rows or a generated recipe. */
function storedList(l: unknown): StoredList | undefined {
  if (!isRecord(l) || typeof l.container !== 'string' || typeof l.name !== 'string' || !Number.isInteger(l.nextKey)) return undefined;
  const columns = l.columns;
  if (!Array.isArray(columns) || !columns.every(isColumn) || columns.filter((c) => c.keyField).length !== 1) return undefined;
  const head = { container: l.container, name: l.name, columns, nextKey: Number(l.nextKey) };
  const g = l.generated;
  if (g) {
    if (!isRecord(g) || !Number.isInteger(g.rows) || typeof g.base !== 'string') return undefined;
    return { ...head, content: { generated: { rows: Number(g.rows), base: g.base } } };
  }
  const rows = l.rows;
  if (!Array.isArray(rows) || !rows.every(isRow)) return undefined;
  return { ...head, content: { rows } };
}
