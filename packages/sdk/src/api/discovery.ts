/**
 * Schema and query discovery (`query-getSchemas.api`, `query-getQueries.api`,
 * `query-getQueryDetails.api`), and the "did you mean" a not-found schema or query gets: the SDK
 * asks the server which names it has and attaches the closest to the error.
 */
import type { Core } from '../request.js';
import { InvalidArgumentError } from '../errors/credential-errors.js';
import { NotFoundError } from '../errors/http-error.js';
import { isNotFoundError } from '../errors/guards.js';
import { closestNames, didYouMean } from './suggest.js';
import { columnsParam } from './filter.js';
import type { ColumnInfo, FieldInfo, GetQueriesOptions, GetQueryDetailsOptions, GetSchemasOptions, QueryDetails, QueryInfo, SchemaInfo, SelectRowsOptions } from './types.js';

type Json = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Every schema in the folder, nested ones by their dotted name (`assay.General`), in the server's order. */
export async function getSchemas(core: Core, defaultContainer: string, o: GetSchemasOptions = {}): Promise<SchemaInfo[]> {
  const j = await core.call<Json>({
    controller: 'query',
    action: 'getSchemas',
    container: o.container ?? defaultContainer,
    params: { apiVersion: 9.3, ...(o.includeHidden !== undefined ? { includeHidden: o.includeHidden } : {}) },
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const out: SchemaInfo[] = [];
  // apiVersion < 9.3 answers (an old server ignoring it): `{schemas: ["core", "lists"]}`.
  if (Array.isArray(j.schemas) && Object.keys(j).length === 1) {
    for (const n of j.schemas) if (typeof n === 'string') out.push({ name: n, hidden: false });
    return out;
  }
  const walk = (level: Json, parent: string | undefined): void => {
    for (const [key, v] of Object.entries(level)) {
      if (!v || typeof v !== 'object' || Array.isArray(v)) continue;
      const s = v as Json;
      const name = str(s.fullyQualifiedName) ?? (parent ? `${parent}.${str(s.schemaName) ?? key}` : (str(s.schemaName) ?? key));
      const description = str(s.description);
      out.push({ name, hidden: s.hidden === true, ...(description ? { description } : {}) });
      if (s.schemas && typeof s.schemas === 'object') walk(s.schemas as Json, name);
    }
  };
  walk(j, undefined);
  return out;
}

/** The queries (tables and saved queries) of one schema. */
export async function getQueries(core: Core, defaultContainer: string, o: GetQueriesOptions): Promise<QueryInfo[]> {
  if (!o.schemaName) throw new InvalidArgumentError('getQueries needs schemaName.');
  const container = o.container ?? defaultContainer;
  const call = core.call<Json>({
    controller: 'query',
    action: 'getQueries',
    container,
    params: { schemaName: o.schemaName, includeColumns: false, includeViewDataUrl: false, ...(o.includeUserQueries === false ? { includeUserQueries: false } : {}) },
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const j = await withNameSuggestions(core, container, call, { schemaName: o.schemaName });
  const queries = Array.isArray(j.queries) ? (j.queries as Json[]) : [];
  return queries
    .filter((q) => q && typeof q.name === 'string')
    .map((q) => {
      const title = str(q.title);
      const description = str(q.description);
      return {
        name: q.name as string,
        ...(title ? { title } : {}),
        ...(description ? { description } : {}),
        hidden: q.hidden === true,
        isUserDefined: q.isUserDefined === true,
      };
    });
}

function columnOf(f: Json): ColumnInfo {
  const lk = f.lookup && typeof f.lookup === 'object' ? (f.lookup as Json) : undefined;
  const caption = str(f.caption);
  const type = str(f.jsonType) ?? str(f.type);
  const lookup =
    lk && (str(lk.schemaName) ?? str(lk.schema)) && (str(lk.queryName) ?? str(lk.table))
      ? {
          schemaName: (str(lk.schemaName) ?? str(lk.schema))!,
          queryName: (str(lk.queryName) ?? str(lk.table))!,
          ...(str(lk.keyColumn) ? { keyColumn: str(lk.keyColumn)! } : {}),
          ...(str(lk.displayColumn) ? { displayColumn: str(lk.displayColumn)! } : {}),
          ...(str(lk.containerPath) ? { containerPath: str(lk.containerPath)! } : {}),
        }
      : undefined;
  return {
    name: String(f.name),
    ...(caption ? { caption } : {}),
    type,
    keyField: f.keyField === true || f.isKeyField === true,
    hidden: f.hidden === true || f.isHidden === true,
    nullable: f.nullable !== false && f.isNullable !== false,
    ...(lookup ? { lookup } : {}),
  };
}

/** One query's columns: type, key, hidden, lookup target. */
export async function getQueryDetails(core: Core, defaultContainer: string, o: GetQueryDetailsOptions): Promise<QueryDetails> {
  if (!o.schemaName || !o.queryName) throw new InvalidArgumentError('getQueryDetails needs schemaName and queryName.');
  const container = o.container ?? defaultContainer;
  const call = core.call<Json>({
    controller: 'query',
    action: 'getQueryDetails',
    container,
    params: { schemaName: o.schemaName, queryName: o.queryName },
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const j = await withNameSuggestions(core, container, call, { schemaName: o.schemaName, queryName: o.queryName });
  const title = str(j.title);
  const description = str(j.description);
  return {
    schemaName: str(j.schemaName) ?? o.schemaName,
    name: str(j.name) ?? o.queryName,
    ...(title ? { title } : {}),
    ...(description ? { description } : {}),
    columns: (Array.isArray(j.columns) ? (j.columns as Json[]) : []).filter((c) => c && typeof c.name === 'string').map(columnOf),
  };
}

/**
 * `call`, with a not-found schema or query answered by a NotFoundError that names the closest
 * names the server has (`suggestions`, and "Did you mean People?" in the hint). When the names
 * cannot be listed (no permission, another failure) the server's error is thrown as it was.
 */
export async function withNameSuggestions<T>(core: Core, container: string, call: Promise<T>, names: { schemaName: string; queryName?: string | undefined }): Promise<T> {
  try {
    return await call;
  } catch (e) {
    throw await suggestNames(core, container, e, names);
  }
}

async function suggestNames(core: Core, container: string, e: unknown, names: { schemaName: string; queryName?: string | undefined }): Promise<unknown> {
  if (!isNotFoundError(e) || e.suggestions !== undefined) return e;
  let missing: string;
  let have: string[];
  try {
    if (e.what === 'schema') {
      missing = names.schemaName;
      have = (await getSchemas(core, container)).map((s) => s.name);
    } else if (e.what === 'query' && names.queryName) {
      missing = names.queryName;
      // Raw call: a missing schema here must not look for suggestions again.
      const j = await core.call<Json>({ controller: 'query', action: 'getQueries', container, params: { schemaName: names.schemaName, includeColumns: false, includeViewDataUrl: false } });
      have = (Array.isArray(j.queries) ? (j.queries as Json[]) : []).map((q) => q?.name).filter((n): n is string => typeof n === 'string');
    } else return e;
  } catch {
    return e;
  }
  const suggestions = closestNames(missing, have);
  const mean = didYouMean(suggestions);
  return new NotFoundError(e.detail, {
    ...(e.status !== undefined ? { status: e.status } : {}),
    ...(e.request ? { request: e.request } : {}),
    ...(e.serverException !== undefined ? { serverException: e.serverException } : {}),
    ...(e.exceptionClass !== undefined ? { exceptionClass: e.exceptionClass } : {}),
    problem: e.problem,
    what: e.what,
    missing,
    suggestions,
    hint: mean ? `${mean} ${e.hint ?? ''}`.trim() : e.hint,
    cause: e.cause,
  });
}

/** LabKey's warning for a filter or sort on a column the query does not have (the request still runs). */
const IGNORED_COLUMN = /^Ignoring filter\/sort on column '(.+)' because it does not exist\.?$/;

/**
 * The columns a selectRows named that the query does not have: asked for in `columns` but not
 * answered (LabKey leaves them out without a word), or filtered or sorted on (LabKey's `messages`
 * say it ignored them). Each becomes one warning for the client's `onWarning`, with the closest
 * column names of the query (one getQueryDetails, only when a column is missing).
 */
export async function warnUnknownColumns(core: Core, container: string, o: SelectRowsOptions, json: Json, fields: readonly FieldInfo[]): Promise<void> {
  const warn = core.opts.onWarning;
  const sink = core.debugSink();
  if (!warn && !sink) return;
  const answered = new Set(fields.flatMap((f) => [f.name.toLowerCase(), f.fieldKey.toLowerCase()]));
  const missing = new Map<string, 'asked for' | 'filtered or sorted on'>();
  for (const c of (columnsParam(o.columns) ?? '').split(',').map((x) => x.trim())) {
    if (c !== '' && c !== '*' && !answered.has(c.toLowerCase())) missing.set(c, 'asked for');
  }
  for (const m of Array.isArray(json.messages) ? (json.messages as Json[]) : []) {
    const hit = typeof m?.content === 'string' ? IGNORED_COLUMN.exec(m.content) : null;
    if (hit && !missing.has(hit[1]!)) missing.set(hit[1]!, 'filtered or sorted on');
  }
  if (missing.size === 0) return;
  let have: string[] = [];
  try {
    have = (await getQueryDetails(core, container, { schemaName: o.schemaName, queryName: o.queryName, ...(o.signal ? { signal: o.signal } : {}) })).columns.map((c) => c.name);
  } catch {
    /* no suggestions, the warning still goes out */
  }
  for (const [name, how] of missing) {
    const mean = didYouMean(closestNames(name, have));
    const text = `${o.schemaName}.${o.queryName} has no column ${name} (${how}; the server ${how === 'asked for' ? 'left it out' : 'ignored it'}).${mean ? ` ${mean}` : ''}`;
    sink?.(`column warning: ${text}`);
    warn?.(text);
  }
}
