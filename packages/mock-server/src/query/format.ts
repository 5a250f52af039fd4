/**
 * Response formats of selectRows and executeSql: 8.3 classic, 9.1 extended and
 * 13.2+ reporting (17.1 adds `formattedValue`).
 *
 * Rows come out of SQLite as arrays in storage form. A row builder is compiled once per column
 * list and format (`new Function`) so each row becomes one object literal with a fixed shape.
 * @module
 */
import { lazyArray } from '../json-body.js';
import type { ColumnDef, ColumnType } from './types.js';
import { captionFor } from './values.js';

export type Format = 8.3 | 9.1 | 13.2;

/** The apiVersion parameter as a number; missing or not a number counts as 0. */
export function parseApiVersion(raw: string | undefined): number {
  if (raw === undefined) return 0;
  const n = Number.parseFloat(raw);
  return Number.isFinite(n) ? n : 0;
}

export function formatFor(apiVersion: number): Format {
  if (apiVersion >= 13.2) return 13.2;
  if (apiVersion >= 9.1) return 9.1;
  return 8.3;
}

const FRIENDLY: Record<ColumnType, string> = {
  int: 'Integer',
  float: 'Number (Double)',
  string: 'Text (String)',
  boolean: 'True/False (Boolean)',
  date: 'Date and Time',
};
const SQL_TYPE: Record<ColumnType, string> = {
  int: 'INTEGER',
  float: 'DOUBLE',
  string: 'VARCHAR',
  boolean: 'BOOLEAN',
  date: 'TIMESTAMP',
};

/** Field metadata (JsonWriter.getMetaData for 8.3/9.1, ReportingWriter for 13.2). */
export function fieldMeta(c: ColumnDef, fmt: Format, readOnlyTable: boolean): Record<string, unknown> {
  const caption = c.caption ?? captionFor(c.name);
  const hidden = !!c.hidden;
  const keyField = !!c.keyField;
  const autoIncrement = !!c.autoIncrement;
  const nullable = c.nullable ?? !keyField;
  const readOnly = readOnlyTable || autoIncrement;
  const userEditable = !readOnly;
  const lookup = c.lookup
    ? {
        schemaName: c.lookup.schemaName,
        queryName: c.lookup.queryName,
        keyColumn: c.lookup.keyColumn,
        ...(c.lookup.displayColumn ? { displayColumn: c.lookup.displayColumn } : {}),
        schema: c.lookup.schemaName,
        table: c.lookup.queryName,
        isPublic: true,
      }
    : undefined;
  const parts = c.name.split('/');
  const m: Record<string, unknown> = {
    name: c.name,
    fieldKey: fmt === 13.2 ? parts : c.name,
  };
  if (fmt !== 13.2) {
    m.fieldKeyArray = parts;
    m.fieldKeyPath = c.name;
  }
  Object.assign(m, {
    type: c.type,
    jsonType: c.type,
    friendlyType: FRIENDLY[c.type],
    sqlType: SQL_TYPE[c.type],
    defaultValue: null,
    hidden,
    keyField,
    autoIncrement,
    nullable,
    readOnly,
    userEditable,
    mvEnabled: false,
    versionField: false,
    selectable: true,
  });
  if (fmt !== 13.2) {
    Object.assign(m, {
      isHidden: hidden,
      isKeyField: keyField,
      isAutoIncrement: autoIncrement,
      isNullable: nullable,
      isReadOnly: readOnly,
      isUserEditable: userEditable,
      isMvEnabled: false,
      isVersionField: false,
      isSelectable: true,
    });
  }
  Object.assign(m, {
    required: !nullable && !autoIncrement,
    calculated: false,
    shownInInsertView: !autoIncrement && !readOnlyTable,
    shownInUpdateView: !autoIncrement && !readOnlyTable,
    shownInDetailsView: true,
    dimension: c.type === 'string' && !keyField,
    measure: (c.type === 'int' || c.type === 'float') && !keyField && !c.lookup,
    scale: c.type === 'string' ? 4000 : c.type === 'int' ? 10 : 0,
    phi: 'NotPHI',
    sortable: true,
    filterable: true,
    caption,
    shortCaption: caption,
    ...(c.description ? { description: c.description } : {}),
    ...(c.type === 'date' ? { format: 'yyyy-MM-dd HH:mm' } : {}),
    ...(lookup
      ? { lookup, displayField: fmt === 13.2 ? [c.name, c.lookup!.displayColumn ?? c.lookup!.keyColumn] : `${c.name}/${c.lookup!.displayColumn ?? c.lookup!.keyColumn}` }
      : {}),
    ext: {},
  });
  return m;
}

/** A columnModel entry (8.3 and 9.1 only). */
export function columnModelEntry(c: ColumnDef, readOnlyTable: boolean): Record<string, unknown> {
  const caption = c.caption ?? captionFor(c.name);
  const nullable = c.nullable ?? !c.keyField;
  return {
    dataIndex: c.name,
    sortable: true,
    filterable: true,
    editable: !readOnlyTable && !c.autoIncrement,
    hidden: !!c.hidden,
    align: c.type === 'int' || c.type === 'float' ? 'right' : 'left',
    header: caption,
    width: c.type === 'string' ? 200 : c.type === 'date' ? 130 : 60,
    required: !nullable && !c.autoIncrement,
    scale: c.type === 'string' ? 4000 : c.type === 'int' ? 10 : 0,
  };
}

/**
 * A details or update link column of selectRows (`includeDetailsColumn`, `includeUpdateColumn`):
 * LabKey's `DetailsColumn` ("details") and `UpdateColumn` ("edit"), URL columns with fixed text
 * and no ColumnInfo. They come before the data columns, the update link first
 * (`QueryView.addDetailsAndUpdateColumns`).
 */
export interface LinkColumn {
  kind: 'Update' | 'Details';
  /** The row's URL up to its key value, e.g. `/labkey/home/list-details.view?name=People&pk=`. */
  prefix: string;
  /** Where the row's key is in the storage row. */
  keyIndex: number;
}

/** The row key (`ApiQueryResponse.getColumnName`) and cell text (`UrlColumn` display HTML) of each link column. */
const LINK = { Update: { key: '~~Update~~', text: 'edit' }, Details: { key: '~~Details~~', text: 'details' } } as const;

/**
 * A link column's field metadata (8.3 and 9.1 only; 13.2 leaves them out of `fields`): what
 * `JsonWriter.getMetaData` writes for a display column without a ColumnInfo, named by its
 * display column's name ("Update", "Details"), not by its row key.
 */
function linkFieldMeta(kind: LinkColumn['kind']): Record<string, unknown> {
  return {
    name: kind,
    fieldKey: kind,
    fieldKeyArray: [kind],
    fieldKeyPath: kind,
    type: 'string',
    jsonType: 'string',
    friendlyType: FRIENDLY.string,
    sqlType: null,
    defaultValue: null,
    hidden: false,
    keyField: false,
    autoIncrement: false,
    nullable: false,
    readOnly: false,
    userEditable: false,
    mvEnabled: false,
    versionField: false,
    selectable: false,
    isHidden: false,
    isKeyField: false,
    isAutoIncrement: false,
    isNullable: false,
    isReadOnly: false,
    isUserEditable: false,
    isMvEnabled: false,
    isVersionField: false,
    isSelectable: false,
    required: false,
    calculated: true,
    shownInInsertView: false,
    shownInUpdateView: false,
    shownInDetailsView: true,
    dimension: false,
    measure: false,
    scale: null,
    phi: 'NotPHI',
    sortable: false,
    filterable: false,
    caption: kind,
    shortCaption: kind,
    ext: {},
  };
}

/** A link column's columnModel entry (`ApiQueryResponse.getColModel`; the update column has width "0"). */
function linkColumnModelEntry(kind: LinkColumn['kind']): Record<string, unknown> {
  return {
    dataIndex: LINK[kind].key,
    sortable: false,
    filterable: false,
    editable: false,
    hidden: false,
    header: kind,
    ...(kind === 'Update' ? { width: 0 } : {}),
    required: false,
  };
}

/**
 * `build` with the link cells added to each row: 8.3 `"~~Details~~": "details"` plus
 * `"_labkeyurl_~~Details~~": url` (written even when null); 9.1 `{value, url?}` (no url without a
 * key); 13.2 none in `data`, but `links: {"details": {href, title}}` (`ReportingApiQueryResponse`).
 */
function withLinks(build: RowBuilder, links: LinkColumn[], fmt: Format): RowBuilder {
  const url = (l: LinkColumn, r: unknown[]): string | null => {
    const v = r[l.keyIndex];
    return v === null || v === undefined ? null : l.prefix + encodeURIComponent(String(v));
  };
  if (fmt === 13.2) {
    return (r) => {
      const out = build(r) as Record<string, unknown>;
      const map: Record<string, { href: string; title: string }> = {};
      for (const l of links) {
        const u = url(l, r);
        if (u !== null) map[LINK[l.kind].text] = { href: u, title: LINK[l.kind].text };
      }
      out.links = map;
      return out;
    };
  }
  return (r) => {
    const row: Record<string, unknown> = {};
    for (const l of links) {
      const { key, text } = LINK[l.kind];
      const u = url(l, r);
      if (fmt === 8.3) {
        row[key] = text;
        row[URL_PREFIX + key] = u;
      } else {
        row[key] = u === null ? { value: text } : { value: text, url: u };
      }
    }
    return Object.assign(row, build(r));
  };
}

/** `ApiQueryResponse.URL_COL_PREFIX`: 8.3 rows carry a URL column's link under this prefix. */
const URL_PREFIX = '_labkeyurl_';

type RowBuilder = (r: unknown[]) => unknown;
const builders = new Map<string, RowBuilder>();

/**
 * A function turning one storage-form array into an output row for `fmt`.
 * - 8.3: `{col: value}`; 9.1: `{col: {value}}`; 13.2: `{data: {col: {value}}}`, and with
 *   `formatted` (17.1) dates also get `formattedValue` (`yyyy-MM-dd HH:mm`).
 * Booleans are stored as 0/1 and come out as true/false.
 */
export function rowBuilder(
  cols: { name: string; type: ColumnType }[],
  fmt: Format,
  formatted: boolean,
  display: (number | undefined)[] = [],
): RowBuilder {
  const key = `${fmt}|${formatted}|${cols.map((c, i) => `${c.type}:${c.name}:${display[i] ?? ''}`).join('\u0000')}`;
  let b = builders.get(key);
  if (b) return b;
  const val = (c: { type: ColumnType }, i: number) =>
    c.type === 'boolean' ? `(r[${i}] === null ? null : r[${i}] === 1 || r[${i}] === true)` : `r[${i}]`;
  const props = cols.map((c, i) => {
    // A computed key, so a column named "__proto__" is an own property, not the prototype.
    const k = `[${JSON.stringify(c.name)}]`;
    if (fmt === 8.3) return `${k}: ${val(c, i)}`;
    const d = display[i];
    if (d !== undefined) {
      // displayValue only when there is one and it differs from the value.
      return `${k}: (r[${d}] === null || r[${d}] === r[${i}]) ? { value: ${val(c, i)} } : { value: ${val(c, i)}, displayValue: r[${d}] }`;
    }
    if (formatted && c.type === 'date') {
      return `${k}: r[${i}] === null ? { value: null } : { value: r[${i}], formattedValue: String(r[${i}]).slice(0, 16) }`;
    }
    return `${k}: { value: ${val(c, i)} }`;
  });
  const body = fmt === 13.2 ? `return { data: { ${props.join(', ')} } };` : `return { ${props.join(', ')} };`;
  b = new Function('r', body) as RowBuilder;
  if (builders.size > 1000) builders.clear();
  builders.set(key, b);
  return b;
}

type RowText = (r: unknown[]) => string;
const writers = new Map<string, RowText | null>();

/** An array index as a property name: V8 orders such keys first, so the object's keys are not in column order. */
const INDEX_KEY = /^(?:0|[1-9]\d{0,9})$/;

/**
 * A function writing one storage-form array as the text of its {@link rowBuilder} row in
 * `JSON.stringify(body, null, 2)` (LabKey's pretty-printed answer): an item of the top-level
 * `rows` array, `"\n    "` and the object indented below it. Compiled once per shape like the
 * builder, it writes the text from the array without making the row object: keys and indents
 * written once into the code, `JSON.stringify` only for string values, `"" + n` for finite
 * numbers. A row holding anything else (a blob, a bigint, undefined) is written by the builder
 * and `JSON.stringify`, so the bytes are the same whatever the values. Null when no writer can
 * be exact for the shape (no columns, a repeated name, a name V8 orders as an array index).
 *
 * Pretty only: for compact text V8's `JSON.stringify` of the built rows measured faster than
 * such a writer (in-process, 1,000,000 Generated rows: 0.9 s against 1.4 s).
 */
export function prettyRowWriter(cols: { name: string; type: ColumnType }[], fmt: Format, formatted: boolean, display: (number | undefined)[]): RowText | null {
  const key = `${fmt}|${formatted}|${cols.map((c, i) => `${c.type}:${c.name}:${display[i] ?? ''}`).join('\u0000')}`;
  const hit = writers.get(key);
  if (hit !== undefined) return hit;
  let w: RowText | null = null;
  if (cols.length > 0 && new Set(cols.map((c) => c.name)).size === cols.length && !cols.some((c) => INDEX_KEY.test(c.name))) {
    w = compileWriter(cols, fmt, formatted, display);
  }
  if (writers.size > 1000) writers.clear();
  writers.set(key, w);
  return w;
}

function compileWriter(cols: { name: string; type: ColumnType }[], fmt: Format, formatted: boolean, display: (number | undefined)[]): RowText {
  const build = rowBuilder(cols, fmt, formatted, display);
  const slow: RowText = (r) => '\n    ' + JSON.stringify(build(r), null, 2).replaceAll('\n', '\n    ');
  // Line starts at a depth below the body (the row is an item at depth 2).
  const ind = (depth: number) => '\n' + ' '.repeat(2 * depth);
  const rowDepth = 2;
  const cellDepth = fmt === 13.2 ? rowDepth + 2 : rowDepth + 1;
  const lit = (s: string) => JSON.stringify(s);
  // Each column's value as text into v<i>; any other value (undefined among them) returns slow(r).
  const stmts: string[] = [];
  const anyValue = (src: string, out: string) =>
    `if (typeof ${src} === 'string') ${out} = str(${src});` +
    ` else if (typeof ${src} === 'number') ${out} = ${src} - ${src} === 0 ? '' + ${src} : 'null';` +
    ` else if (${src} === null) ${out} = 'null';` +
    ` else if (typeof ${src} === 'boolean') ${out} = ${src} ? 'true' : 'false';` +
    ` else return slow(r);`;
  const parts: string[] = [];
  cols.forEach((c, i) => {
    const v = `v${i}`;
    stmts.push(`const r${i} = r[${i}]; let ${v};`);
    if (c.type === 'boolean') stmts.push(`${v} = r${i} === null ? 'null' : r${i} === 1 || r${i} === true ? 'true' : 'false';`);
    else stmts.push(anyValue(`r${i}`, v));
    const k = lit(ind(cellDepth) + JSON.stringify(c.name) + ': ');
    if (fmt === 8.3) {
      parts.push(`${k} + ${v}`);
      return;
    }
    const field = (name: string) => lit(`${ind(cellDepth + 1)}"${name}": `);
    const open = lit('{') + ' + ' + field('value');
    const close = lit(ind(cellDepth) + '}');
    const d = display[i];
    if (d !== undefined) {
      // displayValue only when there is one and it differs from the value.
      stmts.push(`const d${i} = r[${d}]; let t${i};`);
      stmts.push(`if (d${i} === undefined) return slow(r);`);
      stmts.push(`if (d${i} === null || d${i} === r${i}) t${i} = ${open} + ${v} + ${close};`);
      stmts.push(`else { let dv; ${anyValue(`d${i}`, 'dv')} t${i} = ${open} + ${v} + ',' + ${field('displayValue')} + dv + ${close}; }`);
    } else if (formatted && c.type === 'date') {
      stmts.push(`let t${i};`);
      stmts.push(`if (r${i} === null) t${i} = ${open} + 'null' + ${close};`);
      stmts.push(`else if (typeof r${i} === 'string' || typeof r${i} === 'number') t${i} = ${open} + ${v} + ',' + ${field('formattedValue')} + str(String(r${i}).slice(0, 16)) + ${close};`);
      stmts.push(`else return slow(r);`);
    } else {
      stmts.push(`const t${i} = ${open} + ${v} + ${close};`);
    }
    parts.push(`${k} + t${i}`);
  });
  const joined = parts.join(" + ',' + ");
  const body =
    fmt === 13.2
      ? `${lit(ind(rowDepth) + '{' + ind(rowDepth + 1) + '"data": {')} + ${joined} + ${lit(ind(rowDepth + 1) + '}' + ind(rowDepth) + '}')}`
      : `${lit(ind(rowDepth) + '{')} + ${joined} + ${lit(ind(rowDepth) + '}')}`;
  const src = `return function (r) { ${stmts.join('\n')}\nreturn ${body}; };`;
  return new Function('str', 'slow', src)(JSON.stringify, slow) as RowText;
}

/** Plain row objects (8.3 values) for insert/update responses. */
export function plainRows(cols: { name: string; type: ColumnType }[], rows: unknown[][]): Record<string, unknown>[] {
  const b = rowBuilder(cols, 8.3, false);
  return rows.map((r) => b(r) as Record<string, unknown>);
}

/** Storage-form rows read a range at a time, each range once and in order (key-read.ts). */
export interface RowSource {
  length: number;
  read(from: number, to: number): unknown[][];
  /** No more rows will be asked for (the answer was written, or its client went away). */
  release(): void;
}

export interface QueryResponseInput {
  apiVersion: number;
  /** schemaName as sent (8.3/9.1) – split on dots for 13.2. */
  schemaName: string;
  queryName: string;
  columns: ColumnDef[];
  /** Storage-form rows, or a source of them read in order as they are written; undefined for metadata-only. */
  rows: unknown[][] | RowSource | undefined;
  rowCount: number | undefined;
  includeMetadata: boolean;
  readOnlyTable: boolean;
  /** The table's single primary key, for metaData.id (selectRows); else the selected key column. */
  idColumn?: string;
  sort: { field: string; direction: 'ASC' | 'DESC' }[];
  messages: string[];
  /** Per output column: index of its lookup display value in the storage row (9.1+). */
  display?: (number | undefined)[];
  title?: string;
  description?: string;
  /** selectRows' details and update link columns, in display order (none unless requested). */
  links?: LinkColumn[];
}

/** Build the selectRows/executeSql response body in the requested format. */
export function queryResponse(i: QueryResponseInput): Record<string, unknown> {
  const fmt = formatFor(i.apiVersion);
  const links = i.links ?? [];
  const body: Record<string, unknown> = {
    schemaName: fmt === 13.2 ? i.schemaName.split('.') : i.schemaName,
    queryName: i.queryName,
  };
  if (fmt !== 13.2) body.formatVersion = fmt;
  if (i.includeMetadata) {
    const pks = i.columns.filter((c) => c.keyField);
    const id = i.idColumn ?? (pks.length === 1 ? pks[0]!.name : undefined);
    const meta: Record<string, unknown> = {
      root: 'rows',
      totalProperty: 'rowCount',
      ...(id !== undefined ? { id } : {}),
      fields: [...(fmt === 13.2 ? [] : links.map((l) => linkFieldMeta(l.kind))), ...i.columns.map((c) => fieldMeta(c, fmt, i.readOnlyTable))],
      title: i.title ?? i.queryName,
      ...(i.description ? { description: i.description } : {}),
      importTemplates: [],
    };
    if (i.sort.length) {
      meta.sortInfo = i.sort[0];
      meta.sortInfoArray = i.sort;
    }
    body.metaData = meta;
    if (fmt !== 13.2) body.columnModel = [...links.map((l) => linkColumnModelEntry(l.kind)), ...i.columns.map((c) => columnModelEntry(c, i.readOnlyTable))];
  }
  if (i.rows !== undefined) {
    const formatted = i.apiVersion >= 17.1;
    const display = fmt === 8.3 ? [] : (i.display ?? []);
    const plain = rowBuilder(i.columns, fmt, formatted, display);
    const b = links.length ? withLinks(plain, links, fmt) : plain;
    const stored = i.rows;
    // The rows from..to and where row `from` is among them.
    const range = (from: number, to: number): [unknown[][], number] => (Array.isArray(stored) ? [stored, from] : [stored.read(from, to), 0]);
    // Built when read, all at once, or a chunk at a time when written (json-body.ts); pretty text is
    // written from the stored rows without building them.
    const items = (from: number, to: number) => {
      const [rows, at] = range(from, to);
      const out = new Array(to - from);
      for (let k = 0; k < to - from; k++) out[k] = b(rows[at + k]!);
      return out;
    };
    // Link cells are written by the builder (the text writer knows data columns only).
    const pretty = links.length ? null : prettyRowWriter(i.columns, fmt, formatted, display);
    lazyArray(
      body,
      'rows',
      stored.length,
      items,
      pretty &&
        ((from, to) => {
          const [rows, at] = range(from, to);
          let s = pretty(rows[at]!);
          for (let k = at + 1; k < at + to - from; k++) s += ',' + pretty(rows[k]!);
          return s;
        }),
      Array.isArray(stored) ? null : () => stored.release(),
    );
  } else if (fmt !== 13.2) {
    body.rows = [];
  }
  if (i.rowCount !== undefined) body.rowCount = i.rowCount;
  if (i.messages.length) body.messages = i.messages.map((content) => ({ area: 'filter', content, type: 'WARNING' }));
  return body;
}
