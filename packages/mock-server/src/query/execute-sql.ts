/**
 * executeSql: one SELECT (or WITH … SELECT) of the caller's, plain or WAF-encoded, optionally
 * after a PARAMETERS clause (values from `query.param.<name>`, sql-parameters.ts), run in the SQL
 * runner process (sql-process.ts) on a copy of the container's lists (or of the virtual schema's
 * tables the caller may see), with query.sort, paging and a capped total count. With
 * `saveInSession=true` the SQL is also saved in the caller's HTTP session (session-queries.ts),
 * where selectRows and getQueryDetails find it by its generated name.
 * @module
 */
import { ActionError, ILLEGAL_STATE_EXCEPTION } from '../errors.js';
import type { Catalog } from './catalog.js';
import { notFound } from './errors.js';
import { parseApiVersion, queryResponse } from './format.js';
import { bool, checkContainerFilter, one, pagingOf, type Paging, type ReadCache } from './read.js';
import type { SavedQueries } from './session-queries.js';
import type { SqlRows, SqlView } from './sql-job.js';
import { bindParameters, parseParameters } from './sql-parameters.js';
import type { SqlProcess, TargetSource } from './sql-process.js';
import { trimSql, wafDecode } from './sql.js';
import { containerKey } from './store.js';
import type { ApiResult, ColumnDef, Params, ReadRequest, SessionQuery } from './types.js';
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
  /** Where saveInSession puts queries (the server's name counter and memory budget). */
  saved: SavedQueries;
}

/** Virtual-schema copies are one caller's rows: each gets its own key and is never kept. */
let virtualCopies = 0;

export async function executeSql(env: SqlEnv, req: ReadRequest): Promise<ApiResult> {
  const { params, container } = req;
  const { catalog } = env;
  const apiVersion = parseApiVersion(one(params, 'apiVersion'));
  const schemaName = one(params, 'schemaName');
  // As on LabKey, the schema check runs before the required-parameter check.
  if (!schemaName || !catalog.schemaExists(schemaName)) throw notFound('The specified schema does not exist');
  const rawSql = one(params, 'sql');
  if (rawSql === undefined || rawSql.trim() === '') throw new ActionError(400, 'SQL not specified');
  const decoded = trimSql(wafDecode(rawSql));
  // saveInSession: the SQL is saved in the session before it runs (ExecuteSqlAction), and the
  // answer's queryName is the saved query's name instead of "sql".
  let queryName = 'sql';
  if (bool(one(params, 'saveInSession'), false)) {
    if (!req.session) throw new ActionError(500, 'Session required', ILLEGAL_STATE_EXCEPTION);
    queryName = env.saved.save(req.session, container, schemaName.trim(), decoded).name;
  }
  checkContainerFilter(params);
  const paging = pagingOf(
    one(params, 'maxRows') ?? one(params, 'query.maxRows') ?? one(params, 'limit'),
    one(params, 'offset') ?? one(params, 'query.offset') ?? one(params, 'start'),
    one(params, 'query.showRows'),
  );
  const body = await runSql(env, req, {
    schemaName,
    queryName,
    sql: decoded,
    paging,
    includeTotal: bool(one(params, 'includeTotalCount'), true),
    sort: params['query.sort'] ?? [],
    apiVersion,
  });
  return { status: 200, body };
}

/**
 * selectRows on a query saved in the request's session: its SQL runs as the query's source, with
 * selectRows' columns, filters, sort and paging (`<region>.…`) applied to the result. The answer
 * names the query as sent (8.3, 9.1) or by its saved name (13.2: `view.getQueryDef().getName()`).
 */
export async function selectSessionQuery(env: SqlEnv, req: ReadRequest, sq: SessionQuery): Promise<ApiResult> {
  const { params } = req;
  const apiVersion = parseApiVersion(one(params, 'apiVersion'));
  const region = one(params, 'dataRegionName') || 'query';
  const schemaName = one(params, 'schemaName')!;
  const sentName = one(params, `${region}.queryName`) || one(params, 'queryName') || sq.name;
  const viewName = one(params, `${region}.viewName`);
  if (viewName) throw notFound(`The requested view '${viewName}' does not exist for this user.`);
  checkContainerFilter(params);
  const filters: Params = {};
  for (const [k, v] of Object.entries(params)) if (k.startsWith(`${region}.`) && k.includes('~')) filters[k] = v;
  const body = await runSql(env, req, {
    schemaName,
    queryName: apiVersion >= 13.2 ? sq.name : sentName,
    sql: sq.sql,
    paging: pagingOf(
      one(params, `${region}.maxRows`) ?? one(params, 'maxRows') ?? one(params, 'limit'),
      one(params, `${region}.offset`) ?? one(params, 'offset') ?? one(params, 'start'),
      one(params, `${region}.showRows`),
    ),
    includeTotal: bool(one(params, 'includeTotalCount'), true),
    sort: params[`${region}.sort`] ?? [],
    apiVersion,
    view: {
      region,
      columns: (params[`${region}.columns`] ?? []).flatMap((v) => v.split(',')).map((c) => c.trim()).filter(Boolean),
      filters,
    },
  });
  return { status: 200, body };
}

/**
 * The columns of a session query's result (names, and types from their declarations), for
 * getQueryDetails. Throws the query's parse error (an {@link ActionError}) when it does not run.
 */
export async function sessionQueryColumns(env: SqlEnv, req: ReadRequest, sq: SessionQuery): Promise<ColumnDef[]> {
  const got = await runRows(env, req, one(req.params, 'schemaName')!, sq.sql, {
    paging: { limit: 0, offset: 0, metadataOnly: true },
    includeTotal: false,
    sort: [],
    view: { region: 'query', columns: [], filters: {} },
  });
  return got.names.map((name, i) => ({ name, type: typeFromDeclared(got.declared[i] ?? null) ?? 'string' }));
}

interface SqlRun {
  schemaName: string;
  /** The answer's queryName. */
  queryName: string;
  sql: string;
  paging: Paging;
  includeTotal: boolean;
  sort: string[];
  apiVersion: number;
  view?: SqlView;
}

/** Run one statement for `req` and write the answer in its apiVersion's format. */
async function runSql(env: SqlEnv, req: ReadRequest, r: SqlRun): Promise<Record<string, unknown>> {
  const got = await runRows(env, req, r.schemaName, r.sql, r);
  const { rows } = got;
  const columns: ColumnDef[] = got.names.map((name, i) => ({
    name,
    type: typeFromDeclared(got.declared[i] ?? null) ?? inferType((rows ?? []).map((row) => row[i])),
  }));
  return queryResponse({
    apiVersion: r.apiVersion,
    schemaName: r.schemaName,
    queryName: r.queryName,
    columns,
    rows,
    rowCount: got.rowCount,
    includeMetadata: bool(one(req.params, 'includeMetadata'), true),
    readOnlyTable: true,
    sort: r.sort.length ? got.sort : [],
    messages: got.messages,
  });
}

/**
 * Send `sql` (a PARAMETERS clause bound from `query.param.<name>`) to the SQL runner against the
 * container's lists or the virtual schema's tables the caller may see, with a cached total count.
 */
async function runRows(env: SqlEnv, { params, container, user }: ReadRequest, schemaName: string, decoded: string, r: Pick<SqlRun, 'paging' | 'includeTotal' | 'sort' | 'view'>): Promise<SqlRows> {
  const { catalog, cache, rowCap, countCap, resultCapBytes } = env;
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
    countKey = t.keep ? `sql|${t.key}|${t.version}|${sql}|${JSON.stringify(values)}${r.view ? `|${JSON.stringify(r.view.filters)}` : ''}` : null;
    return {
      target: t,
      sql,
      values,
      bindError,
      sort: r.sort,
      ...(r.view ? { view: r.view } : {}),
      paging: r.paging,
      includeTotal: r.includeTotal,
      knownCount: countKey === null ? undefined : cache.cachedCount(countKey),
      user,
      nowMs: env.now().getTime(),
      rowCap,
      countCap,
      resultCapBytes,
    };
  });
  if (got.counted !== undefined) cache.count(countKey, () => got.counted!);
  return got;
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
