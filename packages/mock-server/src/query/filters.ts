/**
 * URL filters (`query.<column>~<op>=<value>`) turned into an SQLite WHERE clause
 * with bound parameters. As LabKey's `SimpleFilter.addUrlFilters`: a parameter without `~` or with
 * an unknown operator is ignored; a filter on a column that does not exist is ignored with a
 * data-region message; a value that does not convert fails the request.
 * @module
 */
import { ActionError } from '../errors.js';
import { CONVERSION } from './errors.js';
import type { ColumnDef, Params } from './types.js';
import { ConversionError, nextDay, q, startOfDay, toStorage } from './values.js';

export interface WhereClause {
  /** `WHERE …` or ''. */
  sql: string;
  params: unknown[];
  /** Data-region messages (ignored filters). */
  messages: string[];
}

/** Operators understood by LabKey that the mock does not implement: ignored, with a message. */
const UNSUPPORTED = new Set([
  'memberof',
  'concept:insubtree',
  'concept:notinsubtree',
  'exp:childof',
  'exp:parentof',
  'exp:lineageof',
]);

/** Escape a LIKE pattern (with `ESCAPE '\'`). */
function like(v: string, pre: string, post: string): string {
  return pre + v.replace(/[\\%_]/g, '\\$&') + post;
}

/** Parse all filters found in `params` under `<prefix>.` (the data region, default `query`). */
export function buildWhere(
  params: Params,
  prefix: string,
  resolve: (name: string) => ColumnDef | undefined,
  searchable: ColumnDef[],
): WhereClause {
  const parts: string[] = [];
  const args: unknown[] = [];
  const messages: string[] = [];
  const p = prefix + '.';
  for (const key of Object.keys(params)) {
    if (!key.startsWith(p)) continue;
    const rest = key.slice(p.length);
    const pieces = rest.split('~');
    // Java's split drops trailing empty strings: `Name~` has no operator and is ignored.
    if (pieces.length !== 2 || pieces[1] === '') continue;
    const field = pieces[0]!;
    const op = pieces[1]!.toLowerCase();
    for (const value of params[key] ?? []) {
      if (UNSUPPORTED.has(op)) {
        messages.push(`Ignoring filter '${op}' on column '${field}': not supported by the mock server.`);
        continue;
      }
      if (op === 'q') {
        if (value === '') continue;
        const ors = searchable.map((c) => `${q(c.name)} LIKE ? ESCAPE '\\'`);
        if (!ors.length) continue;
        parts.push(`(${ors.join(' OR ')})`);
        for (let i = 0; i < ors.length; i++) args.push(like(value, '%', '%'));
        continue;
      }
      if (!KNOWN.has(op)) continue; // LabKey: unknown compare type → filter skipped
      const col = resolve(field);
      if (!col) {
        messages.push(`Ignoring filter/sort on column '${field}' because it does not exist.`);
        continue;
      }
      const clause = compile(col, op, value, args);
      if (clause) parts.push(clause);
    }
  }
  return { sql: parts.length ? 'WHERE ' + parts.join(' AND ') : '', params: args, messages };
}

const KNOWN = new Set([
  'eq',
  'neq',
  'neqornull',
  'gt',
  'gte',
  'lt',
  'lte',
  'dateeq',
  'dateneq',
  'dategt',
  'dategte',
  'datelt',
  'datelte',
  'in',
  'notin',
  'containsoneof',
  'containsnoneof',
  'between',
  'notbetween',
  'contains',
  'doesnotcontain',
  'startswith',
  'doesnotstartwith',
  'isblank',
  'isnonblank',
  'hasmvvalue',
  'nomvvalue',
]);

function convert(col: ColumnDef, raw: string): string | number {
  try {
    const v = toStorage(col, raw);
    if (v === null) throw new ConversionError('empty', col.name);
    return v;
  } catch (e) {
    if (e instanceof ConversionError) {
      throw new ActionError(400, `Could not convert "${raw}" for column "${col.name}"`, CONVERSION);
    }
    throw e;
  }
}

function dateValue(col: ColumnDef, raw: string): string {
  const v = convert({ ...col, type: 'date' }, raw);
  return String(v);
}

/** Split a `;`-separated list (LabKey also accepts newlines); empty entries mean "blank". */
function splitList(raw: string): { values: string[]; blank: boolean } {
  const values: string[] = [];
  let blank = false;
  for (const part of raw.split(/[;\n]/)) {
    const t = part.trim();
    if (t === '') blank = true;
    else values.push(t);
  }
  return { values, blank };
}

function compile(col: ColumnDef, op: string, raw: string, args: unknown[]): string | null {
  const c = q(col.name);
  const blank = col.type === 'string' ? `(${c} IS NULL OR ${c} = '')` : `${c} IS NULL`;
  const nonBlank = col.type === 'string' ? `(${c} IS NOT NULL AND ${c} <> '')` : `${c} IS NOT NULL`;
  const simple = (sqlOp: string): string | null => {
    if (raw === '') return null;
    args.push(convert(col, raw));
    return `${c} ${sqlOp} ?`;
  };
  switch (op) {
    case 'eq':
      return raw === '' ? blank : simple('=');
    case 'neq':
      return raw === '' ? nonBlank : simple('<>');
    case 'neqornull':
      if (raw === '') return nonBlank;
      args.push(convert(col, raw));
      return `(${c} <> ? OR ${c} IS NULL)`;
    case 'gt':
      return simple('>');
    case 'gte':
      return simple('>=');
    case 'lt':
      return simple('<');
    case 'lte':
      return simple('<=');
    case 'dateeq':
    case 'dateneq':
    case 'dategt':
    case 'dategte':
    case 'datelt':
    case 'datelte': {
      if (raw === '') return null;
      const d = dateValue(col, raw);
      const from = startOfDay(d);
      const to = nextDay(d);
      if (op === 'dateeq') {
        args.push(from, to);
        return `(${c} >= ? AND ${c} < ?)`;
      }
      if (op === 'dateneq') {
        args.push(from, to);
        return `(${c} < ? OR ${c} >= ?)`;
      }
      args.push(op === 'dategt' || op === 'datelte' ? to : from);
      return op === 'dategt' || op === 'dategte' ? `${c} >= ?` : `${c} < ?`;
    }
    case 'in':
    case 'notin': {
      const { values, blank: hasBlank } = splitList(raw);
      const list = values.map((v) => convert(col, v));
      const inList = list.length ? `${c} IN (${list.map(() => '?').join(', ')})` : '';
      args.push(...list);
      if (op === 'in') {
        if (!list.length) return blank;
        return hasBlank ? `(${inList} OR ${blank})` : inList;
      }
      if (!list.length) return nonBlank;
      return hasBlank ? `(${c} NOT IN (${list.map(() => '?').join(', ')}) AND ${nonBlank})` : `(${c} NOT IN (${list.map(() => '?').join(', ')}) OR ${c} IS NULL)`;
    }
    case 'containsoneof':
    case 'containsnoneof': {
      const { values } = splitList(raw);
      if (!values.length) return null;
      const ors = values.map(() => `${c} LIKE ? ESCAPE '\\'`).join(' OR ');
      for (const v of values) args.push(like(v, '%', '%'));
      return op === 'containsoneof' ? `(${ors})` : `(${c} IS NULL OR NOT (${ors}))`;
    }
    case 'between':
    case 'notbetween': {
      if (raw === '') return null;
      const bits = raw.split(',');
      if (bits.length !== 2 || bits[0]!.trim() === '' || bits[1]!.trim() === '') {
        throw new ActionError(400, `The ${op} filter on column "${col.name}" needs two values separated by a comma, got "${raw}"`, CONVERSION);
      }
      args.push(convert(col, bits[0]!.trim()), convert(col, bits[1]!.trim()));
      return op === 'between' ? `${c} BETWEEN ? AND ?` : `${c} NOT BETWEEN ? AND ?`;
    }
    case 'contains':
    case 'doesnotcontain':
    case 'startswith':
    case 'doesnotstartwith': {
      if (raw === '') return null;
      args.push(like(raw, op === 'startswith' || op === 'doesnotstartwith' ? '' : '%', '%'));
      // The negated forms also match blanks, as LabKey's do.
      return op.startsWith('doesnot') ? `(${c} IS NULL OR ${c} NOT LIKE ? ESCAPE '\\')` : `${c} LIKE ? ESCAPE '\\'`;
    }
    case 'isblank':
      return blank;
    case 'isnonblank':
      return nonBlank;
    case 'hasmvvalue':
      return '0'; // no missing-value columns exist here
    case 'nomvvalue':
      return null;
  }
  return null;
}
