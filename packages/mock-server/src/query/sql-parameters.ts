/**
 * LabKey SQL's `PARAMETERS (name TYPE [DEFAULT constant], …)` clause for executeSql, with values
 * from `query.param.<name>`, as LabKey's parser and binder do it:
 *
 * - **Declarations** (`SqlBase.g` rules `parameters`/`declaration`, `SqlParser.convertParameter`):
 *   the clause comes first, before any WITH. A name is an identifier (plain or "quoted"); a type
 *   is one of LabKey's SQL types, optionally with a size (`VARCHAR(50)`); `DEFAULT` takes an
 *   unsigned number, a 'string', TRUE, FALSE, NULL, `{d '…'}` or `{ts '…'}`. A word that is no SQL
 *   type is a syntax error; a SQL type a parameter cannot have (DATE, TIME, BOOLEAN, SQL_…) is
 *   "Parameter type is not supported: X"; a default that does not convert to the type fails the
 *   parse as "Unexpected exception". All are QueryParseExceptions (500), like other parse errors.
 * - **References**: an unqualified name in the statement is the parameter, even where a column has
 *   the same name (`QuerySelect.resolveParameter` is tried before the columns); `t.Name`, a
 *   function name, an alias after AS and a table after FROM/JOIN are not references.
 * - **Binding** (`QueryServiceImpl.bindNamedParameters`, `validateNamedParameters`), only for the
 *   parameters the statement uses: names match case-insensitively; an empty value is NULL; a value
 *   that does not convert is `SQLException` "Could not convert value 'v' (String) for Integer field
 *   'P'"; a parameter with no value and no default is `QueryService$NamedParameterNotProvided`
 *   "Parameter not provided: P". Both happen while the answer is written, so they come back with
 *   the response writer's default error status, 400, and only once the statement has parsed.
 * @module
 */
import { ActionError } from '../errors.js';
import { parseError } from './sql.js';
import type { Params } from './types.js';
import { parseDate } from './values.js';

/** The types a parameter may have (LabKey's `ParameterType`), with the Java class its values convert to. */
const PARAMETER_TYPES = {
  BIGINT: 'Long',
  BIT: 'Boolean',
  CHAR: 'String',
  DECIMAL: 'BigDecimal',
  DOUBLE: 'Double',
  FLOAT: 'Double',
  INTEGER: 'Integer',
  LONGVARCHAR: 'String',
  NUMERIC: 'BigDecimal',
  REAL: 'Float',
  SMALLINT: 'Short',
  TIMESTAMP: 'Timestamp',
  TINYINT: 'Short',
  VARCHAR: 'String',
} as const;
type ParamType = keyof typeof PARAMETER_TYPES;

/** Every SQL type name the grammar accepts (`ConvertType`, with an optional `SQL_` prefix). */
const SQL_TYPES = new Set([
  ...Object.keys(PARAMETER_TYPES),
  'BINARY',
  'BOOLEAN',
  'GUID',
  'INTERVAL_MONTH',
  'INTERVAL_YEAR',
  'INTERVAL_DAY',
  'INTERVAL_HOUR',
  'INTERVAL_MINUTE',
  'INTERVAL_SECOND',
  'LONGVARBINARY',
  'DATE',
  'TIME',
  'VARBINARY',
]);

export const NAMED_PARAMETER_NOT_PROVIDED = 'org.labkey.api.query.QueryService$NamedParameterNotProvided';
export const SQL_EXCEPTION = 'java.sql.SQLException';

/** A declared parameter. `fallback` is the converted default (null for DEFAULT NULL); `required` when there is no DEFAULT. */
export interface ParamDecl {
  name: string;
  type: ParamType;
  required: boolean;
  fallback: BoundValue;
}

/** A value as bound in SQLite: numbers, text (strings, timestamps, BIGINTs past 2^53), 0/1, or NULL. */
export type BoundValue = number | string | null;

/** What executeSql runs: the statement with references replaced by placeholders, and how to bind them. */
export interface ParameterizedSql {
  /** The statement after the clause; each reference is `CAST(@lkp_<i> AS <type>)`. */
  sql: string;
  decls: ParamDecl[];
  /** Indexes into `decls`, one per reference, in the order they appear. */
  refs: number[];
}

interface Token {
  kind: 'word' | 'qident' | 'string' | 'number' | 'punct' | 'eof';
  /** As written (quotes included). */
  text: string;
  /** Unquoted value of a string or quoted identifier. */
  value: string;
  start: number;
  end: number;
  line: number;
}

const WORD_START = /[A-Za-z_$\u0080-\ufffe]/;
const WORD_PART = /[A-Za-z0-9_$\u0080-\ufffe]/;
const NUMBER = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdDlL]?/;

/** LabKey SQL tokens, comments and whitespace skipped. Lenient: an unclosed quote or comment runs to the end. */
function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  const advance = (to: number) => {
    for (let k = i; k < to; k++) if (sql[k] === '\n') line++;
    i = to;
  };
  const quoted = (q: string): number => {
    let k = i + 1;
    for (;;) {
      const e = sql.indexOf(q, k);
      if (e < 0) return sql.length;
      if (sql[e + 1] === q) k = e + 2;
      else return e + 1;
    }
  };
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      advance(i + 1);
      continue;
    }
    if (sql.startsWith('--', i)) {
      const nl = sql.indexOf('\n', i);
      advance(nl < 0 ? sql.length : nl);
      continue;
    }
    if (sql.startsWith('/*', i)) {
      const e = sql.indexOf('*/', i + 2);
      advance(e < 0 ? sql.length : e + 2);
      continue;
    }
    const start = i;
    const startLine = line;
    let kind: Token['kind'];
    let end: number;
    let m: RegExpExecArray | null;
    if (c === "'" || c === '"') {
      kind = c === "'" ? 'string' : 'qident';
      end = quoted(c);
    } else if (WORD_START.test(c)) {
      kind = 'word';
      end = i + 1;
      while (end < sql.length && WORD_PART.test(sql[end]!)) end++;
    } else if ((m = NUMBER.exec(sql.slice(i, i + 400)))) {
      kind = 'number';
      end = i + m[0].length;
    } else {
      kind = 'punct';
      end = i + 1;
    }
    const text = sql.slice(start, end);
    const q = text[0];
    const value = kind === 'string' || kind === 'qident' ? text.slice(1, text.length > 1 && text.endsWith(q!) ? -1 : undefined).split(q! + q!).join(q!) : text;
    advance(end);
    out.push({ kind, text, value, start, end, line: startLine });
  }
  out.push({ kind: 'eof', text: '<EOF>', value: '', start: sql.length, end: sql.length, line });
  return out;
}

const isWord = (t: Token, w: string) => t.kind === 'word' && t.text.toUpperCase() === w;
const isPunct = (t: Token, p: string) => t.kind === 'punct' && t.text === p;

/** A QueryParseException as LabKey words it: "Error on line N: …". */
function errorAt(t: Token, message: string): ActionError {
  return parseError(`Error on line ${t.line}: ${message}`);
}
const syntaxError = (t: Token) => errorAt(t, `Syntax error near '${t.text}'`);

/** A DEFAULT constant as the parser reads it. */
type Constant = { kind: 'number'; value: number } | { kind: 'string'; value: string } | { kind: 'boolean'; value: boolean } | { kind: 'null' } | { kind: 'date'; value: string };

/**
 * Split off a leading PARAMETERS clause. Returns undefined when the statement has none (it is then
 * run as it is). Throws the parse errors described in the module comment.
 */
export function parseParameters(sql: string): ParameterizedSql | undefined {
  const toks = tokenize(sql);
  if (!isWord(toks[0]!, 'PARAMETERS')) return undefined;
  let i = 1;
  const next = () => toks[i++]!;
  const peek = () => toks[i]!;
  if (!isPunct(next(), '(')) throw syntaxError(toks[i - 1]!);
  const declared: { name: string; typeTok: Token; type: string; dflt: Constant | undefined }[] = [];
  for (;;) {
    const nameTok = next();
    if (nameTok.kind !== 'word' && nameTok.kind !== 'qident') throw syntaxError(nameTok);
    const typeTok = next();
    if (typeTok.kind !== 'word') throw syntaxError(typeTok);
    if (isPunct(peek(), '(')) {
      next();
      if (peek().kind !== 'number' || !/^\d+$/.test(peek().text)) throw syntaxError(peek());
      next();
      if (!isPunct(peek(), ')')) throw syntaxError(peek());
      next();
    }
    const upper = typeTok.text.toUpperCase();
    if (!SQL_TYPES.has(upper.startsWith('SQL_') ? upper.slice(4) : upper)) throw syntaxError(peek());
    let dflt: Constant | undefined;
    if (isWord(peek(), 'DEFAULT')) {
      next();
      dflt = constant(next, peek);
    }
    declared.push({ name: nameTok.kind === 'qident' ? nameTok.value : nameTok.text, typeTok, type: upper, dflt });
    const sep = next();
    if (isPunct(sep, ')')) break;
    if (!isPunct(sep, ',')) throw syntaxError(sep);
  }
  const bodyStart = toks[i - 1]!.end;
  // After the grammar has accepted the clause, each declaration is checked (convertParameter).
  const decls: ParamDecl[] = declared.map((d) => {
    if (!(d.type in PARAMETER_TYPES)) throw errorAt(d.typeTok, `Parameter type is not supported: ${d.typeTok.text}`);
    const type = d.type as ParamType;
    let fallback: BoundValue = null;
    if (d.dflt) {
      const v = convertConstant(type, d.dflt);
      // The ConversionException escapes convertParameter and is wrapped without a line.
      if (v === undefined) throw parseError('Unexpected exception');
      fallback = v;
    }
    return { name: d.name, type, required: d.dflt === undefined, fallback };
  });
  return substitute(sql, toks.slice(i), bodyStart, decls);
}

function constant(next: () => Token, peek: () => Token): Constant {
  const t = next();
  if (t.kind === 'number') return { kind: 'number', value: Number(t.text.replace(/[fFdDlL]$/, '')) };
  if (t.kind === 'string') return { kind: 'string', value: t.value };
  if (isWord(t, 'TRUE') || isWord(t, 'FALSE')) return { kind: 'boolean', value: isWord(t, 'TRUE') };
  if (isWord(t, 'NULL')) return { kind: 'null' };
  if (isPunct(t, '{') && (isWord(peek(), 'D') || isWord(peek(), 'TS'))) {
    next();
    const s = next();
    if (s.kind !== 'string') throw syntaxError(s);
    const close = next();
    if (!isPunct(close, '}')) throw syntaxError(close);
    const d = parseDate(s.value);
    if (d === undefined) throw parseError('Unexpected exception');
    return { kind: 'date', value: d };
  }
  throw syntaxError(t);
}

/** Words before a name that make it a declaration rather than a reference. */
const NOT_AFTER = new Set(['AS', 'FROM', 'JOIN']);

function substitute(sql: string, body: Token[], bodyStart: number, decls: ParamDecl[]): ParameterizedSql {
  const byName = new Map(decls.map((d, i) => [d.name.toLowerCase(), i]));
  const refs: number[] = [];
  let out = '';
  let at = bodyStart;
  body.forEach((t, k) => {
    if (t.kind !== 'word' && t.kind !== 'qident') return;
    const i = byName.get((t.kind === 'qident' ? t.value : t.text).toLowerCase());
    if (i === undefined) return;
    const prev = body[k - 1];
    const after = body[k + 1]!;
    if (prev && (isPunct(prev, '.') || (prev.kind === 'word' && NOT_AFTER.has(prev.text.toUpperCase())))) return;
    if (isPunct(after, '.') || isPunct(after, '(')) return;
    refs.push(i);
    out += sql.slice(at, t.start) + `CAST(@lkp_${i} AS ${sqliteType(decls[i]!.type)})`;
    at = t.end;
  });
  out += sql.slice(at);
  return { sql: out, decls, refs };
}

function sqliteType(t: ParamType): string {
  if (t === 'BIGINT' || t === 'INTEGER' || t === 'SMALLINT' || t === 'TINYINT' || t === 'BIT') return 'INTEGER';
  if (t === 'DOUBLE' || t === 'FLOAT' || t === 'REAL' || t === 'DECIMAL' || t === 'NUMERIC') return 'REAL';
  return 'TEXT';
}

/**
 * Bind the referenced parameters from `query.param.<name>`. Returns the placeholder values, or the
 * error LabKey raises while writing the answer (conversion errors first, in reference order, then
 * the first parameter left without a value).
 */
export function bindParameters(p: ParameterizedSql, params: Params): { values: Record<string, BoundValue> } | { error: ActionError } {
  const given = new Map<string, string>();
  for (const [k, v] of Object.entries(params)) {
    if (k.toLowerCase().startsWith('query.param.') && v.length > 0 && !given.has(k.slice(12).toLowerCase())) given.set(k.slice(12).toLowerCase(), v[0]!);
  }
  const values: Record<string, BoundValue> = {};
  let missing: ParamDecl | undefined;
  for (const i of p.refs) {
    const d = p.decls[i]!;
    const raw = given.get(d.name.toLowerCase());
    if (raw === undefined) {
      if (d.required) missing ??= d;
      else values[`lkp_${i}`] = d.fallback;
      continue;
    }
    if (raw === '') {
      values[`lkp_${i}`] = null;
      continue;
    }
    const v = convertString(d.type, raw);
    if (v === undefined) {
      return { error: new ActionError(400, `Could not convert value '${raw}' (String) for ${PARAMETER_TYPES[d.type]} field '${d.name}'`, SQL_EXCEPTION) };
    }
    values[`lkp_${i}`] = v;
  }
  if (missing) return { error: new ActionError(400, `Parameter not provided: ${missing.name}`, NAMED_PARAMETER_NOT_PROVIDED) };
  return { values };
}

/** Java's BigDecimal syntax (no spaces). */
const BIG_DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Whether `s` is a number in Java's BigDecimal syntax. */
function isBigDecimal(s: string): boolean {
  const m = BIG_DECIMAL.exec(s);
  return m !== null && (m[2] !== '' || (m[3] ?? '') !== '');
}

/** The exact integer a BigDecimal string stands for, or undefined when it is not one (or not a number). */
function exactInteger(s: string): bigint | undefined {
  if (!isBigDecimal(s)) return undefined;
  const m = BIG_DECIMAL.exec(s)!;
  const digits = (m[2] ?? '') + (m[3] ?? '');
  if (/^0*$/.test(digits)) return 0n;
  const scale = (m[3] ?? '').length - Number(m[4] ?? '0');
  // A nonzero value below 1, or one far past every integer type's range.
  if (scale > digits.length || scale < -40) return undefined;
  let n: bigint;
  if (scale <= 0) n = BigInt(digits) * 10n ** BigInt(-scale);
  else if (/^0*$/.test(digits.slice(-scale))) n = BigInt(digits.slice(0, -scale) || '0');
  else return undefined;
  return m[1] === '-' ? -n : n;
}

function inRange(n: bigint, bits: number): boolean {
  const lim = 1n << BigInt(bits - 1);
  return n >= -lim && n < lim;
}

const asBound = (n: bigint): BoundValue => (n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString());

const JAVA_DOUBLE = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)$/;
const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', 'on', '1']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', 'off', '0']);

/** A `query.param` text converted as LabKey's `JdbcType.convert` does; undefined when it does not convert. */
function convertString(type: ParamType, s: string): BoundValue | undefined {
  switch (type) {
    case 'CHAR':
    case 'VARCHAR':
    case 'LONGVARCHAR':
      return s;
    case 'INTEGER':
    case 'BIGINT': {
      const n = exactInteger(s);
      return n !== undefined && inRange(n, type === 'INTEGER' ? 32 : 64) ? asBound(n) : undefined;
    }
    case 'SMALLINT':
    case 'TINYINT': // Short.valueOf: digits only
      return /^[+-]?\d+$/.test(s) && inRange(BigInt(s), 16) ? Number(s) : undefined;
    case 'DECIMAL':
    case 'NUMERIC':
      return isBigDecimal(s) ? Number(s) : undefined;
    case 'DOUBLE':
    case 'FLOAT':
    case 'REAL': {
      // Double.valueOf trims, and takes NaN, Infinity and a d/f suffix.
      const t = s.trim();
      if (!JAVA_DOUBLE.test(t)) return undefined;
      const n = Number(t.replace(/[fFdD]$/, ''));
      return type === 'REAL' ? Math.fround(n) : n;
    }
    case 'BIT': {
      const w = s.trim().toLowerCase();
      return TRUE_WORDS.has(w) ? 1 : FALSE_WORDS.has(w) ? 0 : undefined;
    }
    case 'TIMESTAMP':
      return parseDate(s) ?? undefined;
  }
}

/** A DEFAULT constant converted to the parameter's type (`ParameterType.convert`); undefined when it does not convert. */
function convertConstant(type: ParamType, c: Constant): BoundValue | undefined {
  if (c.kind === 'null') return null;
  if (c.kind === 'string') return convertString(type, c.value);
  if (c.kind === 'date') return type === 'TIMESTAMP' ? c.value : PARAMETER_TYPES[type] === 'String' ? c.value : undefined;
  if (c.kind === 'boolean') {
    if (type === 'BIT') return c.value ? 1 : 0;
    return PARAMETER_TYPES[type] === 'String' ? String(c.value) : undefined;
  }
  const n = c.value;
  switch (type) {
    case 'CHAR':
    case 'VARCHAR':
    case 'LONGVARCHAR':
      return String(n);
    case 'INTEGER':
    case 'BIGINT':
    case 'SMALLINT':
    case 'TINYINT':
      return Number.isInteger(n) && inRange(BigInt(n), type === 'INTEGER' ? 32 : type === 'BIGINT' ? 64 : 16) ? n : undefined;
    case 'BIT':
      return n === 0 ? 0 : n === 1 ? 1 : undefined;
    case 'REAL':
      return Math.fround(n);
    case 'TIMESTAMP':
      return undefined;
    default:
      return n;
  }
}
