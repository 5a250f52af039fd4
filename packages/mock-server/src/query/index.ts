/**
 * The query engine of the mock LabKey server: selectRows, executeSql (with LabKey SQL's
 * PARAMETERS clause), insertRows/updateRows/deleteRows/saveRows, truncateTable, moveRows,
 * getSchemas and getQueries.
 *
 * - **Lists** live in in-memory SQLite (better-sqlite3), one connection per container with the
 *   lists in an attached database named `lists`; executeSql runs the caller's SELECT on that
 *   connection, so `People` and `lists.People` resolve and other containers are out of reach.
 * - **Virtual tables** (e.g. `core.Users`, `core.UserAPIKeys`, `core.APIKeys`) are registered by
 *   the server with {@link QueryEngine.registerVirtualTable}; their rows are copied into a
 *   temporary SQLite table for each call, so filters, sorts, paging and SQL work the same.
 * - **Permissions** are the router's job: the engine assumes the caller may run the action in
 *   the container. The only checks here are a virtual table's own `visible()` (404, 401 or 403)
 *   and its `deleteRows` (which may throw {@link ActionError}).
 * - **Reads**: filters (`query.<col>~<op>`; unknown operators are ignored as LabKey does),
 *   sorts, `query.columns` (one-level lookups such as `CreatedBy/DisplayName` on virtual tables),
 *   paging (maxRows/offset, limit/start, showRows=all; key-order paging of lists resumes after the
 *   previous page's last key), a cached total count, formats 8.3 / 9.1 / 13.2+ (17.1 adds
 *   `formattedValue` to dates). executeSql takes one SELECT (or WITH … SELECT), plain or
 *   WAF-encoded, with LabKey functions SQLite lacks (NOW, CURDATE, YEAR…, USERID…) added. It runs
 *   in a child process (sql-process.ts) on a copy of the data, so a statement that never ends
 *   blocks nobody and is stopped at the time cap.
 * - **Errors** never escape: every method returns `{status, body}` with LabKey's bodies
 *   `ActionError.toBody()` for exceptions, {@link ValidationFailure} for 400s.
 *   A 401 from `visible()` is returned like any other; add `WWW-Authenticate` in the router.
 * - **Requests**: read actions take `params` (query string, form and top-level JSON keys merged,
 *   values as strings; `apiVersion` from the `LABKEY-apiVersion` header should be merged by the
 *   router when no parameter is given). Mutating actions take the parsed JSON `body`.
 *   `container` is the request's container path (`/home`); a body's `containerPath` is not read
 *   here – the router should resolve it (and check permissions there) and pass it as `container`.
 *
 * @example
 * const engine = createQueryEngine({ seed: 'demo', generatedRows: 1000 });
 * engine.registerVirtualTable('core', 'Users', usersTable);
 * const { status, body } = engine.selectRows({ params: { schemaName: ['lists'], 'query.queryName': ['People'] }, container: '/home', user });
 * @module
 */
import { createEngine, type EngineOptions } from './engine.js';
import type { QueryEngine } from './types.js';

export type {
  ApiResult,
  ColumnDef,
  ColumnType,
  LookupDef,
  MoveRequest,
  Params,
  QueryEngine,
  QueryEngineOptions,
  QueryUser,
  ReadRequest,
  Visibility,
  VirtualTable,
  WriteRequest,
} from './types.js';
export { ActionError, errorResult } from '../errors.js';
export { ValidationFailure, type FieldError, type RowError } from './errors.js';
export { type EngineOptions } from './engine.js';
export { CONTAINER_FILTERS } from './read.js';
export { formatDate, parseDate } from './values.js';
export { wafDecode, WAF_PREFIX } from './sql.js';

/**
 * Create a query engine.
 *
 * @param opts.generatedRows rows of `lists.Generated` (default 1000; 1,000,000 takes about a second)
 * @param opts.now clock used for the generated dates (default: real time)
 * @param opts.seed `demo` (default): `lists.People` (Key, Name, Age, Email; 5 rows) and
 *   `lists.Generated` (Key, Name, Value, Category, Flag, Created) in `/home`; `empty`: no lists
 * @param opts.contextPath used in getQueries' `viewDataUrl` (default `/labkey`)
 * @param opts.sqlRowCap executeSql with maxRows=-1 fails past this many rows (default 5,000,000),
 *   so SQL that never ends (a recursive CTE) cannot hang the server
 * @param opts.sqlCountCap executeSql's rowCount stops counting here (default 10,000,000)
 * @param opts.sqlTimeCapMs executeSql stops a statement still running after this many ms (default 5,000)
 */
export function createQueryEngine(opts: EngineOptions = {}): QueryEngine {
  return createEngine(opts);
}
