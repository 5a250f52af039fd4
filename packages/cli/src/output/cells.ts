/** Turns a value from a query row into text for table, CSV and TSV output. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object' && v !== null && 'value' in v && Object.keys(v).every((k) => CELL_KEYS.has(k))) {
    return cellText((v as { value: unknown }).value); // a 9.1/13.2-style cell object
  }
  return JSON.stringify(v);
}

const CELL_KEYS = new Set(['value', 'displayValue', 'formattedValue', 'url', 'urlTarget', 'mvValue', 'mvRawValue', 'style']);

/** RFC 4180: quote a field holding a comma, quote, CR or LF (or edge spaces, which some readers trim); double inner quotes. */
export function csvField(s: string): string {
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** `csvField(cellText(v))`, without the detours for the common cells (numbers, booleans, plain strings). */
export function csvCell(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v); // never a comma, quote or space
  if (v === null || v === undefined) return '';
  return csvField(typeof v === 'string' ? v : cellText(v));
}

/** `tsvField(cellText(v))`, likewise. */
export function tsvCell(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return '';
  return tsvField(typeof v === 'string' ? v : cellText(v));
}

/**
 * TSV cannot quote (IANA text/tab-separated-values forbids tabs and newlines in fields), so
 * backslash, tab, LF and CR are escaped as `\\`, `\t`, `\n`, `\r` (the "linear TSV" convention,
 * also PostgreSQL's COPY text format).
 */
export function tsvField(s: string): string {
  return s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** Table cells are one line: control characters shown as escapes. */
export function tableField(s: string): string {
  return s.replace(/[\t\n\r]/g, (c) => (c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** Display width of a string (code points; good enough for the ASCII-heavy data of LIMS tables). */
export function width(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export function truncate(s: string, max: number): string {
  if (width(s) <= max) return s;
  return `${[...s].slice(0, Math.max(0, max - 1)).join('')}…`;
}
