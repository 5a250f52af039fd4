/**
 * moveRows (`query-moveRows.api`, LabKey 24.1 and later), the command part: what
 * `BaseSaveRowsAction.executeJson` checks, in its order, once the router has validated the target
 * container (`targetContainerPath`) and resolved the command's own container:
 *
 * 1. a JSON body with a non-empty `rows` array (400), `schemaName` and `queryName` (500);
 * 2. the schema and query (500 IllegalArgumentException, as for insertRows);
 * 3. MoveEntities on the table (403; 401 for guests): on lists it is the folder's (the mock's
 *    signed-in users hold it where they hold Update, as LabKey's Editor roles grant both); the key
 *    tables grant Read and Delete only (`UserApiKeysTableInfo`/`ApiKeysTableInfo.hasPermission`);
 * 4. every row an object (500 "rows[i] is not an object.");
 * 5. the table's update service moves the rows. Only sample types, data classes and assay runs
 *    implement that (`SampleTypeUpdateServiceDI`, `ExpDataClassDataTableImpl`, `ExpRunTableImpl`);
 *    every other table, lists included, inherits `AbstractQueryUpdateService.moveRows`, which
 *    throws UnsupportedOperationException "Move is not supported for this table type." (500).
 *    The mock has no table of the first kind, so a request that passes every check ends there,
 *    as it would on a real server holding the same tables.
 * @module
 */
import { ActionError } from '../errors.js';
import type { Catalog } from './catalog.js';
import { visibleTable } from './catalog.js';
import { forbidden, illegal } from './errors.js';
import { commandHeader } from './mutation.js';
import type { ApiResult, MoveRequest } from './types.js';
import { isRecord } from './values.js';

export const UNSUPPORTED_OPERATION = 'java.lang.UnsupportedOperationException';

export function moveRows(catalog: Catalog, { body: input, container, user, movePermitted }: MoveRequest): ApiResult {
  const { rows, schemaName, queryName } = commandHeader(input);
  if (!catalog.schemaExists(schemaName)) throw illegal(`The schema '${schemaName}' does not exist.`);
  const noQuery = () => illegal(`The query '${queryName}' in the schema '${schemaName}' does not exist.`);
  if (catalog.isLists(schemaName)) {
    if (!catalog.store.list(container, queryName)) throw noQuery();
    if (!movePermitted) throw forbidden(user);
  } else {
    const entry = visibleTable(catalog.virtualSchema(schemaName)!, container, user, queryName, noQuery);
    // The mock's virtual tables that take deleteRows are the key tables: Read and Delete only.
    if (entry.vt.deleteRows || !movePermitted) throw forbidden(user);
  }
  rows.forEach((r, i) => {
    if (!isRecord(r)) throw illegal(`rows[${i}] is not an object.`);
  });
  throw new ActionError(500, 'Move is not supported for this table type.', UNSUPPORTED_OPERATION);
}
