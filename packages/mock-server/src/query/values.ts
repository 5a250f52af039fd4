/**
 * Value conversion between JSON input, SQLite storage and LabKey's JSON output.
 *
 * Storage: int/float as numbers, boolean as 0/1, string as text, date as text in LabKey's output
 * format `yyyy-MM-dd HH:mm:ss.SSS` (server local time, no zone). Storing dates in the output
 * format keeps them sortable and comparable as text, and lets rows leave SQLite as they are.
 * @module
 */
import type { ColumnDef, ColumnType } from './types.js';

/** A value that cannot be converted to a column's type. */
export class ConversionError extends Error {
  constructor(
    message: string,
    readonly column: string,
  ) {
    super(message);
    this.name = 'ConversionError';
  }
}

const pad2 = (n: number) => (n < 10 ? '0' : '') + n;
const pad3 = (n: number) => (n < 10 ? '00' : n < 100 ? '0' : '') + n;

/** `yyyy-MM-dd HH:mm:ss.SSS` in local time. */
export function formatDate(d: Date): string {
  return (
    `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ` +
    `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.${pad3(d.getMilliseconds())}`
  );
}

const LOCAL_RE = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?$/;
const ZONED_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Parse a date given as a `Date`, epoch milliseconds, or a string (`yyyy-MM-dd`, `yyyy/MM/dd`,
 * optionally with ` HH:mm[:ss[.SSS]]` or `T…`; ISO strings with a zone are converted to local
 * time). Returns the storage text, or undefined when it is not a date.
 */
export function parseDate(v: unknown): string | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : formatDate(v);
  if (typeof v === 'number') return Number.isFinite(v) ? formatDate(new Date(v)) : undefined;
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  const m = LOCAL_RE.exec(s);
  if (m) {
    const [, y, mo, d, h, mi, sec, frac] = m;
    const month = Number(mo);
    const day = Number(d);
    const hour = h === undefined ? 0 : Number(h);
    const minute = mi === undefined ? 0 : Number(mi);
    const second = sec === undefined ? 0 : Number(sec);
    const ms = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
    const date = new Date(Number(y), month - 1, day, hour, minute, second, ms);
    // Reject rollovers such as 2024-02-31.
    if (date.getMonth() !== month - 1 || date.getDate() !== day || hour > 23 || minute > 59 || second > 59) return undefined;
    return formatDate(date);
  }
  if (ZONED_RE.test(s)) {
    const t = Date.parse(s);
    return Number.isNaN(t) ? undefined : formatDate(new Date(t));
  }
  return undefined;
}

/** The start of the next day after a stored date text (for date-only comparisons). */
export function nextDay(stored: string): string {
  const d = new Date(Number(stored.slice(0, 4)), Number(stored.slice(5, 7)) - 1, Number(stored.slice(8, 10)) + 1);
  return formatDate(d);
}

/** The start of the day of a stored date text. */
export function startOfDay(stored: string): string {
  return `${stored.slice(0, 10)} 00:00:00.000`;
}

const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', 'on', '1']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', 'off', '0']);

const JAVA_TYPE: Record<ColumnType, string> = {
  int: 'Integer',
  float: 'Double',
  string: 'String',
  boolean: 'Boolean',
  date: 'Timestamp',
};

function javaTypeOf(v: unknown): string {
  if (typeof v === 'string') return 'String';
  if (typeof v === 'number') return Number.isInteger(v) ? 'Integer' : 'Double';
  if (typeof v === 'boolean') return 'Boolean';
  return Array.isArray(v) ? 'JSONArray' : 'JSONObject';
}

/**
 * Convert an input value (JSON from insert/update, or a filter string) to its storage form.
 * `null`, `undefined` and `''` become null. Throws {@link ConversionError}.
 */
export function toStorage(col: ColumnDef, v: unknown): string | number | null {
  if (v === null || v === undefined || v === '') return null;
  const fail = (): never => {
    throw new ConversionError(
      `Could not convert value '${typeof v === 'object' ? JSON.stringify(v) : String(v)}' (${javaTypeOf(v)}) for ${JAVA_TYPE[col.type]} field '${col.name}'`,
      col.name,
    );
  };
  switch (col.type) {
    case 'string':
      if (typeof v === 'object') return fail();
      return String(v);
    case 'int': {
      if (typeof v === 'number') return Number.isInteger(v) ? v : fail();
      if (typeof v === 'string' && /^\s*[-+]?\d+\s*$/.test(v)) {
        const n = Number(v);
        return Number.isSafeInteger(n) ? n : fail();
      }
      return fail();
    }
    case 'float': {
      if (typeof v === 'number') return Number.isFinite(v) ? v : fail();
      if (typeof v === 'string' && v.trim() !== '') {
        const n = Number(v);
        return Number.isFinite(n) ? n : fail();
      }
      return fail();
    }
    case 'boolean': {
      if (typeof v === 'boolean') return v ? 1 : 0;
      if (typeof v === 'number') return v === 0 ? 0 : v === 1 ? 1 : fail();
      if (typeof v === 'string') {
        const w = v.trim().toLowerCase();
        if (TRUE_WORDS.has(w)) return 1;
        if (FALSE_WORDS.has(w)) return 0;
      }
      return fail();
    }
    case 'date': {
      const d = parseDate(v);
      return d === undefined ? fail() : d;
    }
  }
}

/** SQLite declared type for each column type; executeSql maps declared types back. */
export const DECLARED: Record<ColumnType, string> = {
  int: 'INTEGER',
  float: 'REAL',
  string: 'TEXT',
  boolean: 'BOOLEAN',
  date: 'DATETIME',
};

/** Map a SQLite declared type (from `Statement.columns()`) to a column type, or undefined. */
export function typeFromDeclared(decl: string | null): ColumnType | undefined {
  if (!decl) return undefined;
  const d = decl.toUpperCase();
  if (d === 'BOOLEAN') return 'boolean';
  if (d === 'DATETIME' || d === 'TIMESTAMP' || d === 'DATE') return 'date';
  if (d.includes('INT')) return 'int';
  if (d.includes('REAL') || d.includes('FLOA') || d.includes('DOUB') || d.includes('NUM') || d.includes('DEC')) return 'float';
  if (d.includes('CHAR') || d.includes('TEXT') || d.includes('CLOB')) return 'string';
  return undefined;
}

const DATE_TEXT = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/;

/** Guess a column type from values (for expression columns of executeSql). */
export function inferType(values: Iterable<unknown>): ColumnType {
  let sawInt = false;
  let sawFloat = false;
  let sawString = false;
  let allDates = true;
  let any = false;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    any = true;
    if (typeof v === 'number' || typeof v === 'bigint') {
      if (typeof v === 'number' && !Number.isInteger(v)) sawFloat = true;
      else sawInt = true;
      allDates = false;
    } else {
      sawString = true;
      if (typeof v !== 'string' || !DATE_TEXT.test(v)) allDates = false;
    }
  }
  if (!any) return 'string';
  if (sawString) return allDates && !sawInt && !sawFloat ? 'date' : 'string';
  return sawFloat ? 'float' : 'int';
}

/** `CreatedBy` → `Created By`, `userId` → `User Id`, `Key` → `Key`. */
export function captionFor(name: string): string {
  const spaced = name
    .replace(/_/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .trim();
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** Double-quote an SQL identifier. */
export function q(id: string): string {
  return `"${id.replace(/"/g, '""')}"`;
}

/** A JSON object (not null, not an array). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
