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

/**
 * Code point ranges a terminal draws two cells wide (Unicode East Asian Width W and F: CJK,
 * kana, Hangul, fullwidth forms). Emoji are found by `\p{Emoji_Presentation}` instead.
 */
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f], [0x2e80, 0x303e], [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff],
  [0xa000, 0xa4cf], [0xa960, 0xa97f], [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f], [0xff00, 0xff60], [0xffe0, 0xffe6], [0x16fe0, 0x16fe4], [0x17000, 0x18cff],
  [0x1b000, 0x1b2ff], [0x20000, 0x2fffd], [0x30000, 0x3fffd],
];
const EMOJI = /\p{Emoji_Presentation}|\uFE0F/u;
/** Marks drawn on the previous character, and format characters (ZWJ, BOM): no cells of their own. */
const ZERO = /^[\p{Mn}\p{Me}\p{Cf}]+$/u;
const PLAIN = /^[\x20-\x7e]*$/;
let graphemes: Intl.Segmenter | undefined;

function isWide(cp: number): boolean {
  for (const [lo, hi] of WIDE) {
    if (cp < lo) return false;
    if (cp <= hi) return true;
  }
  return false;
}

/** Cells one user-perceived character (grapheme cluster) takes: 0, 1 or 2. */
function clusterWidth(g: string): number {
  if (ZERO.test(g)) return 0;
  if (EMOJI.test(g) || isWide(g.codePointAt(0) as number)) return 2;
  return 1;
}

function clusters(s: string): Iterable<string> {
  graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return Array.from(graphemes.segment(s), (x) => x.segment);
}

/**
 * Terminal cells a string takes: CJK and emoji 2 (an emoji sequence joined by ZWJ, a flag or a
 * skin tone is one character of 2), combining marks 0, the rest 1.
 */
export function width(s: string): number {
  if (PLAIN.test(s)) return s.length;
  let n = 0;
  for (const g of clusters(s)) n += clusterWidth(g);
  return n;
}

/** `s` cut to at most `max` cells, ending in `…` when cut (never in the middle of a character). */
export function truncate(s: string, max: number): string {
  if (width(s) <= max) return s;
  let out = '';
  let n = 0;
  for (const g of clusters(s)) {
    const w = clusterWidth(g);
    if (n + w > max - 1) break;
    out += g;
    n += w;
  }
  return `${out}…`;
}
