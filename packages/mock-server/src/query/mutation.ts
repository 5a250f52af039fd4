/**
 * insertRows, updateRows, deleteRows and saveRows. Lists take all three commands (in a
 * transaction unless `transacted: false`); a virtual table takes only delete, through its own
 * `deleteRows`. From apiVersion 13.2 on, row validation errors come back in a 200 answer.
 * @module
 */
import { ActionError } from '../errors.js';
import { visibleTable, type Catalog } from './catalog.js';
import { DUPLICATE_KEY, illegal, notFound, ValidationFailure, type BatchJson, type FieldError, type RowError } from './errors.js';
import { parseApiVersion, plainRows } from './format.js';
import { beforeWrite, cachedPrepare, type ListDef } from './store.js';
import type { ApiResult, ColumnDef, QueryUser, WriteRequest } from './types.js';
import { ConversionError, isRecord, q, toStorage } from './values.js';

export type Command = 'insert' | 'update' | 'delete';

/** The answer to one command; `errors` only for row validation errors from apiVersion 13.2 on. */
interface CommandResult {
  status: 200;
  body: {
    schemaName: string;
    queryName: string;
    command: Command;
    containerPath: string;
    rows: unknown[];
    rowsAffected: number;
    errors?: BatchJson;
  };
}

/** How one command writes a list. */
interface WriteMode {
  queryName: string;
  /** false: each statement on its own, as `transacted: false` asks. */
  transacted: boolean;
}

/**
 * What every row command reads first, in LabKey's order (`BaseSaveRowsAction.executeJson`): a
 * JSON body, a non-empty `rows` array (400s), then `schemaName` and `queryName` (500s).
 */
export function commandHeader(body: unknown): { body: Record<string, unknown>; rows: unknown[]; schemaName: string; queryName: string } {
  if (!isRecord(body)) throw ValidationFailure.spring('Empty request');
  const rows = body.rows;
  if (!Array.isArray(rows) || rows.length === 0) throw ValidationFailure.spring("No 'rows' array supplied.");
  const schemaName = body.schemaName;
  const queryName = body.queryName;
  if (typeof schemaName !== 'string' || schemaName === '') throw new ActionError(500, 'JSONObject["schemaName"] not found.', 'org.json.JSONException');
  if (typeof queryName !== 'string' || queryName === '') throw new ActionError(500, 'JSONObject["queryName"] not found.', 'org.json.JSONException');
  return { body, rows, schemaName, queryName };
}

/** One command of insert/update/delete (also used by saveRows). */
export function mutate(catalog: Catalog, command: Command, input: unknown, container: string, user: QueryUser): CommandResult {
  const { body, rows, schemaName, queryName } = commandHeader(input);
  const apiVersion = parseApiVersion(body.apiVersion === undefined ? undefined : String(body.apiVersion));
  const noSchema = () => illegal(`The schema '${schemaName}' does not exist.`);
  const noQuery = () => illegal(`The query '${queryName}' in the schema '${schemaName}' does not exist.`);
  const notUpdatable = () => illegal(`The query '${queryName}' in the schema '${schemaName}' is not updatable via the HTTP-based APIs.`);
  if (!catalog.schemaExists(schemaName)) throw noSchema();

  const respond = (outRows: unknown[]): CommandResult => ({
    status: 200,
    body: { schemaName, queryName, command, containerPath: container, rows: outRows, rowsAffected: rows.length },
  });

  try {
    if (!catalog.isLists(schemaName)) {
      const vs = catalog.virtualSchema(schemaName)!;
      const entry = visibleTable(vs, container, user, queryName, noQuery);
      if (command !== 'delete' || !entry.vt.deleteRows) throw notUpdatable();
      const pks = entry.vt.columns.filter((c) => c.keyField);
      if (!pks.length) throw illegal(`The table '${vs.name}.${entry.name}' cannot be updated because it has no primary key defined!`);
      const keys = keyRows(rows, pks, schemaName, queryName);
      entry.vt.deleteRows(user, keys);
      return respond(rows);
    }
    const list = catalog.store.list(container, queryName);
    if (!list) throw noQuery();
    const mode: WriteMode = { queryName, transacted: body.transacted !== false };
    const result = command === 'insert' ? insertList(list, rows, mode) : command === 'update' ? updateList(list, rows, mode) : deleteList(list, rows, mode);
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

/** saveRows' command names. */
const COMMANDS: Record<string, Command> = {
  insert: 'insert',
  insertwithkeys: 'insert',
  update: 'update',
  updatechangingkeys: 'update',
  delete: 'delete',
};

/**
 * saveRows: several commands, all or nothing (one transaction over the container's lists unless
 * `transacted: false`); `validateOnly`, or any row error, rolls everything back.
 */
export function saveRows(catalog: Catalog, req: WriteRequest): ApiResult {
  const body = isRecord(req.body) ? req.body : {};
  const commands = body.commands;
  if (!Array.isArray(commands) || commands.length === 0) throw notFound('Empty request');
  const validateOnly = body.validateOnly === true;
  const conn = catalog.store.conn(req.container, true)!;
  const results: unknown[] = [];
  let errorCount = 0;
  const ROLLBACK = Symbol('rollback');
  const run = () => {
    for (const item of commands) {
      const cmd = isRecord(item) ? item : {};
      const name = String(cmd.command ?? '').toLowerCase();
      const command = COMMANDS[name];
      if (!command) throw illegal(`Unknown command '${cmd.command}'`);
      // insertWithKeys / updateChangingKeys rows are {oldKeys, values}: the values win.
      const rows =
        Array.isArray(cmd.rows) && (name === 'insertwithkeys' || name === 'updatechangingkeys')
          ? cmd.rows.map((r: unknown) => (isRecord(r) ? Object.assign({}, r.oldKeys ?? {}, r.values ?? {}) : {}))
          : cmd.rows;
      const res = mutate(catalog, command, { apiVersion: body.apiVersion, ...cmd, rows, transacted: true }, req.container, req.user);
      results.push(res.body);
      // apiVersion >= 13.2 reports row errors in the result instead of failing.
      if (res.body.errors) errorCount += res.body.errors.errorCount;
    }
    if (validateOnly || errorCount > 0) throw ROLLBACK;
  };
  try {
    if (body.transacted === false && !validateOnly) run();
    else conn.db.transaction(run)();
  } catch (e) {
    if (e !== ROLLBACK) throw e;
  }
  return { status: 200, body: { result: results, committed: !validateOnly && errorCount === 0, errorCount } };
}

/** Key objects (canonical column names, storage values) for update/delete; missing keys fail. */
function keyRows(rows: unknown[], pks: ColumnDef[], schemaName: string, queryName: string): Record<string, unknown>[] {
  const errors: RowError[] = [];
  const out = rows.map((row, i) => {
    const r: object = row && typeof row === 'object' ? row : {};
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
function convertRows(list: ListDef, rows: unknown[], queryName: string): Record<string, string | number | null>[] {
  const byLower = new Map(list.columns.map((c) => [c.name.toLowerCase(), c]));
  const errors: RowError[] = [];
  const out = rows.map((row, i) => {
    const converted: Record<string, string | number | null> = {};
    if (!isRecord(row)) {
      errors.push({ rowNumber: i + 1, errors: [{ message: `Row ${i + 1} is not an object` }] });
      return converted;
    }
    const errs: FieldError[] = [];
    for (const [k, v] of Object.entries(row)) {
      const col = byLower.get(k.toLowerCase());
      if (!col) continue;
      try {
        converted[col.name] = toStorage(col, v);
      } catch (e) {
        if (!(e instanceof ConversionError)) throw e;
        errs.push({ field: col.name, id: col.name, message: e.message });
      }
    }
    if (errs.length) errors.push({ rowNumber: i + 1, row, errors: errs });
    return converted;
  });
  if (errors.length) throw ValidationFailure.batch(errors, 'lists', queryName);
  return out;
}

/** A list's rows changed: cached counts and pages of it no longer apply, nor its generated recipe. */
function touch(list: ListDef): void {
  list.version++;
  list.generated = null;
}

/** The rows with these keys, as stored now. */
function reselect(list: ListDef, keys: (string | number)[]): Record<string, unknown>[] {
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

function write(list: ListDef, mode: WriteMode, fn: () => void): void {
  beforeWrite(list.conn);
  if (!mode.transacted) fn();
  else list.conn.db.transaction(fn)();
}

function insertList(list: ListDef, rows: unknown[], mode: WriteMode): Record<string, unknown>[] {
  const converted = convertRows(list, rows, mode.queryName);
  const pk = list.pk;
  const cols = list.columns;
  const insert = cachedPrepare(
    list.conn.db,
    list.conn.stmts,
    `INSERT INTO lists.${q(list.name)} (${cols.map((c) => q(c.name)).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
  );
  const keys: (string | number)[] = [];
  write(list, mode, () => {
    for (const r of converted) {
      let key = r[pk.name];
      if (key === null || key === undefined) {
        if (pk.type !== 'int') {
          throw ValidationFailure.batch(
            [{ rowNumber: keys.length + 1, errors: [{ field: pk.name, id: pk.name, message: `Value must be supplied for key field '${pk.name}'` }] }],
            'lists',
            mode.queryName,
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
    touch(list);
  });
  return reselect(list, keys);
}

/** The key of each row as stored (update and delete find rows by it). */
function listKeys(list: ListDef, rows: unknown[], mode: WriteMode): (string | number)[] {
  return keyRows(rows, [list.pk], 'lists', mode.queryName).map((k) => k[list.pk.name] as string | number);
}

function updateList(list: ListDef, rows: unknown[], mode: WriteMode): Record<string, unknown>[] {
  const keys = listKeys(list, rows, mode);
  const converted = convertRows(list, rows, mode.queryName);
  const exists = cachedPrepare(list.conn.db, list.conn.stmts, `SELECT 1 FROM lists.${q(list.name)} WHERE ${q(list.pk.name)} = ?`);
  write(list, mode, () => {
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
    touch(list);
  });
  return reselect(list, keys);
}

function deleteList(list: ListDef, rows: unknown[], mode: WriteMode): unknown[] {
  const keys = listKeys(list, rows, mode);
  const del = cachedPrepare(list.conn.db, list.conn.stmts, `DELETE FROM lists.${q(list.name)} WHERE ${q(list.pk.name)} = ?`);
  write(list, mode, () => {
    for (const k of keys) del.run(k);
    touch(list);
  });
  // Delete answers with the rows it was given.
  return rows;
}
