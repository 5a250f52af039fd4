import type { Filter } from './filter.js';
import type { Secret } from '../redact/secret.js';
import type { KeyInfo } from '../auth/diagnose-rejection.js';
import type { RowsSpan } from './raw-rows.js';

/** `login-whoAmI.api`. `CSRF` is a session token: lk never prints it. @public */
export interface WhoAmI {
  id: number;
  email: string;
  displayName: string;
  impersonated: boolean;
  CSRF: string;
}

/** A column as the server described it (the same for every response format). @public */
export interface FieldInfo {
  name: string;
  /** Field key as a `/`-joined string (`CreatedBy/DisplayName`). */
  fieldKey: string;
  /** LabKey's JSON type: `string`, `int`, `float`, `boolean`, `date`, `time`. */
  type: string | undefined;
  caption: string | undefined;
}

/** @public */
export type ContainerFilter =
  | 'Current'
  | 'CurrentAndSubfolders'
  | 'CurrentAndSubfoldersPlusShared'
  | 'CurrentAndFirstChildren'
  | 'CurrentAndParents'
  | 'CurrentPlusProject'
  | 'CurrentPlusProjectAndShared'
  | 'AllInProject'
  | 'AllInProjectPlusShared'
  | 'AllFolders';

/** Options shared by selectRows and executeSql. @public */
export interface QueryOptionsBase {
  container?: string;
  /** Page size; `-1` for all rows. The server's default is 100 000. */
  maxRows?: number;
  offset?: number;
  sort?: string | string[];
  includeTotalCount?: boolean;
  containerFilter?: ContainerFilter;
  /** Values for a parameterised query (`query.param.<name>`). */
  parameters?: Record<string, string | number | boolean>;
  /** Response format to request (8.3 default, 9.1, 13.2, 17.1): rows come back as plain objects either way. */
  apiVersion?: number;
  signal?: AbortSignal;
}

/** @public */
export interface SelectRowsOptions extends QueryOptionsBase {
  schemaName: string;
  queryName: string;
  columns?: string[] | string;
  /** Filters: `Filter.gt('Age', 30)`, or LabKey's URL form `'Age~gt=30'` (parsed as lk's --filter is). */
  filters?: (Filter | string)[];
  viewName?: string;
}

/** @public */
export interface ExecuteSqlOptions extends QueryOptionsBase {
  schemaName: string;
  sql: string;
  /** Send the SQL WAF-encoded (true) or plain (false). Default: WAF-encoded, as the official clients send it, and plain from then on to a server that cannot decode it (before LabKey 23.9). */
  wafEncode?: boolean;
}

/** @public */
export interface IterOptions {
  /** Rows per request. Default 5 000. */
  pageSize?: number;
  /**
   * Called once, with the first page's column metadata and row count, before its first row is
   * yielded (also when there are no rows): e.g. to choose typed columns for a columnar file.
   */
  onMetadata?: (meta: { fields: FieldInfo[]; rowCount: number | undefined }) => void;
}

/** Options of the raw page iterators (`selectRowsRawPages`, `executeSqlRawPages`). @public */
export interface RawPagesOptions extends IterOptions {
  /**
   * Read the whole result in ONE request, as LabKey's own clients do (maxRows -1 with
   * showRows=all, or your `maxRows`; your `offset`), its body read as it arrives and cut into
   * pages of at most `pageSize` rows (default 1,000 here) and at most `maxResponseBytes` each: the server runs the
   * query once instead of once per page (LabKey pages with LIMIT/OFFSET, so page k re-reads the k
   * pages before it), and memory stays flat whatever the row count. Default false: one request
   * per page of `pageSize` rows, for a proxy that cuts long responses.
   *
   * Timeouts: `total` applies until the answer's headers and then to each page afresh (from
   * asking for it until it has arrived; the time you spend on a page does not count), so a
   * healthy export of any length is not cut off; `body` still ends a server that goes silent
   * mid-stream. A `rowCount` the server writes after the rows (LabKey does) is only on the last
   * page: `onMetadata` then gets `rowCount: undefined`. A body that ends early, is not JSON after
   * some row, or carries the server's error part-way is an error, never a shorter result.
   */
  oneRequest?: boolean;
}

/** Rows normalised to plain `{ column: value }` objects, whatever format the server used. @public */
export interface QueryResult<R> {
  rows: R[];
  /** Total rows (may be offset + rows returned when the total was not counted); undefined for metadata-only answers. */
  rowCount: number | undefined;
  schemaName: string;
  queryName: string;
  fields: FieldInfo[];
}

/**
 * One page of a query with its rows still the server's bytes (`selectRowsRawPages`,
 * `executeSqlRawPages`), for writers that transcode them (see `raw-rows.ts`: `FlatRow`).
 * `rows()` gives exactly the rows `selectRowsPages` would have yielded for this page.
 * @public
 */
export interface RawRowsPage<R> {
  /** Rows in this page. */
  count: number;
  rowCount: number | undefined;
  schemaName: string;
  queryName: string;
  fields: FieldInfo[];
  /** The response body; undefined when the rows could not be left as bytes (then only `rows()`). */
  bytes: Uint8Array | undefined;
  /**
   * Where the top-level `rows` array is in `bytes` (`start` at `[`, `end` after `]`), and its
   * rows' places and cells (`table`, a {@link RowsTable}) as the check of the body found them.
   */
  span: RowsSpan | undefined;
  /** The page's rows as objects, normalised as `selectRows` gives them (parsed on the first call). */
  rows(): R[];
  /**
   * Says the caller is done with `span.table`: the SDK may fill its arrays for a later page (a
   * bulk export then allocates no table per page). `span.table` is undefined after it; `bytes`,
   * `span`'s offsets and `rows()` stay valid. Optional: a page never released is simply collected.
   */
  release(): void;
}

/** @public */
export interface ModifyRowsOptions<R = Record<string, unknown>> {
  schemaName: string;
  queryName: string;
  rows: R[];
  container?: string;
  /** Run in one transaction (server default true). */
  transacted?: boolean;
  auditUserComment?: string;
  signal?: AbortSignal;
}

/** @public */
export interface ModifyRowsResult<R = Record<string, unknown>> {
  rows: R[];
  rowsAffected: number;
  command: string;
  schemaName: string;
  queryName: string;
}

/** @public */
export interface GetContainersOptions {
  container?: string;
  includeSubfolders?: boolean;
  depth?: number;
  includeEffectivePermissions?: boolean;
  includeStandardProperties?: boolean;
  signal?: AbortSignal;
}

/** A container as `project-getContainers.api` describes it (extra server keys are kept). @public */
export interface ContainerInfo {
  name: string;
  path: string;
  id?: string;
  title?: string;
  type?: string;
  parentPath?: string;
  effectivePermissions?: string[];
  children: ContainerInfo[];
  [key: string]: unknown;
}

/** A row of core.UserAPIKeys / core.APIKeys. Never holds the key. @public */
export interface ApiKeyRow {
  rowId: number;
  /** User id of the owner (core.APIKeys only). */
  createdBy: number | undefined;
  /** The owner's email, from core.Users (core.APIKeys only; undefined when the server would not say). */
  createdByEmail?: string | undefined;
  /** ISO time. */
  created: string | undefined;
  /** ISO time, or null for never. */
  expiration: string | null;
  lastUsed: string | null;
  description: string | null;
  /**
   * The role class the key is restricted to (LabKey 26.7's RestrictionRole), null for a key with
   * all of its user's permissions, undefined when the server does not say (before 26.7).
   */
  role?: string | null | undefined;
}

/** @public */
export interface CreateApiKeyOptions {
  type?: 'apikey' | 'session';
  description?: string;
  /**
   * Restrict the key to a role (LabKey 26.7): `reader`, `author`, `editor-without-delete`,
   * `editor`, or a role the server lists (its class or display name). The server's list is asked
   * first: an older server throws UnsupportedError (it would ignore `role`), a role it does not
   * offer throws InvalidArgumentError naming the ones it does.
   */
  role?: string;
  signal?: AbortSignal;
}

/** @public */
export interface CreatedApiKey {
  /** The new key: shown once by the server, kept in a Secret. */
  apiKey: Secret;
  /** What is known about it (from core.UserAPIKeys right after creation): row id, expiry. */
  info: KeyInfo;
}

/** @public */
export interface GetSchemasOptions {
  container?: string;
  /** Include schemas the server marks hidden (server default true). */
  includeHidden?: boolean;
  signal?: AbortSignal;
}

/** A schema as `query-getSchemas.api` describes it; nested schemas by their dotted name. @public */
export interface SchemaInfo {
  name: string;
  description?: string;
  hidden: boolean;
}

/** @public */
export interface GetQueriesOptions {
  schemaName: string;
  container?: string;
  /** Include saved (user-defined) queries (server default true). */
  includeUserQueries?: boolean;
  signal?: AbortSignal;
}

/** A query (table or saved query) as `query-getQueries.api` describes it. @public */
export interface QueryInfo {
  name: string;
  title?: string;
  description?: string;
  hidden: boolean;
  isUserDefined: boolean;
}

/** @public */
export interface GetQueryDetailsOptions {
  schemaName: string;
  queryName: string;
  container?: string;
  signal?: AbortSignal;
}

/** A column as `query-getQueryDetails.api` describes it. @public */
export interface ColumnInfo {
  name: string;
  caption?: string;
  /** LabKey's JSON type: `string`, `int`, `float`, `boolean`, `date`. */
  type: string | undefined;
  /** Part of the primary key. */
  keyField: boolean;
  hidden: boolean;
  nullable: boolean;
  /** The table this column looks up into (a foreign key). */
  lookup?: { schemaName: string; queryName: string; keyColumn?: string; displayColumn?: string; containerPath?: string };
}

/** @public */
export interface QueryDetails {
  schemaName: string;
  name: string;
  title?: string;
  description?: string;
  columns: ColumnInfo[];
}

/** A low-level call to any LabKey action. @public */
export interface ActionRequest {
  controller: string;
  action: string;
  container?: string;
  method?: 'GET' | 'POST';
  /** Query-string (GET) or form (POST without `json`) parameters. */
  params?: Record<string, string | number | boolean | null | undefined | readonly (string | number | boolean)[]>;
  /** JSON body (POST). */
  json?: unknown;
  /** Needs the CSRF token (insert/update/delete, createApiKey, …). Default: POST and not a read-only action. */
  mutating?: boolean;
  /** Safe to repeat (retries on network errors, 502-504). Default: GET, selectRows and executeSql. */
  idempotent?: boolean;
  signal?: AbortSignal;
}
