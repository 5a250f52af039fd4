/**
 * The schemas and tables query actions reach: `lists` (SQLite, one connection per container) and
 * the registered virtual schemas, and how one table is opened for a call.
 * @module
 */
import type Database from 'better-sqlite3';
import type { ActionError } from '../errors.js';
import { forbidden } from './errors.js';
import { cachedPrepare, ListStore, type ListDef } from './store.js';
import type { ColumnDef, QueryUser, VirtualTable } from './types.js';
import { q } from './values.js';

export type DB = Database.Database;

/** A table opened for one call: where to run SQL and what it looks like. */
export interface OpenTable {
  schemaName: string;
  queryName: string;
  columns: ColumnDef[];
  db: DB;
  /** SQL table reference, e.g. `lists."People"`. */
  from: string;
  pk: ColumnDef | undefined;
  /** Key for the total-count cache, or null when not cacheable. */
  cacheKey: string | null;
  stmts: Map<string, Database.Statement> | null;
  list?: ListDef;
  vt?: VirtualTable;
  readOnly: boolean;
  title?: string;
  description?: string;
  dispose(): void;
}

/** A registered schema of virtual tables, keyed by lower-case query name. */
export interface VirtualSchema {
  name: string;
  tables: Map<string, { name: string; vt: VirtualTable }>;
}

export class Catalog {
  readonly store: ListStore;
  private readonly vschemas = new Map<string, VirtualSchema>();

  constructor() {
    this.store = new ListStore();
  }

  isLists(schemaName: string): boolean {
    return schemaName.toLowerCase() === 'lists';
  }

  schemaExists(schemaName: string): boolean {
    return this.isLists(schemaName) || this.vschemas.has(schemaName.toLowerCase());
  }

  schemaNames(): string[] {
    return ['lists', ...[...this.vschemas.values()].map((s) => s.name)].sort((a, b) => a.localeCompare(b));
  }

  /** A virtual schema by name (case-insensitive). */
  virtualSchema(schemaName: string): VirtualSchema | undefined {
    return this.vschemas.get(schemaName.toLowerCase());
  }

  registerVirtualTable(schemaName: string, queryName: string, provider: VirtualTable): void {
    if (this.isLists(schemaName)) throw new Error("registerVirtualTable: the 'lists' schema holds lists only");
    if (!provider.columns.length) throw new Error(`registerVirtualTable: ${schemaName}.${queryName} has no columns`);
    let vs = this.vschemas.get(schemaName.toLowerCase());
    if (!vs) {
      vs = { name: schemaName, tables: new Map() };
      this.vschemas.set(schemaName.toLowerCase(), vs);
    }
    vs.tables.set(queryName.toLowerCase(), { name: queryName, vt: provider });
  }

  /**
   * Open `schemaName.queryName` for `user`. Throws `unknownSchema()` / `unknownQuery()` when the
   * schema or query does not exist (or a virtual table answers 'not-found'), and 401/403 when it
   * is forbidden. A virtual table is copied into SQLite until `dispose()`.
   */
  open(
    container: string,
    user: QueryUser,
    schemaName: string,
    queryName: string,
    unknownSchema: () => ActionError,
    unknownQuery: () => ActionError,
  ): OpenTable {
    if (this.isLists(schemaName)) {
      const list = this.store.list(container, queryName);
      if (!list) throw unknownQuery();
      return {
        schemaName: 'lists',
        queryName: list.name,
        columns: list.columns,
        db: list.conn.db,
        from: `lists.${q(list.name)}`,
        pk: list.pk,
        cacheKey: `${list.id}:${list.version}`,
        stmts: list.conn.stmts,
        list,
        readOnly: false,
        dispose: () => {},
      };
    }
    const vs = this.vschemas.get(schemaName.toLowerCase());
    if (!vs) throw unknownSchema();
    const entry = visibleTable(vs, container, user, queryName, unknownQuery);
    const dispose = this.store.materialize(vs.name, entry.name, entry.vt, entry.vt.rows(user, container));
    const pks = entry.vt.columns.filter((c) => c.keyField);
    return {
      schemaName: vs.name,
      queryName: entry.name,
      columns: entry.vt.columns,
      db: this.store.vdb,
      from: `${q(vs.name)}.${q(entry.name)}`,
      pk: pks.length === 1 ? pks[0] : undefined,
      cacheKey: null,
      stmts: null,
      vt: entry.vt,
      readOnly: !entry.vt.deleteRows,
      ...(entry.vt.title ? { title: entry.vt.title } : {}),
      ...(entry.vt.description ? { description: entry.vt.description } : {}),
      dispose,
    };
  }
}

/**
 * The table `queryName` of a virtual schema as `user` sees it in `container`: `unknownQuery()`
 * when it does not exist or answers 'not-found', 401/403 when it is forbidden.
 */
export function visibleTable(
  vs: VirtualSchema,
  container: string,
  user: QueryUser,
  queryName: string,
  unknownQuery: () => ActionError,
): { name: string; vt: VirtualTable } {
  const entry = vs.tables.get(queryName.toLowerCase());
  if (!entry) throw unknownQuery();
  const vis = entry.vt.visible(user, container);
  if (vis === 'not-found') throw unknownQuery();
  if (vis !== true) throw forbidden(user);
  return entry;
}

/** A statement on an open table's connection (cached for lists). */
export function prepare(t: { db: DB; stmts: Map<string, Database.Statement> | null }, sql: string): Database.Statement {
  return t.stmts ? cachedPrepare(t.db, t.stmts, sql) : t.db.prepare(sql);
}
