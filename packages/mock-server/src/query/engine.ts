/**
 * The query engine: one {@link QueryEngine} over lists (SQLite) and registered virtual tables.
 * Each action lives in its own module (select, execute-sql, mutation, discovery, persistence);
 * this one holds their shared state and turns whatever an action throws into LabKey's error
 * body, so every public method returns an {@link ApiResult}.
 * @module
 */
import { errorResult } from '../errors.js';
import { Catalog } from './catalog.js';
import { getQueries, getQueryDetails, getSchemas, getSessionQueryDetails } from './discovery.js';
import { executeSql, selectSessionQuery, sessionQueryColumns, type SqlEnv } from './execute-sql.js';
import { SqlProcess } from './sql-process.js';
import { moveRows } from './move.js';
import { mutate, saveRows } from './mutation.js';
import { loadLists, serializeLists } from './persistence.js';
import { one, ReadCache } from './read.js';
import { selectRows } from './select.js';
import { findSessionQuery, SavedQueries } from './session-queries.js';
import { truncateTable } from './truncate.js';
import type { ApiResult, MoveRequest, QueryEngine, QueryEngineOptions, ReadRequest, SessionQuery, VirtualTable, WriteRequest } from './types.js';

/** executeSql defaults: most rows returned for maxRows=-1, and the highest total counted. */
const SQL_ROW_CAP = 5_000_000;
const SQL_COUNT_CAP = 10_000_000;
/** executeSql: longest a statement may run, and most bytes of values in one answer. */
const SQL_TIME_CAP_MS = 5_000;
const SQL_RESULT_CAP_BYTES = 64 * 1024 * 1024;
/** executeSql: most memory the SQL runner process may hold while a statement runs. */
const SQL_MEMORY_CAP_BYTES = 1024 * 1024 * 1024;

/** Options beyond the public ones (tests and the server). */
export interface EngineOptions extends QueryEngineOptions {
  contextPath?: string;
  /** executeSql: most rows for maxRows=-1 (default 5,000,000). */
  sqlRowCap?: number;
  /** executeSql: rowCount stops counting here (default 10,000,000). */
  sqlCountCap?: number;
  /** executeSql: a statement still running after this many ms is stopped and fails (default 5,000). */
  sqlTimeCapMs?: number;
  /** executeSql: an answer whose values pass this many bytes fails (default 64 MiB). */
  sqlResultCapBytes?: number;
  /** executeSql: a statement whose runner process grows past this many resident bytes is stopped (Linux; default 1 GiB). */
  sqlMemoryCapBytes?: number;
  /** saveInSession: most characters of SQL all sessions' saved queries hold (default 64 Mi); the oldest go first. */
  savedSqlBudget?: number;
}

function guard(fn: () => ApiResult): ApiResult {
  try {
    return fn();
  } catch (e) {
    return errorResult(e);
  }
}

async function guardAsync(fn: () => Promise<ApiResult>): Promise<ApiResult> {
  try {
    return await fn();
  } catch (e) {
    return errorResult(e);
  }
}

class Engine implements QueryEngine {
  private readonly catalog = new Catalog();
  private readonly cache = new ReadCache();
  private readonly sql: SqlEnv;
  private readonly contextPath: string;

  constructor(opts: EngineOptions) {
    const now = opts.now ?? (() => new Date());
    this.contextPath = opts.contextPath ?? '/labkey';
    this.sql = {
      catalog: this.catalog,
      cache: this.cache,
      now,
      runner: new SqlProcess({ timeCapMs: opts.sqlTimeCapMs ?? SQL_TIME_CAP_MS, memoryCapBytes: opts.sqlMemoryCapBytes ?? SQL_MEMORY_CAP_BYTES }),
      rowCap: opts.sqlRowCap ?? SQL_ROW_CAP,
      countCap: opts.sqlCountCap ?? SQL_COUNT_CAP,
      resultCapBytes: opts.sqlResultCapBytes ?? SQL_RESULT_CAP_BYTES,
      saved: new SavedQueries(opts.savedSqlBudget),
    };
    if ((opts.seed ?? 'demo') === 'demo') this.catalog.store.seedDemo(Math.max(0, Math.trunc(opts.generatedRows ?? 1000)), now());
  }

  selectRows(req: ReadRequest): ApiResult | Promise<ApiResult> {
    const sq = this.sessionQuery(req, one(req.params, `${one(req.params, 'dataRegionName') || 'query'}.queryName`) || one(req.params, 'queryName'));
    if (sq) return guardAsync(() => selectSessionQuery(this.sql, req, sq));
    return guard(() => selectRows(this.catalog, this.cache, req, this.contextPath));
  }

  /**
   * The query `name` saved in the request's session for its container and schema, if any: such
   * queries come before the schema's own tables (`QueryServiceImpl.getAllQueryDefs`).
   */
  private sessionQuery(req: ReadRequest, name: string | undefined): SessionQuery | undefined {
    const schemaName = one(req.params, 'schemaName');
    if (!req.session || !name || !schemaName || !this.catalog.schemaExists(schemaName)) return undefined;
    return findSessionQuery(req.session, req.container, schemaName.trim(), name);
  }

  executeSql(req: ReadRequest): Promise<ApiResult> {
    return guardAsync(() => executeSql(this.sql, req));
  }

  insertRows(req: WriteRequest): ApiResult {
    return guard(() => mutate(this.catalog, 'insert', req.body, req.container, req.user));
  }

  updateRows(req: WriteRequest): ApiResult {
    return guard(() => mutate(this.catalog, 'update', req.body, req.container, req.user));
  }

  deleteRows(req: WriteRequest): ApiResult {
    return guard(() => mutate(this.catalog, 'delete', req.body, req.container, req.user));
  }

  saveRows(req: WriteRequest): ApiResult {
    return guard(() => saveRows(this.catalog, req));
  }

  truncateTable(req: ReadRequest): ApiResult {
    return guard(() => truncateTable(this.catalog, req));
  }

  moveRows(req: MoveRequest): ApiResult {
    return guard(() => moveRows(this.catalog, req));
  }

  getSchemas(req: ReadRequest): ApiResult {
    return guard(() => getSchemas(this.catalog, req));
  }

  getQueries(req: ReadRequest): ApiResult {
    return guard(() => getQueries(this.catalog, this.contextPath, req));
  }

  getQueryDetails(req: ReadRequest): ApiResult | Promise<ApiResult> {
    const sq = this.sessionQuery(req, one(req.params, 'queryName'));
    if (sq) return guardAsync(() => getSessionQueryDetails(req, sq, () => sessionQueryColumns(this.sql, req, sq)));
    return guard(() => getQueryDetails(this.catalog, req));
  }

  registerVirtualTable(schemaName: string, queryName: string, provider: VirtualTable): void {
    this.catalog.registerVirtualTable(schemaName, queryName, provider);
  }

  serialize(): unknown {
    return serializeLists(this.catalog.store);
  }

  load(data: unknown): void {
    loadLists(this.catalog.store, data);
    this.cache.clear();
  }

  close(): void {
    this.sql.runner.close();
    this.catalog.store.close();
  }
}

/** Create a query engine (see `index.ts`). */
export function createEngine(opts: EngineOptions = {}): QueryEngine {
  return new Engine(opts);
}
