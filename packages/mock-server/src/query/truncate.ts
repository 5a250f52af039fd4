/**
 * truncateTable (`query-truncateTable.api`): every row of one table deleted, as LabKey's
 * `QueryController.TruncateTableAction` does. Its form is a plain QueryForm, so `schemaName` and
 * `queryName` are parameters (a JSON body's top-level keys), and a body's `containerPath` is not
 * read: the URL's container is the one truncated. The router checks Admin in the container first
 * (the action's `@RequiresPermission(AdminPermission.class)`), then CSRF and POST.
 *
 * Lists truncate. A virtual table truncates only through its own `truncate` (core.APIKeys does,
 * revoking every key, as the real table's DefaultQueryUpdateService deletes all its rows;
 * core.UserAPIKeys refuses, as LabKey's UserApiKeysUpdateService does); one without it answers
 * "… is not truncatable.", LabKey's answer for a table with no update service.
 * @module
 */
import type { Catalog } from './catalog.js';
import { visibleTable } from './catalog.js';
import { illegal, notFound } from './errors.js';
import { one } from './read.js';
import type { ApiResult, ReadRequest } from './types.js';

const blank = (s: string | undefined): boolean => s === undefined || s.trim() === '';

export function truncateTable(catalog: Catalog, { params, container, user }: ReadRequest): ApiResult {
  const schemaName = one(params, 'schemaName');
  const queryName = one(params, 'queryName') ?? one(params, 'query.queryName');
  // validateForm: these are NotFoundExceptions (404), unlike insertRows' IllegalArgumentExceptions (500).
  if (blank(schemaName) || blank(queryName)) throw notFound('schemaName and queryName are required');
  const s = schemaName!;
  const qn = queryName!;
  if (!catalog.schemaExists(s)) throw notFound(`The schema '${s}' does not exist.`);
  const noQuery = () => notFound(`The query '${qn}' in the schema '${s}' does not exist.`);
  let deletedRows: number;
  if (catalog.isLists(s)) {
    const list = catalog.store.list(container, qn);
    if (!list) throw noQuery();
    deletedRows = catalog.store.truncate(list);
  } else {
    const entry = visibleTable(catalog.virtualSchema(s)!, container, user, qn, noQuery);
    if (!entry.vt.truncate) throw illegal(`The query '${qn}' in the schema '${s}' is not truncatable.`);
    deletedRows = entry.vt.truncate(user, container);
  }
  // The names come back as the form had them, not as the table spells them.
  return { status: 200, body: { success: true, schemaName: s, queryName: qn, deletedRows } };
}
