/**
 * getSchemas, getQueries and getQueryDetails: which schemas, tables and columns exist, as the
 * user sees them. getQueries leaves out the queries saved in the session (GetQueriesAction skips
 * temporary queries); getQueryDetails finds them.
 * @module
 */
import { ActionError } from '../errors.js';
import type { Catalog } from './catalog.js';
import { illegal, notFound } from './errors.js';
import { fieldMeta, parseApiVersion } from './format.js';
import { bool, one } from './read.js';
import type { ApiResult, ColumnDef, ReadRequest, SessionQuery } from './types.js';
import { captionFor } from './values.js';

/** getSchemas: the schema names (apiVersion < 9.3) or an object describing each. */
export function getSchemas(catalog: Catalog, req: ReadRequest): ApiResult {
  const apiVersion = parseApiVersion(one(req.params, 'apiVersion'));
  const parent = one(req.params, 'schemaName');
  if (parent !== undefined && parent !== '' && !catalog.schemaExists(parent)) {
    throw notFound(`Could not find the schema '${parent}'`);
  }
  const names = parent ? [] : catalog.schemaNames();
  if (apiVersion < 9.3) return { status: 200, body: { schemas: names } };
  const out: Record<string, unknown> = {};
  for (const n of names) {
    out[n] = {
      schemaName: n,
      fullyQualifiedName: n,
      description: n === 'lists' ? 'Contains a data table for each defined list' : `Contains data about the ${n} schema`,
      hidden: false,
      schemas: {},
    };
  }
  return { status: 200, body: out };
}

/** getQueries: the tables of one schema the user can see, with their columns and URLs. */
export function getQueries(catalog: Catalog, contextPath: string, req: ReadRequest): ApiResult {
  const { params, container, user } = req;
  const schemaName = one(params, 'schemaName');
  if (!schemaName) throw illegal("You must supply a value for the 'schemaName' parameter!");
  if (!catalog.schemaExists(schemaName)) throw notFound(`The schema name '${schemaName}' was not found within the folder '${container}'`);
  const includeColumns = bool(one(params, 'includeColumns'), true);
  const includeViewDataUrl = bool(one(params, 'includeViewDataUrl'), true);
  const includeTitle = bool(one(params, 'includeTitle'), true);
  const tables: { name: string; columns: ColumnDef[]; title?: string; description?: string }[] = [];
  let canonical = schemaName;
  if (catalog.isLists(schemaName)) {
    canonical = 'lists';
    for (const l of catalog.store.listsIn(container)) tables.push({ name: l.name, columns: l.columns });
  } else {
    const vs = catalog.virtualSchema(schemaName)!;
    canonical = vs.name;
    for (const { name, vt } of vs.tables.values()) {
      if (vt.listed === false || vt.visible(user, container) !== true) continue;
      tables.push({ name, columns: vt.columns, ...(vt.title ? { title: vt.title } : {}), ...(vt.description ? { description: vt.description } : {}) });
    }
  }
  tables.sort((a, b) => a.name.localeCompare(b.name));
  const base = `${contextPath}/query${container.startsWith('/') ? '' : '/'}${container.split('/').map(encodeURIComponent).join('/')}`;
  const queries = tables.map((t) => ({
    name: t.name,
    ...(includeTitle ? { title: t.title ?? t.name } : {}),
    hidden: false,
    snapshot: false,
    inherit: false,
    isUserDefined: false,
    canEdit: false,
    canEditSharedViews: false,
    isMetadataOverrideable: true,
    isInherited: false,
    isIncludedForLookups: true,
    ...(t.description ? { description: t.description } : {}),
    ...(includeViewDataUrl
      ? { viewDataUrl: `${base}/executeQuery.view?schemaName=${encodeURIComponent(canonical)}&query.queryName=${encodeURIComponent(t.name)}` }
      : {}),
    ...(includeColumns
      ? { columns: t.columns.map((c) => ({ name: c.name, caption: c.caption ?? captionFor(c.name), ...(c.description ? { description: c.description } : {}) })) }
      : {}),
  }));
  return { status: 200, body: { schemaName: canonical, queries } };
}

/**
 * getQueryDetails: one table's columns with their field metadata (type, key, hidden, lookup), as
 * JsonWriter writes them for selectRows' `metaData.fields`, plus the default view's columns.
 */
export function getQueryDetails(catalog: Catalog, req: ReadRequest): ApiResult {
  const { params, container, user } = req;
  const schemaName = one(params, 'schemaName');
  const queryName = one(params, 'queryName');
  if (!schemaName) throw illegal("You must supply a value for the 'schemaName' parameter!");
  if (!catalog.schemaExists(schemaName)) throw notFound(`Could not find the schema '${schemaName}' in the folder '${container}'!`);
  if (!queryName) throw illegal("You must supply a value for the 'queryName' parameter!");
  const t = catalog.open(
    container,
    user,
    schemaName,
    queryName,
    () => notFound(`Could not find the schema '${schemaName}' in the folder '${container}'!`),
    () => notFound(`Could not find the query '${queryName}' in the schema '${schemaName}'!`),
  );
  try {
    const columns = t.columns.map((c) => fieldMeta(c, 9.1, t.readOnly));
    return {
      status: 200,
      body: {
        schemaName: t.schemaName,
        name: t.queryName,
        title: t.title ?? t.queryName,
        ...(t.description ? { description: t.description } : {}),
        isUserDefined: false,
        canEdit: false,
        isInherited: false,
        isMetadataOverrideable: true,
        isTemporary: false,
        columns,
        defaultView: { columns: t.columns.filter((c) => !c.hidden).map((c) => fieldMeta(c, 9.1, t.readOnly)) },
        views: [],
      },
    };
  } finally {
    t.dispose();
  }
}

/**
 * getQueryDetails on a query saved in the request's session (GetQueryDetailsAction over a
 * temporary custom query): `isUserDefined` and `isTemporary` true, editable by those who may edit
 * queries (the mock's site admins), the columns of its result. A query that no longer runs still
 * answers 200, with its first error as `exception` in place of the columns.
 */
export async function getSessionQueryDetails(req: ReadRequest, sq: SessionQuery, columnsOf: () => Promise<ColumnDef[]>): Promise<ApiResult> {
  const canEdit = req.user.isSiteAdmin;
  const basics = {
    schemaName: one(req.params, 'schemaName')!,
    name: sq.name,
    isUserDefined: true,
    canEdit,
    isMetadataOverrideable: canEdit,
    isInherited: false,
    isTemporary: true,
  };
  let columns: ColumnDef[];
  try {
    columns = await columnsOf();
  } catch (e) {
    if (e instanceof ActionError) return { status: 200, body: { ...basics, name: one(req.params, 'queryName')!, exception: e.message } };
    throw e;
  }
  const fields = columns.map((c) => fieldMeta(c, 9.1, true));
  return { status: 200, body: { ...basics, title: sq.name, columns: fields, defaultView: { columns: fields }, views: [] } };
}
