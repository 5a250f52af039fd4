import { InvalidArgumentError } from '../errors/credential-errors.js';

/**
 * LabKey's filter operators, as they appear after `~` in `query.<column>~<op>=<value>`
 * (labkey-api-js `filter/Types.ts`). `''` means "has any value".
 * @public
 */
export const FILTER_OPERATORS = [
  'eq', 'neq', 'neqornull',
  'gt', 'gte', 'lt', 'lte',
  'dateeq', 'dateneq', 'dategt', 'dategte', 'datelt', 'datelte',
  'in', 'notin', 'containsoneof', 'containsnoneof',
  'between', 'notbetween',
  'contains', 'doesnotcontain', 'startswith', 'doesnotstartwith',
  'isblank', 'isnonblank', 'hasmvvalue', 'nomvvalue',
  'memberof', 'q',
  'concept:insubtree', 'concept:notinsubtree',
  'exp:childof', 'exp:parentof', 'exp:lineageof',
  '',
] as const;

/** @public */
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

/** Operators that take no value. @public */
export const NO_VALUE_OPERATORS: ReadonlySet<FilterOperator> = new Set(['isblank', 'isnonblank', 'hasmvvalue', 'nomvvalue', '']);
/** Operators that take exactly two values separated by `,`. */
const RANGE_OPERATORS: ReadonlySet<FilterOperator> = new Set(['between', 'notbetween']);

/** @public */
export type FilterScalar = string | number | boolean | Date;
/** @public */
export type FilterValue = FilterScalar | readonly FilterScalar[] | null | undefined;

/** One `query.<column>~<op>=<value>` filter. @public */
export interface Filter {
  readonly column: string;
  readonly op: FilterOperator;
  /** The value as sent (lists joined with `;`, ranges with `,`); undefined for no-value operators. */
  readonly value: string | undefined;
}

function scalar(v: FilterScalar): string {
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

/**
 * A filter on `column` with `op`. Lists (`in`, `notin`, `containsoneof`, `containsnoneof`) take an
 * array or a `;`-separated string; `between`/`notbetween` take two values. Throws
 * InvalidArgumentError for an unknown operator or a missing value.
 * @public
 */
export function filter(column: string, op: FilterOperator, value?: FilterValue): Filter {
  if (!(FILTER_OPERATORS as readonly string[]).includes(op)) {
    throw new InvalidArgumentError(`Unknown filter operator ${JSON.stringify(op)}.`, {
      hint: `Use one of: ${FILTER_OPERATORS.filter(Boolean).join(', ')}.`,
    });
  }
  if (!column) throw new InvalidArgumentError('A filter needs a column name.');
  if (NO_VALUE_OPERATORS.has(op)) return Object.freeze({ column, op, value: undefined });
  if (value === undefined || value === null) {
    throw new InvalidArgumentError(`The filter ${column}~${op} needs a value.`);
  }
  let text: string;
  if (Array.isArray(value)) {
    const parts = (value as readonly FilterScalar[]).map(scalar);
    if (RANGE_OPERATORS.has(op) && parts.length !== 2) {
      throw new InvalidArgumentError(`The filter ${column}~${op} needs exactly two values.`);
    }
    text = parts.join(RANGE_OPERATORS.has(op) ? ',' : ';');
  } else {
    text = scalar(value as FilterScalar);
  }
  return Object.freeze({ column, op, value: text });
}

type Builder = (column: string, value: FilterValue) => Filter;
type NoValueBuilder = (column: string) => Filter;

/**
 * Typed shortcuts: `Filter.eq('Name', 'x')`, `Filter.in('Name', ['a', 'b'])`,
 * `Filter.between('Age', [20, 30])`, `Filter.isBlank('Email')`.
 * @public
 */
export const Filter = Object.freeze({
  eq: ((c, v) => filter(c, 'eq', v)) as Builder,
  neq: ((c, v) => filter(c, 'neq', v)) as Builder,
  neqOrNull: ((c, v) => filter(c, 'neqornull', v)) as Builder,
  gt: ((c, v) => filter(c, 'gt', v)) as Builder,
  gte: ((c, v) => filter(c, 'gte', v)) as Builder,
  lt: ((c, v) => filter(c, 'lt', v)) as Builder,
  lte: ((c, v) => filter(c, 'lte', v)) as Builder,
  dateEq: ((c, v) => filter(c, 'dateeq', v)) as Builder,
  dateNeq: ((c, v) => filter(c, 'dateneq', v)) as Builder,
  dateGt: ((c, v) => filter(c, 'dategt', v)) as Builder,
  dateGte: ((c, v) => filter(c, 'dategte', v)) as Builder,
  dateLt: ((c, v) => filter(c, 'datelt', v)) as Builder,
  dateLte: ((c, v) => filter(c, 'datelte', v)) as Builder,
  in: ((c, v) => filter(c, 'in', v)) as Builder,
  notIn: ((c, v) => filter(c, 'notin', v)) as Builder,
  containsOneOf: ((c, v) => filter(c, 'containsoneof', v)) as Builder,
  containsNoneOf: ((c, v) => filter(c, 'containsnoneof', v)) as Builder,
  between: ((c, v) => filter(c, 'between', v)) as Builder,
  notBetween: ((c, v) => filter(c, 'notbetween', v)) as Builder,
  contains: ((c, v) => filter(c, 'contains', v)) as Builder,
  doesNotContain: ((c, v) => filter(c, 'doesnotcontain', v)) as Builder,
  startsWith: ((c, v) => filter(c, 'startswith', v)) as Builder,
  doesNotStartWith: ((c, v) => filter(c, 'doesnotstartwith', v)) as Builder,
  memberOf: ((c, v) => filter(c, 'memberof', v)) as Builder,
  isBlank: ((c) => filter(c, 'isblank')) as NoValueBuilder,
  isNonBlank: ((c) => filter(c, 'isnonblank')) as NoValueBuilder,
  hasMissingValue: ((c) => filter(c, 'hasmvvalue')) as NoValueBuilder,
  noMissingValue: ((c) => filter(c, 'nomvvalue')) as NoValueBuilder,
  hasAnyValue: ((c) => filter(c, '')) as NoValueBuilder,
  /** Search across all columns. */
  q: ((v: FilterValue) => filter('*', 'q', v)) as (value: FilterValue) => Filter,
});

/**
 * Parses the CLI's `--filter` syntax, LabKey's own URL form: `Age~gt=30`, `Name~in=a;b`,
 * `Email~isblank`, or `Name=x` (equals). Throws InvalidArgumentError on anything else.
 * @public
 */
export function parseFilter(text: string): Filter {
  const cmp = comparison(text);
  if (cmp) {
    throw new InvalidArgumentError(`${JSON.stringify(text)} is a comparison, which a LabKey filter is not written as: write it ${cmp}.`, {
      hint: 'Write filters as Column~op=value, e.g. Age~gt=30 or Name~in=a;b (or Column=value for equals).',
    });
  }
  const m = /^([^~=]+)(?:~([a-z:]*))?(?:=(.*))?$/is.exec(text.trim());
  if (!m) {
    throw new InvalidArgumentError(`Cannot read the filter ${JSON.stringify(text)}.`, {
      hint: 'Write filters as Column~op=value, e.g. Age~gt=30 or Name~in=a;b (or Column=value for equals).',
    });
  }
  const column = (m[1] as string).trim();
  const op = (m[2] === undefined ? 'eq' : m[2].toLowerCase()) as FilterOperator;
  return filter(column, op, m[3]);
}

const COMPARISONS: Record<string, FilterOperator> = { '>=': 'gte', '=>': 'gte', '<=': 'lte', '=<': 'lte', '!=': 'neq', '<>': 'neq', '==': 'eq', '>': 'gt', '<': 'lt' };

/**
 * The LabKey filter meant by a comparison typed as in SQL or a spreadsheet (`Age>=40` →
 * `Age~gte=40`), or undefined. Without this, `Age>=40` reads as the column `Age>` equal to 40: a
 * column the server does not have, so it ignores the filter and sends every row.
 */
function comparison(text: string): string | undefined {
  const m = /^\s*([^~=<>!]+?)\s*(>=|=>|<=|=<|!=|<>|==|>|<)\s*(.+?)\s*$/s.exec(text);
  if (!m) return undefined;
  return `${m[1]}~${COMPARISONS[m[2] as string]}=${m[3]}`;
}

/** The URL parameter name and value of a filter, with the data region prefix (`query.`). */
export function filterParam(f: Filter, region = 'query'): [string, string] {
  return [`${region}.${f.column}~${f.op}`, f.value ?? ''];
}

/** Column name list to LabKey's comma form. */
export function columnsParam(columns: readonly string[] | string | undefined): string | undefined {
  if (columns === undefined) return undefined;
  return Array.isArray(columns) ? columns.join(',') : (columns as string);
}

/** Sort spec (`Name`, `-Created`, or a list) to LabKey's comma form. */
export function sortParam(sort: readonly string[] | string | undefined): string | undefined {
  if (sort === undefined) return undefined;
  return Array.isArray(sort) ? sort.join(',') : (sort as string);
}
