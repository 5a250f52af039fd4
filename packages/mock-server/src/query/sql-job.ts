/**
 * One executeSql statement as the SQL runner process runs it (see sql-process.ts): what the mock
 * sends, what the runner answers, and {@link runJob}, the part that touches the caller's SQL.
 * @module
 */
import type Database from 'better-sqlite3';
import { ActionError } from '../errors.js';
import { buildWhere } from './filters.js';
import { rowCountOf, type Paging } from './read.js';
import { checkSelect, sqliteToParseError } from './sql.js';
import { cachedPrepare } from './store.js';
import type { ColumnDef, Params, QueryUser } from './types.js';
import { inferType, q, typeFromDeclared } from './values.js';

/**
 * The database a statement runs on: the schema `schema` attached from an image of it (a SQLite
 * file's bytes). `key` names the copy the runner keeps; `version` changes whenever the data does,
 * and `image` is sent only when the runner does not hold that version.
 */
export interface JobTarget {
  key: string;
  version: string;
  schema: string;
  /** Kept for later statements (lists); a caller's copy of a virtual schema never is. */
  keep: boolean;
  image?: Uint8Array;
}

/**
 * selectRows on a query saved in the session: the statement is the query's source, and the
 * request's columns and URL filters apply to its result as to a table's columns.
 */
export interface SqlView {
  /** The data region (`query`): filters are `<region>.<column>~<op>`. */
  region: string;
  /** `<region>.columns`, split and trimmed: unknown names are dropped; none means every column. */
  columns: string[];
  /** The request's `<region>.…~…` parameters (the filters). */
  filters: Params;
}

/** What the mock sends the runner for one statement. */
export interface SqlJob {
  id: number;
  target: JobTarget;
  /** The caller's statement (decoded and trimmed; a PARAMETERS clause removed, its references `@lkp_<i>`). */
  sql: string;
  /** Values of the statement's `@lkp_<i>` placeholders. */
  values: Record<string, number | string | null>;
  /** A parameter that failed to bind: raised once the statement has compiled, as LabKey binds after parsing. */
  bindError: { status: number; message: string; exceptionClass: string } | undefined;
  /** Raw `query.sort` values. */
  sort: string[];
  /** Set for selectRows on a session query (columns and filters); executeSql has none. */
  view?: SqlView;
  paging: Paging;
  includeTotal: boolean;
  /** The total count when the mock has it cached for this statement and data. */
  knownCount: number | undefined;
  /** For USERID() and USERNAME(). */
  user: QueryUser;
  /** The mock clock when the statement was sent (ms), NOW() and CURDATE() through the statement, as on PostgreSQL. */
  nowMs: number;
  rowCap: number;
  countCap: number;
  resultCapBytes: number;
}

/** What the statement gave. */
export interface SqlRows {
  names: string[];
  /** Each column's declared SQLite type (null for an expression). */
  declared: (string | null)[];
  rows: unknown[][] | undefined;
  rowCount: number | undefined;
  /** The total count, when it was computed for this answer (the mock caches it). */
  counted: number | undefined;
  sort: { field: string; direction: 'ASC' | 'DESC' }[];
  /** Data-region messages (filters and sorts on columns the result lacks; views only). */
  messages: string[];
}

/**
 * The runner's answer: rows, an error as LabKey reports it, or "send the image of this target".
 * A long answer's rows come first in parts (each a few thousand rows at most), so the mock reads
 * them a bit at a time while the statement still runs; the final answer's rows follow them.
 */
export type SqlReply =
  | { id: number; part: unknown[][] }
  | ({ id: number; ok: true } & SqlRows)
  | { id: number; ok: false; status: number; message: string; exceptionClass: string }
  | { id: number; needImage: true };

/** Bytes a value takes in the answer, roughly (strings and blobs by length). */
function valueBytes(v: unknown): number {
  if (typeof v === 'string') return v.length;
  if (v instanceof Uint8Array) return v.length * 2;
  return 8;
}

/** A part of the rows goes to the mock once it holds this many rows or bytes of values. */
const PART_ROWS = 4096;
const PART_BYTES = 1024 * 1024;

/**
 * The rows of `it`, handed to `emit` in parts, stopped with a 500 when their values pass the size
 * cap (a result costs bounded memory). Returns the rows not yet emitted and how many there were in all.
 */
function collectRows(it: IterableIterator<unknown[]>, resultCapBytes: number, emit: (part: unknown[][]) => void): { tail: unknown[][]; total: number } {
  let part: unknown[][] = [];
  let total = 0;
  let bytes = 0;
  let partStart = 0;
  for (const row of it) {
    part.push(row);
    total++;
    for (const v of row) bytes += valueBytes(v);
    if (bytes > resultCapBytes) {
      throw new ActionError(500, `The query's result is larger than ${resultCapBytes} bytes; select fewer rows or columns.`, 'java.lang.IllegalStateException');
    }
    if (part.length >= PART_ROWS || bytes - partStart >= PART_BYTES) {
      emit(part);
      part = [];
      partStart = bytes;
    }
  }
  return { tail: part, total };
}

/**
 * Run `job.sql` on `db` (the target attached): the SELECT-only check, query.sort over the result
 * columns, the page (or all rows up to the row cap), and the total count when the answer needs one.
 * Rows go to `emit` in parts as they come; the answer's `rows` are the rest. SQLite errors become
 * LabKey's parse errors. The time cap is the mock's: it kills the runner.
 */
export function runJob(db: Database.Database, stmts: Map<string, Database.Statement>, job: SqlJob, emit: (part: unknown[][]) => void): SqlRows {
  const { sql, paging } = job;
  const prep = (s: string) => {
    try {
      return cachedPrepare(db, stmts, s);
    } catch (e) {
      throw sqliteToParseError(e);
    }
  };
  const run = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof ActionError) throw e;
      throw sqliteToParseError(e);
    }
  };
  checkSelect(db, sql);
  const source = `(\n${sql}\n)`;
  let inner = `SELECT * FROM ${source}`;
  let base = prep(inner);
  // Metadata only (maxRows=0) reads no rows, so nothing is bound and a bad or missing value goes unnoticed.
  if (job.bindError && !paging.metadataOnly) throw new ActionError(job.bindError.status, job.bindError.message, job.bindError.exceptionClass);
  // Named values go first; better-sqlite3 binds the anonymous values (filters, LIMIT/OFFSET) after them.
  const named = Object.keys(job.values).length ? [job.values] : [];
  const messages: string[] = [];
  let where = '';
  let whereArgs: unknown[] = [];
  // Every column of the result, by lower-case name (what sorts and filters resolve against).
  const all = base.columns().map((c) => ({ name: c.name, declared: c.type }));
  const byLower = new Map(all.map((c) => [c.name.toLowerCase(), c.name]));
  if (job.view) {
    const view = job.view;
    // A column's type from its declaration; an expression's from its first value (only when a filter needs it).
    const types = new Map<string, ColumnDef>();
    const def = (name: string): ColumnDef => {
      let d = types.get(name);
      if (!d) {
        const declared = typeFromDeclared(all.find((c) => c.name === name)!.declared ?? null);
        // Metadata only binds nothing (a missing PARAMETERS value must not fail it): no sample, text.
        const sample = (): unknown[][] =>
          paging.metadataOnly ? [] : run(() => prep(`SELECT ${q(name)} FROM ${source} WHERE ${q(name)} IS NOT NULL LIMIT 1`).raw(true).all(...named) as unknown[][]);
        d = { name, type: declared ?? inferType(sample().map((r) => r[0])) };
        types.set(name, d);
      }
      return d;
    };
    const resolve = (n: string): ColumnDef | undefined => {
      const name = byLower.get(n.trim().toLowerCase());
      return name === undefined ? undefined : def(name);
    };
    const picked: string[] = [];
    for (const n of view.columns) {
      const names = n === '*' ? all.map((c) => c.name) : [byLower.get(n.toLowerCase())].filter((x): x is string => x !== undefined);
      for (const name of names) if (!picked.includes(name)) picked.push(name);
    }
    // `q` (search every column) needs no types: a LIKE matches text whatever the column holds.
    const w = buildWhere(view.filters, view.region, resolve, all.map((c) => ({ name: c.name, type: 'string' })));
    messages.push(...w.messages);
    where = w.sql ? ` ${w.sql}` : '';
    whereArgs = w.params;
    inner = `SELECT ${(picked.length ? picked : all.map((c) => c.name)).map(q).join(', ')} FROM ${source}${where}`;
    base = prep(inner);
  }
  const names = base.columns().map((c) => c.name);
  const declared = base.columns().map((c) => c.type);

  const sort: { field: string; direction: 'ASC' | 'DESC' }[] = [];
  for (const raw of job.sort.flatMap((v) => v.split(','))) {
    let s = raw.trim();
    if (!s) continue;
    let dir: 'ASC' | 'DESC' = 'ASC';
    if (s.startsWith('-')) (dir = 'DESC'), (s = s.slice(1));
    else if (job.view && s.startsWith('+')) s = s.slice(1);
    const n = byLower.get(s.toLowerCase());
    if (!n) {
      if (job.view) messages.push(`Ignoring filter/sort on column '${s}' because it does not exist.`);
      continue;
    }
    if (!sort.some((x) => x.field === n)) sort.push({ field: n, direction: dir });
  }
  const orderBy = sort.length ? ` ORDER BY ${sort.map((s) => `${q(s.field)} ${s.direction}`).join(', ')}` : '';

  let rows: unknown[][] | undefined;
  let total = 0;
  if (!paging.metadataOnly) {
    const stmt = prep(`${inner}${orderBy} LIMIT ? OFFSET ?`).raw(true);
    // Caller SQL may never end (a recursive CTE): "all rows" stops at a cap instead of hanging.
    ({ tail: rows, total } = run(() => collectRows(stmt.iterate(...named, ...whereArgs, paging.limit ?? job.rowCap + 1, paging.offset) as IterableIterator<unknown[]>, job.resultCapBytes, emit)));
    if (paging.limit === null && total > job.rowCap) {
      throw new ActionError(500, `The query returned more than ${job.rowCap} rows; use maxRows and offset to page through it.`, 'java.lang.IllegalStateException');
    }
  }
  let counted: number | undefined;
  const rowCount = rowCountOf(paging, total, job.includeTotal, () => {
    if (job.knownCount !== undefined) return job.knownCount;
    counted = run(() => (prep(`SELECT COUNT(*) FROM (SELECT 1 FROM ${source}${where} LIMIT ${job.countCap})`).raw(true).get(...named, ...whereArgs) as [number])[0]);
    return counted;
  });
  return { names, declared, rows, rowCount, counted, sort, messages };
}
