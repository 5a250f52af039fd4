/**
 * executeSql helpers: WAF decoding, the SELECT-only check and SQLite errors turned into
 * LabKey's QueryParseException.
 * @module
 */
import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
import { ActionError, ILLEGAL_ARGUMENT_EXCEPTION } from '../errors.js';
import { QUERY_PARSE } from './errors.js';
import type { QueryUser } from './types.js';
import { formatDate, parseDate } from './values.js';

export const WAF_PREFIX = '/*{{base64/x-www-form-urlencoded/wafText}}*/';

/**
 * Decode a WAF-encoded value (`/*{{base64/x-www-form-urlencoded/wafText}}*\/` + base64 of the
 * URL-encoded text). Values without the prefix pass through. Anything but `[A-Za-z0-9+/=]` after
 * the prefix, or a payload that does not URL-decode, is "Bad parameter encoding".
 */
export function wafDecode(value: string): string {
  if (!value.startsWith(WAF_PREFIX)) return value;
  const payload = value.slice(WAF_PREFIX.length).trim();
  if (!/^[A-Za-z0-9+/=]*$/.test(payload)) throw new ActionError(500, 'Bad parameter encoding', ILLEGAL_ARGUMENT_EXCEPTION);
  const urlEncoded = Buffer.from(payload, 'base64').toString('utf8');
  try {
    // java.net.URLDecoder semantics: '+' is a space.
    return decodeURIComponent(urlEncoded.replace(/\+/g, ' '));
  } catch {
    throw new ActionError(500, 'Bad parameter encoding', ILLEGAL_ARGUMENT_EXCEPTION);
  }
}

/** A QueryParseException (500, `org.labkey.api.query.QueryParseException`). */
export function parseError(message: string): ActionError {
  return new ActionError(500, message, QUERY_PARSE);
}

/** Skip whitespace and comments; return the first word (upper-cased) or the first character. */
function firstToken(sql: string): string {
  let i = 0;
  for (;;) {
    while (i < sql.length && /\s/.test(sql[i]!)) i++;
    if (sql.startsWith('--', i)) {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? sql.length : nl + 1;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else break;
  }
  const m = /^[A-Za-z_]+/.exec(sql.slice(i));
  return m ? m[0].toUpperCase() : sql.slice(i, i + 1);
}

/** Remove trailing semicolons and whitespace (LabKey accepts `SELECT …;`). */
export function trimSql(sql: string): string {
  return sql.replace(/[\s;]+$/, '');
}

/** Map a SQLite error to LabKey's parse-error wording. */
export function sqliteToParseError(e: unknown): ActionError {
  // Duck-typed: under jest, better-sqlite3's SqliteError may come from another realm's Error.
  const m0 = (e as { message?: unknown } | null)?.message;
  const msg = typeof m0 === 'string' ? m0 : String(e);
  let m: RegExpExecArray | null;
  if ((m = /^no such table: (.+)$/.exec(msg))) return parseError(`Query or table not found: ${m[1]}`);
  if ((m = /^no such column: (.+)$/.exec(msg))) return parseError(`Unknown field [${m[1]}]`);
  if ((m = /^near "(.*)": syntax error$/s.exec(msg))) return parseError(`Syntax error near '${m[1]}'`);
  if (/incomplete input/.test(msg)) return parseError('Syntax error: unexpected end of input');
  if (/more than one statement/.test(msg)) return parseError('Syntax error: only one statement is allowed');
  return parseError(msg);
}

/**
 * Check that `sql` is one read-only SELECT (or WITH … SELECT) and that it compiles on `db`.
 * Anything else is refused as a parse error, as LabKey's SQL parser would.
 */
export function checkSelect(db: Database.Database, sql: string): Database.Statement {
  const first = firstToken(sql);
  if (first !== 'SELECT' && first !== 'WITH' && first !== '(') {
    throw parseError(first === '' ? 'Syntax error: empty SQL' : `Syntax error near '${first}': only SELECT statements are allowed`);
  }
  let stmt: Database.Statement;
  try {
    stmt = db.prepare(sql);
  } catch (e) {
    throw sqliteToParseError(e);
  }
  if (!stmt.reader || !stmt.readonly) throw parseError(`Syntax error near '${first}': only SELECT statements are allowed`);
  return stmt;
}

/** What LabKey SQL functions read: the engine clock and the calling user. */
export interface SqlContext {
  now: () => Date;
  user: QueryUser | undefined;
}

/**
 * Add the LabKey SQL functions that SQLite lacks, so common LabKey SQL runs unchanged:
 * NOW(), CURDATE(), YEAR/MONTH/DAYOFMONTH/HOUR/MINUTE(d), LCASE/UCASE(s), LEFT/RIGHT(s, n),
 * USERID(), USERNAME(), ISEQUAL(a, b). (CONCAT, IFNULL, COALESCE, SUBSTRING, ROUND… are built in.)
 */
/** Largest blob zeroblob() and randomblob() make (16 MiB). */
export const MAX_SQL_BLOB_BYTES = 16 * 1024 * 1024;

export function addLabKeyFunctions(db: Database.Database, ctx: SqlContext): void {
  const datePart = (start: number, end: number) => (v: unknown) => {
    const d = v === null || v === undefined ? undefined : parseDate(typeof v === 'number' ? v : String(v));
    return d === undefined ? null : Number(d.slice(start, end));
  };
  db.function('NOW', { deterministic: false }, () => formatDate(ctx.now()));
  db.function('CURDATE', { deterministic: false }, () => `${formatDate(ctx.now()).slice(0, 10)} 00:00:00.000`);
  db.function('YEAR', { deterministic: true }, datePart(0, 4));
  db.function('MONTH', { deterministic: true }, datePart(5, 7));
  db.function('DAYOFMONTH', { deterministic: true }, datePart(8, 10));
  db.function('HOUR', { deterministic: true }, datePart(11, 13));
  db.function('MINUTE', { deterministic: true }, datePart(14, 16));
  db.function('LCASE', { deterministic: true }, (v: unknown) => (v === null ? null : String(v).toLowerCase()));
  db.function('UCASE', { deterministic: true }, (v: unknown) => (v === null ? null : String(v).toUpperCase()));
  db.function('LEFT', { deterministic: true }, (v: unknown, n: unknown) => (v === null ? null : String(v).slice(0, Math.max(0, Number(n)))));
  db.function('RIGHT', { deterministic: true }, (v: unknown, n: unknown) => {
    if (v === null) return null;
    const s = String(v);
    const k = Math.max(0, Number(n));
    return k === 0 ? '' : s.slice(-k);
  });
  db.function('USERID', { deterministic: false }, () => (ctx.user && !ctx.user.guest ? ctx.user.id : null));
  db.function('USERNAME', { deterministic: false }, () => (ctx.user && !ctx.user.guest ? ctx.user.displayName : null));
  // SQLite's own zeroblob(N) and randomblob(N) allocate N bytes at once (zeroblob(3e8) aborted
  // the process): these stand-ins refuse past MAX_SQL_BLOB_BYTES.
  const blob = (name: string, fill: (n: number) => Buffer) => (n: unknown) => {
    const size = Math.max(0, Math.trunc(Number(n) || 0));
    if (size > MAX_SQL_BLOB_BYTES) throw new RangeError(`${name}(${size}) is larger than ${MAX_SQL_BLOB_BYTES} bytes`);
    return fill(size);
  };
  db.function('zeroblob', { deterministic: true }, blob('zeroblob', (n) => Buffer.alloc(n)));
  db.function('randomblob', { deterministic: false }, blob('randomblob', (n) => randomBytes(Math.max(1, n))));
  db.function('ISEQUAL', { deterministic: true }, (a: unknown, b: unknown) => ((a === null && b === null) || a === b ? 1 : 0));
}
