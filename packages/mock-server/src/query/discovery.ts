/**
 * getSchemas and getQueries: which schemas and tables exist, as the user sees them.
 * @module
 */
import type { Catalog } from './catalog.js';
import { illegal, notFound } from './errors.js';
import { parseApiVersion } from './format.js';
import { bool, one } from './read.js';
import type { ApiResult, ColumnDef, ReadRequest } from './types.js';
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
