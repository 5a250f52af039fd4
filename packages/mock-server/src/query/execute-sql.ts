/**
 * executeSql: one SELECT (or WITH … SELECT) of the caller's, plain or WAF-encoded, run on the
 * container's list connection (or on copies of a virtual schema's tables), with query.sort,
 * paging and a capped total count.
 * @module
 */
import type Database from 'better-sqlite3';
import { ActionError } from '../errors.js';
import type { Catalog, DB } from './catalog.js';
import { notFound } from './errors.js';
import { parseApiVersion, queryResponse } from './format.js';
import { bool, checkContainerFilter, one, pagingOf, rowCountOf, type ReadCache } from './read.js';
import { checkSelect, sqliteToParseError, trimSql, wafDecode, type SqlContext } from './sql.js';
import { cachedPrepare, containerKey } from './store.js';
import type { ApiResult, ColumnDef, ReadRequest } from './types.js';
import { inferType, q, typeFromDeclared } from './values.js';

/** What executeSql runs with. */
export interface SqlEnv {
  catalog: Catalog;
  cache: ReadCache;
  /** Set to the caller for the call, for USERID() and USERNAME(). */
  sqlContext: SqlContext;
  /** Most rows returned for maxRows=-1; past it the call fails. */
  rowCap: number;
  /** rowCount stops counting here. */
  countCap: number;
  /** A statement still producing rows after this many ms fails. */
  timeCapMs: number;
  /** An answer whose values pass this many bytes fails. */
  resultCapBytes: number;
}

/** Bytes a value takes in the answer, roughly (strings and blobs by length). */
function valueBytes(v: unknown): number {
  if (typeof v === 'string') return v.length;
  if (v instanceof Uint8Array) return v.length * 2;
  return 8;
}

/**
 * The rows of `it`, stopped with a 500 when the statement runs past the time cap or its values
 * pass the size cap (checked every 256 rows): a runaway statement costs bounded time and memory.
 */
function collectRows(it: IterableIterator<unknown[]>, env: Pick<SqlEnv, 'timeCapMs' | 'resultCapBytes'>): unknown[][] {
  const deadline = Date.now() + env.timeCapMs;
  const rows: unknown[][] = [];
  let bytes = 0;
  for (const row of it) {
    rows.push(row);
    for (const v of row) bytes += valueBytes(v);
    if (bytes > env.resultCapBytes) {
      throw new ActionError(500, `The query's result is larger than ${env.resultCapBytes} bytes; select fewer rows or columns.`, 'java.lang.IllegalStateException');
    }
    if ((rows.length & 255) === 0 && Date.now() > deadline) {
      throw new ActionError(500, `The query ran longer than ${env.timeCapMs} ms and was stopped; use maxRows, or a simpler query.`, 'java.lang.IllegalStateException');
    }
  }
  return rows;
}

export function executeSql(env: SqlEnv, { params, container, user }: ReadRequest): ApiResult {
  const { catalog, cache, sqlContext, rowCap, countCap } = env;
  const apiVersion = parseApiVersion(one(params, 'apiVersion'));
  const schemaName = one(params, 'schemaName');
  // As on LabKey, the schema check runs before the required-parameter check.
  if (!schemaName || !catalog.schemaExists(schemaName)) throw notFound('The specified schema does not exist');
  const rawSql = one(params, 'sql');
  if (rawSql === undefined || rawSql.trim() === '') throw new ActionError(400, 'SQL not specified');
  const sql = trimSql(wafDecode(rawSql));
  checkContainerFilter(params);

  let db: DB;
  let stmts: Map<string, Database.Statement> | null = null;
  const disposers: (() => void)[] = [];
  let countKey: string | null = null;
  if (catalog.isLists(schemaName)) {
    const conn = catalog.store.conn(container, true)!;
    db = conn.db;
    stmts = conn.stmts;
    const versions = [...conn.lists.values()].map((l) => `${l.id}:${l.version}`).join(',');
    countKey = `sql|${containerKey(container)}|${versions}|${sql}`;
  } else {
    db = catalog.store.vdb;
  }
  sqlContext.user = user;
  try {
    if (!catalog.isLists(schemaName)) {
      const vs = catalog.virtualSchema(schemaName)!;
      for (const { name, vt } of vs.tables.values()) {
        if (vt.visible(user, container) === true) disposers.push(catalog.store.materialize(vs.name, name, vt, vt.rows(user, container)));
      }
    }
    checkSelect(db, sql);
    let base: Database.Statement;
    const inner = `SELECT * FROM (\n${sql}\n)`;
    try {
      base = db.prepare(inner);
    } catch (e) {
      throw sqliteToParseError(e);
    }
    const names = base.columns().map((c) => c.name);
    const decl = base.columns().map((c) => typeFromDeclared(c.type));

    // query.sort over the result columns.
    const byLower = new Map(names.map((n) => [n.toLowerCase(), n]));
    const sort: { field: string; direction: 'ASC' | 'DESC' }[] = [];
    for (const raw of (params['query.sort'] ?? []).flatMap((v) => v.split(','))) {
      let s = raw.trim();
      if (!s) continue;
      let dir: 'ASC' | 'DESC' = 'ASC';
      if (s.startsWith('-')) (dir = 'DESC'), (s = s.slice(1));
      const n = byLower.get(s.toLowerCase());
      if (n && !sort.some((x) => x.field === n)) sort.push({ field: n, direction: dir });
    }
    const orderBy = sort.length ? ` ORDER BY ${sort.map((s) => `${q(s.field)} ${s.direction}`).join(', ')}` : '';

    const paging = pagingOf(
      one(params, 'maxRows') ?? one(params, 'query.maxRows') ?? one(params, 'limit'),
      one(params, 'offset') ?? one(params, 'query.offset') ?? one(params, 'start'),
      one(params, 'query.showRows'),
    );
    const includeTotal = bool(one(params, 'includeTotalCount'), true);
    const prep = (s: string) => {
      try {
        return stmts ? cachedPrepare(db, stmts, s) : db.prepare(s);
      } catch (e) {
        throw sqliteToParseError(e);
      }
    };
    let rows: unknown[][] | undefined;
    const run = (fn: () => unknown) => {
      try {
        return fn();
      } catch (e) {
        if (e instanceof ActionError) throw e;
        throw sqliteToParseError(e);
      }
    };
    if (!paging.metadataOnly) {
      const stmt = prep(`${inner}${orderBy} LIMIT ? OFFSET ?`).raw(true);
      // Caller SQL may never end (a recursive CTE): "all rows" stops at a cap instead of hanging.
      rows = run(() => collectRows(stmt.iterate(paging.limit ?? rowCap + 1, paging.offset) as IterableIterator<unknown[]>, env)) as unknown[][];
      if (paging.limit === null && rows.length > rowCap) {
        throw new ActionError(500, `The query returned more than ${rowCap} rows; use maxRows and offset to page through it.`, 'java.lang.IllegalStateException');
      }
    }
    const rowCount = rowCountOf(paging, rows?.length ?? 0, includeTotal, () =>
      cache.count(countKey, () => (run(() => prep(`SELECT COUNT(*) FROM (SELECT 1 FROM (\n${sql}\n) LIMIT ${countCap})`).raw(true).get()) as [number])[0]),
    );
    const columns: ColumnDef[] = names.map((name, i) => ({
      name,
      type: decl[i] ?? inferType((rows ?? []).map((r) => r[i])),
    }));
    const body = queryResponse({
      apiVersion,
      schemaName,
      queryName: 'sql',
      columns,
      rows,
      rowCount,
      includeMetadata: bool(one(params, 'includeMetadata'), true),
      readOnlyTable: true,
      sort: params['query.sort'] ? sort : [],
      messages: [],
    });
    return { status: 200, body };
  } finally {
    sqlContext.user = undefined;
    for (const d of disposers) d();
  }
}