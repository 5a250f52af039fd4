/**
 * The query engine: selectRows, executeSql, insert/update/delete/saveRows and discovery over
 * lists (SQLite) and registered virtual tables. Every public method returns an {@link ApiResult};
 * exceptions become LabKey's error bodies.
 * @module
 */
import type Database from 'better-sqlite3';
import { ActionError, errorResult, ILLEGAL_ARGUMENT_EXCEPTION, NOT_FOUND_EXCEPTION, UNAUTHORIZED_EXCEPTION } from '../errors.js';
import { DUPLICATE_KEY, ValidationFailure, type FieldError, type RowError } from './errors.js';
import { buildWhere } from './filters.js';
import { parseApiVersion, plainRows, queryResponse } from './format.js';
import { addLabKeyFunctions, checkSelect, sqliteToParseError, trimSql, wafDecode, type SqlContext } from './sql.js';
import { cachedPrepare, containerKey, ListStore, type ListDef } from './store.js';
import type {
  ApiResult,
  ColumnDef,
  Params,
  QueryEngine,
  QueryEngineOptions,
  QueryUser,
  ReadRequest,
  VirtualTable,
  WriteRequest,
} from './types.js';
import { captionFor as captionOf, ConversionError, inferType, q, toStorage, typeFromDeclared } from './values.js';

type DB = Database.Database;

const DEFAULT_MAX_ROWS = 100000;
/** executeSql defaults: most rows returned for maxRows=-1, and the highest total counted. */
const SQL_ROW_CAP = 5_000_000;
const SQL_COUNT_CAP = 10_000_000;

/** Options beyond the public ones (tests and the server). */
export interface EngineOptions extends QueryEngineOptions {
  contextPath?: string;
  /** executeSql: most rows for maxRows=-1 (default 5,000,000). */
  sqlRowCap?: number;
  /** executeSql: rowCount stops counting here (default 10,000,000). */
  sqlCountCap?: number;
}

/** Valid `containerFilter` values (case-sensitive enum names). */
export const CONTAINER_FILTERS = [
  'Current',
  'CurrentAndSubfolders',
  'CurrentAndSubfoldersPlusShared',
  'CurrentAndFirstChildren',
  'CurrentAndParents',
  'CurrentPlusProject',
  'CurrentPlusProjectAndShared',
  'AllInProject',
  'AllInProjectPlusShared',
  'AllFolders',
] as const;

const one = (p: Params, name: string): string | undefined => p[name]?.[0];

function bool(raw: string | undefined, dflt: boolean): boolean {
  if (raw === undefined || raw === '') return dflt;
  const w = raw.toLowerCase();
  if (w === 'true' || w === '1' || w === 'on' || w === 'yes' || w === 't') return true;
  if (w === 'false' || w === '0' || w === 'off' || w === 'no' || w === 'f') return false;
  return dflt;
}

function int(raw: string | undefined): number | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? Math.trunc(n) : undefined;
}

const notFound = (msg: string) => new ActionError(404, msg, NOT_FOUND_EXCEPTION);
const illegal = (msg: string) => new ActionError(500, msg, ILLEGAL_ARGUMENT_EXCEPTION);

function forbidden(user: QueryUser): ActionError {
  return new ActionError(user.guest ? 401 : 403, 'User does not have permission to perform this operation.', UNAUTHORIZED_EXCEPTION);
}

function guard(fn: () => ApiResult): ApiResult {
  try {
    return fn();
  } catch (e) {
    return errorResult(e);
  }
}

/** A table opened for one call: where to run SQL and what it looks like. */
interface OpenTable {
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

interface VSchema {
  name: string;
  tables: Map<string, { name: string; vt: VirtualTable }>;
}

interface Paging {
  /** null = all rows. */
  limit: number | null;
  offset: number;
  metadataOnly: boolean;
}

class Engine implements QueryEngine {
  private readonly store = new ListStore((db) => addLabKeyFunctions(db, this.sqlContext));
  /** The clock and the user of the executeSql call running now (for NOW(), USERID(), …). */
  private readonly sqlContext: SqlContext = { now: () => new Date(), user: undefined };
  private readonly vschemas = new Map<string, VSchema>();
  private readonly counts = new Map<string, number>();
  /** Keyset paging: "<table version|filter>@<offset>" → the key the page before it ended on. */
  private readonly resume = new Map<string, unknown>();
  private readonly now: () => Date;
  private readonly contextPath: string;

  private readonly sqlRowCap: number;
  private readonly sqlCountCap: number;

  constructor(opts: EngineOptions) {
    this.sqlRowCap = opts.sqlRowCap ?? SQL_ROW_CAP;
    this.sqlCountCap = opts.sqlCountCap ?? SQL_COUNT_CAP;
    this.now = opts.now ?? (() => new Date());
    this.sqlContext.now = this.now;
    this.contextPath = opts.contextPath ?? '/labkey';
    if ((opts.seed ?? 'demo') === 'demo') this.store.seedDemo(Math.max(0, Math.trunc(opts.generatedRows ?? 1000)), this.now());
  }

  // ---------------------------------------------------------------- schemas and tables

  private isLists(schemaName: string): boolean {
    return schemaName.toLowerCase() === 'lists';
  }

  private schemaExists(schemaName: string): boolean {
    return this.isLists(schemaName) || this.vschemas.has(schemaName.toLowerCase());
  }

  private schemaNames(): string[] {
    return ['lists', ...[...this.vschemas.values()].map((s) => s.name)].sort((a, b) => a.localeCompare(b));
  }

  /**
   * Open `schemaName.queryName` for `user`. Throws `unknown(…)` when the schema or query does not
   * exist (or a virtual table answers 'not-found'), and 401/403 when it is forbidden.
   */
  /** @internal */
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
    const entry = vs.tables.get(queryName.toLowerCase());
    if (!entry) throw unknownQuery();
    const vis = entry.vt.visible(user, container);
    if (vis === 'not-found') throw unknownQuery();
    if (vis !== true) throw forbidden(user);
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

  private prepare(t: { db: DB; stmts: Map<string, Database.Statement> | null }, sql: string): Database.Statement {
    return t.stmts ? cachedPrepare(t.db, t.stmts, sql) : t.db.prepare(sql);
  }

  // ---------------------------------------------------------------- shared read helpers

  private checkContainerFilter(params: Params): void {
    const cf = one(params, 'containerFilter') ?? one(params, 'query.containerFilterName');
    if (cf !== undefined && cf !== '' && !(CONTAINER_FILTERS as readonly string[]).includes(cf)) {
      throw illegal("'containerFilter' parameter is not valid");
    }
  }

  private paging(maxRaw: string | undefined, offsetRaw: string | undefined, showRows: string | undefined): Paging {
    const offset = Math.max(0, int(offsetRaw) ?? 0);
    const show = showRows?.toLowerCase();
    if (show === 'all') return { limit: null, offset, metadataOnly: false };
    if (show === 'none') return { limit: 0, offset, metadataOnly: true };
    const n = int(maxRaw);
    if (n === undefined) return { limit: DEFAULT_MAX_ROWS, offset, metadataOnly: false };
    if (n < 0) return { limit: null, offset, metadataOnly: false };
    if (n === 0) return { limit: 0, offset, metadataOnly: true };
    return { limit: n, offset, metadataOnly: false };
  }

  private cachedCount(key: string | null, compute: () => number): number {
    if (key === null) return compute();
    const hit = this.counts.get(key);
    if (hit !== undefined) return hit;
    const n = compute();
    if (this.counts.size >= 2000) this.counts.clear();
    this.counts.set(key, n);
    return n;
  }

  /** rowCount per §4.2: the total, or offset + rows when the page proves it or the caller opts out. */
  private rowCount(paging: Paging, got: number, includeTotal: boolean, count: () => number): number | undefined {
    if (paging.metadataOnly) return undefined;
    if (!includeTotal) return paging.offset + got;
    if ((paging.limit === null || got < paging.limit) && (got > 0 || paging.offset === 0)) return paging.offset + got;
    return count();
  }

  // ---------------------------------------------------------------- selectRows

  selectRows(req: ReadRequest): ApiResult {
    return guard(() => this.doSelectRows(req));
  }

  private doSelectRows({ params, container, user }: ReadRequest): ApiResult {
    const apiVersion = parseApiVersion(one(params, 'apiVersion'));
    const region = one(params, 'dataRegionName') || 'query';
    const schemaName = one(params, 'schemaName');
    const queryName = one(params, `${region}.queryName`) || one(params, 'queryName');
    if (!schemaName || !this.schemaExists(schemaName)) throw notFound('The specified schema does not exist');
    if (!queryName) throw notFound('Query not specified');
    const notFoundQuery = () => notFound(`The specified query '${queryName}' does not exist in schema '${schemaName}'`);
    const t = this.open(container, user, schemaName, queryName, () => notFound('The specified schema does not exist'), notFoundQuery);
    const disposers: (() => void)[] = [t.dispose];
    try {
      const viewName = one(params, `${region}.viewName`);
      if (viewName) throw notFound(`The requested view '${viewName}' does not exist for this user.`);
      this.checkContainerFilter(params);

      const byLower = new Map(t.columns.map((c) => [c.name.toLowerCase(), c]));
      const lookups = new Lookups(this, t, user, container);
      disposers.push(() => lookups.dispose());
      const resolve = (name: string) => byLower.get(name.trim().toLowerCase()) ?? lookups.resolve(name.trim());
      const messages: string[] = [];

      // Columns: requested (unknown dropped silently) or the default (non-hidden) set.
      let columns: ColumnDef[] = [];
      const requested = (params[`${region}.columns`] ?? []).flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
      if (requested.length) {
        const seen = new Set<string>();
        for (const name of requested) {
          if (name === '*') {
            for (const c of t.columns) if (!c.hidden && !seen.has(c.name)) (seen.add(c.name), columns.push(c));
            continue;
          }
          const c = resolve(name);
          if (c && !seen.has(c.name)) (seen.add(c.name), columns.push(c));
        }
      }
      if (!columns.length) columns = t.columns.filter((c) => !c.hidden);

      const where = buildWhere(params, region, resolve, t.columns.filter((c) => !c.hidden));
      messages.push(...where.messages);

      // Sort: `query.sort=Name,-Age`; unknown columns ignored with a message; the key breaks ties.
      const sort: { field: string; direction: 'ASC' | 'DESC' }[] = [];
      for (const raw of (params[`${region}.sort`] ?? []).flatMap((v) => v.split(','))) {
        let s = raw.trim();
        if (!s) continue;
        let dir: 'ASC' | 'DESC' = 'ASC';
        if (s.startsWith('-')) (dir = 'DESC'), (s = s.slice(1));
        else if (s.startsWith('+')) s = s.slice(1);
        const c = resolve(s);
        if (!c) {
          messages.push(`Ignoring filter/sort on column '${s}' because it does not exist.`);
          continue;
        }
        if (!sort.some((x) => x.field === c.name)) sort.push({ field: c.name, direction: dir });
      }
      const order = sort.map((s) => `${q(s.field)} ${s.direction}`);
      if (t.pk && !sort.some((s) => s.field === t.pk!.name)) order.push(`${q(t.pk.name)} ASC`);
      const orderBy = order.length ? `ORDER BY ${order.join(', ')}` : '';

      const maxRaw = one(params, `${region}.maxRows`) ?? one(params, 'maxRows') ?? one(params, 'limit');
      const offRaw = one(params, `${region}.offset`) ?? one(params, 'offset') ?? one(params, 'start');
      const paging = this.paging(maxRaw, offRaw, one(params, `${region}.showRows`));
      const includeTotal = bool(one(params, 'includeTotalCount'), true);

      // 9.1 and later: a lookup column's cell carries its target's display value.
      const display: (number | undefined)[] = [];
      const selectList = columns.map((c) => q(c.name));
      if (apiVersion >= 9.1) {
        columns.forEach((c, i) => {
          const dc = c.lookup?.displayColumn ? lookups.resolve(`${c.name}/${c.lookup.displayColumn}`) : undefined;
          if (dc) {
            display[i] = selectList.length;
            selectList.push(q(dc.name));
          }
        });
      }
      const from = lookups.from();
      const countKey = t.cacheKey === null ? null : `${t.cacheKey}|${from}|${where.sql}|${JSON.stringify(where.params)}`;
      // Paging in key order through a list (what selectRowsIter does): remember where each page
      // ended, so the next page seeks past that key instead of skipping `offset` rows again.
      const keyset = countKey !== null && t.pk !== undefined && sort.length === 0 && paging.limit !== null ? t.pk : undefined;
      let pkIndex = -1;
      if (keyset) {
        pkIndex = columns.findIndex((c) => c === keyset);
        if (pkIndex < 0) {
          pkIndex = selectList.length;
          selectList.push(q(keyset.name));
        }
      }
      let rows: unknown[][] | undefined;
      if (!paging.metadataOnly) {
        const resume = keyset && paging.offset > 0 ? this.resume.get(`${countKey}@${paging.offset}`) : undefined;
        if (resume !== undefined) {
          const seek = `${where.sql ? `${where.sql} AND` : 'WHERE'} ${q(keyset!.name)} > ?`;
          const sql = `SELECT ${selectList.join(', ')} FROM ${from} ${seek} ${orderBy} LIMIT ?`;
          rows = this.prepare(t, sql).raw(true).all(...where.params, resume, paging.limit ?? -1) as unknown[][];
        } else {
          const sql = `SELECT ${selectList.join(', ')} FROM ${from} ${where.sql} ${orderBy} LIMIT ? OFFSET ?`;
          rows = this.prepare(t, sql).raw(true).all(...where.params, paging.limit ?? -1, paging.offset) as unknown[][];
        }
        if (keyset && rows.length > 0) {
          if (this.resume.size >= 10000) this.resume.clear();
          this.resume.set(`${countKey}@${paging.offset + rows.length}`, rows[rows.length - 1]![pkIndex]);
        }
      }
      const rowCount = this.rowCount(paging, rows?.length ?? 0, includeTotal, () =>
        this.cachedCount(countKey, () => {
          const r = this.prepare(t, `SELECT COUNT(*) FROM ${from} ${where.sql}`).raw(true).get(...where.params) as [number];
          return r[0];
        }),
      );

      const body = queryResponse({
        apiVersion,
        schemaName,
        queryName: t.queryName,
        columns,
        rows,
        rowCount,
        includeMetadata: bool(one(params, 'includeMetadata'), true),
        readOnlyTable: t.readOnly,
        sort: one(params, `${region}.sort`) !== undefined ? sort : [],
        messages,
        display,
        ...(t.title ? { title: t.title } : {}),
        ...(t.description ? { description: t.description } : {}),
      });
      return { status: 200, body };
    } finally {
      for (const d of disposers.reverse()) d();
    }
  }

  // ---------------------------------------------------------------- executeSql

  executeSql(req: ReadRequest): ApiResult {
    return guard(() => this.doExecuteSql(req));
  }

  private doExecuteSql({ params, container, user }: ReadRequest): ApiResult {
    const apiVersion = parseApiVersion(one(params, 'apiVersion'));
    const schemaName = one(params, 'schemaName');
    // The schema check runs before the required-parameter check (§4.3).
    if (!schemaName || !this.schemaExists(schemaName)) throw notFound('The specified schema does not exist');
    const rawSql = one(params, 'sql');
    if (rawSql === undefined || rawSql.trim() === '') throw new ActionError(400, 'SQL not specified');
    const sql = trimSql(wafDecode(rawSql));
    this.checkContainerFilter(params);

    let db: DB;
    let stmts: Map<string, Database.Statement> | null = null;
    const disposers: (() => void)[] = [];
    let countKey: string | null = null;
    if (this.isLists(schemaName)) {
      const conn = this.store.conn(container, true)!;
      db = conn.db;
      stmts = conn.stmts;
      const versions = [...conn.lists.values()].map((l) => `${l.id}:${l.version}`).join(',');
      countKey = `sql|${containerKey(container)}|${versions}|${sql}`;
    } else {
      db = this.store.vdb;
    }
    this.sqlContext.user = user;
    try {
      if (!this.isLists(schemaName)) {
        const vs = this.vschemas.get(schemaName.toLowerCase())!;
        for (const { name, vt } of vs.tables.values()) {
          if (vt.visible(user, container) === true) disposers.push(this.store.materialize(vs.name, name, vt, vt.rows(user, container)));
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

      const paging = this.paging(
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
        rows = run(() => stmt.all(paging.limit ?? this.sqlRowCap + 1, paging.offset)) as unknown[][];
        if (paging.limit === null && rows.length > this.sqlRowCap) {
          throw new ActionError(500, `The query returned more than ${this.sqlRowCap} rows; use maxRows and offset to page through it.`, 'java.lang.IllegalStateException');
        }
      }
      const rowCount = this.rowCount(paging, rows?.length ?? 0, includeTotal, () =>
        this.cachedCount(countKey, () => (run(() => prep(`SELECT COUNT(*) FROM (SELECT 1 FROM (\n${sql}\n) LIMIT ${this.sqlCountCap})`).raw(true).get()) as [number])[0]),
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
      this.sqlContext.user = undefined;
      for (const d of disposers) d();
    }
  }

  // ---------------------------------------------------------------- insert / update / delete

  insertRows(req: WriteRequest): ApiResult {
    return guard(() => this.mutate('insert', req.body, req.container, req.user));
  }

  updateRows(req: WriteRequest): ApiResult {
    return guard(() => this.mutate('update', req.body, req.container, req.user));
  }

  deleteRows(req: WriteRequest): ApiResult {
    return guard(() => this.mutate('delete', req.body, req.container, req.user));
  }

  /** One command of insert/update/delete (also used by saveRows). */
  private mutate(command: 'insert' | 'update' | 'delete', body: any, container: string, user: QueryUser): ApiResult {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw ValidationFailure.spring('Empty request');
    const rows = body.rows;
    if (!Array.isArray(rows) || rows.length === 0) throw ValidationFailure.spring("No 'rows' array supplied.");
    const schemaName = body.schemaName;
    const queryName = body.queryName;
    if (typeof schemaName !== 'string' || schemaName === '') throw new ActionError(500, 'JSONObject["schemaName"] not found.', 'org.json.JSONException');
    if (typeof queryName !== 'string' || queryName === '') throw new ActionError(500, 'JSONObject["queryName"] not found.', 'org.json.JSONException');
    const apiVersion = parseApiVersion(body.apiVersion === undefined ? undefined : String(body.apiVersion));
    const noSchema = () => illegal(`The schema '${schemaName}' does not exist.`);
    const noQuery = () => illegal(`The query '${queryName}' in the schema '${schemaName}' does not exist.`);
    const notUpdatable = () => illegal(`The query '${queryName}' in the schema '${schemaName}' is not updatable via the HTTP-based APIs.`);
    if (!this.schemaExists(schemaName)) throw noSchema();

    const respond = (outRows: unknown[]): ApiResult => ({
      status: 200,
      body: { schemaName, queryName, command, containerPath: container, rows: outRows, rowsAffected: rows.length },
    });

    try {
      if (!this.isLists(schemaName)) {
        const vs = this.vschemas.get(schemaName.toLowerCase())!;
        const entry = vs.tables.get(queryName.toLowerCase());
        if (!entry) throw noQuery();
        const vis = entry.vt.visible(user, container);
        if (vis === 'not-found') throw noQuery();
        if (vis !== true) throw forbidden(user);
        if (command !== 'delete' || !entry.vt.deleteRows) throw notUpdatable();
        const pks = entry.vt.columns.filter((c) => c.keyField);
        if (!pks.length) throw illegal(`The table '${vs.name}.${entry.name}' cannot be updated because it has no primary key defined!`);
        const keys = this.keyRows(rows, pks, schemaName, queryName);
        entry.vt.deleteRows(user, keys);
        return respond(rows);
      }
      const list = this.store.list(container, queryName);
      if (!list) throw noQuery();
      const result = command === 'insert' ? this.insertList(list, rows, body) : command === 'update' ? this.updateList(list, rows, body) : this.deleteList(list, rows, body);
      return respond(result);
    } catch (e) {
      // apiVersion >= 13.2: row validation errors come back with status 200 and an `errors` key.
      if (e instanceof ValidationFailure && e.kind === 'batch' && apiVersion >= 13.2) {
        return {
          status: 200,
          body: { schemaName, queryName, command, containerPath: container, rows: [], rowsAffected: 0, errors: e.batchJson() },
        };
      }
      throw e;
    }
  }

  /** Key objects (canonical column names, storage values) for update/delete; missing keys fail. */
  private keyRows(rows: unknown[], pks: ColumnDef[], schemaName: string, queryName: string): Record<string, unknown>[] {
    const errors: RowError[] = [];
    const out = rows.map((row, i) => {
      const r = (row && typeof row === 'object' ? row : {}) as Record<string, unknown>;
      const lower = new Map(Object.entries(r).map(([k, v]) => [k.toLowerCase(), v]));
      const key: Record<string, unknown> = {};
      const errs: FieldError[] = [];
      for (const pk of pks) {
        const v = lower.get(pk.name.toLowerCase());
        try {
          const s = toStorage(pk, v);
          if (s === null) errs.push({ field: pk.name, id: pk.name, message: `Value must be supplied for key field '${pk.name}'` });
          else key[pk.name] = pk.type === 'boolean' ? s === 1 : s;
        } catch (e) {
          if (!(e instanceof ConversionError)) throw e;
          errs.push({ field: pk.name, id: pk.name, message: e.message });
        }
      }
      if (errs.length) errors.push({ rowNumber: i + 1, row: r, errors: errs });
      return key;
    });
    if (errors.length) throw ValidationFailure.batch(errors, schemaName, queryName);
    return out;
  }

  /** Convert input rows to storage form (columns matched case-insensitively, unknown ignored). */
  private convertRows(list: ListDef, rows: unknown[], queryName: string): Record<string, string | number | null>[] {
    const byLower = new Map(list.columns.map((c) => [c.name.toLowerCase(), c]));
    const errors: RowError[] = [];
    const out = rows.map((row, i) => {
      const converted: Record<string, string | number | null> = {};
      if (row === null || typeof row !== 'object' || Array.isArray(row)) {
        errors.push({ rowNumber: i + 1, errors: [{ message: `Row ${i + 1} is not an object` }] });
        return converted;
      }
      const errs: FieldError[] = [];
      for (const [k, v] of Object.entries(row as Record<string, unknown>)) {
        const col = byLower.get(k.toLowerCase());
        if (!col) continue;
        try {
          converted[col.name] = toStorage(col, v);
        } catch (e) {
          if (!(e instanceof ConversionError)) throw e;
          errs.push({ field: col.name, id: col.name, message: e.message });
        }
      }
      if (errs.length) errors.push({ rowNumber: i + 1, row: row as Record<string, unknown>, errors: errs });
      return converted;
    });
    if (errors.length) throw ValidationFailure.batch(errors, 'lists', queryName);
    return out;
  }

  private touch(list: ListDef): void {
    list.version++;
    list.generated = null;
  }

  private reselect(list: ListDef, keys: (string | number)[]): Record<string, unknown>[] {
    const stmt = cachedPrepare(
      list.conn.db,
      list.conn.stmts,
      `SELECT ${list.columns.map((c) => q(c.name)).join(', ')} FROM lists.${q(list.name)} WHERE ${q(list.pk.name)} = ?`,
    ).raw(true);
    const got: unknown[][] = [];
    for (const k of keys) {
      const r = stmt.get(k) as unknown[] | undefined;
      if (r) got.push(r);
    }
    return plainRows(list.columns, got);
  }

  private transacted(list: ListDef, body: any, fn: () => void): void {
    if (body?.transacted === false) fn();
    else list.conn.db.transaction(fn)();
  }

  private insertList(list: ListDef, rows: unknown[], body: any): Record<string, unknown>[] {
    const converted = this.convertRows(list, rows, body.queryName);
    const pk = list.pk;
    const cols = list.columns;
    const insert = cachedPrepare(
      list.conn.db,
      list.conn.stmts,
      `INSERT INTO lists.${q(list.name)} (${cols.map((c) => q(c.name)).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
    );
    const keys: (string | number)[] = [];
    this.transacted(list, body, () => {
      for (const r of converted) {
        let key = r[pk.name];
        if (key === null || key === undefined) {
          if (pk.type !== 'int') {
            throw ValidationFailure.batch(
              [{ rowNumber: keys.length + 1, errors: [{ field: pk.name, id: pk.name, message: `Value must be supplied for key field '${pk.name}'` }] }],
              'lists',
              body.queryName,
            );
          }
          key = list.nextKey++;
          r[pk.name] = key;
        } else if (typeof key === 'number' && key >= list.nextKey) list.nextKey = key + 1;
        try {
          insert.run(cols.map((c) => r[c.name] ?? null));
        } catch (e) {
          if ((e as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) {
            throw new ActionError(
              500,
              `ERROR: duplicate key value violates unique constraint "${list.name.toLowerCase()}_pkey"\n  Detail: Key ("${pk.name}")=(${key}) already exists.`,
              DUPLICATE_KEY,
            );
          }
          throw e;
        }
        keys.push(key);
      }
      this.touch(list);
    });
    return this.reselect(list, keys);
  }

  private updateList(list: ListDef, rows: unknown[], body: any): Record<string, unknown>[] {
    const keys = this.keyRows(rows, [list.pk], 'lists', body.queryName).map((k) => k[list.pk.name] as string | number);
    const converted = this.convertRows(list, rows, body.queryName);
    const exists = cachedPrepare(list.conn.db, list.conn.stmts, `SELECT 1 FROM lists.${q(list.name)} WHERE ${q(list.pk.name)} = ?`);
    this.transacted(list, body, () => {
      converted.forEach((r, i) => {
        const key = keys[i]!;
        if (!exists.get(key)) throw notFound('The existing row was not found.');
        const set = Object.keys(r).filter((n) => n !== list.pk.name);
        if (!set.length) return;
        const stmt = cachedPrepare(
          list.conn.db,
          list.conn.stmts,
          `UPDATE lists.${q(list.name)} SET ${set.map((n) => `${q(n)} = ?`).join(', ')} WHERE ${q(list.pk.name)} = ?`,
        );
        stmt.run(...set.map((n) => r[n] ?? null), key);
      });
      this.touch(list);
    });
    return this.reselect(list, keys);
  }

  private deleteList(list: ListDef, rows: unknown[], body: any): unknown[] {
    const keys = this.keyRows(rows, [list.pk], 'lists', body.queryName).map((k) => k[list.pk.name] as string | number);
    const del = cachedPrepare(list.conn.db, list.conn.stmts, `DELETE FROM lists.${q(list.name)} WHERE ${q(list.pk.name)} = ?`);
    this.transacted(list, body, () => {
      for (const k of keys) del.run(k);
      this.touch(list);
    });
    // Delete answers with the rows it was given.
    return rows;
  }

  // ---------------------------------------------------------------- saveRows

  saveRows(req: WriteRequest): ApiResult {
    return guard(() => {
      const body = req.body;
      const commands = body && typeof body === 'object' ? body.commands : undefined;
      if (!Array.isArray(commands) || commands.length === 0) throw notFound('Empty request');
      const validateOnly = body.validateOnly === true;
      const conn = this.store.conn(req.container, true)!;
      const results: unknown[] = [];
      let errorCount = 0;
      const ROLLBACK = Symbol('rollback');
      const map: Record<string, 'insert' | 'update' | 'delete'> = {
        insert: 'insert',
        insertwithkeys: 'insert',
        update: 'update',
        updatechangingkeys: 'update',
        delete: 'delete',
      };
      const run = () => {
        commands.forEach((cmd: any) => {
          const name = String(cmd?.command ?? '').toLowerCase();
          const command = map[name];
          if (!command) throw illegal(`Unknown command '${cmd?.command}'`);
          const rows = Array.isArray(cmd.rows) && (name === 'insertwithkeys' || name === 'updatechangingkeys')
            ? cmd.rows.map((r: any) => ({ ...(r?.oldKeys ?? {}), ...(r?.values ?? {}) }))
            : cmd.rows;
          const res = this.mutate(command, { apiVersion: body.apiVersion, ...cmd, rows, transacted: true }, req.container, req.user);
          results.push(res.body);
          // apiVersion >= 13.2 reports row errors in the result instead of failing.
          const errs = (res.body as { errors?: { errorCount?: number } }).errors;
          if (errs) errorCount += errs.errorCount ?? 1;
        });
        if (validateOnly || errorCount > 0) throw ROLLBACK;
      };
      try {
        if (body.transacted === false && !validateOnly) run();
        else conn.db.transaction(run)();
      } catch (e) {
        if (e !== ROLLBACK) throw e;
      }
      return { status: 200, body: { result: results, committed: !validateOnly && errorCount === 0, errorCount } };
    });
  }

  // ---------------------------------------------------------------- discovery

  getSchemas(req: ReadRequest): ApiResult {
    return guard(() => {
      const apiVersion = parseApiVersion(one(req.params, 'apiVersion'));
      const parent = one(req.params, 'schemaName');
      if (parent !== undefined && parent !== '' && !this.schemaExists(parent)) {
        throw notFound(`Could not find the schema '${parent}'`);
      }
      const names = parent ? [] : this.schemaNames();
      if (apiVersion < 9.3) return { status: 200, body: { schemas: names } };
      const out: Record<string, unknown> = {};
      for (const n of names) {
        out[n] = {
          schemaName: n,
          fullyQualifiedName: n,
          description: n === 'lists' ? 'Contains a data table for each defined list' : `Contains data about the ${n} schema`,
          hidden: false,
          schemas: {},
        };
      }
      return { status: 200, body: out };
    });
  }

  getQueries(req: ReadRequest): ApiResult {
    return guard(() => {
      const { params, container, user } = req;
      const schemaName = one(params, 'schemaName');
      if (!schemaName) throw illegal("You must supply a value for the 'schemaName' parameter!");
      if (!this.schemaExists(schemaName)) throw notFound(`The schema name '${schemaName}' was not found within the folder '${container}'`);
      const includeColumns = bool(one(params, 'includeColumns'), true);
      const includeViewDataUrl = bool(one(params, 'includeViewDataUrl'), true);
      const includeTitle = bool(one(params, 'includeTitle'), true);
      const tables: { name: string; columns: ColumnDef[]; title?: string; description?: string }[] = [];
      let canonical = schemaName;
      if (this.isLists(schemaName)) {
        canonical = 'lists';
        for (const l of this.store.listsIn(container)) tables.push({ name: l.name, columns: l.columns });
      } else {
        const vs = this.vschemas.get(schemaName.toLowerCase())!;
        canonical = vs.name;
        for (const { name, vt } of vs.tables.values()) {
          if (vt.listed === false || vt.visible(user, container) !== true) continue;
          tables.push({ name, columns: vt.columns, ...(vt.title ? { title: vt.title } : {}), ...(vt.description ? { description: vt.description } : {}) });
        }
      }
      tables.sort((a, b) => a.name.localeCompare(b.name));
      const base = `${this.contextPath}/query${container.startsWith('/') ? '' : '/'}${container.split('/').map(encodeURIComponent).join('/')}`;
      const queries = tables.map((t) => ({
        name: t.name,
        ...(includeTitle ? { title: t.title ?? t.name } : {}),
        hidden: false,
        snapshot: false,
        inherit: false,
        isUserDefined: false,
        canEdit: false,
        canEditSharedViews: false,
        isMetadataOverrideable: true,
        isInherited: false,
        isIncludedForLookups: true,
        ...(t.description ? { description: t.description } : {}),
        ...(includeViewDataUrl
          ? { viewDataUrl: `${base}/executeQuery.view?schemaName=${encodeURIComponent(canonical)}&query.queryName=${encodeURIComponent(t.name)}` }
          : {}),
        ...(includeColumns
          ? { columns: t.columns.map((c) => ({ name: c.name, caption: c.caption ?? captionOf(c.name), ...(c.description ? { description: c.description } : {}) })) }
          : {}),
      }));
      return { status: 200, body: { schemaName: canonical, queries } };
    });
  }

  // ---------------------------------------------------------------- virtual tables

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

  // ---------------------------------------------------------------- persistence

  serialize(): unknown {
    return {
      format: 'lk-mock-lists',
      version: 1,
      lists: this.store.allLists().map((l) => {
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

  load(data: unknown): void {
    const d = data as { format?: unknown; version?: unknown; lists?: unknown };
    if (!d || typeof d !== 'object' || d.format !== 'lk-mock-lists' || d.version !== 1 || !Array.isArray(d.lists)) {
      throw new Error('query engine data: not an lk-mock-lists version 1 object');
    }
    const types = new Set(['int', 'string', 'date', 'float', 'boolean']);
    for (const [i, l] of (d.lists as any[]).entries()) {
      const ok =
        l &&
        typeof l.container === 'string' &&
        typeof l.name === 'string' &&
        Array.isArray(l.columns) &&
        l.columns.every((c: any) => c && typeof c.name === 'string' && types.has(c.type)) &&
        l.columns.filter((c: any) => c.keyField).length === 1 &&
        Number.isInteger(l.nextKey) &&
        (Array.isArray(l.rows) || (l.generated && Number.isInteger(l.generated.rows) && typeof l.generated.base === 'string'));
      if (!ok) throw new Error(`query engine data: list #${i} is malformed`);
    }
    this.store.dropAll();
    this.counts.clear();
    this.resume.clear();
    for (const l of d.lists as any[]) {
      const list = this.store.createList(l.container, l.name, l.columns as ColumnDef[]);
      if (l.generated) this.store.fillGenerated(list, l.generated.rows, l.generated.base);
      else {
        const names = list.columns.map((c) => c.name);
        this.store.insertStored(
          list,
          (l.rows as unknown[][]).map((r) => Object.fromEntries(names.map((n, j) => [n, (r[j] ?? null) as string | number | null]))),
        );
      }
      list.nextKey = l.nextKey;
    }
  }

  close(): void {
    this.store.close();
  }
}


/**
 * One-level lookup columns (`CreatedBy/DisplayName`) for one selectRows call. The target table is
 * opened (a virtual table is copied for the call) and LEFT JOINed; the source and the target must
 * live on the same connection (list → list in one container, virtual → virtual). Unresolvable
 * field keys answer undefined, so they are dropped like unknown columns.
 */
class Lookups {
  private readonly joins: string[] = [];
  private readonly derived = new Map<string, { def: ColumnDef; expr: string }>();
  private readonly targets = new Map<string, { alias: string; byLower: Map<string, ColumnDef> } | null>();
  private readonly disposers: (() => void)[] = [];

  constructor(
    private readonly engine: Engine,
    private readonly t: OpenTable,
    private readonly user: QueryUser,
    private readonly container: string,
  ) {}

  resolve(fieldKey: string): ColumnDef | undefined {
    const parts = fieldKey.split('/');
    if (parts.length !== 2) return undefined;
    const base = this.t.columns.find((c) => c.name.toLowerCase() === parts[0]!.toLowerCase());
    if (!base?.lookup) return undefined;
    const target = this.target(base);
    if (!target) return undefined;
    const col = target.byLower.get(parts[1]!.toLowerCase());
    if (!col) return undefined;
    const name = `${base.name}/${col.name}`;
    let d = this.derived.get(name.toLowerCase());
    if (!d) {
      d = {
        def: { name, type: col.type, caption: `${base.caption ?? captionOf(base.name)} ${col.caption ?? captionOf(col.name)}` },
        expr: `${target.alias}.${q(col.name)}`,
      };
      this.derived.set(name.toLowerCase(), d);
    }
    return d.def;
  }

  private target(base: ColumnDef): { alias: string; byLower: Map<string, ColumnDef> } | undefined {
    const key = base.name.toLowerCase();
    const known = this.targets.get(key);
    if (known !== undefined) return known ?? undefined;
    const lk = base.lookup!;
    let opened: OpenTable | undefined;
    if (lk.schemaName.toLowerCase() === this.t.schemaName.toLowerCase() && lk.queryName.toLowerCase() === this.t.queryName.toLowerCase()) {
      opened = { ...this.t, dispose: () => {} }; // a self-lookup joins the table already open
    } else try {
      opened = this.engine.open(this.container, this.user, lk.schemaName, lk.queryName, () => new ActionError(404, 'x'), () => new ActionError(404, 'x'));
    } catch {
      opened = undefined;
    }
    if (opened) this.disposers.push(opened.dispose);
    const keyCol = opened?.columns.find((c) => c.name.toLowerCase() === lk.keyColumn.toLowerCase());
    if (!opened || opened.db !== this.t.db || !keyCol) {
      this.targets.set(key, null);
      return undefined;
    }
    const alias = `lk${this.targets.size + 1}`;
    this.joins.push(`LEFT JOIN ${opened.from} ${alias} ON ${alias}.${q(keyCol.name)} = base.${q(base.name)}`);
    const t = { alias, byLower: new Map(opened.columns.map((c) => [c.name.toLowerCase(), c])) };
    this.targets.set(key, t);
    return t;
  }

  /** The FROM clause: the table itself, or a subquery adding the lookup columns. */
  from(): string {
    if (!this.derived.size) return this.t.from;
    const extra = [...this.derived.values()].map((d) => `${d.expr} AS ${q(d.def.name)}`).join(', ');
    return `(SELECT base.*, ${extra} FROM ${this.t.from} base ${this.joins.join(' ')})`;
  }

  dispose(): void {
    for (const d of this.disposers) d();
  }
}

/** Create a query engine (see `index.ts`). */
export function createEngine(opts: EngineOptions = {}): QueryEngine {
  return new Engine(opts);
}
