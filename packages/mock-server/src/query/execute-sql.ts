/**
 * executeSql: one SELECT (or WITH … SELECT) of the caller's, plain or WAF-encoded, optionally
 * after a PARAMETERS clause (values from `query.param.<name>`, sql-parameters.ts), run in the SQL
 * runner process (sql-process.ts) on a copy of the container's lists (or of the virtual schema's
 * tables the caller may see), with query.sort, paging and a capped total count.
 * @module
 */
import { ActionError } from '../errors.js';
import type { Catalog } from './catalog.js';
import { notFound } from './errors.js';
import { parseApiVersion, queryResponse } from './format.js';
import { bool, checkContainerFilter, one, pagingOf, type ReadCache } from './read.js';
import { bindParameters, parseParameters } from './sql-parameters.js';
import type { SqlProcess, TargetSource } from './sql-process.js';
import { trimSql, wafDecode } from './sql.js';
import { containerKey } from './store.js';
import type { ApiResult, ColumnDef, ReadRequest } from './types.js';
import { inferType, typeFromDeclared } from './values.js';

/** What executeSql runs with. */
export interface SqlEnv {
  catalog: Catalog;
  cache: ReadCache;
  /** The engine clock, for NOW() and CURDATE(). */
  now: () => Date;
  /** Where statements run (and are stopped at the time cap). */
  runner: SqlProcess;
  /** Most rows returned for maxRows=-1; past it the call fails. */
  rowCap: number;
  /** rowCount stops counting here. */
  countCap: number;
  /** An answer whose values pass this many bytes fails. */
  resultCapBytes: number;
}

/** Virtual-schema copies are one caller's rows: each gets its own key and is never kept. */
let virtualCopies = 0;

export async function executeSql(env: SqlEnv, { params, container, user }: ReadRequest): Promise<ApiResult> {
  const { catalog, cache, rowCap, countCap, resultCapBytes } = env;
  const apiVersion = parseApiVersion(one(params, 'apiVersion'));
  const schemaName = one(params, 'schemaName');
  // As on LabKey, the schema check runs before the required-parameter check.
  if (!schemaName || !catalog.schemaExists(schemaName)) throw notFound('The specified schema does not exist');
  const rawSql = one(params, 'sql');
  if (rawSql === undefined || rawSql.trim() === '') throw new ActionError(400, 'SQL not specified');
  const decoded = trimSql(wafDecode(rawSql));
  checkContainerFilter(params);
  const paging = pagingOf(
    one(params, 'maxRows') ?? one(params, 'query.maxRows') ?? one(params, 'limit'),
    one(params, 'offset') ?? one(params, 'query.offset') ?? one(params, 'start'),
    one(params, 'query.showRows'),
  );
  const includeTotal = bool(one(params, 'includeTotalCount'), true);
  // The PARAMETERS clause is parsed with the statement, after the form is bound (its errors are
  // parse errors, 500); values are bound when the answer is written, so their errors (400) wait in
  // the job until the statement has compiled.
  const parameterized = parseParameters(decoded);
  const sql = parameterized ? parameterized.sql : decoded;
  const bound = parameterized ? bindParameters(parameterized, params) : { values: {} };
  const values = 'values' in bound ? bound.values : {};
  const bindError = 'error' in bound ? { status: bound.error.status, message: bound.error.message, exceptionClass: bound.error.exceptionClass } : undefined;

  // A virtual schema's tables as this caller sees them now; the lists as they are when the statement is sent.
  const target: () => TargetSource = catalog.isLists(schemaName) ? () => listsTarget(catalog, container) : virtualTarget(catalog, schemaName, container, user);
  let countKey: string | null = null;
  const got = await env.runner.run(String(user.id), () => {
    const t = target();
    countKey = t.keep ? `sql|${t.key}|${t.version}|${sql}|${JSON.stringify(values)}` : null;
    return {
      target: t,
      sql,
      values,
      bindError,
      sort: params['query.sort'] ?? [],
      paging,
      includeTotal,
      knownCount: countKey === null ? undefined : cache.cachedCount(countKey),
      user,
      nowMs: env.now().getTime(),
      rowCap,
      countCap,
      resultCapBytes,
    };
  });
  if (got.counted !== undefined) cache.count(countKey, () => got.counted!);
  const { rows } = got;
  const columns: ColumnDef[] = got.names.map((name, i) => ({
    name,
    type: typeFromDeclared(got.declared[i] ?? null) ?? inferType((rows ?? []).map((r) => r[i])),
  }));
  const body = queryResponse({
    apiVersion,
    schemaName,
    queryName: 'sql',
    columns,
    rows,
    rowCount: got.rowCount,
    includeMetadata: bool(one(params, 'includeMetadata'), true),
    readOnlyTable: true,
    sort: params['query.sort'] ? got.sort : [],
    messages: [],
  });
  return { status: 200, body };
}

/** The container's lists: its connection's `lists` database, versioned by its lists and their changes. */
function listsTarget(catalog: Catalog, container: string): TargetSource {
  const conn = catalog.store.conn(container, true)!;
  const versions = [...conn.lists.values()].map((l) => `${l.id}:${l.version}`).join(',');
  return { key: `lists|${containerKey(container)}`, version: versions, schema: 'lists', keep: true, image: () => conn.db.serialize({ attached: 'lists' }) };
}

/** The tables of a virtual schema `user` may see in `container`, copied (and dropped again) now. */
function virtualTarget(catalog: Catalog, schemaName: string, container: string, user: ReadRequest['user']): () => TargetSource {
  const vs = catalog.virtualSchema(schemaName)!;
  const disposers: (() => void)[] = [];
  let image: Uint8Array;
  try {
    for (const { name, vt } of vs.tables.values()) {
      if (vt.visible(user, container) === true) disposers.push(catalog.store.materialize(vs.name, name, vt, vt.rows(user, container)));
    }
    image = catalog.store.schemaImage(vs.name);
  } finally {
    for (const d of disposers) d();
  }
  const t: TargetSource = { key: `virtual|${++virtualCopies}`, version: '1', schema: vs.name, keep: false, image: () => image };
  return () => t;
}
