/**
 * selectRows (and getQuery): one table with its filters, sort, columns (one-level lookups
 * included), paging and total count, answered in the apiVersion's format.
 * @module
 */
import { prepare, type Catalog } from './catalog.js';
import { notFound } from './errors.js';
import { buildWhere } from './filters.js';
import { READ_AS_WRITTEN_ABOVE } from '../json-body.js';
import { parseApiVersion, queryResponse, type LinkColumn } from './format.js';
import { KeyOrderRead } from './key-read.js';
import { Lookups } from './lookups.js';
import { bool, checkContainerFilter, one, pagingOf, rowCountOf, type ReadCache } from './read.js';
import type { ApiResult, ColumnDef, ReadRequest } from './types.js';
import { q } from './values.js';

/** `/home/Sub Folder` → `/home/Sub%20Folder` (each segment encoded); the root is ''. */
function containerUrlPath(container: string): string {
  return container
    .split('/')
    .filter(Boolean)
    .map((s) => `/${encodeURIComponent(s)}`)
    .join('');
}

/**
 * A list's details and update links (selectRows `includeDetailsColumn`, `includeUpdateColumn`),
 * as LabKey's list module renders them in the new-style URLs it generates: the details link is
 * the list's `ListTable` details URL (`list-details.view?name=<list>&pk=<key>`, by name since
 * 22.3.4, issue 45265), the update link the default `query-updateQueryRow.view?schemaName=lists&query.queryName=<list>&<Key>=<key>`
 * (lists set no update URL of their own). The update link needs Update on the table
 * (`QueryView.canUpdate`).
 */
function listLinks(contextPath: string, container: string, listName: string, keyName: string, keyIndex: number, details: boolean, update: boolean): LinkColumn[] {
  const base = `${contextPath}${containerUrlPath(container)}`;
  const name = encodeURIComponent(listName);
  const out: LinkColumn[] = [];
  if (update) out.push({ kind: 'Update', prefix: `${base}/query-updateQueryRow.view?schemaName=lists&query.queryName=${name}&${encodeURIComponent(keyName)}=`, keyIndex });
  if (details) out.push({ kind: 'Details', prefix: `${base}/list-details.view?name=${name}&pk=`, keyIndex });
  return out;
}

export function selectRows(catalog: Catalog, cache: ReadCache, { params, container, user, canUpdate }: ReadRequest, contextPath = '/labkey'): ApiResult {
  const apiVersion = parseApiVersion(one(params, 'apiVersion'));
  const region = one(params, 'dataRegionName') || 'query';
  const schemaName = one(params, 'schemaName');
  const queryName = one(params, `${region}.queryName`) || one(params, 'queryName');
  if (!schemaName || !catalog.schemaExists(schemaName)) throw notFound('The specified schema does not exist');
  if (!queryName) throw notFound('Query not specified');
  const notFoundQuery = () => notFound(`The specified query '${queryName}' does not exist in schema '${schemaName}'`);
  const t = catalog.open(container, user, schemaName, queryName, () => notFound('The specified schema does not exist'), notFoundQuery);
  const disposers: (() => void)[] = [t.dispose];
  try {
    const viewName = one(params, `${region}.viewName`);
    if (viewName) throw notFound(`The requested view '${viewName}' does not exist for this user.`);
    checkContainerFilter(params);

    const byLower = new Map(t.columns.map((c) => [c.name.toLowerCase(), c]));
    const lookups = new Lookups(catalog, t, user, container);
    disposers.push(() => lookups.dispose());
    const resolve = (name: string) => byLower.get(name.trim().toLowerCase()) ?? lookups.resolve(name.trim());
    const messages: string[] = [];

    // Columns: requested (unknown dropped silently) or the default set.
    let columns: ColumnDef[] = [];
    const requested = (params[`${region}.columns`] ?? []).flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
    if (requested.length) {
      const seen = new Set<string>();
      for (const name of requested) {
        if (name === '*') {
          for (const c of t.columns) if (!c.hidden && !seen.has(c.name)) (seen.add(c.name), columns.push(c));
          continue;
        }
        const c = resolve(name);
        if (c && !seen.has(c.name)) (seen.add(c.name), columns.push(c));
      }
    }
    // The default set is the non-hidden columns plus the primary key, hidden or not
    // (QueryView.exportToApiResponse forces the pk into the default list).
    if (!columns.length) columns = t.columns.filter((c) => !c.hidden || c.keyField);

    const where = buildWhere(params, region, resolve, t.columns.filter((c) => !c.hidden));
    messages.push(...where.messages);

    // Sort: `query.sort=Name,-Age`; unknown columns ignored with a message; the key breaks ties.
    const sort: { field: string; direction: 'ASC' | 'DESC' }[] = [];
    for (const raw of (params[`${region}.sort`] ?? []).flatMap((v) => v.split(','))) {
      let s = raw.trim();
      if (!s) continue;
      let dir: 'ASC' | 'DESC' = 'ASC';
      if (s.startsWith('-')) (dir = 'DESC'), (s = s.slice(1));
      else if (s.startsWith('+')) s = s.slice(1);
      const c = resolve(s);
      if (!c) {
        messages.push(`Ignoring filter/sort on column '${s}' because it does not exist.`);
        continue;
      }
      if (!sort.some((x) => x.field === c.name)) sort.push({ field: c.name, direction: dir });
    }
    const order = sort.map((s) => `${q(s.field)} ${s.direction}`);
    if (t.pk && !sort.some((s) => s.field === t.pk!.name)) order.push(`${q(t.pk.name)} ASC`);
    const orderBy = order.length ? `ORDER BY ${order.join(', ')}` : '';

    const maxRaw = one(params, `${region}.maxRows`) ?? one(params, 'maxRows') ?? one(params, 'limit');
    const offRaw = one(params, `${region}.offset`) ?? one(params, 'offset') ?? one(params, 'start');
    const paging = pagingOf(maxRaw, offRaw, one(params, `${region}.showRows`));
    const includeTotal = bool(one(params, 'includeTotalCount'), true);

    // 9.1 and later: a lookup column's cell carries its target's display value.
    const display: (number | undefined)[] = [];
    const selectList = columns.map((c) => q(c.name));
    if (apiVersion >= 9.1) {
      columns.forEach((c, i) => {
        const dc = c.lookup?.displayColumn ? lookups.resolve(`${c.name}/${c.lookup.displayColumn}`) : undefined;
        if (dc) {
          display[i] = selectList.length;
          selectList.push(q(dc.name));
        }
      });
    }
    const from = lookups.from();
    const countKey = t.cacheKey === null ? null : `${t.cacheKey}|${from}|${where.sql}|${JSON.stringify(where.params)}`;
    // Paging in key order through a list (what selectRowsIter does): remember where each page
    // ended, so the next page seeks past that key instead of skipping `offset` rows again.
    const keyset = countKey !== null && t.pk !== undefined && sort.length === 0 && paging.limit !== null ? t.pk : undefined;
    // All rows of one list in key order (maxRows=-1): a large answer is read as it is written.
    const whole = countKey !== null && t.list !== undefined && t.pk !== undefined && sort.length === 0 && paging.limit === null && from === t.from ? t.pk : undefined;
    let pkIndex = -1;
    if (keyset ?? whole) {
      pkIndex = columns.findIndex((c) => c === (keyset ?? whole));
      if (pkIndex < 0) {
        pkIndex = selectList.length;
        selectList.push(q((keyset ?? whole)!.name));
      }
    }
    // Details and update links: lists only (their key in each row, selected or not).
    let links: LinkColumn[] = [];
    const wantDetails = bool(one(params, 'includeDetailsColumn'), false);
    const wantUpdate = bool(one(params, 'includeUpdateColumn'), false) && canUpdate === true;
    if (t.list && t.pk && (wantDetails || wantUpdate)) {
      let keyIndex = columns.indexOf(t.pk);
      if (keyIndex < 0) keyIndex = pkIndex >= 0 ? pkIndex : selectList.push(q(t.pk.name)) - 1;
      links = listLinks(contextPath, container, t.queryName, t.pk.name, keyIndex, wantDetails, wantUpdate);
    }
    const count = () =>
      cache.count(countKey, () => {
        const r = prepare(t, `SELECT COUNT(*) FROM ${from} ${where.sql}`).raw(true).get(...where.params) as [number];
        return r[0];
      });
    const length = whole && !paging.metadataOnly ? Math.max(0, count() - paging.offset) : 0;
    let rows: unknown[][] | KeyOrderRead | undefined;
    if (length > READ_AS_WRITTEN_ABOVE) {
      const seek = `${where.sql ? `${where.sql} AND` : 'WHERE'} ${q(whole!.name)} > ?`;
      rows = new KeyOrderRead(
        t.list!.conn,
        prepare(t, `SELECT ${selectList.join(', ')} FROM ${from} ${where.sql} ${orderBy} LIMIT ? OFFSET ?`).raw(true),
        prepare(t, `SELECT ${selectList.join(', ')} FROM ${from} ${seek} ${orderBy} LIMIT ?`).raw(true),
        where.params,
        paging.offset,
        length,
        pkIndex,
      );
    } else if (!paging.metadataOnly) {
      const resume = keyset && paging.offset > 0 ? cache.resumeAfter(countKey!, paging.offset) : undefined;
      if (resume !== undefined) {
        const seek = `${where.sql ? `${where.sql} AND` : 'WHERE'} ${q(keyset!.name)} > ?`;
        const sql = `SELECT ${selectList.join(', ')} FROM ${from} ${seek} ${orderBy} LIMIT ?`;
        rows = prepare(t, sql).raw(true).all(...where.params, resume, paging.limit ?? -1) as unknown[][];
      } else {
        const sql = `SELECT ${selectList.join(', ')} FROM ${from} ${where.sql} ${orderBy} LIMIT ? OFFSET ?`;
        rows = prepare(t, sql).raw(true).all(...where.params, paging.limit ?? -1, paging.offset) as unknown[][];
      }
      if (keyset && rows.length > 0) cache.pageEnded(countKey!, paging.offset + rows.length, rows[rows.length - 1]![pkIndex]);
    }
    const rowCount = rowCountOf(paging, rows?.length ?? 0, includeTotal, count);

    const body = queryResponse({
      apiVersion,
      schemaName,
      queryName: t.queryName,
      columns,
      rows,
      rowCount,
      includeMetadata: bool(one(params, 'includeMetadata'), true),
      readOnlyTable: t.readOnly,
      // metaData.id names the table's single primary key whatever was selected.
      ...(t.pk ? { idColumn: t.pk.name } : {}),
      sort: one(params, `${region}.sort`) !== undefined ? sort : [],
      messages,
      display,
      links,
      ...(t.title ? { title: t.title } : {}),
      ...(t.description ? { description: t.description } : {}),
    });
    return { status: 200, body };
  } finally {
    for (const d of disposers.reverse()) d();
  }
}