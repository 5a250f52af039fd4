/**
 * Where rows live.
 *
 * Each container that has lists gets its own in-memory SQLite connection with an attached
 * in-memory database named `lists`, holding one table per list under the list's own name. So
 * executeSql runs the caller's SQL as it is: `People` and `lists.People` both resolve, and only
 * that container's lists are reachable. Virtual tables (users, keys) are copied into a separate
 * connection, one attached database per schema (`core`), for the duration of one call.
 * @module
 */
import Database from 'better-sqlite3';
import type { ColumnDef, VirtualTable } from './types.js';
import { DECLARED, formatDate, q, toStorage } from './values.js';

type DB = Database.Database;
type Statement = Database.Statement;

/** A list: a SQLite table in its container's connection. */
export interface ListDef {
  /** Unique id (for caches). */
  id: number;
  /** Container path as first given, e.g. `/home`. */
  container: string;
  name: string;
  columns: ColumnDef[];
  /** The primary-key column (lists have exactly one). */
  pk: ColumnDef;
  /** Next auto-increment value. */
  nextKey: number;
  /** Bumped on every change (total-count cache key). */
  version: number;
  /** Set while the list still holds exactly its generated rows (serialized as a recipe). */
  generated: { rows: number; base: string } | null;
  conn: ContainerConn;
}

/** One container's connection and its lists. */
export interface ContainerConn {
  db: DB;
  lists: Map<string, ListDef>;
  stmts: Map<string, Statement>;
  /** Reads still in flight on this connection (rows read as they are written), held weakly. */
  reads: Set<WeakRef<PendingRead>>;
}

/** A read of rows that are read later, as they are written (key-read.ts). */
export interface PendingRead {
  /** Read all the rows still to be read, now. */
  finish(): void;
}

/**
 * Call before any row of `conn` changes (or it closes): every read in flight reads the rest of its
 * rows first, so it answers the rows as they were when it began, as a read of them all at once would.
 */
export function beforeWrite(conn: ContainerConn): void {
  for (const ref of conn.reads) {
    conn.reads.delete(ref);
    ref.deref()?.finish();
  }
}

/** Normalise a container path: leading slash, no trailing slash, case-insensitive key. */
export function containerKey(path: string): string {
  let p = path.trim();
  if (!p.startsWith('/')) p = '/' + p;
  while (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p.toLowerCase();
}

/** A bounded prepared-statement cache. */
export function cachedPrepare(db: DB, cache: Map<string, Statement>, sql: string): Statement {
  let s = cache.get(sql);
  if (!s) {
    s = db.prepare(sql);
    if (cache.size >= 500) cache.clear();
    cache.set(sql, s);
  }
  return s;
}

const PEOPLE: ColumnDef[] = [
  { name: 'Key', type: 'int', keyField: true, autoIncrement: true, nullable: false },
  { name: 'Name', type: 'string' },
  { name: 'Age', type: 'int' },
  { name: 'Email', type: 'string' },
];

const PEOPLE_ROWS = [
  { Name: 'Ada Lovelace', Age: 36, Email: 'ada@example.org' },
  { Name: 'Alan Turing', Age: 41, Email: 'alan@example.org' },
  { Name: 'Grace Hopper', Age: 85, Email: 'grace@example.org' },
  { Name: 'Katherine Johnson', Age: 101, Email: null },
  { Name: 'Edsger Dijkstra', Age: 72, Email: 'edsger@example.org' },
];

const GENERATED: ColumnDef[] = [
  { name: 'Key', type: 'int', keyField: true, autoIncrement: true, nullable: false },
  { name: 'Name', type: 'string' },
  { name: 'Value', type: 'float' },
  { name: 'Category', type: 'string' },
  { name: 'Flag', type: 'boolean' },
  { name: 'Created', type: 'date' },
];

export class ListStore {
  private readonly conns = new Map<string, ContainerConn>();
  private nextId = 1;
  /** Connection for virtual tables (one attached database per schema). */
  readonly vdb: DB;
  private readonly vSchemas = new Set<string>();

  constructor() {
    this.vdb = new Database(':memory:');
  }

  /** The connection of a container, created on demand. */
  conn(container: string, create = false): ContainerConn | undefined {
    const key = containerKey(container);
    let c = this.conns.get(key);
    if (!c && create) {
      const db = new Database(':memory:');
      db.exec(`ATTACH DATABASE ':memory:' AS lists`);
      c = { db, lists: new Map(), stmts: new Map(), reads: new Set() };
      this.conns.set(key, c);
    }
    return c;
  }

  /** The list `name` in `container` (case-insensitive), if any. */
  list(container: string, name: string): ListDef | undefined {
    return this.conn(container)?.lists.get(name.toLowerCase());
  }

  /** All lists of a container, in creation order. */
  listsIn(container: string): ListDef[] {
    return [...(this.conn(container)?.lists.values() ?? [])];
  }

  /** All lists everywhere. */
  allLists(): ListDef[] {
    return [...this.conns.values()].flatMap((c) => [...c.lists.values()]);
  }

  /** Create an empty list. Exactly one column must be a key field. */
  createList(container: string, name: string, columns: ColumnDef[]): ListDef {
    const pks = columns.filter((c) => c.keyField);
    if (pks.length !== 1) throw new Error(`list ${name} needs exactly one key column`);
    const conn = this.conn(container, true)!;
    if (conn.lists.has(name.toLowerCase())) throw new Error(`list ${name} exists in ${container}`);
    const defs = columns
      .map((c) => `${q(c.name)} ${DECLARED[c.type]}${c.keyField ? (c.type === 'int' ? ' PRIMARY KEY' : ' PRIMARY KEY NOT NULL') : ''}`)
      .join(', ');
    conn.db.exec(`CREATE TABLE lists.${q(name)} (${defs})`);
    const def: ListDef = {
      id: this.nextId++,
      container: container.startsWith('/') ? container : '/' + container,
      name,
      columns: columns.map((c) => ({ ...c })),
      pk: pks[0]!,
      nextKey: 1,
      version: 0,
      generated: null,
      conn,
    };
    conn.lists.set(name.toLowerCase(), def);
    return def;
  }

  /** Drop every list. */
  dropAll(): void {
    for (const c of this.conns.values()) {
      beforeWrite(c);
      c.db.close();
    }
    this.conns.clear();
  }

  /** Insert rows given in storage form (already converted), assigning keys. Returns the keys. */
  insertStored(list: ListDef, rows: Record<string, string | number | null>[]): void {
    const names = list.columns.map((c) => c.name);
    const sql = `INSERT INTO lists.${q(list.name)} (${names.map(q).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`;
    const stmt = cachedPrepare(list.conn.db, list.conn.stmts, sql);
    beforeWrite(list.conn);
    const tx = list.conn.db.transaction(() => {
      for (const r of rows) stmt.run(names.map((n) => r[n] ?? null));
    });
    tx();
  }

  /**
   * Delete every row of a list (truncateTable) and return how many there were. The key counter
   * is kept, as a truncate on LabKey (a DELETE, not a sequence reset) keeps it.
   */
  truncate(list: ListDef): number {
    beforeWrite(list.conn);
    const { changes } = cachedPrepare(list.conn.db, list.conn.stmts, `DELETE FROM lists.${q(list.name)}`).run();
    list.version++;
    list.generated = null;
    return changes;
  }

  /** Fill `lists.Generated` with n rows in one statement. Dates are `base` plus i minutes. */
  fillGenerated(list: ListDef, n: number, base: string): void {
    beforeWrite(list.conn);
    list.conn.db
      .prepare(
        `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ?)
         INSERT INTO lists.${q(list.name)} ("Key", "Name", "Value", "Category", "Flag", "Created")
         SELECT i, 'Row ' || i, (i * 7919 % 100000) / 100.0,
                CASE i % 3 WHEN 0 THEN 'alpha' WHEN 1 THEN 'beta' ELSE 'gamma' END,
                i % 2, strftime('%Y-%m-%d %H:%M:%f', julianday(?) + i / 1440.0)
         FROM s`,
      )
      .run(n, base);
    list.nextKey = n + 1;
    list.generated = { rows: n, base };
    list.version++;
  }

  /** The `demo` seed: `lists.People` and `lists.Generated` in `/home`. */
  seedDemo(generatedRows: number, now: Date): void {
    const people = this.createList('/home', 'People', PEOPLE);
    this.insertStored(
      people,
      PEOPLE_ROWS.map((r, i) => ({ Key: i + 1, ...r })),
    );
    people.nextKey = PEOPLE_ROWS.length + 1;
    const gen = this.createList('/home', 'Generated', GENERATED);
    // Start so that the last generated row is about "now", on a whole minute.
    const start = new Date(now.getTime() - generatedRows * 60_000);
    start.setSeconds(0, 0);
    if (generatedRows > 0) this.fillGenerated(gen, generatedRows, formatDate(start));
    else gen.generated = { rows: 0, base: formatDate(start) };
  }

  /**
   * Copy a virtual table into the virtual connection as `<schema>.<name>` for one call.
   * Returns a function that drops it again.
   */
  materialize(schemaName: string, queryName: string, vt: VirtualTable, rows: Record<string, unknown>[]): () => void {
    const db = this.vdb;
    if (!this.vSchemas.has(schemaName.toLowerCase())) {
      db.exec(`ATTACH DATABASE ':memory:' AS ${q(schemaName)}`);
      this.vSchemas.add(schemaName.toLowerCase());
    }
    const table = `${q(schemaName)}.${q(queryName)}`;
    db.exec(`DROP TABLE IF EXISTS ${table}`);
    db.exec(`CREATE TABLE ${table} (${vt.columns.map((c) => `${q(c.name)} ${DECLARED[c.type]}`).join(', ')})`);
    const drop = () => db.exec(`DROP TABLE IF EXISTS ${table}`);
    try {
      this.fill(table, vt, rows);
    } catch (e) {
      drop(); // never leave one user's rows behind for the next call
      throw e;
    }
    return drop;
  }

  /** A virtual schema's database as a SQLite file's bytes (empty when no table of it was ever copied). */
  schemaImage(schemaName: string): Uint8Array {
    return this.vSchemas.has(schemaName.toLowerCase()) ? this.vdb.serialize({ attached: schemaName }) : new Uint8Array(0);
  }

  private fill(table: string, vt: VirtualTable, rows: Record<string, unknown>[]): void {
    const db = this.vdb;
    if (rows.length) {
      const byLower = (r: Record<string, unknown>) => {
        const m = new Map<string, unknown>();
        for (const [k, v] of Object.entries(r)) m.set(k.toLowerCase(), v);
        return m;
      };
      const stmt = db.prepare(`INSERT INTO ${table} VALUES (${vt.columns.map(() => '?').join(', ')})`);
      db.transaction(() => {
        for (const r of rows) {
          const m = byLower(r);
          stmt.run(
            vt.columns.map((c) => {
              const v = m.get(c.name.toLowerCase());
              try {
                return toStorage(c, v);
              } catch {
                return typeof v === 'object' ? null : String(v);
              }
            }),
          );
        }
      })();
    }
  }

  close(): void {
    this.dropAll();
    this.vdb.close();
  }
}
