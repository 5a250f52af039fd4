import type { Core } from '../request.js';
import { SDK_URL_PARAMS } from './sdk-params.js';
import { columnsParam, filterParam, FILTER_OPERATORS, parseFilter, sortParam, type Filter } from './filter.js';
import { normalizeQueryResponse, normalizeRows, queryFields } from './rows.js';
import type { ExecuteSqlOptions, IterOptions, QueryOptionsBase, QueryResult, RawRowsPage, SelectRowsOptions } from './types.js';
import { rawSuccess, type RawBody } from '../send-action.js';
import { StreamedRows, type StreamRowsOptions } from './row-stream.js';
import { releaseTable } from './raw-rows.js';
import { parseJsonObject } from '../errors/to-labkey-error.js';
import { BadFilterValueError, InvalidArgumentError } from '../errors/credential-errors.js';
import { isHttpError } from '../errors/guards.js';
import { getQueryDetails, warnUnknownColumns, withNameSuggestions } from './discovery.js';
import { closestNames, didYouMean } from './suggest.js';

type Params = Record<string, string | number | boolean | undefined | (string | number | boolean)[]>;

/**
 * Asked of every query action: JSON without the indentation LabKey adds by default
 * (`respFormat=json_compact`, read by every server's action controller). Rows are data for the
 * SDK, not for eyes: a 5,000-row page of lists.Generated is 862 kB indented and 568 kB compact (the mock),
 * less to send and to parse.
 */
const COMPACT = 'json_compact';

const BASE_OPTIONS = ['container', 'maxRows', 'offset', 'sort', 'includeTotalCount', 'containerFilter', 'parameters', 'apiVersion', 'signal', 'pageSize', 'onMetadata', 'oneRequest'];
const SELECT_OPTIONS = new Set([...BASE_OPTIONS, 'schemaName', 'queryName', 'columns', 'filters', 'viewName']);
const SQL_OPTIONS = new Set([...BASE_OPTIONS, 'schemaName', 'sql', 'wafEncode']);
/** `@labkey/api`'s names for the same options, as users bring them over. */
const LABKEY_API_NAMES: Record<string, string> = { filterArray: 'filters', containerPath: 'container', requiredVersion: 'apiVersion' };
const CALLBACKS = new Set(['success', 'failure', 'scope']);

/** An option the SDK does not read is an error naming the one meant, never silently ignored. */
function checkOptions(action: string, o: object, known: ReadonlySet<string>): void {
  for (const name of Object.keys(o)) {
    if (known.has(name) || (o as Record<string, unknown>)[name] === undefined) continue;
    const hint = CALLBACKS.has(name)
      ? `${action} returns a promise: use await (or .then/.catch) instead of ${name}.`
      : LABKEY_API_NAMES[name] !== undefined && known.has(LABKEY_API_NAMES[name] as string)
        ? `@labkey/api calls it ${name}; here it is ${LABKEY_API_NAMES[name]}.`
        : (didYouMean(closestNames(name, known)) ?? `The options are: ${[...known].join(', ')}.`);
    throw new InvalidArgumentError(`${action} has no option ${JSON.stringify(name)}.`, { hint });
  }
}

/** A filter as given: a Filter (from Filter.gt(...) or filter()), or LabKey's URL form 'Age~gt=30'. */
function toFilter(f: unknown): Filter {
  if (typeof f === 'string') return parseFilter(f);
  if (typeof f === 'object' && f !== null && typeof (f as Filter).column === 'string' && (FILTER_OPERATORS as readonly unknown[]).includes((f as Filter).op)) {
    return f as Filter;
  }
  throw new InvalidArgumentError(`Not a filter: ${typeof f === 'object' ? JSON.stringify(f) : String(f)}.`, {
    hint: "Give filters as Filter.gt('Age', 30), filter('Age', 'gt', 30) or the string 'Age~gt=30'.",
  });
}

function selectParams(o: SelectRowsOptions): Params {
  checkOptions('selectRows', o, SELECT_OPTIONS);
  if (o.filters !== undefined && !Array.isArray(o.filters)) {
    throw new InvalidArgumentError('selectRows filters must be an array.', { hint: "e.g. filters: [Filter.gt('Age', 30)] or filters: ['Age~gt=30']" });
  }
  const p: Params = { schemaName: o.schemaName, 'query.queryName': o.queryName, [SDK_URL_PARAMS.respFormat]: COMPACT };
  if (o.viewName !== undefined) p['query.viewName'] = o.viewName;
  const cols = columnsParam(o.columns);
  if (cols !== undefined) p['query.columns'] = cols;
  const sort = sortParam(o.sort);
  if (sort !== undefined) p['query.sort'] = sort;
  if (o.maxRows !== undefined) {
    p[SDK_URL_PARAMS.maxRows] = o.maxRows;
    if (o.maxRows < 0) p[SDK_URL_PARAMS.showRows] = 'all';
  }
  if (o.offset !== undefined) p[SDK_URL_PARAMS.offset] = o.offset;
  if (o.includeTotalCount !== undefined) p[SDK_URL_PARAMS.includeTotalCount] = o.includeTotalCount;
  if (o.containerFilter !== undefined) p.containerFilter = o.containerFilter;
  if (o.apiVersion !== undefined) p.apiVersion = o.apiVersion;
  if (o.parameters) for (const [k, v] of Object.entries(o.parameters)) p[`query.param.${k}`] = v;
  if (o.filters) {
    for (const f of o.filters as unknown[]) {
      const [name, value] = filterParam(toFilter(f));
      const prev = p[name];
      if (prev === undefined) p[name] = value;
      else p[name] = Array.isArray(prev) ? [...prev, value] : [prev as string, value];
    }
  }
  return p;
}

/**
 * `query-selectRows.api` (GET; the core turns it into a form POST when the URL would be too long).
 * Rows come back as plain objects. Unless `checkColumns` is false (the later pages of an
 * iterator), columns the query does not have are reported to the client's `onWarning`.
 */
export async function selectRows<R>(core: Core, defaultContainer: string, o: SelectRowsOptions, checkColumns = true, onBody?: () => void): Promise<QueryResult<R>> {
  return normalizeQueryResponse<R>(((await selectRowsAnswer(core, defaultContainer, o, checkColumns, onBody, false)) as RawBody).json);
}

/** {@link selectRows} as a {@link RawRowsPage}: the rows stay bytes until asked for. */
export async function selectRowsRaw<R>(core: Core, defaultContainer: string, o: SelectRowsOptions, checkColumns = true, onBody?: () => void): Promise<RawRowsPage<R>> {
  return rawPage<R>((await selectRowsAnswer(core, defaultContainer, o, checkColumns, onBody, true)) as RawBody);
}

/**
 * selectRows in ONE request (`oneRequest`): maxRows the caller's, else -1 with showRows=all, and
 * the caller's offset; the answer's body read as it arrives and cut into {@link RawRowsPage}s of
 * at most `pageSize` rows (see row-stream.ts for the timeouts and the page cap).
 */
export function selectRowsOneRequest<R>(core: Core, defaultContainer: string, o: SelectRowsOptions & IterOptions): AsyncGenerator<RawRowsPage<R>, void, undefined> {
  return oneRequestPages<R>(o, (stream) =>
    selectRowsAnswer(core, defaultContainer, { ...o, maxRows: o.maxRows ?? -1 }, false, undefined, true, stream).then((answer) => ({
      answer,
      check: (json) => warnUnknownColumns(core, o.container ?? defaultContainer, o, json, queryFields(json)),
    })),
  );
}

/** {@link selectRowsOneRequest} for executeSql. */
export function executeSqlOneRequest<R>(core: Core, defaultContainer: string, o: ExecuteSqlOptions & IterOptions): AsyncGenerator<RawRowsPage<R>, void, undefined> {
  return oneRequestPages<R>(o, (stream) => executeSqlAnswer(core, defaultContainer, { ...o, maxRows: o.maxRows ?? -1 }, undefined, true, stream).then((answer) => ({ answer })));
}

/**
 * Rows per page cut from one streamed answer when the caller gives no pageSize. Smaller than the
 * paged default (5,000): each page is a fresh buffer, and V8 frees such external memory late when
 * it comes fast, so the peak grows with the page (lk's csv export of 1,000,000 Generated rows,
 * peak RSS: 5,000-row pages 96-118 MB, 2,500 84-94 MB, 1,000 77-84 MB; load ~5).
 */
const ONE_REQUEST_PAGE_SIZE = 1000;

type Opened = { answer: RawBody | StreamedRows; check?: (json: Record<string, unknown>) => Promise<void> };

async function* oneRequestPages<R>(o: QueryOptionsBase & IterOptions, open: (stream: StreamRowsOptions) => Promise<Opened>): AsyncGenerator<RawRowsPage<R>, void, undefined> {
  const pageSize = o.pageSize ?? ONE_REQUEST_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize <= 0) throw new InvalidArgumentError('pageSize must be a positive integer.');
  if (o.maxRows === 0) return;
  const { answer, check } = await open({ pageSize });
  if (!(answer instanceof StreamedRows)) {
    // A success without a rows array (read whole): its metadata, no rows.
    await check?.(answer.json);
    const page = rawPage<R>(answer);
    o.onMetadata?.({ fields: page.fields, rowCount: page.rowCount });
    if (page.count > 0) yield page;
    return;
  }
  let before = 0;
  let first = true;
  try {
    for (;;) {
      const cut = await answer.next();
      if (!cut) return;
      const body = rawSuccess(cut.body);
      if (!body) throw await answer.badPage(cut, before);
      const page = rawPage<R>(body);
      if (first) {
        first = false;
        await check?.(body.json);
        o.onMetadata?.({ fields: page.fields, rowCount: page.rowCount });
      }
      before += page.count;
      if (page.count > 0) yield page;
    }
  } finally {
    answer.close();
  }
}

async function selectRowsAnswer(
  core: Core,
  defaultContainer: string,
  o: SelectRowsOptions,
  checkColumns: boolean,
  onBody: (() => void) | undefined,
  raw: boolean,
  stream?: StreamRowsOptions,
): Promise<RawBody | StreamedRows> {
  if (!o.schemaName || !o.queryName) throw new InvalidArgumentError('selectRows needs schemaName and queryName.');
  const params = selectParams(o);
  const container = o.container ?? defaultContainer;
  const call = core.call<RawBody | StreamedRows | Record<string, unknown>>(
    {
      controller: 'query',
      action: 'selectRows',
      container,
      params,
      idempotent: true,
      mutating: false,
      ...(o.signal ? { signal: o.signal } : {}),
    },
    { ...(onBody ? { onBody } : {}), raw, ...(stream ? { stream } : {}) },
  );
  // A schema or query the server does not have: the error names the closest ones it has.
  const answer = await withNameSuggestions(core, container, call, { schemaName: o.schemaName, queryName: o.queryName }).catch(async (e: unknown) => {
    throw await badFilterValue(core, container, o, e);
  });
  if (answer instanceof StreamedRows) return answer;
  const body = raw ? (answer as RawBody) : { json: answer as Record<string, unknown> };
  if (checkColumns) await warnUnknownColumns(core, container, o, body.json, queryFields(body.json));
  return body;
}

/**
 * A selectRows/executeSql answer's body (e.g. saved from a server) as a {@link RawRowsPage},
 * as the raw pagers give it; undefined when the body is not a JSON object.
 * @public
 */
export function rawRowsPage<R = Record<string, unknown>>(bytes: Uint8Array): RawRowsPage<R> | undefined {
  const b = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const body = rawSuccess(b);
  if (body) return rawPage<R>(body);
  const json = parseJsonObject(b.toString('utf8'));
  return json ? rawPage<R>({ json }) : undefined;
}

/**
 * A page as {@link RawRowsPage}: its metadata from the body minus the rows; its rows parsed and
 * normalised (as {@link normalizeQueryResponse} does) only when asked for.
 */
function rawPage<R>(body: RawBody): RawRowsPage<R> {
  const meta = normalizeQueryResponse<R>(body.json);
  const { bytes, span } = body;
  if (!bytes || !span) {
    const rows = meta.rows;
    return { ...meta, count: rows.length, bytes: undefined, span: undefined, rows: () => rows, release: () => {} };
  }
  let rows: R[] | undefined;
  return {
    rowCount: meta.rowCount,
    schemaName: meta.schemaName,
    queryName: meta.queryName,
    fields: meta.fields,
    count: span.count,
    bytes,
    span,
    rows: () => (rows ??= normalizeRows<R>(JSON.parse(bytes.toString('utf8', span.start, span.end)) as Record<string, unknown>[])),
    release: () => {
      if (span.table) releaseTable(span.table);
      span.table = undefined;
    },
  };
}

/** The type names LabKey's JSON metadata uses, as a user reads them. */
const TYPE_WORDS: Record<string, string> = { int: 'a whole number', float: 'a number', date: 'a date', time: 'a time', boolean: 'true or false' };

/**
 * A 400 ConversionException from selectRows (a filter value the column's type cannot hold, e.g.
 * Age~gte=abc) as a {@link BadFilterValueError} naming the filter and the column's type (one
 * getQueryDetails, on this error only); any other error as it was.
 */
async function badFilterValue(core: Core, container: string, o: SelectRowsOptions, e: unknown): Promise<unknown> {
  if (!isHttpError(e) || e.status !== 400 || !/ConversionException/.test(e.exceptionClass ?? '')) return e;
  const said = e.serverException ?? '';
  const filters = (o.filters ?? []).map(toFilter).filter((f) => f.value !== undefined);
  const f =
    filters.find((x) => said.includes(`"${x.value}"`) || said.includes(`'${x.value}'`)) ??
    filters.find((x) => said.includes(x.column)) ??
    (filters.length === 1 ? filters[0] : undefined);
  if (!f) return e;
  let type: string | undefined;
  try {
    const details = await getQueryDetails(core, container, { schemaName: o.schemaName, queryName: o.queryName, ...(o.signal ? { signal: o.signal } : {}) });
    type = details.columns.find((c) => c.name.toLowerCase() === f.column.toLowerCase())?.type;
  } catch {
    /* the type stays unknown; the filter is still named */
  }
  const want = type === undefined ? undefined : (TYPE_WORDS[type] ?? `a ${type}`);
  const text = `${f.column}~${f.op}=${f.value}`;
  return new BadFilterValueError(
    `The filter ${text} has a value the column cannot hold: ${o.schemaName}.${o.queryName}.${f.column} is ${type === undefined ? 'of another type' : `of type ${type}`}, and ${JSON.stringify(f.value)} is not ${want ?? 'one of its values'} (the server said: ${said || 'no message'}).`,
    { column: f.column, op: f.op, value: f.value as string, type },
    {
      hint: `Give ${f.column}~${f.op} ${want ?? 'a value of the column\'s type'}${type === 'int' || type === 'float' ? `, e.g. ${f.column}~${f.op}=30` : type === 'date' ? `, e.g. ${f.column}~${f.op}=2024-01-31` : ''}.`,
      cause: e,
    },
  );
}

const WAF_PREFIX = '/*{{base64/x-www-form-urlencoded/wafText}}*/';

/**
 * WAF-encodes SQL as the official clients do (labkey-api-js `Utils.wafEncode`): the prefix, then
 * base64 of encodeURIComponent(sql). The server (23.9+) decodes it; web application firewalls
 * in front of it then see no raw SQL.
 * @public
 */
export function wafEncode(sql: string): string {
  return WAF_PREFIX + Buffer.from(encodeURIComponent(sql), 'utf8').toString('base64');
}

/** A server that does not decode WAF-encoded SQL (before LabKey 23.9) parses the encoded text itself and fails. */
function isUndecodedWaf(e: unknown): boolean {
  return isHttpError(e) && (e.status === 400 || e.status === 500) && /QueryParse|SqlParse/i.test(e.exceptionClass ?? '');
}

/**
 * `query-executeSql.api`, a JSON POST that is read-only (no CSRF, safe to retry).
 *
 * The SQL goes WAF-encoded, as the official clients send it, unless `wafEncode: false`. A server
 * before LabKey 23.9 does not decode it and answers a parse error: with `wafEncode` not given, the
 * statement is then sent once more as plain SQL, and the client sends plain SQL to that server
 * from then on (`core.wafSql`). A statement that fails both ways reports the plain SQL's parse error.
 */
export async function executeSql<R>(core: Core, defaultContainer: string, o: ExecuteSqlOptions, onBody?: () => void): Promise<QueryResult<R>> {
  return normalizeQueryResponse<R>(((await executeSqlAnswer(core, defaultContainer, o, onBody, false)) as RawBody).json);
}

/** {@link executeSql} as a {@link RawRowsPage}: the rows stay bytes until asked for. */
export async function executeSqlRaw<R>(core: Core, defaultContainer: string, o: ExecuteSqlOptions, onBody?: () => void): Promise<RawRowsPage<R>> {
  return rawPage<R>((await executeSqlAnswer(core, defaultContainer, o, onBody, true)) as RawBody);
}

type SqlAnswer = RawBody | StreamedRows;

async function executeSqlAnswer(core: Core, defaultContainer: string, o: ExecuteSqlOptions, onBody: (() => void) | undefined, raw: boolean, stream?: StreamRowsOptions): Promise<SqlAnswer> {
  if (!o.schemaName || typeof o.sql !== 'string') throw new InvalidArgumentError('executeSql needs schemaName and sql.');
  checkOptions('executeSql', o, SQL_OPTIONS);
  if (o.wafEncode !== undefined) return executeSqlAs(core, defaultContainer, o, o.wafEncode, onBody, raw, stream);
  if (core.wafSql === false) return executeSqlAs(core, defaultContainer, o, false, onBody, raw, stream);
  try {
    const result = await executeSqlAs(core, defaultContainer, o, true, onBody, raw, stream);
    core.wafSql = true;
    return result;
  } catch (e) {
    if (core.wafSql === true || !isUndecodedWaf(e)) throw e;
    let plain: SqlAnswer;
    try {
      plain = await executeSqlAs(core, defaultContainer, o, false, onBody, raw, stream);
    } catch (e2) {
      // A parse error of the plain SQL is about what the caller wrote, whichever server this is;
      // anything else (a firewall refusing plain SQL, say) leaves the first failure the one to report.
      throw isUndecodedWaf(e2) ? e2 : e;
    }
    core.wafSql = false;
    return plain;
  }
}

async function executeSqlAs(
  core: Core,
  defaultContainer: string,
  o: ExecuteSqlOptions,
  waf: boolean,
  onBody: (() => void) | undefined,
  raw: boolean,
  stream?: StreamRowsOptions,
): Promise<SqlAnswer> {
  const body: Record<string, unknown> = {
    schemaName: o.schemaName,
    sql: waf ? wafEncode(o.sql) : o.sql,
  };
  if (o.maxRows !== undefined) body.maxRows = o.maxRows;
  if (o.offset !== undefined) body.offset = o.offset;
  if (o.includeTotalCount !== undefined) body.includeTotalCount = o.includeTotalCount;
  if (o.containerFilter !== undefined) body.containerFilter = o.containerFilter;
  if (o.apiVersion !== undefined) body.apiVersion = o.apiVersion;
  const params: Params = { [SDK_URL_PARAMS.respFormat]: COMPACT };
  const sort = sortParam(o.sort);
  if (sort !== undefined) params['query.sort'] = sort;
  if (o.parameters) for (const [k, v] of Object.entries(o.parameters)) params[`query.param.${k}`] = v;
  const container = o.container ?? defaultContainer;
  const call = core.call<SqlAnswer | Record<string, unknown>>(
    {
      controller: 'query',
      action: 'executeSql',
      container,
      method: 'POST',
      json: body,
      params,
      idempotent: true,
      mutating: false,
      ...(o.signal ? { signal: o.signal } : {}),
    },
    { ...(onBody ? { onBody } : {}), raw, ...(stream ? { stream } : {}) },
  );
  // A schema the server does not have: the error names the closest ones it has.
  const answer = await withNameSuggestions(core, container, call, { schemaName: o.schemaName });
  if (answer instanceof StreamedRows) return answer;
  return raw ? (answer as RawBody) : { json: answer as Record<string, unknown> };
}

/** One page request of a pager: `onBody` is called when its answer has arrived, before it is parsed. */
export type PageFetch<R, P = QueryResult<R>> = (maxRows: number, offset: number, first: boolean, onBody?: () => void) => Promise<P>;

/** What a pager reads of a page. */
interface PageLike {
  rowCount: number | undefined;
  fields: QueryResult<unknown>['fields'];
}

/**
 * Pages through a result in bounded memory, yielding each page's rows as one array: `pageSize`
 * rows (default 5 000) at a time, `maxRows` + `offset` per request. Stops on a short page, at the
 * first page's `rowCount`, or after `maxRows` rows in total when the caller gave one.
 *
 * At most one page is in flight while one is parsed or read by the caller, so fetching overlaps
 * the work on the page before without memory growing with the result. The next page is asked
 * for as soon as this page's answer has arrived, before it is parsed, when the caller is waiting
 * for it and the first page's row count says another full page follows (the server then builds
 * the next page while this one is parsed); otherwise once this page is parsed. A page that was
 * requested but is no longer wanted (the caller stopped early, or this page came back short or
 * failed) is left to finish and dropped; its failure is ignored.
 */
export function paginatePages<R>(fetchPage: PageFetch<R>, o: QueryOptionsBase & IterOptions): AsyncGenerator<R[], void, undefined> {
  return paginateWith(fetchPage, o, (p) => p.rows.length, (p) => p.rows);
}

/** {@link paginatePages} yielding each {@link RawRowsPage} (rows as bytes until asked for). */
export function paginateRawPages<R>(fetchPage: PageFetch<R, RawRowsPage<R>>, o: QueryOptionsBase & IterOptions): AsyncGenerator<RawRowsPage<R>, void, undefined> {
  return paginateWith(fetchPage, o, (p) => p.count, (p) => p);
}

/** The pager over any page type: `size` its row count, `out` what is yielded for it. */
async function* paginateWith<P extends PageLike, Y>(
  fetchPage: PageFetch<unknown, P>,
  o: QueryOptionsBase & IterOptions,
  size: (p: P) => number,
  out: (p: P) => Y,
): AsyncGenerator<Y, void, undefined> {
  const pageSize = o.pageSize ?? 5000;
  if (!Number.isInteger(pageSize) || pageSize <= 0) throw new InvalidArgumentError('pageSize must be a positive integer.');
  let offset = o.offset ?? 0;
  let remaining = o.maxRows !== undefined && o.maxRows >= 0 ? o.maxRows : Infinity;
  if (remaining <= 0) return;
  let total: number | undefined;
  let want = Math.min(pageSize, remaining);
  /** The offset of the page the generator is awaiting (the caller is done with the page before). */
  let awaiting: number | undefined;
  /** The page asked for before the one awaited was parsed. */
  let early: { offset: number; want: number; page: Promise<P> } | undefined;
  const ask = (n: number, at: number): Promise<P> => {
    const p = fetchPage(n, at, false, () => {
      // `at`'s answer is in: if it is the awaited page and a full one would leave rows to read,
      // ask for the page after it now.
      if (awaiting !== at || early || total === undefined) return;
      const after = at + n;
      const left = remaining - n;
      if (left > 0 && after < total) {
        const m = Math.min(pageSize, left);
        early = { offset: after, want: m, page: ask(m, after) };
      }
    });
    // It may fail while the caller is still busy with another page: mark it handled now (the
    // error still reaches the caller through the await below), or Node reports it unhandled.
    p.catch(() => {});
    return p;
  };
  let next: Promise<P> | undefined = fetchPage(want, offset, true);
  for (let first = true; next; first = false) {
    awaiting = offset;
    let page: P;
    try {
      page = await next;
    } finally {
      awaiting = undefined;
    }
    next = undefined;
    if (first) {
      total = page.rowCount;
      o.onMetadata?.({ fields: page.fields, rowCount: page.rowCount });
    }
    const n = size(page);
    offset += n;
    remaining -= n;
    const more = n === want && n > 0 && remaining > 0 && (total === undefined || offset < total);
    const ahead = early;
    early = undefined;
    if (more) {
      want = Math.min(pageSize, remaining);
      next = ahead && ahead.offset === offset && ahead.want === want ? ahead.page : ask(want, offset);
    }
    if (n > 0) yield out(page);
  }
}

/** {@link paginatePages}, row by row. */
export async function* paginate<R>(fetchPage: PageFetch<R>, o: QueryOptionsBase & IterOptions): AsyncGenerator<R, void, undefined> {
  for await (const rows of paginatePages(fetchPage, o)) {
    const n = rows.length;
    for (let i = 0; i < n; i++) yield rows[i] as R;
  }
}
