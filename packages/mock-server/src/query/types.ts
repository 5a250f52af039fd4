/**
 * Public types of the mock server's query engine. See `index.ts` for the overview.
 * @module
 */

/** The user a query call runs as, as resolved by the router (after authentication). */
export interface QueryUser {
  /** LabKey user id (`core.Users.UserId`); guests use 0. */
  id: number;
  email: string;
  displayName: string;
  isSiteAdmin: boolean;
  /** True while an admin impersonates this user. */
  impersonated: boolean;
  guest: boolean;
}

/**
 * Request parameters, merged by the router from the query string, a form body and the top-level
 * keys of a JSON body (values stringified; a repeated name carries several values).
 */
export type Params = Record<string, string[]>;

/** What an engine call answers: the HTTP status and the JSON body to write. */
export interface ApiResult {
  status: number;
  body: unknown;
}

/** Column types, with LabKey's JSON type names. */
export type ColumnType = 'int' | 'string' | 'date' | 'float' | 'boolean';

/** A lookup from a column to another table (e.g. `CreatedBy` → `core.Users.UserId`). */
export interface LookupDef {
  schemaName: string;
  queryName: string;
  keyColumn: string;
  displayColumn?: string;
}

/** One column of a list or a virtual table. */
export interface ColumnDef {
  name: string;
  type: ColumnType;
  /** Part of the primary key. */
  keyField?: boolean;
  /** Not in the default column set; still returned when named in `query.columns`. */
  hidden?: boolean;
  /** Values assigned by the server (lists: the auto-increment `Key`). */
  autoIncrement?: boolean;
  /** Defaults to true except for key fields. */
  nullable?: boolean;
  /** Column caption; defaults to the name split at case changes ("CreatedBy" → "Created By"). */
  caption?: string;
  description?: string;
  lookup?: LookupDef;
}

/** Answer of {@link VirtualTable.visible}. */
export type Visibility = true | 'not-found' | 'forbidden';

/**
 * A table whose rows live outside the engine (users, API keys), registered with
 * {@link QueryEngine.registerVirtualTable}. Its rows are loaded into a temporary SQLite table for
 * each call, so filters, sorts, paging and executeSql work as on lists.
 */
export interface VirtualTable {
  columns: ColumnDef[];
  /**
   * Whether `user` may see the table in `container`: `'not-found'` answers as if it did not
   * exist (404 query not found), `'forbidden'` gives 401 to guests and 403 to others.
   */
  visible(user: QueryUser, container: string): Visibility;
  /** The rows `user` may read, keyed by column name. Dates may be `Date` objects or strings. */
  rows(user: QueryUser, container: string): Record<string, unknown>[];
  /**
   * Delete rows by key (objects holding the key column, names matched case-insensitively before
   * the call). Returns the rows deleted. May throw {@link ActionError}. Without it, deleteRows is
   * refused as "not updatable".
   */
  deleteRows?(user: QueryUser, keys: Record<string, unknown>[]): Record<string, unknown>[];
  /**
   * `query-truncateTable.api` on this table: delete every row `user` may see and return how many.
   * May throw {@link ActionError} (LabKey's own refusal for the table). Without it, truncateTable
   * answers LabKey's 500 "… is not truncatable." (a table with no update service).
   */
  truncate?(user: QueryUser, container: string): number;
  /** Listed by getQueries when visible (default true). `core.UserAPIKeys` sets false. */
  listed?: boolean;
  /** Title shown by getQueries. */
  title?: string;
  description?: string;
}

/** Options of {@link createQueryEngine}. */
export interface QueryEngineOptions {
  /** Rows in `lists.Generated` of the `demo` seed (default 1000). */
  generatedRows?: number;
  /** Clock for server-set dates (default: real time). */
  now?: () => Date;
  /** `demo` (default) seeds `lists.People` and `lists.Generated` in `/home`; `empty` has no lists. */
  seed?: 'demo' | 'empty';
}

/**
 * A query executeSql saved in an HTTP session (`saveInSession=true`): LabKey's
 * `QueryServiceImpl.saveSessionQuery` names it `<schemaName as sent>_temp_<n>` and keeps its SQL.
 */
export interface SessionQuery {
  name: string;
  /** The SQL as executeSql ran it (trimmed, WAF-decoded where the generation decodes). */
  sql: string;
}

/**
 * The queries saved in one HTTP session, by container and schema (LabKey keeps them in the
 * session attribute `LABKEY.PERSISTED_TEMP_QUERIES`, keyed by container and schema key): they
 * live as long as the session and no other session sees them.
 */
export type SessionQueries = Map<string, SessionQuery[]>;

/** A read call: the router's merged parameters, the container path (e.g. `/home`) and the user. */
export interface ReadRequest {
  params: Params;
  container: string;
  user: QueryUser;
  /**
   * The saved queries of the HTTP session the request runs in (JSESSIONID or a session key);
   * undefined without one. executeSql with `saveInSession=true` adds to it; selectRows and
   * getQueryDetails read from it.
   */
  session?: SessionQueries;
  /**
   * Whether the user holds Update on the container's tables: selectRows' `~~Update~~` column is
   * offered only then (`QueryView.canUpdate`). Default false.
   */
  canUpdate?: boolean;
}

/** A mutating call: the parsed JSON body. */
export interface WriteRequest {
  body: unknown;
  container: string;
  user: QueryUser;
}

/**
 * A moveRows call (`query-moveRows.api`): the JSON body, the command's container and whether
 * `user` holds MoveEntities there. The router has already checked the target container
 * (`targetContainerPath`), as LabKey's form validation does before the command runs.
 */
export interface MoveRequest extends WriteRequest {
  movePermitted: boolean;
}

/** The query engine of the mock server: lists in SQLite plus registered virtual tables. */
export interface QueryEngine {
  /**
   * `query-selectRows.api` / `query-getQuery.api` (one table, filtered, sorted and paged). A query
   * saved in the request's session runs in the SQL runner, so that answer is a promise.
   */
  selectRows(req: ReadRequest): ApiResult | Promise<ApiResult>;
  /** `query-executeSql.api`, run in the SQL runner process (see sql-process.ts). */
  executeSql(req: ReadRequest): Promise<ApiResult>;
  /** `query-insertRows.api`. */
  insertRows(req: WriteRequest): ApiResult;
  /** `query-updateRows.api`. */
  updateRows(req: WriteRequest): ApiResult;
  /** `query-deleteRows.api`; on a virtual table this calls its `deleteRows`. */
  deleteRows(req: WriteRequest): ApiResult;
  /** `query-saveRows.api`: several commands, all or nothing. */
  saveRows(req: WriteRequest): ApiResult;
  /**
   * `query-truncateTable.api`: every row of one table deleted. Its `schemaName` and `queryName`
   * are form parameters (a JSON body's top-level keys), as LabKey's QueryForm binds them.
   */
  truncateTable(req: ReadRequest): ApiResult;
  /** `query-moveRows.api` (LabKey 24.1+): the command part, after the router checked the target. */
  moveRows(req: MoveRequest): ApiResult;
  /** `query-getSchemas.api`. */
  getSchemas(req: ReadRequest): ApiResult;
  /** `query-getQueries.api`. */
  getQueries(req: ReadRequest): ApiResult;
  /** `query-getQueryDetails.api`: one table's columns and their field metadata (a session query's: a promise). */
  getQueryDetails(req: ReadRequest): ApiResult | Promise<ApiResult>;
  /** Expose a table kept elsewhere (e.g. `core.Users`) to all query calls, in every container. */
  registerVirtualTable(schemaName: string, queryName: string, provider: VirtualTable): void;
  /** Lists (definitions and rows) as plain JSON, for `--data` persistence. */
  serialize(): unknown;
  /** Replace all lists with a {@link QueryEngine.serialize} result. Throws on a malformed value. */
  load(data: unknown): void;
  /** Free the SQLite databases and stop the SQL runner. */
  close(): void;
}
